"""Workflows over generations (WF) in the report: the claims from the produced quick figures.

One module-scoped ``reproduce(..., quick=True)`` runs the workflow figures through the sweep
layer (per-seed ``workflow`` and ``gaussian`` tasks in a DuckDB store). A stored point keeps
every seed's whole chain, so the claims read E_0..E_G per seed; the tests assert each
figure's own claims (:mod:`modelcollapse.reproduce.workflows`) on that data, and that the
claims fail on data doctored to contradict them.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import math

import numpy as np
import pytest

from modelcollapse.reproduce import FIGURES as REGISTERED
from modelcollapse.reproduce import Evidence
from modelcollapse.reproduce.run import theory_at
from modelcollapse.result import mean_sem
from modelcollapse.sweep import Store

from .quick import assert_claims_hold, assert_last_row_reruns_bitwise, produce_quick

FIGURES = [name for name in ("workflow-chain", "workflow-mix", "workflow-verify",
                             "workflow-gaussian") if name in REGISTERED]


@pytest.fixture(scope="module")
def produced(tmp_path_factory):
    return produce_quick(tmp_path_factory, "workflows-quick", FIGURES)


def _with_theory(out, name) -> int:
    with (out / f"{name}.csv").open() as fh:
        return sum(math.isfinite(float(r["theory"])) and float(r["theory"]) > 0
                   for r in csv.DictReader(fh))


def test_files_report_and_stored_chains(produced):
    """PNG, PDF, the theory CSV and the report entry of every figure; the points CSV has one
    row per configuration (its generation G: the per-generation means live in the store)."""
    out, path = produced
    for name in FIGURES:
        for suffix in (".png", ".pdf", "-theory.csv"):
            assert (out / f"{name}{suffix}").stat().st_size > 1000
        with (out / f"{name}.csv").open() as fh:
            assert len(list(csv.DictReader(fh))) == len(REGISTERED[name].sweep(True).settings)
    page = (out / "index.html").read_text()
    manifest = json.loads((out / "report.json").read_text())
    for name in FIGURES:
        assert f'id="{name}"' in page
        assert manifest[name]["comparison"]["points"] == _with_theory(out, name)
    # accumulate-subsample and verify have no law: the report compares nothing there
    assert _with_theory(out, "workflow-verify") == 1  # only the unverified replace chain
    with Store(path, read_only=True) as store:
        points = store.points("workflow-chain-quick")
    assert all(len(r["by_generation"]) == p.config["generations"] + 1
               for p in points for r in p.results)
    assert_last_row_reruns_bitwise(path, "workflow-chain-quick", "workflow")


@pytest.mark.parametrize("name", FIGURES)
def test_the_figures_own_claims_hold_on_the_quick_data(produced, name):
    """The laws per generation, accumulate under (π²/6)E_0, replace linear, subsample in
    between, mix converging with the finite-T law, verification bounding the error, Gaussian
    collapse under replace and none under accumulate: each figure's claims."""
    assert_claims_hold(produced[1], name)


def test_the_gaussian_figure_comes_with_its_family():
    from modelcollapse.family import families
    registered = any(f.name == "gaussian" for f in families().values())
    assert ("workflow-gaussian" in REGISTERED) == registered


# -- doctored evidence: each claim fails when the data contradict it --------------------------
def _evidence(path, name, doctor) -> Evidence:
    with Store(path, read_only=True) as store:
        points = store.points(REGISTERED[name].sweep(True).name)
    points = [doctor(p) for p in points]
    return Evidence(points, theory_at(points), quick=True)


def _rewrite(point, chains: np.ndarray, key: str = "by_generation"):
    """``point`` with its seeds' ``key`` lists replaced by the rows of ``chains``."""
    results = tuple({**r, key: list(map(float, c)),
                     **({"test_error": float(c[-1])} if key == "by_generation" else {})}
                    for r, c in zip(point.results, chains, strict=True))
    values = np.array([r["test_error"] for r in results])
    mean, sem = mean_sem(values)
    return dataclasses.replace(point, results=results, values=values, mean=float(mean),
                               sem=float(sem))


def _chains(point, key="by_generation") -> np.ndarray:
    return np.array([r[key] for r in point.results], dtype=float)


def _linear(point):
    """A chain growing by E_0 every generation (the replace law) in place of the point's."""
    c = _chains(point)
    return _rewrite(point, c[:, :1] * np.arange(1, c.shape[1] + 1))


def _large_T(point):
    """The mix chain rescaled onto the T ≫ d formula, generation by generation."""
    from modelcollapse.workflows.theory import law, mix_large_T
    s = point.setting()
    return _rewrite(point, _chains(point) * mix_large_T(s) / law(s)[0])


def _flat_acceptance(point):
    c = _chains(point, "acceptance")
    return _rewrite(point, np.full_like(c, 0.6), "acceptance")


DOCTORED = [
    ("workflow-chain", "accumulate-bounded-replace-linear",
     lambda p: _linear(p) if p.config["workflow"] == "accumulate" else p),
    ("workflow-chain", "laws-per-generation",
     lambda p: _linear(p) if p.config["workflow"] == "accumulate" else p),
    ("workflow-chain", "subsample-between",
     lambda p: _linear(p) if p.config["workflow"] == "accumulate-subsample" else p),
    ("workflow-mix", "finite-T-not-large-T",
     lambda p: _large_T(p) if p.config["ridge"] == 0 else p),
    ("workflow-mix", "mix-limit-decreases-in-pi",
     lambda p: _rewrite(p, _chains(p)[:, ::-1]) if p.config["pi"] == 0.7 else p),
    ("workflow-verify", "verification-bounds-error",
     lambda p: _linear(p) if p.config["tau"] == 0.5 else p),
    ("workflow-verify", "acceptance-falls",
     lambda p: _flat_acceptance(p) if p.config["workflow"] == "verify" else p),
    ("workflow-gaussian", "gaussian-accumulate-bounded",
     lambda p: (_rewrite(p, _chains(p) * 0.95 ** np.arange(_chains(p).shape[1]))
                if p.config["workflow"] == "accumulate" else p)),
    ("workflow-gaussian", "gaussian-replace-collapses",
     lambda p: (_rewrite(p, _chains(p) * (20 / 19) ** np.arange(_chains(p).shape[1]))
                if p.config["workflow"] == "replace" else p)),
]


@pytest.mark.parametrize("name, claim, doctor", DOCTORED, ids=[c for _, c, _ in DOCTORED])
def test_a_claim_fails_when_the_data_contradict_it(produced, name, claim, doctor):
    if name not in FIGURES:
        pytest.skip(f"{name} is not registered (no gaussian family)")
    (chosen,) = [c for c in REGISTERED[name].claims if c.name == claim]
    honest = chosen.evaluate(_evidence(produced[1], name, lambda p: p))
    doctored = chosen.evaluate(_evidence(produced[1], name, doctor))
    assert honest.passed and not doctored.passed, (honest.line(), doctored.line())
