"""κ fixed point and degrees of freedom (SMC §2.1) against scalar references."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq

from modelcollapse import Spectrum
from modelcollapse.theory.dof import df1, df2, solve_kappa


def random_spectrum(seed: int, d: int) -> Spectrum:
    rng = np.random.default_rng(seed)
    return Spectrum.from_eigenvalues(rng.uniform(0.01, 3.0, d))


def test_df_matches_trace_definition():
    spec = random_spectrum(0, 50)
    lam = spec.eigenvalues
    for t in (0.0, 0.3, 7.0):
        assert df1(t, spec) == pytest.approx(np.sum(lam / (lam + t)), rel=1e-13)
        assert df2(t, spec) == pytest.approx(np.sum(lam**2 / (lam + t) ** 2), rel=1e-13)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 300), log_ridge=st.floats(-8, 1))
def test_kappa_matches_brent(seed, n, log_ridge):
    spec = random_spectrum(seed, 80)
    ridge = 10.0**log_ridge
    lam = spec.eigenvalues
    ref = brentq(lambda k: k - ridge - k * np.sum(lam / (lam + k)) / n,
                 ridge, ridge + lam.sum() / n + 1, xtol=1e-300, rtol=1e-15)
    assert solve_kappa(n, ridge, spec) == pytest.approx(ref, rel=1e-10)


def test_ridgeless_cases():
    spec = random_spectrum(1, 100)
    assert solve_kappa(200, 0.0, spec) == 0.0  # rank <= n: κ -> 0
    k = solve_kappa(40, 0.0, spec)  # rank > n: df1(κ) = n
    assert k > 0 and df1(k, spec) == pytest.approx(40, rel=1e-12)


def test_vectorised_equals_scalar_and_multiplicities_are_exact():
    grouped = Spectrum.from_eigenvalues([2.0, 0.5], [30, 70])
    expanded = Spectrum.from_eigenvalues(np.repeat([2.0, 0.5], [30, 70]))
    n = np.array([10.0, 50.0, 100.0, 400.0])[:, None]
    ridge = np.array([0.0, 1e-3, 0.5])
    grid = solve_kappa(n, ridge, grouped)
    assert grid.shape == (4, 3)
    for i in range(4):
        for j in range(3):
            assert grid[i, j] == pytest.approx(solve_kappa(n[i, 0], ridge[j], expanded),
                                               rel=1e-12, abs=1e-300)


def test_subnormal_ridge_above_the_threshold_converges():
    """n > d with a subnormal ridge: κ ≈ λn/(n − d) is subnormal (once: no convergence)."""
    spec = random_spectrum(2, 50)
    n = np.array([51.0, 100.0, 1e6])
    kappa = solve_kappa(n, 1e-310, spec)
    assert np.all(kappa > 0)
    np.testing.assert_allclose(kappa, 1e-310 * n / (n - 50), rtol=1e-3)


@pytest.mark.filterwarnings("error")
def test_extreme_spectra_and_ridges_take_the_direct_path():
    """Eigenvalues or κ beyond 1e±100 (where r² = (λ + κ)⁻² would leave the float range)."""
    lam = np.logspace(-150, 150, 31)
    spec = Spectrum.from_eigenvalues(lam, 2)
    n = np.array([3.0, 30.0, 300.0])
    ridge = np.array([1e-200, 1.0, 1e200])
    kappa = solve_kappa(n, ridge, spec)
    for k, nn, ll in zip(kappa, n, ridge, strict=True):
        assert abs(1 - ll / k - np.sum(2 * lam / (lam + k)) / nn) <= 1e-15
