"""A Tale of Tails in the report: the papers' claims, asserted from the produced quick figures.

One module-scoped ``reproduce(..., quick=True)`` runs the five tails figures through the sweep
layer (per-seed ``tails.simulate:simulate_one`` tasks in a DuckDB store); every test reads the
CSV a figure wrote (Monte-Carlo mean, SEM and exact theory per marker) or the store itself.
Tolerances are a few standard errors of the mean plus, for fitted slopes, the finite-T
curvature of the exact error, which the tests bound from the theory column.
"""

from __future__ import annotations

import csv

import pytest
from threadpoolctl import threadpool_limits

from modelcollapse.sweep import Store
from modelcollapse.tails import TailsSetting
from modelcollapse.tails.simulate import simulate_one

from .quick import assert_claims_hold, check_outputs, produce_quick

FIGURES = ["tails-double-scaling", "tails-narrowing", "tails-mixing", "tails-generations",
           "tails-shifted-scaling"]


@pytest.fixture(scope="module")
def produced(tmp_path_factory):
    return produce_quick(tmp_path_factory, "tails-quick", FIGURES)


def _rows(out, name):
    with (out / f"{name}.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        for key in ("beta", "T", "pi", "mc_mean", "mc_sem", "theory"):
            r[key] = float(r[key])
        r["k"] = int(r["k"]) if r["k"] else None
        r["temperature"] = float(r["temperature"]) if r["temperature"] else 1.0
        r["generations"] = int(r["generations"])
    return rows


def test_files_report_and_stored_settings(produced):
    out, path = produced
    check_outputs(out, FIGURES, lambda name: len(_rows(out, name)))
    with Store(path, read_only=True) as store:
        rows = store.rows("tails-mixing-quick")
    setting = TailsSetting.from_dict(rows[0]["config"])
    assert rows[0]["family"] == "tails" and setting.to_dict() == rows[0]["config"]
    # a task's value depends only on (setting, seed index, base seed): recompute one, with
    # single-threaded BLAS as every backend runs tasks
    with threadpool_limits(limits=1):
        again = simulate_one(setting, rows[0]["seed_index"], rows[0]["base_seed"])
    assert again["test_error"] == rows[0]["test_error"]


@pytest.mark.parametrize("name", FIGURES)
def test_the_figures_own_claims_hold_on_the_quick_data(produced, name):
    """Double scaling, narrowed slopes cτ, grokking with a clean fraction, growth over
    generations, the shifted prefactor K_n/K_0, every marker on the exact error: each
    figure's claims (reproduce/tails.py)."""
    assert_claims_hold(produced[1], name)
