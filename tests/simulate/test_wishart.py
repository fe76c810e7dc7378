"""Bartlett sampling of Wishart Gram matrices and noise cross terms (simulate/wishart.py)."""

import numpy as np
import pytest

from modelcollapse.simulate.wishart import bartlett_factor, draw_group, times_factor

P, N, DRAWS = 4, 9, 6000
# A dense square root C (not triangular: any root of the covariance is allowed).
C = np.array([[1.0, 0.3, 0.0, 0.2], [0.1, 0.8, 0.4, 0.0], [0.0, -0.2, 1.2, 0.1],
              [0.3, 0.0, 0.1, 0.5]])
SIGMA = C @ C.T


def _draws(factor, size, noise_sd=0.7):
    rng = np.random.default_rng(0)
    return [draw_group(rng, size, factor, noise_sd) for _ in range(DRAWS)]


def test_bartlett_factor_is_lower_triangular_with_chi_diagonal():
    rng = np.random.default_rng(1)
    L = bartlett_factor(rng, 1000, 5)
    assert np.allclose(L, np.tril(L)) and np.all(np.diag(L) > 0)
    diag2 = np.array([np.diag(bartlett_factor(rng, 12, 3)) ** 2 for _ in range(DRAWS)])
    np.testing.assert_allclose(diag2.mean(axis=0), [12, 11, 10], rtol=0.05)  # χ²_{n−i}
    with pytest.raises(ValueError, match="dof"):
        bartlett_factor(rng, 2, 3)


def test_gram_has_wishart_mean_variance_and_inverse_mean():
    grams = np.array([g.gram for g in _draws(C, N)])
    se = grams.std(axis=0) / np.sqrt(DRAWS)
    assert np.all(np.abs(grams.mean(axis=0) - N * SIGMA) < 4 * se)
    wishart_var = N * (SIGMA**2 + np.outer(np.diag(SIGMA), np.diag(SIGMA)))
    np.testing.assert_allclose(grams.var(axis=0), wishart_var, rtol=0.1)
    inv_mean = np.linalg.inv(grams).mean(axis=0)  # E[G⁻¹] = Σ⁻¹/(n − p − 1)
    np.testing.assert_allclose(inv_mean, np.linalg.inv(SIGMA) / (N - P - 1), atol=0.05 * np.abs(
        np.linalg.inv(SIGMA)).max() / (N - P - 1))


def test_noise_given_gram_has_covariance_s2_gram():
    """Fᵀ(sξ) | F ~ N(0, s²G): whitening by G^{1/2} must leave N(0, s²I)."""
    white = []
    for g in _draws(C, N, noise_sd=0.7):
        white.append(np.linalg.solve(np.linalg.cholesky(g.gram), g.noise))
    white = np.array(white)
    np.testing.assert_allclose(np.cov(white.T), 0.49 * np.eye(P), atol=0.03)
    assert np.abs(white.mean(axis=0)).max() < 4 * 0.7 / np.sqrt(DRAWS)


def test_small_groups_are_drawn_row_by_row_with_consistent_statistics():
    rng = np.random.default_rng(2)
    group = draw_group(rng, 3, np.sqrt(np.array([1.0, 2.0, 0.5, 0.1])), 0.3)
    assert group.rows.shape == (3, 4) and group.size == 3
    np.testing.assert_allclose(group.gram, group.rows.T @ group.rows)
    np.testing.assert_allclose(group.noise, group.rows.T @ group.row_noise)
    big = draw_group(rng, 4, C, 0.3)
    assert big.rows is None  # n >= p: Bartlett


def test_diagonal_and_dense_factors_agree():
    lam = np.array([2.0, 1.0, 0.5])
    M = np.arange(9.0).reshape(3, 3)
    np.testing.assert_allclose(times_factor(np.sqrt(lam), M), np.diag(np.sqrt(lam)) @ M)
