"""`reproduce` checks its whole plan before any work, streams each figure, and always sums up."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from modelcollapse.cli import main
from modelcollapse.reproduce import FIGURES, Drawing, register, reproduce
from modelcollapse.reproduce.registry import new_figure
from modelcollapse.reproduce.run import check_out, figure_names
from modelcollapse.sweep import LocalBackend, Store
from tests.reproduce.test_framework import TOY, _sweep


def _no_gpu(monkeypatch):
    torch = pytest.importorskip("torch")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)


def test_full_mode_nn_lm_without_a_gpu_is_refused_by_name_and_skipped_by_all(monkeypatch,
                                                                              capsys, tmp_path):
    _no_gpu(monkeypatch)
    assert "nn-lm" in figure_names(["all"], quick=True)
    assert "nn-lm" not in figure_names(["all"], quick=False)
    assert "reproduce: skipping nn-lm: needs a GPU in full mode" in capsys.readouterr().err
    store = tmp_path / "r.duckdb"
    assert main(["reproduce", "pareto", "nn-lm", "--store", str(store), "--out",
                 str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "figure: nn-lm needs a GPU in full mode" in err
    assert not store.exists() and not (tmp_path / "out").exists()  # no work was started


@pytest.mark.parametrize("make", [
    lambda tmp: tmp / "a-file",                         # an existing file
    lambda tmp: tmp / "a-file" / "below",               # below a file: cannot be created
    lambda tmp: "/dev/null",
])
def test_an_output_directory_that_cannot_hold_the_report_is_refused_at_once(tmp_path, capsys,
                                                                            make):
    (tmp_path / "a-file").write_text("x")
    store = tmp_path / "r.duckdb"
    assert main(["reproduce", "pareto", "--quick", "--out", str(make(tmp_path)),
                 "--store", str(store)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("modelcollapse reproduce: error: --out: ") and err.count("\n") == 1
    assert not store.exists()


def test_a_read_only_directory_is_refused(tmp_path, monkeypatch):
    import tempfile

    def read_only(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "TemporaryFile", read_only)
    with pytest.raises(ValueError, match=r"^--out: cannot write to .* \(Permission denied\)$"):
        check_out(tmp_path, ["pareto"])


def test_a_foreign_report_json_is_refused_before_any_work(tmp_path):
    (tmp_path / "report.json").write_text("[1, 2]")
    with pytest.raises(ValueError, match="is not a modelcollapse report manifest"):
        check_out(tmp_path, ["pareto"])


def _broken_sweep(quick: bool):
    raise ValueError("figure broken: its data set vanished")


def _draw_without_theory(points, quick):
    fig, ax = new_figure(1, 3.0, 2.0)
    ax.plot([1, 2], [1, 2], label="_markers only")
    return Drawing(fig, [], {})


@pytest.fixture
def toys():
    figures = (TOY, replace(TOY, name="toy-curveless", draw=_draw_without_theory),
               replace(TOY, name="toy-broken", sweep=_broken_sweep))
    for fig in figures:
        register(fig)
    yield
    for fig in figures:
        FIGURES.pop(fig.name, None)


def test_the_summary_is_printed_when_a_later_figure_fails(toys, tmp_path, capsys):
    code = main(["reproduce", "toy", "toy-broken", "--quick", "--out", str(tmp_path / "out"),
                 "--store", str(tmp_path / "r.duckdb"), "--workers", "1", "--no-progress"])
    out, err = capsys.readouterr()
    assert code == 2 and "error: figure broken: its data set vanished" in err
    lines = out.splitlines()
    tasks = len(_sweep(True).tasks())
    assert lines[0].startswith(f"toy: {tasks} tasks ({tasks} computed)")
    assert "claims: 0 held, 0 failed (1 of 2 figures finished)" in lines
    assert lines[-1] == f"report: {tmp_path / 'out' / 'index.html'}"


def test_a_figure_without_theory_writes_and_links_no_theory_csv(toys, tmp_path):
    with Store(tmp_path / "r.duckdb") as store:
        entry, = reproduce(["toy-curveless"], tmp_path, quick=True, store=store,
                           backend=LocalBackend(1), progress=False)
    assert set(entry.files) == {"png", "pdf", "csv"}
    assert not (tmp_path / "toy-curveless-theory.csv").exists()
    assert "-theory.csv" not in (tmp_path / "index.html").read_text()


def test_rerunning_into_the_same_directory_says_what_it_replaces(toys, tmp_path, capsys):
    with Store(tmp_path / "r.duckdb") as store:
        for _ in range(2):
            reproduce(["toy"], tmp_path, quick=True, store=store, backend=LocalBackend(1),
                      progress=False)
    err = capsys.readouterr().err
    assert err.count("replacing the files of a previous run") == 1 and "toy.*" in err
    assert list(json.loads((tmp_path / "report.json").read_text())) == ["toy"]

