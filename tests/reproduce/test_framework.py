"""The figure framework without Monte-Carlo: registry, files, CSVs, comparison, report."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from modelcollapse import Setting
from modelcollapse.cli import main
from modelcollapse.reproduce import FIGURES, Check, Claim, Curve, Drawing, Evidence, Figure, register
from modelcollapse.reproduce.registry import markers, new_figure, select
from modelcollapse.reproduce.run import compare, figure_names, reproduce_figure
from modelcollapse.sweep import LocalBackend, Point, Store, Sweep

BASE = Setting(d=20, n=100, c2=1.0)


def _sweep(quick: bool) -> Sweep:
    return Sweep.grid(f"toy{'-quick' if quick else ''}", BASE, seeds=2, task="theory",
                      n=[100, 400], p2=[0.0, 0.5])


def _draw(points: list[Point], quick: bool) -> Drawing:
    fig, ax = new_figure(1, 4.0, 3.0)
    ns = np.array([100.0, 400.0])
    chosen = select(points, "n", p2=0.5)
    markers(ax, [p.config["n"] for p in chosen], chosen, color="k", label="mc")
    return Drawing(fig, [Curve("main", "flat", "n", ns, "y", ns * 0 + 1)], {"d": 20})


TOY = Figure(name="toy", title="Toy", source="SMC §0", claim="none", sweep=_sweep,
             draw=_draw)


def test_builtin_registry_and_names():
    assert list(FIGURES) == ["classical-scaling", "rp-model-size", "pareto",
                             "iterative-mixing", "power-law-scaling", "tails-double-scaling",
                             "tails-narrowing", "tails-mixing", "tails-generations",
                             "tails-shifted-scaling", "tails-bigram", "tails-memory",
                             "generations-chain", "generations-ridge", "generations-crossover",
                             "nn-images", "nn-lm", "workflow-chain", "workflow-mix",
                             "workflow-verify", "workflow-gaussian", "nn-lm-generations",
                             "nn-images-generations"]
    assert figure_names(["all"], quick=True) == list(FIGURES)
    assert figure_names(["pareto", "pareto"], quick=True) == ["pareto"]
    with pytest.raises(ValueError, match="^figure: unknown figure 'nope'"):
        figure_names(["nope"], quick=True)


def test_register_validates_and_adds():
    with pytest.raises(ValueError, match="figure name must be one word other than 'all'"):
        register(Figure("all", "t", "s", "c", _sweep, _draw))
    with pytest.raises(ValueError, match="already registered"):
        register(Figure("pareto", "t", "s", "c", _sweep, _draw))
    try:
        assert register(TOY) is TOY and FIGURES["toy"] is TOY
        assert "toy" in figure_names(["all"], quick=True)
    finally:
        FIGURES.pop("toy", None)


def test_reproduce_figure_writes_files_csvs_and_an_accumulating_report(tmp_path):
    out = tmp_path / "report"
    with Store(tmp_path / "r.duckdb") as store:
        entry = reproduce_figure(TOY, out, store, LocalBackend(1), quick=True, progress=False)
        other = Figure("toy2", "Toy 2", "SMC §1", "none", _sweep, _draw)
        reproduce_figure(other, out, store, LocalBackend(1), quick=True, progress=False)
    assert entry.study == "toy-quick" and entry.tasks == 8 and entry.computed == 8
    # Theory tasks reproduce theory exactly: zero error, every point within its error bar.
    assert entry.comparison == {"points": 4, "max_rel_error": 0.0, "median_rel_error": 0.0,
                                "within_error_bar": 1.0}
    for name in ("toy.png", "toy.pdf", "toy.csv", "toy-theory.csv", "index.html"):
        assert (out / name).stat().st_size > 0
    with (out / "toy.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert [(int(r["n"]), float(r["p2"])) for r in rows] == [(100, 0.0), (100, 0.5),
                                                             (400, 0.0), (400, 0.5)]
    assert all(float(r["mc_mean"]) == float(r["theory"]) and r["mc_seeds"] == "2" for r in rows)
    with (out / "toy-theory.csv").open() as fh:
        assert next(csv.reader(fh)) == ["panel", "curve", "x_name", "x", "y_name", "y"]
    manifest = json.loads((out / "report.json").read_text())
    assert list(manifest) == ["toy", "toy2"]
    page = (out / "index.html").read_text()
    assert page.count("<section") == 2 and "<img src=\"toy.png\"" in page
    assert "0.0%" in page and "100%" in page  # the comparison table


def test_compare_counts_points_within_error_bars():
    pts = [Point({}, 1.1, 0.1, 10, np.zeros(10)), Point({}, 2.0, 0.1, 10, np.zeros(10)),
           Point({}, 5.0, 0.1, 10, np.zeros(10))]
    got = compare(pts, np.array([1.0, 1.0, np.inf]))
    assert got["points"] == 2 and got["max_rel_error"] == pytest.approx(1.0)
    assert got["within_error_bar"] == 0.5


def test_cli_lists_figures_and_rejects_bad_input(capsys, tmp_path):
    assert main(["reproduce", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()  # one line per figure: name, then its title
    assert [line.split()[0] for line in lines] == list(FIGURES)
    assert all(line.split(None, 1)[1] == fig.title for line, fig in zip(lines, FIGURES.values(), strict=True))
    assert main(["reproduce"]) == 2
    assert "figure: name one or more figures" in capsys.readouterr().err
    assert main(["reproduce", "nope", "--store", str(tmp_path / "r.duckdb")]) == 2
    assert capsys.readouterr().err.strip().endswith("or all")
    assert main(["reproduce", "pareto", "--workers", "0", "--store",
                 str(tmp_path / "r.duckdb")]) == 2
    assert "workers must be a whole number >= 1" in capsys.readouterr().err


def test_figures_with_missing_dependencies_are_skipped_by_all_and_explained_by_name(monkeypatch,
                                                                                     capsys):
    from modelcollapse.reproduce import FIGURES
    from modelcollapse.reproduce.run import figure_names

    fig = FIGURES["nn-images"]
    monkeypatch.setattr(type(fig), "missing", lambda self: ["torch"] if self is fig else [])
    names = figure_names(["all"], quick=True)
    assert "nn-images" not in names and "classical-scaling" in names
    assert "skipping nn-images: needs torch" in capsys.readouterr().err
    with pytest.raises(ValueError, match=r"nn-images needs torch; pip install -e '\.\[nn\]' "
                                         r"\(from a clone\) or pip install 'modelcollapse\[nn\]'"):
        figure_names(["nn-images"], quick=True)


# -- claims: checked in every run, printed as each figure finishes, --check exits 1 -----------
def _noisy_sweep(quick: bool) -> Sweep:
    from tests.sweep.helpers import Noisy

    return Sweep.grid("noisy-claims", Noisy(n=40), seeds=3, n=[40, 80])


def _mean_is_positive(ev: Evidence) -> Check:
    means = [r["mean"] for r in ev.rows()]
    return min(means) > 0, {"smallest mean": min(means)}, "> 0"


def _mean_is_negative(ev: Evidence) -> Check:  # deliberately false: errors are squares
    means = [r["mean"] for r in ev.rows()]
    return max(means) < 0, {"largest mean": max(means)}, "< 0"


def _broken(ev: Evidence) -> Check:
    raise KeyError("no such column")


CLAIMED = Figure(name="test-claims", title="Claims", source="tests", claim="squares are positive",
                 sweep=_noisy_sweep, draw=_draw,
                 claims=(Claim("positive", "Errors are positive.", _mean_is_positive),
                         Claim("negative", "Errors are negative.", _mean_is_negative),
                         Claim("broken", "A check that raises.", _broken)))


@pytest.fixture
def claimed():
    register(CLAIMED)
    yield CLAIMED
    FIGURES.pop(CLAIMED.name, None)


def test_claims_are_printed_as_each_figure_finishes_and_check_fails_the_run(claimed, tmp_path,
                                                                           capsys):
    args = ["reproduce", "test-claims", "toy", "--quick", "--out", str(tmp_path / "out"),
            "--store", str(tmp_path / "r.duckdb"), "--workers", "1", "--no-progress"]
    register(TOY)
    try:
        assert main(args) == 0  # verdicts are reported; the run itself succeeded
        out = capsys.readouterr().out.splitlines()
        assert main([*args, "--check"]) == 1
        checked = capsys.readouterr().out
    finally:
        FIGURES.pop("toy", None)
    first = out.index(next(line for line in out if line.startswith("test-claims:")))
    assert out[first + 1].startswith("  PASS positive: smallest mean ")
    assert out[first + 2].startswith("  FAIL negative: largest mean ")
    assert out[first + 2].endswith("(tolerance: < 0)")
    assert out[first + 3] == "  FAIL broken: could not be evaluated: KeyError: 'no such column'"
    assert out[first + 4].startswith("toy:")  # printed before the next figure ran
    assert "claims: 1 held, 2 failed: test-claims/negative, test-claims/broken" in checked
    entry = json.loads((tmp_path / "out" / "report.json").read_text())["test-claims"]
    assert [(v["name"], v["passed"]) for v in entry["verdicts"]] == [
        ("positive", True), ("negative", False), ("broken", False)]
    page = (tmp_path / "out" / "index.html").read_text()
    assert "1/3 FAILED" in page and "Errors are negative." in page and "largest mean = " in page


def test_the_report_escapes_whatever_report_json_holds(tmp_path):
    """A crafted report.json cannot inject markup or links into index.html."""
    from modelcollapse.reproduce.report import render

    evil = "<script>alert(7)</script>"
    entry = {"name": "x", "title": evil, "source": evil, "claim": evil, "quick": True,
             "files": {"png": "javascript:alert(1)", "csv": "x.csv"}, "parameters": {evil: evil},
             "comparison": {"points": evil, "max_rel_error": evil, "median_rel_error": 0.1,
                            "within_error_bar": 1.0},
             "study": evil, "tasks": evil, "computed": evil, "seconds": evil, "backend": evil,
             "finished": evil, "verdicts": [{"name": evil, "statement": evil, "passed": False,
                                             "measured": {evil: evil}, "tolerance": evil}]}
    page = render({"x": entry})
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "href='javascript" not in page and "src=\"javascript" not in page
    assert "<a href='x.csv'>x.csv</a>" in page


def test_a_report_json_that_is_not_a_manifest_is_refused_not_overwritten(tmp_path):
    from modelcollapse.reproduce.report import load_entries

    (tmp_path / "report.json").write_text("[1, 2]")
    with pytest.raises(ValueError, match="^out: .*report.json is not a modelcollapse report"):
        load_entries(tmp_path)
    assert (tmp_path / "report.json").read_text() == "[1, 2]"
