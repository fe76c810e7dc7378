"""Classical ridge on any spectrum (SMC §2.2) against Monte-Carlo; parts and invariants."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modelcollapse import Setting, Spectrum, predict

from .montecarlo import assert_agrees, monte_carlo


def anisotropic(d: int) -> Spectrum:
    """Power-law Σ, a source-condition target and an anisotropic shift Δ."""
    lam = np.arange(1, d + 1, dtype=float) ** -1.3
    j = np.arange(1, d + 1)
    return Spectrum.from_eigenvalues(lam, signal=j**-1.5, shift=lam * (1 + np.cos(j)), name="aniso")


GENERAL = [  # (d, n, ridge, p2)
    (300, 600, 1e-3, 0.05), (300, 600, 1e-3, 0.5), (300, 150, 1e-2, 1.0), (300, 150, 0.1, 0.2),
    (300, 900, 1.0, 0.5), (300, 300, 1e-4, 0.0),
]


@pytest.mark.parametrize(("d", "n", "ridge", "p2"), GENERAL)
def test_monte_carlo_anisotropic(d, n, ridge, p2):
    s = Setting(d=d, n=n, p2=p2, c2=0.5, sigma=0.5, ridge=ridge, spectrum=anisotropic(d))
    assert_agrees(predict(s).test_error, monte_carlo(s, seeds=30, seed=n))


@pytest.mark.parametrize(("n", "ridge"), [(400, 0.0), (150, 0.0), (150, 1e-3)])
def test_monte_carlo_power_law_cli_spectrum(n, ridge):
    s = Setting(d=300, n=n, p2=0.3, c2=1.0, ridge=ridge, spectrum="power:1.5")
    assert_agrees(predict(s).test_error, monte_carlo(s, seeds=30, seed=7))


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 1000), n=st.integers(20, 2000), log_ridge=st.floats(-6, 0),
       c2=st.floats(0, 2), sigma=st.floats(0, 2))
def test_p2_zero_is_clean_ridge(seed, n, log_ridge, c2, sigma):
    """p2 = 0: no synthetic penalty and c² is irrelevant."""
    spec = Spectrum.from_eigenvalues(np.random.default_rng(seed).uniform(0.1, 2, 60))
    base = Setting(d=60, n=n, p2=0.0, c2=c2, sigma=sigma, ridge=10.0**log_ridge, spectrum=spec)
    p = predict(base)
    assert p.synthetic_penalty == 0.0
    assert p.test_error == pytest.approx(predict(base.replace(c2=0.0)).test_error, rel=1e-12)
    assert p.test_error == pytest.approx(p.bias + p.variance, rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 1000), n=st.integers(20, 2000), log_ridge=st.floats(-6, 0),
       p2=st.floats(0.01, 1), c2=st.floats(0, 2))
def test_error_increases_with_c2(seed, n, log_ridge, p2, c2):
    spec = Spectrum.from_eigenvalues(np.random.default_rng(seed).uniform(0.1, 2, 60))
    s = Setting(d=60, n=n, p2=p2, c2=c2, ridge=10.0**log_ridge, spectrum=spec)
    assert predict(s.replace(c2=c2 + 0.1)).test_error > predict(s).test_error


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 1000), p2=st.floats(0, 1), c2=st.floats(0, 2))
def test_infinite_data_limit_is_p2_squared_c2(seed, p2, c2):
    """n -> infinity with ridge -> 0: E -> p2²c² for any spectrum (SMC eq. (2.19))."""
    spec = Spectrum.from_eigenvalues(np.random.default_rng(seed).uniform(0.1, 2, 60))
    s = Setting(d=60, n=10**12, p2=p2, c2=c2, ridge=1e-10, spectrum=spec)
    assert predict(s).test_error == pytest.approx(p2**2 * c2, rel=1e-6, abs=1e-9)
