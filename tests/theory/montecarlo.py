"""A direct-sampling Monte-Carlo reference for the theory tests (SMC §8.3).

Deliberately plain and independent of the package's simulation engine: Gaussian rows in
Σ's eigenbasis, labels group by group, ridge / min-norm fit, exact test error from the
weights. Returns the mean over seeds and its standard error.
"""

from __future__ import annotations

import numpy as np

from modelcollapse import Setting


def fit_ridge(Z: np.ndarray, y: np.ndarray, ridge: float) -> np.ndarray:
    """argmin (1/n)||Zv − y||² + λ||v||²; λ = 0 gives the minimum-norm least-squares fit."""
    n, p = Z.shape
    if ridge == 0:
        return np.linalg.lstsq(Z, y, rcond=None)[0]
    if p <= n:
        return np.linalg.solve(Z.T @ Z / n + ridge * np.eye(p), Z.T @ y / n)
    return Z.T @ np.linalg.solve(Z @ Z.T / n + ridge * np.eye(n), y / n)


def _fit(X: np.ndarray, y: np.ndarray, S: np.ndarray | None, ridge: float) -> np.ndarray:
    if S is None:
        return fit_ridge(X, y, ridge)
    return S.T @ fit_ridge(X @ S.T, y, ridge)


def sample_error(setting: Setting, rng: np.random.Generator) -> float:
    lam, w_energy, delta_var = setting.covariance.per_direction()
    d, n = setting.d, setting.n
    n2 = setting.n_synthetic
    w1 = rng.choice([-1.0, 1.0], size=d) * np.sqrt(setting.r2 * w_energy)
    if setting.n0 is not None:  # OLS generator fitted on n0 fresh real samples (SMC §4)
        X0 = rng.standard_normal((setting.n0, d)) * np.sqrt(lam)
        y0 = X0 @ w1 + setting.sigma * rng.standard_normal(setting.n0)
        w2 = np.linalg.lstsq(X0, y0, rcond=None)[0]
    else:
        w2 = w1 + rng.standard_normal(d) * np.sqrt(setting.c2 * delta_var)
    X = rng.standard_normal((n, d)) * np.sqrt(lam)
    y = setting.sigma * rng.standard_normal(n)
    y[: n - n2] += X[: n - n2] @ w1
    y[n - n2:] += X[n - n2:] @ w2
    if setting.alpha is not None:  # weighted loss (5.1) = ridge on rows scaled by sqrt(weight)
        weight = np.r_[np.full(n - n2, (1 - setting.alpha) / (1 - setting.p2 or 1)),
                       np.full(n2, setting.alpha / (setting.p2 or 1))]
        X, y = X * np.sqrt(weight)[:, None], y * np.sqrt(weight)
    S = None
    if setting.model == "random-projections":
        S = rng.standard_normal((setting.m, d)) / np.sqrt(d)
    beta = _fit(X, y, S, setting.ridge)
    for _ in range(setting.iterations - 1):  # iterative mixing, variant R (SMC §5.2)
        X2 = rng.standard_normal((n2, d)) * np.sqrt(lam)
        X[n - n2:] = X2
        y[n - n2:] = X2 @ beta + setting.sigma * rng.standard_normal(n2)
        beta = _fit(X, y, S, setting.ridge)
    diff = beta - w1
    return float(diff @ (lam * diff))


def monte_carlo(setting: Setting, seeds: int, seed: int = 0) -> tuple[float, float]:
    """Mean test error over ``seeds`` independent draws and its standard error."""
    rng = np.random.default_rng(seed)
    errors = np.array([sample_error(setting, rng) for _ in range(seeds)])
    return float(errors.mean()), float(errors.std(ddof=1) / np.sqrt(seeds))


def assert_agrees(theory: float, mc: tuple[float, float], *, rel: float = 0.03,
                  n_se: float = 3.0) -> None:
    """Theory within n_se standard errors of the Monte-Carlo mean, or within rel relative."""
    mean, se = mc
    gap = abs(theory - mean)
    assert gap <= n_se * se or gap <= rel * abs(theory), (
        f"theory {theory:.6g} vs Monte-Carlo {mean:.6g} ± {se:.2g} "
        f"(gap {gap:.3g} = {gap / max(se, 1e-300):.1f} SE, {gap / abs(theory):.2%})")
