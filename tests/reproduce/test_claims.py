"""The paper's claims on the data of the produced quick figures (SMC §7, §9).

One module-scoped run of ``modelcollapse reproduce ... --quick`` (Monte-Carlo through the
sweep layer and the simulator) writes the figures; the claims are each figure's own
(:mod:`modelcollapse.reproduce.claims`), the checks every run makes and prints.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from modelcollapse.cli import main
from modelcollapse.reproduce import Evidence, reproduce
from modelcollapse.reproduce.claims import DECLARED_OFFSET, MEDIAN_GAP, agrees_with_theory
from modelcollapse.reproduce.report import render
from modelcollapse.sweep import LocalBackend, Point, Store

from .quick import assert_claims_hold, verdicts

pytest.importorskip("modelcollapse.simulate")

FIGURES = ["classical-scaling", "rp-model-size", "pareto", "iterative-mixing",
           "power-law-scaling"]


@pytest.fixture(scope="module")
def produced(tmp_path_factory):
    root = tmp_path_factory.mktemp("quick")
    out, store = root / "report", root / "r.duckdb"
    code = main(["reproduce", *FIGURES, "--quick", "--out", str(out), "--store", str(store),
                 "--workers", "2", "--no-progress", "--check"])
    assert code == 0  # --check: 1 if any claim had failed
    return out, store


def test_files_and_report(produced):
    out, _ = produced
    for name in FIGURES:
        for suffix in (".png", ".pdf", ".csv", "-theory.csv"):
            assert (out / f"{name}{suffix}").stat().st_size > 1000
    page = (out / "index.html").read_text()
    assert all(f"id=\"{name}\"" in page for name in FIGURES)
    manifest = json.loads((out / "report.json").read_text())
    assert manifest["classical-scaling"]["comparison"]["within_error_bar"] >= 0.8


@pytest.mark.parametrize("name", FIGURES)
def test_the_figures_own_claims_hold_on_the_quick_data(produced, name):
    """Plateaus at p2²c², the clean σ²d/n rate, the random-projections penalty peak, the
    Pareto ordering, the power-law rate and iterative mixing above the real half: each
    figure's claims (in its module) evaluated on this run's data."""
    assert_claims_hold(produced[1], name)


def test_the_report_and_the_cli_print_the_same_verdicts(produced):
    out, store = produced
    manifest = json.loads((out / "report.json").read_text())
    for name in FIGURES:
        assert [(v["name"], v["passed"]) for v in manifest[name]["verdicts"]] == [
            (v.name, v.passed) for v in verdicts(store, name)]
    page = (out / "index.html").read_text()
    assert "Claims checked on this run" in page and "class='FAILED'" not in page


def test_rerun_reuses_the_store_and_reproduces_the_data_bitwise(produced, tmp_path):
    out, store_path = produced
    before = (out / "classical-scaling.csv").read_bytes()
    with Store(store_path) as store:
        entries = reproduce(["classical-scaling"], tmp_path, quick=True, store=store,
                            backend=LocalBackend(1), progress=False)
    assert entries[0].computed == 0 and entries[0].tasks == 560
    assert (tmp_path / "classical-scaling.csv").read_bytes() == before


def _evidence(means, theory, sem=0.001):
    points = [Point({"i": i}, m, sem, 10, np.full(10, m)) for i, m in enumerate(means)]
    return Evidence(points, np.asarray(theory, dtype=float), quick=True)


def test_agreement_allows_the_declared_offset_and_measures_the_median_gap():
    """Markers 2-3% above the theory with SEM 0.1%: outside 4 SEM, inside 4 SEM + 3%."""
    ev = _evidence([1.02, 2.06, 3.09], [1.0, 2.0, 3.0])
    strict, offset = agrees_with_theory().evaluate(ev), agrees_with_theory(relative=0.03).evaluate(ev)
    assert not strict.passed and offset.passed
    assert offset.measured[DECLARED_OFFSET] == 0.03 and strict.measured[DECLARED_OFFSET] == 0.0
    assert offset.measured[MEDIAN_GAP] == pytest.approx(0.03)
    assert not agrees_with_theory(relative=0.02).evaluate(ev).passed


def test_the_comparison_table_shows_each_figures_offset_and_median_gap():
    ev = _evidence([1.02, 2.06, 3.09], [1.0, 2.0, 3.0])
    base = {"title": "t", "source": "s", "claim": "c", "quick": True, "files": {"png": "x.png"},
            "parameters": {}, "comparison": {"points": 3, "max_rel_error": 0.03,
                                             "median_rel_error": 0.03, "within_error_bar": 0.0},
            "study": "s", "tasks": 30, "computed": 30, "seconds": 1.0, "backend": "local",
            "finished": "now"}
    entries = {}
    for name, relative in (("declared", 0.03), ("undeclared", 0.0)):
        verdict = agrees_with_theory(relative=relative).evaluate(ev)
        entries[name] = {**base, "name": name, "verdicts": [
            {"name": verdict.name, "statement": verdict.statement, "passed": verdict.passed,
             "measured": verdict.measured, "tolerance": verdict.tolerance}]}
    entries["no-theory"] = {**base, "name": "no-theory", "verdicts": []}
    page = render(entries)
    assert "<th>finite-size offset</th>" in page
    assert "<td>±3.0% (median gap +3.00%)</td>" in page
    assert "<td>none (median gap +3.00%)</td>" in page
    assert page.count("<td>-</td>") == 1
