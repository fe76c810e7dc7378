"""The `modelcollapse fit` command-line contract."""

import json
import re

import numpy as np
import pytest

from modelcollapse.cli import main

from .generated import Case


def _write(path, rows, header="n,p2,loss,note"):
    path.write_text(header + "\n" + "\n".join(",".join(map(str, r)) for r in rows) + "\n")
    return path


@pytest.fixture
def curves_csv(tmp_path):
    n, p2, loss = Case(noise=0.01).curves(np.random.default_rng(0))
    return _write(tmp_path / "curves.csv", [(a, b, c, "x") for a, b, c in zip(n, p2, loss,
                                                                               strict=True)])


def test_json_contract(curves_csv, tmp_path, capsys):
    code = main(["fit", str(curves_csv), "--at", "1e5", "2e5", "--target-n", "1e5",
                 "--tolerance", "0.1", "--bootstrap", "20", "--seed", "3",
                 "--plot", str(tmp_path / "fit.png"), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert set(out["params"]) == set(out["ci"]) == {"E", "A", "alpha", "F", "G", "n_c"}
    assert all(len(v) == 2 and v[0] <= v[1] for v in out["ci"].values())
    shares = sorted({0.0, 0.02, 0.05, 0.1, 0.2})
    assert [f["p2"] for f in out["floor"]] == shares
    assert all(f["loss"] == pytest.approx(out["params"]["E"] + out["params"]["F"] * f["p2"]**2)
               for f in out["floor"])
    assert [(p["p2"], p["n"]) for p in out["predictions"]] == \
        [(p2, n) for n in (1e5, 2e5) for p2 in shares]
    assert all(p["low"] <= p["loss"] <= p["high"] for p in out["predictions"])
    clean = {p["n"]: p["loss"] for p in out["predictions"] if p["p2"] == 0}
    assert 0 < out["max_safe_p2"] < 1 and clean[1e5] > 0
    assert (tmp_path / "fit.png").stat().st_size > 0


def test_named_columns_and_text_output(tmp_path, capsys):
    n, p2, loss = Case(noise=0.0).curves(np.random.default_rng(0))
    path = _write(tmp_path / "c.csv", list(zip(loss, n, p2, strict=True)), header="err,size,share")
    assert main(["fit", str(path), "--n-col", "size", "--p2-col", "share", "--loss-col", "err",
                 "--bootstrap", "0", "--at", "1e6"]) == 0
    text = capsys.readouterr().out
    assert "floor at p2 = 0.2: 0.04" in text and "loss at n = 1e+06" in text


@pytest.mark.parametrize(("rows", "args", "message"), [
    ([(1, 0, 1)], ["--n-col", "size"], "no column 'size'"),
    ([(1, 0, "x"), (2, 0, 1), (3, 0, 1)], [], "loss: non-numeric value 'x'"),
    ([(0, 0, 1), (2, 0, 1), (3, 0, 1)], [], "n: every value must be > 0"),
    ([(1, 0, 0), (2, 0, 1), (3, 0, 1)], [], "loss: every value must be > 0"),
    ([(1, 1.2, 1), (2, 0, 1), (3, 0, 1)], [], r"p2: every value must be in \[0, 1\]"),
    ([(1, 0, 1), (2, 0, 1), (2, 0.1, 1)], [], "at least 3 distinct values"),
    ([(1, 0, 1), (2, 0, 1), (3, 0, 1)], ["--target-n", "10", "--tolerance", "0"],
     "tolerance must be > 0"),
    ([(1, 0, 1), (2, 0, 1), (3, 0, 1)], ["--target-n", "10", "--tolerance", "-1"],
     "tolerance must be > 0"),
    ([(1, 0, 1), (2, 0, 1), (3, 0, 1)], ["--target-n", "10"], "go together"),
    ([], [], "no data rows"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, rows, args, message):
    path = _write(tmp_path / "bad.csv", rows, header="n,p2,loss")
    assert main(["fit", str(path), *args, "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("modelcollapse fit: error:")
    assert re.search(message, lines[0]), lines[0]


def test_missing_file_and_missing_source(tmp_path, capsys):
    assert main(["fit", str(tmp_path / "none.csv")]) == 2
    assert main(["fit"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert "is not a file" in err[0] and "give a CSV file" in err[1]


def test_a_stored_study_is_fitted_with_seeds_as_the_unit(stored_study, capsys):
    store = stored_study("curves", '[base]\nd = 50\nc2 = 1.0\n[grid]\n'
                         'n = {start = 250, stop = 4000, num = 5, log = true}\np2 = [0.0, 0.05, 0.2]\n')
    assert main(["fit", "--store", store, "--study", "curves", "--at", "64000",
                 "--bootstrap", "20", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["params"]["F"] == pytest.approx(1.0, rel=0.2)  # c² = 1 (SMC eq. (2.19))
    assert len(out["predictions"]) == 3 and out["bootstrap"] == 20
    assert main(["fit", "--store", store, "--study", "nope"]) == 2
    assert main(["fit", "--store", store, "--study", "curves", "--where", "bogus=1"]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 2


def test_costly_shares_and_the_cheapest_mix_against_the_truth(tmp_path, capsys):
    case = Case(noise=0.0)
    n, p2, loss = case.curves(np.random.default_rng(0))
    path = _write(tmp_path / "c.csv", list(zip(n, p2, loss, strict=True)), header="n,p2,loss")
    target = float(case.truth(4 * max(n), 0.0))  # the clean loss at 4x the largest n
    assert main(["fit", str(path), "--bootstrap", "20", "--tolerance", "0.1",
                 "--costly-p2", "0", "0.05", "--target-loss", str(target),
                 "--cost-real", "10", "--cost-synthetic", "1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    never, costly = out["costly_from_n"]
    assert never == {"p2": 0.0, "n": None} and "never costs more" in out["note"]
    grid = np.geomspace(costly["n"] / 10, costly["n"] * 10, 4001)
    true_n = grid[np.argmax(case.truth(grid, 0.05) > 1.1 * case.truth(grid, 0.0))]
    assert costly["n"] == pytest.approx(true_n, rel=0.05)
    mix = out["cheapest_mix"]
    assert float(case.truth(mix["n"], mix["p2"])) == pytest.approx(target, rel=0.02)
    assert mix["cost"] == pytest.approx(10 * mix["n_real"] + mix["n_synthetic"])
    assert main(["fit", str(path), "--costly-p2", "0.05"]) == 2
    assert "costly-p2 needs --tolerance" in capsys.readouterr().err
