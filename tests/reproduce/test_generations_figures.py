"""Model Collapse Demystified in the report: the paper's claims from the produced quick figures.

One module-scoped ``reproduce(..., quick=True)`` runs the three regression-chain figures
through the sweep layer (per-seed tasks of the ``generations`` family in a DuckDB store;
the chain and ridge figures' with the conditional estimator); tests read each figure's CSV
(Monte-Carlo mean, SEM and theory per marker) or, for differences between markers, the
per-seed values in the store: every marker of a figure uses the same seed indices, so a
difference between two markers has the SEM of the paired per-seed differences, far below the
independent SEMs.
"""

from __future__ import annotations

import csv

import pytest
from threadpoolctl import threadpool_limits

from modelcollapse.family import get
from modelcollapse.reproduce import FIGURES as REGISTERED
from modelcollapse.sweep import Store

from .quick import assert_claims_hold, assert_last_row_reruns_bitwise, check_outputs, produce_quick

FIGURES = ["generations-chain", "generations-ridge", "generations-crossover"]


@pytest.fixture(scope="module")
def produced(tmp_path_factory):
    return produce_quick(tmp_path_factory, "generations-quick", FIGURES)


def _rows(out, name):
    with (out / f"{name}.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        for key in ("d", "T", "generations", "mc_seeds"):
            r[key] = int(r[key])
        for key in ("ridge", "sigma", "mc_mean", "mc_sem", "theory"):
            r[key] = float(r[key])
    return rows


def test_files_report_and_stored_settings(produced):
    out, path = produced
    check_outputs(out, FIGURES, lambda name: len(_rows(out, name)))
    assert_last_row_reruns_bitwise(path, "generations-crossover-quick", "generations")
    family = get("generations")
    with Store(path, read_only=True) as store:
        row = store.rows("generations-chain-quick")[-1]
    setting = family.from_dict(row["config"])
    with threadpool_limits(limits=1):  # as every backend runs tasks
        again = family.run(setting, row["seed_index"], row["base_seed"], row["method"])
    assert row["method"] == "conditional" and again["test_error"] == row["test_error"]


def test_markers_use_the_conditional_estimator_where_it_tightens_them():
    methods = {name: REGISTERED[name].sweep(True).method for name in FIGURES}
    assert methods == {"generations-chain": "conditional", "generations-ridge": "conditional",
                       "generations-crossover": "auto"}


@pytest.mark.parametrize("name", FIGURES)
def test_the_figures_own_claims_hold_on_the_quick_data(produced, name):
    """Linear growth at the (B.6) rate, the U in λ with its optimum moving up, the rate
    crossover, every marker on the theory: each figure's claims (reproduce/generations.py)."""
    assert_claims_hold(produced[1], name)
