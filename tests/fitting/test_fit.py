"""Recovery of the law from curves whose truth is known, and the loud convergence check."""

import numpy as np
import pytest

from modelcollapse.fitting import ConvergenceError, fit_curves, fit_frame
from modelcollapse.fitting import fit as fit_module

from .generated import HORIZON, N_GRID, SHARES, Case


def test_noiseless_isotropic_curves_give_the_theory_parameters(exact_case, exact_fit):
    # SMC eq. (2.16) is the law with E = 0, A = sigma² d, alpha = 1, n_c = d, F = c², G = c² d.
    d = exact_case.setting.d
    truth = {"E": 0.0, "A": d, "alpha": 1.0, "F": 1.0, "G": d, "n_c": d}
    for name, value in truth.items():
        assert exact_fit.params[name] == pytest.approx(value, rel=1e-4, abs=1e-8), name


@pytest.mark.parametrize("case", [Case("isotropic", 0.01, 2.0, 0.5, 0.0),
                                  Case("power:1.5", 1e-3, 0.5, 2.0, 0.0)])
def test_noiseless_ridge_curves_extrapolate(case):
    # With a ridge the theory is not exactly the law (SMC eq. (2.13)-(2.15), (2.20)); the
    # fit must still carry the curves from N to 16N within 10 %.
    n, p2, loss = case.curves(np.random.default_rng(0))
    fit = fit_curves(n, p2, loss, bootstrap=0)
    target = HORIZON * max(N_GRID)
    predicted = fit.predict(target, np.array(SHARES))[0]
    np.testing.assert_allclose(predicted, case.truth(target, np.array(SHARES)), rtol=0.1)


def test_noisy_curves_synthetic_shares_extrapolate(noisy_fit):
    case, fit = noisy_fit
    target = HORIZON * max(N_GRID)
    shares = np.array([0.1, 0.2])
    predicted = fit.predict(target, shares)[0]
    np.testing.assert_allclose(predicted, case.truth(target, shares), rtol=0.1)


def test_seeds_are_averaged_and_resampled():
    case = Case(noise=0.03)
    rng = np.random.default_rng(5)
    parts = [case.curves(rng) for _ in range(5)]
    n, p2, loss = (np.concatenate(x) for x in zip(*parts, strict=True))
    seeds = np.repeat(np.arange(5), parts[0][0].size)
    fit = fit_curves(n, p2, loss, seed_ids=seeds, bootstrap=30)
    assert fit.curves.n.size == parts[0][0].size  # one point per (n, p2)
    assert fit.replicates.shape == (30, 6)
    for name, (low, high) in fit.ci.items():
        assert low <= fit.params[name] * (1 + 1e-9) + 1e-12 and high >= low, name


def test_frame_helper_matches_arrays(exact_case):
    pd = pytest.importorskip("pandas")
    n, p2, loss = exact_case.curves(np.random.default_rng(0))
    frame = pd.DataFrame({"size": n, "share": p2, "err": loss, "other": "x"})
    fit = fit_frame(frame, "size", "share", "err", bootstrap=0)
    assert fit.params == fit_curves(n, p2, loss, bootstrap=0).params
    with pytest.raises(ValueError, match="no column 'n'"):
        fit_frame(frame)


def test_a_minimum_reached_once_fails_loudly(exact_case, monkeypatch):
    monkeypatch.setattr(fit_module, "AGREEMENT", -1.0)  # no two starts can agree now
    n, p2, loss = exact_case.curves(np.random.default_rng(0))
    with pytest.raises(ConvergenceError, match="starts reached the best cost"):
        fit_curves(n, p2, loss, bootstrap=0)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"n": [1, 2, 2, 1]}, "at least 3 distinct"),
    ({"n": [0, 2, 3, 4]}, "n: every value must be > 0"),
    ({"loss": [1, -1, 1, 1]}, "loss: every value must be > 0"),
    ({"p2": [0, 0, 1.5, 0]}, r"p2: every value must be in \[0, 1\]"),
    ({"loss": [1, np.nan, 1, 1]}, "loss: every value must be a finite number"),
    ({"loss": [1, 1, 1]}, "same length"),
    ({"bootstrap": -1}, "bootstrap must be a whole number"),
    ({"level": 1.0}, "level must be in"),
    ({"seed_ids": [0, 0, 1, 1]}, "at least 5 distinct seeds"),
])
def test_bad_input_names_the_parameter(kwargs, message):
    args = {"n": [1, 2, 3, 4], "p2": [0, 0, 0.1, 0.1], "loss": [1, 0.6, 0.5, 0.4]} | kwargs
    with pytest.raises(ValueError, match=message):
        fit_curves(**args)
