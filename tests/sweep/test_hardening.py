"""Sweep files and stores from someone else (issue 17): a sweep file chooses no code, and a
file that is not a store of ours, or not one we can read, is refused in one line before any
work, and never written to."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import duckdb
import pytest

from modelcollapse.cli import main
from modelcollapse.sweep import Store, Sweep
from modelcollapse.sweep.spec import KEY_VERSION

SWEEP = """
name = "safe"
seeds = 1
task = "theory"
[base]
d = 10
n = 100
"""


def _cli(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) <= 1
    return code, err


@pytest.mark.parametrize(("line", "message"), [
    ('setting = "os:system"', "family: unknown family 'os:system'; choose from smc, tails"),
    ('task = "os:system"', "task: 'os:system' is not a task; choose from simulate, theory"),
    ('method = "bogus"', "method: smc offers auto, "),
])
def test_a_sweep_file_naming_code_is_refused_before_a_store_exists(tmp_path, capsys, line,
                                                                   message):
    text = SWEEP.replace('task = "theory"\n', "") if line.startswith("task") else SWEEP
    sweep = tmp_path / "s.toml"
    sweep.write_text(line + "\n" + text)
    store = tmp_path / "r.duckdb"
    code, err = _cli(capsys, "sweep", str(sweep), "--store", str(store))
    assert code == 2 and message in err
    assert not store.exists()


def test_a_foreign_duckdb_file_is_refused_and_left_untouched(tmp_path, capsys):
    path = tmp_path / "theirs.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE people (name VARCHAR)")
    sweep = tmp_path / "s.toml"
    sweep.write_text(SWEEP)
    for argv in (["sweep", str(sweep)], ["results"]):
        code, err = _cli(capsys, *argv, "--store", str(path))
        assert code == 2 and "is a DuckDB database but not a modelcollapse store (its tables: " \
                              "people)" in err
    with duckdb.connect(str(path), read_only=True) as con:
        assert [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables")
                .fetchall()] == ["people"]


def test_a_store_of_a_newer_version_is_refused_for_reading_and_writing(tmp_path):
    path = tmp_path / "r.duckdb"
    with Store(path):
        pass
    with duckdb.connect(str(path)) as con:
        con.execute("UPDATE store_meta SET value = ?", [str(KEY_VERSION + 1)])
    for read_only in (True, False):
        with pytest.raises(ValueError, match=f"written by a newer modelcollapse \\(key version "
                                             f"{KEY_VERSION + 1}, this one reads {KEY_VERSION}"):
            Store(path, read_only=read_only)


def test_a_truncated_or_non_duckdb_store_is_one_line(tmp_path, capsys):
    good = tmp_path / "good.duckdb"
    sweep = tmp_path / "s.toml"
    sweep.write_text(SWEEP)
    assert _cli(capsys, "sweep", str(sweep), "--store", str(good), "--no-progress")[0] == 0
    truncated = tmp_path / "truncated.duckdb"
    truncated.write_bytes(good.read_bytes()[:5000])
    text = tmp_path / "text.duckdb"
    text.write_text("hello\n")
    for path in (truncated, text):
        for argv in (["results"], ["sweep", str(sweep)]):
            code, err = _cli(capsys, *argv, "--store", str(path))
            assert code == 2 and f"store: cannot open {path}" in err


@pytest.mark.parametrize("where", ["dir", "file-parent"])
def test_unusable_sweep_and_store_paths_are_one_line(tmp_path, capsys, where):
    sweep = tmp_path / "s.toml"
    sweep.write_text(SWEEP)
    if where == "dir":
        code, err = _cli(capsys, "sweep", str(tmp_path))
        assert code == 2 and f"sweep file: cannot read {tmp_path}: Is a directory" in err
    else:  # a store "inside" a file
        code, err = _cli(capsys, "sweep", str(sweep), "--store", str(sweep / "r.duckdb"))
        assert code == 2 and f"store: cannot create the directory {sweep}" in err


def test_a_rejected_worker_count_leaves_no_store_file(tmp_path, capsys):
    sweep = tmp_path / "s.toml"
    sweep.write_text(SWEEP)
    code, _ = _cli(capsys, "sweep", str(sweep), "--store", str(tmp_path / "r.duckdb"),
                   "--workers", "0")
    assert code == 2 and not (tmp_path / "r.duckdb").exists()


def test_a_study_name_with_escape_codes_is_refused_and_old_ones_print_escaped(tmp_path,
                                                                              capsys):
    with pytest.raises(ValueError, match=r"^name: a sweep name is printable text, got 'a\\x1b"):
        Sweep.from_dict({"name": "a\x1b[31mred", "task": "theory", "base": {"d": 10, "n": 100}})
    path = tmp_path / "r.duckdb"
    sweep = Sweep.from_dict({"name": "plain", "task": "theory", "seeds": 1,
                             "base": {"d": 10, "n": 100}})
    with Store(path) as store:
        store.register(sweep, sweep.tasks())
        store.con.execute("UPDATE studies SET name = ?", ["a\x1b[31mred"])
    assert main(["results", "--store", str(path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "'a\\x1b[31mred'" in out


def test_export_says_when_it_replaces_a_file(tmp_path, capsys):
    path = tmp_path / "r.duckdb"
    sweep = tmp_path / "s.toml"
    sweep.write_text(SWEEP)
    assert _cli(capsys, "sweep", str(sweep), "--store", str(path), "--no-progress")[0] == 0
    target = tmp_path / "rows.csv"
    for replacing in (False, True):
        code, err = _cli(capsys, "results", "safe", "--store", str(path), "--export", str(target))
        assert code == 0 and ("replacing" in err) is replacing


def test_ctrl_c_inside_a_store_query_is_an_interrupt_too(tmp_path, capsys, monkeypatch):
    """DuckDB turns a Ctrl-C that lands while it runs a query into RuntimeError("Query
    interrupted"); that is the same one line and exit status 130, not a failure."""
    # DuckDB 2.0 raises RuntimeError("Query interrupted") when SIGINT lands inside a query
    # (observed by hand). A test cannot provoke it reliably: under load DuckDB sometimes
    # misses the signal and the query runs on, so the exception is raised here instead.
    message = "Query interrupted"
    sweep = tmp_path / "s.toml"
    sweep.write_text(SWEEP)
    monkeypatch.setattr(Store, "add", lambda *a, **k: (_ for _ in ()).throw(RuntimeError(message)))
    store = tmp_path / "r.duckdb"
    code, err = _cli(capsys, "sweep", str(sweep), "--store", str(store), "--no-progress")
    assert code == 130, err
    assert err.strip() == (f"modelcollapse sweep: interrupted; what finished is in {store}, "
                           "run the same command to resume")


def test_ctrl_c_stops_a_sweep_in_one_line_and_keeps_what_finished(tmp_path):
    sweep = tmp_path / "s.toml"
    sweep.write_text('name = "long"\nseeds = 1000\n[base]\nd = 200\nn = 1000\n'
                     '[grid]\np2 = [0.0, 0.1, 0.2]\n')
    store = tmp_path / "r.duckdb"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.Popen([sys.executable, "-m", "modelcollapse", "sweep", str(sweep),
                              "--store", str(store)], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while not store.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(2)  # the workers are running tasks
    assert child.poll() is None, child.communicate()
    os.killpg(child.pid, signal.SIGINT)  # a terminal's Ctrl-C reaches the workers too
    _, err = child.communicate(timeout=60)
    assert child.returncode == 130, err
    assert err.strip() == (f"modelcollapse sweep: interrupted; what finished is in {store}, "
                           "run the same command to resume")
    with Store(store, read_only=True) as kept:
        assert 0 <= kept.studies()[0]["done"] < 3000
