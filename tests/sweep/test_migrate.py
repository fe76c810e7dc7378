"""A results store written by the release before families (key version 1) opens, migrates
and resumes with nothing lost and nothing computed again.

``fixtures/store-v1.duckdb.gz`` was written by that release (commit da80eea) running the
sweeps below; ``fixtures/store-v1.json`` lists what it stored. The same studies, declared
with today's API, must find every one of their tasks in the migrated store.
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
from threadpoolctl import threadpool_limits

from modelcollapse import GenerationsSetting, Setting
from modelcollapse.experiments.lm_config import QUICK_RECIPE, LMPoint
from modelcollapse.experiments.points import ImagesPoint
from modelcollapse.result import result_dict
from modelcollapse.sweep import LocalBackend, Store, Sweep, compute, run_sweep
from modelcollapse.tails import TailsSetting

FIXTURES = Path(__file__).parent / "fixtures"


def studies() -> list[Sweep]:
    """The fixture's studies, as today's code declares them."""
    base = Setting(d=20, n=100, c2=1.0)
    smc = (Sweep.grid("smc", base, n=[100, 1000], p2=[0.0, 0.5], seeds=3)
           + Sweep.grid("smc", base.replace(spectrum="power:1.5", n=200), p2=[0.2], seeds=3)
           + Sweep.grid("smc", base.replace(model="random-projections", m=10), ridge=[0.1],
                        seeds=3)
           + Sweep.grid("smc", base.replace(n=400, p2=0.5), iterations=[3], seeds=3))
    theory = Sweep.grid("smc-theory", base, n=[100, 1000], p2=[0.0, 0.5], seeds=1,
                        task="theory")
    ts = TailsSetting(beta=2.0, T=1e4)
    tails = (Sweep.grid("tails", ts, T=[1e3, 1e4], seeds=3)
             + Sweep.grid("tails", ts.replace(k=10), T=[1e4], seeds=3)
             + Sweep.grid("tails", ts.replace(T0=1e3, generations=2, mechanism="A"), T=[1e4],
                          seeds=3))
    g = GenerationsSetting(d=10, T=40, T0=30, generations=2, sigma=0.5, sigma0=0.5)
    gens = (Sweep.grid("generations", g, ridge=[0.0, 0.5], seeds=3)
            + Sweep.grid("generations", GenerationsSetting(
                d=30, T=20, T0=60, generations=1, sigma=0.0, sigma0=0.03, spectrum="power:2",
                source=0.5), ridge=["adaptive"], seeds=3))
    ip = ImagesPoint(n=100, dataset="digits", n0=60, width=64, labeller_width=32,
                     labeller_epochs=3)
    images = (Sweep.grid("images", ip, p2=[0.0, 0.5], seeds=2)
              + Sweep.grid("images", ip.replace(model="two-layer", epochs=2, min_steps=5),
                           p2=[0.5], seeds=2))
    recipe = dict(QUICK_RECIPE, generator_steps=4, steps=4, eval_every=2, eval_blocks=8,
                  sample_batch_size=64)
    lm = Sweep("lm", (LMPoint(**recipe, size="micro", p2=0.0),
                      LMPoint(**recipe, size="micro", p2=0.5)), seeds=1)
    return [smc, theory, tails, gens, images, lm]


@pytest.fixture
def old_store(tmp_path) -> Path:
    path = tmp_path / "v1.duckdb"
    with gzip.open(FIXTURES / "store-v1.duckdb.gz") as src, path.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    return path


def test_a_version_1_store_is_refused_read_only_with_the_way_out(old_store):
    with pytest.raises(ValueError, match="key version 1.*open it once for writing"):
        Store(old_store, read_only=True)


def test_every_stored_task_is_found_again_and_nothing_is_recomputed(old_store):
    expected = json.loads((FIXTURES / "store-v1.json").read_text())
    with Store(old_store) as store:
        for sweep in studies():
            summary = run_sweep(sweep, store, LocalBackend(1), progress=False)
            assert (summary.ran, summary.failed) == (0, 0), sweep.name
            assert summary.skipped == len(expected[sweep.name]), sweep.name
            rows = store.rows(sweep.name)
            assert [r["test_error"] for r in rows] == [r["test_error"] for r in expected[sweep.name]]
            assert {r["family"] for r in rows} == {sweep.tasks()[0].family.name}
            assert all("setting_type" not in r["config"] for r in rows)
        assert sum(s["done"] for s in store.studies()) == sum(map(len, expected.values()))
    with Store(old_store, read_only=True) as store:  # migrated: readable by readers now
        assert len(store.studies()) == 6


@pytest.mark.parametrize("study", ["smc", "smc-theory", "tails", "generations"])
def test_stored_numbers_are_what_todays_code_computes_for_the_same_seed(study):
    """The seed streams of these families did not change: recomputing a stored task gives
    the stored number bit for bit (images and lm are checked by their own tests)."""
    expected = json.loads((FIXTURES / "store-v1.json").read_text())[study]
    sweep = next(s for s in studies() if s.name == study)
    with threadpool_limits(limits=1):  # as in every sweep worker
        for task, row in zip(sweep.tasks(), expected, strict=True):
            value = result_dict(compute(task))["test_error"]
            assert value == row["test_error"], (task.config, task.seed_index)
