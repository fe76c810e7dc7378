"""Ridge from sufficient statistics in residual form, and feature spaces (simulate/linear.py)."""

import numpy as np
import pytest
from scipy import linalg

from modelcollapse.simulate.linear import FeatureSpace, linear_features, ridge_deviation
from modelcollapse.simulate.wishart import draw_group

P = 6
LAM = np.linspace(2.0, 0.2, P)


def _groups(sizes, weights, seed=0):
    rng = np.random.default_rng(seed)
    space = linear_features(LAM)
    target = rng.standard_normal(P)
    offsets = [np.zeros(P)] + [rng.standard_normal(P) for _ in sizes[1:]]
    groups = [(draw_group(rng, k, space.factor, 0.5), w, off)
              for k, w, off in zip(sizes, weights, offsets, strict=True)]
    return space, target, groups


def _explicit_ridge(groups, target, n, ridge):
    """argmin (1/n) Σ_k ω_k ||F_k v − y_k||² + λ||v||² on the rows; λ = 0: min-norm."""
    Z = np.vstack([np.sqrt(w) * g.rows for g, w, _ in groups])
    y = np.concatenate([np.sqrt(w) * (g.rows @ (target + off) + g.row_noise) for g, w, off in groups])
    if ridge == 0:
        return np.linalg.pinv(Z) @ y
    return np.linalg.solve(Z.T @ Z / n + ridge * np.eye(P), Z.T @ y / n)


@pytest.mark.parametrize("ridge", [0.0, 0.3])
@pytest.mark.parametrize("sizes", [(4, 5), (2, 3)])  # primal (9 rows >= 6), dual (5 < 6)
def test_deviation_matches_explicit_weighted_ridge(sizes, ridge):
    space, target, groups = _groups(sizes, (0.7, 1.6))
    n = sum(sizes)
    dev = ridge_deviation(space, groups, n, target, np.array([ridge]))[:, 0]
    np.testing.assert_allclose(dev + target, _explicit_ridge(groups, target, n, ridge),
                               rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("sizes", [(4, 5), (2, 3), (40, 60)])
def test_one_eigendecomposition_for_many_ridges(sizes):
    space, target, groups = _groups(sizes, (1.0, 1.0))
    ridges = np.array([0.0, 1e-3, 0.5, 4.0])
    path = ridge_deviation(space, groups, sum(sizes), target, ridges)
    for j, lam in enumerate(ridges):
        one = ridge_deviation(space, groups, sum(sizes), target, np.array([lam]))[:, 0]
        np.testing.assert_allclose(path[:, j], one, rtol=1e-8, atol=1e-12)


def test_offsets_per_ridge_are_used_column_by_column():
    space, target, groups = _groups((40, 60), (1.0, 1.0))
    ridges = np.array([0.1, 1.0])
    (g1, w1, off1), (g2, w2, off2) = groups
    per_ridge = np.stack([off2, 2 * off2], axis=1)
    both = ridge_deviation(space, [(g1, w1, off1), (g2, w2, per_ridge)], 100, target, ridges)
    second = ridge_deviation(space, [(g1, w1, off1), (g2, w2, 2 * off2)], 100, target, ridges[1:])
    np.testing.assert_allclose(both[:, 1], second[:, 0], rtol=1e-10)


def test_projection_target_minimises_the_error_and_residual_is_the_minimum():
    rng = np.random.default_rng(3)
    d, m = 7, 3
    lam = np.linspace(1.5, 0.3, d)
    S = rng.standard_normal((m, d))
    space = FeatureSpace("projection", lam, linalg.cholesky((S * lam) @ S.T, lower=True), S)
    w = rng.standard_normal(d)
    a, res = space.project(w)
    root = np.sqrt(lam)[:, None] * S.T  # Σ^{1/2}Fᵀ
    best = np.linalg.lstsq(root, np.sqrt(lam) * w, rcond=None)[0]
    np.testing.assert_allclose(a, best, rtol=1e-10)
    gap = S.T @ a - w
    assert res == pytest.approx(gap @ (lam * gap), rel=1e-10) and res > 0
    v = rng.standard_normal((m, 2))
    np.testing.assert_allclose(space.sq_norm(v), np.einsum("ij,ik,kj->j", v, (S * lam) @ S.T, v))


def test_triangular_and_identity_spaces_see_everything():
    rng = np.random.default_rng(4)
    lam = np.array([1.0, 0.5, 0.25])
    R = np.triu(rng.standard_normal((3, 3))) + 3 * np.eye(3)
    w = rng.standard_normal(3)
    a, res = FeatureSpace("triangular", lam, R * np.sqrt(lam), R).project(w)
    np.testing.assert_allclose(R.T @ a, w, rtol=1e-12)
    assert res == 0.0
    assert linear_features(lam).project(w) == (w, 0.0)
    np.testing.assert_allclose(linear_features(lam).sq_norm(w[:, None]), [w @ (lam * w)])
