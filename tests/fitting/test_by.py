"""One law per group (a model size m): ``fit_by`` and ``modelcollapse fit --by``, checked
against the random-projections deterministic equivalents (SMC eq. (3.5)), whose floor as
n → ∞ at fixed γ = m/d is (1 − γ)·r² + p2²·γ·c²: the clean floor E and F = γ·c². The
law has no term for the (1 − γ)·p2·c² part of (3.5)'s variance factor, so the fitted
constants are close, not exact: E within 0.5 %, F within 3 %."""

import json

import numpy as np
import pytest

from modelcollapse import Setting, predict
from modelcollapse.cli import main
from modelcollapse.fitting import fit_by

D = 100
SIZES = (25, 50, 75)
N_GRID = np.geomspace(5 * D, 80 * D, 8).round()


def projection_curves(c2: float = 1.0) -> tuple[np.ndarray, ...]:
    rows = []
    for m in SIZES:
        setting = Setting(d=D, n=1000, c2=c2, model="random-projections", m=m)
        for p2 in (0.0, 0.1, 0.2, 0.4):
            rows += [(m, n, p2, e) for n, e in
                     zip(N_GRID, predict(setting, n=N_GRID, p2=p2).test_error, strict=True)]
    return tuple(np.array(rows).T)


def test_each_model_size_gets_its_own_floor():
    m, n, p2, loss = projection_curves(c2=2.0)
    fits = fit_by(m.astype(int), n, p2, loss, bootstrap=0)
    assert list(fits) == list(SIZES)
    for size, fit in fits.items():
        gamma = size / D
        assert fit.params["E"] == pytest.approx(1 - gamma, rel=5e-3)   # (1 − γ)·r²
        assert fit.params["F"] == pytest.approx(gamma * 2.0, rel=0.03)  # γ·c²
        truth = predict(Setting(d=D, n=1000, c2=2.0, model="random-projections", m=size),
                        n=16 * N_GRID[-1], p2=0.2).test_error
        assert fit.predict(16 * N_GRID[-1], 0.2)[0] == pytest.approx(truth, rel=5e-3)
    floors = [fit.floor(0.4) - fit.floor(0.0) for fit in fits.values()]
    assert floors == sorted(floors)  # below d a larger model amplifies the synthetic penalty


def test_a_group_that_cannot_be_fitted_is_named():
    m, n, p2, loss = projection_curves()
    keep = (m != 50) | (n <= N_GRID[1])  # m = 50 keeps two sizes of n only
    with pytest.raises(ValueError, match="^50: n: at least 3 distinct"):
        fit_by(m[keep].astype(int), n[keep], p2[keep], loss[keep], bootstrap=0)
    with pytest.raises(ValueError, match="^by must have the same length"):
        fit_by(m[:3], n, p2, loss)


def test_cli_by_column_json_and_plot(tmp_path, capsys):
    m, n, p2, loss = projection_curves()
    path = tmp_path / "sizes.csv"
    path.write_text("n,p2,loss,m\n" + "\n".join(f"{a},{b},{c},{int(d)}" for a, b, c, d in
                                                zip(n, p2, loss, m, strict=True)) + "\n")
    assert main(["fit", str(path), "--by", "m", "--at", "1e5", "--target-n", "1e5",
                 "--tolerance", "0.1", "--bootstrap", "20", "--plot", str(tmp_path / "f.png"),
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["by"] == "m" and [f["value"] for f in out["fits"]] == list(SIZES)
    for fit in out["fits"]:
        assert fit["params"]["F"] == pytest.approx(fit["value"] / D, rel=0.05)
        assert len(fit["predictions"]) == 4 and 0 < fit["max_safe_p2"] < 1
    assert (tmp_path / "f.png").stat().st_size > 0
    assert main(["fit", str(path), "--by", "size", "--json"]) == 2
    assert "no column 'size'" in capsys.readouterr().err


def test_a_stored_study_over_model_sizes(stored_study, capsys):
    store = stored_study("sizes", '[base]\nd = 40\nc2 = 1.0\nmodel = "random-projections"\n'
                         '[grid]\nm = [10, 30]\nn = {start = 200, stop = 3200, num = 5, log = true}\n'
                         'p2 = [0.0, 0.2]\n')
    assert main(["fit", "--store", store, "--study", "sizes", "--bootstrap", "20"]) == 2
    assert "--by m" in capsys.readouterr().err
    assert main(["fit", "--store", store, "--study", "sizes", "--by", "m", "--bootstrap", "20",
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [f["value"] for f in out["fits"]] == [10, 30]
    small, large = (f["params"]["F"] for f in out["fits"])
    assert small < large  # γ·c² = 0.25 and 0.75
