"""Sweep specifications: grid expansion, stable task keys, TOML files, validation."""

from __future__ import annotations

import pytest

from modelcollapse import Setting, Spectrum
from modelcollapse.sweep import Sweep

BASE = Setting(d=20, n=100, c2=1.0)


def test_grid_is_the_cartesian_product_with_seeds_innermost():
    sweep = Sweep.grid("g", BASE, seeds=3, n=[100, 200], p2=[0.0, 0.1, 0.5])
    assert len(sweep.settings) == 6
    tasks = sweep.tasks()
    assert len(tasks) == 18
    assert [(t.setting_index, t.seed_index) for t in tasks[:4]] == [(0, 0), (0, 1), (0, 2), (1, 0)]
    assert [(s.n, s.p2) for s in sweep.settings[:3]] == [(100, 0.0), (100, 0.1), (100, 0.5)]


def test_keys_depend_on_everything_that_changes_the_result_and_nothing_else():
    a = Sweep.grid("a", BASE, seeds=2, n=[100]).tasks()
    b = Sweep.grid("another-name", BASE, seeds=2, n=[100.0]).tasks()
    assert [t.key for t in a] == [t.key for t in b]  # study name and 100 vs 100.0: same
    assert a[0].key != a[1].key  # seed index
    variants = [Sweep.grid("a", BASE, seeds=1, base_seed=1, n=[100]),
                Sweep.grid("a", BASE, seeds=1, task="theory", n=[100]),
                Sweep.grid("a", BASE, seeds=1, method="direct", n=[100]),
                Sweep.grid("a", BASE, seeds=1, n=[101])]
    keys = {v.tasks()[0].key for v in variants} | {a[0].key}
    assert len(keys) == 5
    assert len(a[0].key) == 32 and int(a[0].key, 16) >= 0


def test_joined_blocks_drop_duplicate_settings():
    one = Sweep.grid("j", BASE, seeds=2, p2=[0.0, 0.1])
    two = Sweep.grid("j", BASE, seeds=2, p2=[0.1, 0.2])
    assert [s.p2 for s in (one + two).settings] == [0.0, 0.1, 0.2]
    with pytest.raises(ValueError, match="^seeds"):
        one + Sweep.grid("j", BASE, seeds=3, p2=[0.3])


def test_toml_file_with_blocks_and_ranges(tmp_path):
    path = tmp_path / "study.toml"
    path.write_text("""
name = "plateaus"
seeds = 4
task = "theory"
[base]
d = 50
c2 = 1.0
[[grid]]
n = {start = 100, stop = 10000, num = 3, log = true}
p2 = [0.0, 0.5]
[[grid]]
n = [400]
ridge = {start = 0.0, stop = 1.0, num = 3}
""")
    sweep = Sweep.from_toml(path)
    assert sweep.name == "plateaus" and sweep.seeds == 4 and sweep.task == "theory"
    assert [(s.n, s.p2) for s in sweep.settings[:6]] == [
        (100, 0.0), (100, 0.5), (1000, 0.0), (1000, 0.5), (10000, 0.0), (10000, 0.5)]
    assert [s.ridge for s in sweep.settings[6:]] == [0.0, 0.5, 1.0]
    assert all(s.d == 50 for s in sweep.settings)
    assert sweep.spec["source"]["base"] == {"d": 50, "c2": 1.0}


@pytest.mark.parametrize(("text", "message"), [
    ('seeds = 2\n[base]\nd = 5\nn = 10\nq = 1\n', "^base: unknown setting field 'q'"),
    ('[base]\nd = 5\nn = 10\n[grid]\np2 = [0.5, 2.0]\n', "^p2 must be <= 1"),
    ('[base]\nd = 5\n[grid]\np2 = [0.5]\n', "^n: every setting needs n"),
    ('seeds = 0\n[base]\nd = 5\nn = 10\n', "^seeds must be >= 1"),
    ('colour = 1\n', "^colour: unknown sweep key"),
    ('[base]\nd = 5\nn = 10\n[grid]\nn = {start = 0, stop = 10, num = 2, log = true}\n',
     "^n: a log range needs"),
    ('[base\n', "^sweep file: .* is not valid TOML"),
])
def test_bad_sweep_files_name_the_parameter(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        Sweep.from_toml(path)


def test_missing_file_and_unknown_fields_are_rejected(tmp_path):
    with pytest.raises(ValueError, match="^sweep file: .* does not exist"):
        Sweep.from_toml(tmp_path / "missing.toml")
    with pytest.raises(ValueError, match="^grid: unknown setting field 'size'"):
        Sweep.grid("s", BASE, size=[1])


def test_a_spectrum_object_is_stored_in_full_and_rebuilt():
    spectrum = Spectrum.from_eigenvalues([3.0, 1.0], [2, 1], name="custom")
    sweep = Sweep.grid("s", Setting(d=3, n=10, spectrum=spectrum), n=[10, 20])
    task = sweep.tasks()[0]
    assert task.config["spectrum"]["eigenvalues"] == [3.0, 1.0]
    assert Setting.from_dict(task.config) == task.setting
    other = Setting(d=3, n=10, spectrum=Spectrum.from_eigenvalues([3.0, 1.0], [2, 1]))
    assert Sweep.grid("t", other, n=[10]).tasks()[0].key == task.key


@pytest.mark.parametrize(("text", "message"), [
    ('seeds = 1e12\n[base]\nd = 5\nn = 10\n', r"^seeds: 1 settings x 1000000000000 seeds = 1e\+12 tasks"),
    ('[base]\nd = 5\n[grid]\nn = {start = 1, stop = 1e9, num = 100000000}\n', "^n.num must be <= 1e"),
    ('[base]\nd = 5\n[grid]\nn = {start = 1, stop = 1e9, num = 10000}\n'
     'p2 = {start = 0, stop = 1, num = 10000}\n', r"^grid: 10000 n x 10000 p2 = 1e\+08 tasks"),
])
def test_a_study_too_large_to_hold_is_refused_before_anything_is_built(tmp_path, text, message):
    """Budgets before work: the grid and the task count are sized before they are built."""
    path = tmp_path / "big.toml"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        Sweep.from_toml(path)


def test_workers_are_capped_at_the_cores():
    import os

    from modelcollapse.sweep import LocalBackend

    cores = os.cpu_count() or 1
    assert LocalBackend(1000).workers == cores and LocalBackend(1000).name == f"local:{cores}"
    assert LocalBackend(1).workers == 1
