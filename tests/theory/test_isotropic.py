"""Isotropic closed forms (SMC §2.4–§2.6): claims of §9, the general solver, Monte-Carlo."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modelcollapse import Setting, Spectrum, predict
from modelcollapse.theory import isotropic as iso

from .montecarlo import assert_agrees, monte_carlo


@pytest.mark.parametrize(("p2", "expected"), [(0.1, 1.10), (0.5, 1.50), (1.0, 2.00), (0.0, 1.00)])
def test_claims_1_2_eq_2_16(p2, expected):
    assert iso.ridgeless_underparameterised(0.5, p2, 1.0, 1.0) == pytest.approx(expected)
    assert predict(Setting(d=500, n=1000, p2=p2, c2=1.0)).test_error == pytest.approx(expected)


@pytest.mark.parametrize(("p2", "full", "small"), [
    (0.0, 0.010101, 0.01), (0.001, 0.0101112, 0.010001), (0.01, 0.010300, 0.0101),
    (0.1, 0.021010, 0.02), (0.5, 0.262626, 0.26)])
def test_claim_3_small_phi(p2, full, small):
    assert iso.ridgeless_underparameterised(0.01, p2, 1.0, 1.0) == pytest.approx(full, rel=1e-4)
    assert iso.small_phi(0.01, p2, 1.0, 1.0) == pytest.approx(small, rel=1e-4)


@pytest.mark.parametrize(("phi", "p2", "expected"), [
    (2, 0.0, 1.5), (2, 0.1, 1.595), (2, 0.5, 1.875), (2, 1.0, 2.0), (4, 0.0, 1.08333),
    (4, 0.1, 1.11583)])
def test_claim_6_overparameterised(phi, p2, expected):
    assert iso.ridgeless_overparameterised(phi, p2, 1.0, 1.0, 1.0) == pytest.approx(expected, rel=1e-5)
    E = predict(Setting(d=100 * phi, n=100, p2=p2, c2=1.0)).test_error
    assert E == pytest.approx(expected, rel=1e-5)


def test_claim_7_non_monotone_in_p2():
    E = {p2: predict(Setting(d=900, n=1000, p2=p2, c2=1.0)).test_error for p2 in (0, 0.1, 0.5, 1)}
    assert E[0.5] == pytest.approx(11.5) and E[1] == pytest.approx(10.0)
    assert E[0.1] == pytest.approx(9.82) and E[0] == pytest.approx(9.0)
    assert E[0.5] > E[1] > E[0.1] > E[0]


def test_claim_8_ridge():
    out = iso.isotropic_ridge(0.5, 0.1, 0.2, 1.0, 1.0, 1.0)
    assert out["kappa"] == pytest.approx(0.174166, abs=1e-6)
    for key, value in (("test_error", 0.724129), ("bias", 0.034522), ("variance", 0.569045),
                       ("synthetic_penalty", 0.120562)):
        assert out[key] == pytest.approx(value, abs=1e-6)
    out2 = iso.isotropic_ridge(2.0, 0.1, 0.2, 1.0, 1.0, 1.0)
    assert out2["kappa"] == pytest.approx(1.184429, abs=1e-6)
    assert out2["test_error"] == pytest.approx(1.360027, abs=1e-6)


@pytest.mark.parametrize(("p2", "expected"), [(0.01, 9.999e-5), (0.1, 0.0099010), (0.5, 0.2)])
def test_claim_9_best_ridge_floor(p2, expected):
    lam, value = iso.best_ridge_floor(p2, 1.0, 1.0)
    assert value == pytest.approx(expected, rel=1e-4)
    assert lam == pytest.approx(p2**2)
    grid = np.linspace(0, 1, 20001)
    assert iso.ridge_floor(grid, p2, 1.0, 1.0).min() >= value - 1e-12  # λ* is the minimiser


@settings(max_examples=80, deadline=None)
@given(phi=st.floats(0.05, 5), log_ridge=st.floats(-6, 1), p2=st.floats(0, 1),
       c2=st.floats(0, 3), sigma=st.floats(0, 2), r2=st.floats(0, 3))
def test_general_solver_equals_closed_form(phi, log_ridge, p2, c2, sigma, r2):
    """Two identical eigen-groups force the general solver; Σ = I is the closed form."""
    d = 400
    n = d / phi
    split = Spectrum.from_eigenvalues([1.0, 1.0], [150, 250])
    ridge = 10.0**log_ridge
    closed = iso.isotropic_ridge(phi, ridge, p2, c2, sigma, r2)
    general = predict(Setting(d=d, n=max(1, round(n)), p2=p2, c2=c2, sigma=sigma, ridge=ridge,
                              r2=r2, spectrum=split), n=n)
    for key in ("test_error", "bias", "variance", "synthetic_penalty"):
        assert getattr(general, key) == pytest.approx(float(closed[key]), rel=1e-9, abs=1e-12)


REGIMES = [  # (d, n, ridge, p2): under- and over-parameterised, ridge 0 .. 1
    (200, 400, 0.0, 0.0), (200, 400, 0.0, 0.05), (200, 400, 0.0, 0.5), (200, 400, 0.0, 1.0),
    (400, 200, 0.0, 0.5), (400, 200, 0.0, 1.0), (200, 400, 1e-4, 0.5), (400, 200, 1e-4, 0.2),
    (400, 800, 0.1, 0.2), (400, 200, 0.1, 0.2), (200, 400, 1.0, 0.5), (400, 200, 1.0, 1.0),
]


@pytest.mark.parametrize(("d", "n", "ridge", "p2"), REGIMES)
def test_monte_carlo_isotropic(d, n, ridge, p2):
    s = Setting(d=d, n=n, p2=p2, c2=1.0, sigma=1.0, ridge=ridge)
    assert_agrees(predict(s).test_error, monte_carlo(s, seeds=24, seed=d + n))
