"""Random projections reduced to ridge on Gaussian features (simulate/random_projections.py)."""

import numpy as np
import pytest

from modelcollapse import Setting
from modelcollapse.simulate.random_projections import projected_features

from .helpers import assert_same_mean, draws


@pytest.mark.parametrize("ridge", [0.0, 0.2])
@pytest.mark.parametrize("n", [5, 30])  # n < d < m (generalised min-norm) and n > m > d
def test_wide_projection_acts_through_its_triangular_factor(n, ridge):
    """m >= d: Sᵀv̂ from features XSᵀ equals Rᵀû from features XRᵀ with S = UR (SMC §3.2)."""
    rng = np.random.default_rng(0)
    d, m = 8, 20
    S = rng.standard_normal((m, d)) / np.sqrt(d)
    X = rng.standard_normal((n, d))
    y = rng.standard_normal(n)

    def fit(Z):
        if ridge == 0:
            return np.linalg.pinv(Z) @ y
        return np.linalg.solve(Z.T @ Z / n + ridge * np.eye(Z.shape[1]), Z.T @ y / n)

    R = np.linalg.qr(S, mode="r")
    np.testing.assert_allclose(S.T @ fit(X @ S.T), R.T @ fit(X @ R.T), rtol=1e-8, atol=1e-10)


def test_triangular_factor_has_the_law_of_the_projection_gram():
    """RᵀR ~ Wishart(m, I/d) = SᵀS: compare mean and entry variances."""
    rng = np.random.default_rng(1)
    d, m, draws = 5, 9, 4000
    grams = []
    for _ in range(draws):
        R = projected_features(rng, np.ones(d), m).transform
        grams.append(R.T @ R)
    grams = np.array(grams)
    np.testing.assert_allclose(grams.mean(axis=0), m / d * np.eye(d), atol=0.05)
    expected_var = m / d**2 * (np.eye(d) + 1.0)  # Var of Wishart(m, I/d) entries
    np.testing.assert_allclose(grams.var(axis=0), expected_var, rtol=0.1)


def test_narrow_projection_sees_a_fraction_m_over_d_of_the_target():
    """m < d, Σ = I: E[r²] = (1 − m/d)||w||² (a random m-dimensional subspace)."""
    rng = np.random.default_rng(2)
    d, m = 30, 12
    w = rng.standard_normal(d)
    residuals = []
    for _ in range(500):
        space = projected_features(rng, np.ones(d), m)
        assert space.kind == "projection" and space.p == m
        residuals.append(space.project(w)[1])
    assert np.mean(residuals) == pytest.approx((1 - m / d) * w @ w, rel=0.02)


def test_feature_count_is_min_of_m_and_d():
    rng = np.random.default_rng(3)
    lam = np.linspace(1, 0.1, 10)
    assert projected_features(rng, lam, 4).p == 4
    wide = projected_features(rng, lam, 50)
    assert wide.kind == "triangular" and wide.p == 10
    np.testing.assert_allclose(wide.factor, wide.transform * np.sqrt(lam))


@pytest.mark.parametrize(("n", "m", "ridge"), [(5, 20, 0.0), (30, 20, 0.2), (40, 12, 0.1)])
def test_conditional_estimators_have_the_sampled_mean(n, m, ridge):
    """The regimes above (m >= d with n < d and n > m; m < d, where the residual the
    features miss is label noise and test error): conditional means = sampled means."""
    setting = Setting(d=8 if m == 20 else 30, n=n, m=m, p2=0.4, c2=1.0, sigma=0.5,
                      ridge=ridge, model="random-projections", spectrum="power:1.0")
    sampled = np.concatenate([draws(setting, "sufficient", 300, 1), draws(setting, "direct", 300, 2)])
    for method, base in (("conditional", 3), ("direct-conditional", 4)):
        assert_same_mean(sampled[:, 0], draws(setting, method, 100, base)[:, 0])
