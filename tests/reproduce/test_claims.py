"""The paper's claims on the data of the produced quick figures (SMC §7, §9).

One module-scoped run of ``modelcollapse reproduce ... --quick`` (Monte-Carlo through the
sweep layer and the simulator) writes the figures; the claims are each figure's own
(:mod:`modelcollapse.reproduce.claims`), the checks every run makes and prints.
"""

from __future__ import annotations

import json

import pytest

from modelcollapse.cli import main
from modelcollapse.reproduce import reproduce
from modelcollapse.sweep import LocalBackend, Store

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
