"""The bigram and associative-memory figures of A Tale of Tails (TG §A.5, §A.6): their
quick runs through the store, the report, and their claims on the data."""

from __future__ import annotations

import json

import pytest

from modelcollapse.family import get

from .quick import assert_claims_hold, produce_quick

FIGURES = ["tails-bigram", "tails-memory"]


@pytest.fixture(scope="module")
def produced(tmp_path_factory):
    return produce_quick(tmp_path_factory, "tails-models-quick", FIGURES)


def test_files_and_report_without_a_theory_curve(produced):
    out, _ = produced
    manifest = json.loads((out / "report.json").read_text())
    for name in FIGURES:
        assert (out / f"{name}.png").stat().st_size > 10_000
        assert manifest[name]["comparison"] == {"points": 0}  # neither family has a theory
        assert manifest[name]["verdicts"] and all(v["passed"] for v in manifest[name]["verdicts"])
    assert get("bigram").predict is None and get("memory").predict is None


@pytest.mark.parametrize("name", FIGURES)
def test_the_figures_own_claims_hold_on_the_quick_data(produced, name):
    """The bigram cut's floor at the cut mass and clean data approaching T^(-1/2); the memory's
    error falling with capacity, top-d storage beating frequency weighting."""
    assert_claims_hold(produced[1], name)
