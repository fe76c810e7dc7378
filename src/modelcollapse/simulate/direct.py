"""Direct Monte-Carlo: sample the n training rows themselves (SMC §8.3).

The reference the sufficient-statistic sampler is tested against, and the method of choice
when there are few rows. Rows x ~ N(0, Σ) in Σ's eigenbasis, labels y = xᵀw_k + σξ group
by group, features Z = X (linear) or Z = XSᵀ with an explicit S (random projections), then
ridge on Z: primal (ZᵀZ/n + λI)⁻¹Zᵀy/n when there are at least as many rows as features,
accumulated over chunks of rows so memory stays bounded at n = 10⁶; dual form
Zᵀ(ZZᵀ/n + λI)⁻¹y/n otherwise. λ = 0 is the minimum-norm least-squares solution
(pseudo-inverse, SMC §0 item 1). The error is computed exactly from the weights.
"""

from __future__ import annotations

import numpy as np

from ..config import Setting
from .mixing import draw_targets, group_weights

# Rows are drawn in chunks of about this many numbers (32 MB of float64).
CHUNK_ELEMENTS = 1 << 22


def _draw_rows(rng: np.random.Generator, size: int, lam: np.ndarray, S: np.ndarray | None,
               targets: np.ndarray, sigma: float, weight: float, keep: bool
               ) -> tuple[np.ndarray, np.ndarray]:
    """One group's (ZᵀZ, Zᵀy), or its weighted rows (Z, y) when ``keep``; y has one column per target."""
    d = lam.size
    q = d if S is None else S.shape[0]
    chunk = size if keep else max(1, CHUNK_ELEMENTS // (d + q))
    gram, cross, rows, labels = np.zeros((q, q)), np.zeros((q, targets.shape[1])), [], []
    for start in range(0, size, chunk):
        X = rng.standard_normal((min(chunk, size - start), d)) * np.sqrt(lam)
        y = X @ targets + sigma * rng.standard_normal(X.shape[0])[:, None]
        Z = X if S is None else X @ S.T
        if keep:
            rows.append(np.sqrt(weight) * Z)
            labels.append(np.sqrt(weight) * y)
        else:
            gram += Z.T @ Z
            cross += Z.T @ y
    if keep:
        return np.vstack(rows), np.vstack(labels)
    return weight * gram, weight * cross


def _fit(stats: list[tuple[np.ndarray, np.ndarray]], dual: bool, n: int,
         ridges: np.ndarray) -> np.ndarray:
    """Ridge coefficients (features × ridges) from per-group statistics."""
    if dual:
        Z = np.vstack([s[0] for s in stats])
        y = np.vstack([s[1] for s in stats])
        kernel = Z @ Z.T
        coef = [np.linalg.lstsq(kernel, y[:, j], rcond=None)[0] if lam == 0 else
                np.linalg.solve(kernel / n + lam * np.eye(len(kernel)), y[:, j] / n)
                for j, lam in enumerate(ridges)]
        return Z.T @ np.stack(coef, axis=1)
    gram = sum(s[0] for s in stats)
    cross = sum(s[1] for s in stats)
    return np.stack([np.linalg.lstsq(gram, cross[:, j], rcond=None)[0] if lam == 0 else
                     np.linalg.solve(gram / n + lam * np.eye(len(gram)), cross[:, j] / n)
                     for j, lam in enumerate(ridges)], axis=1)


def draw_projection(setting: Setting, rng: np.random.Generator
                    ) -> tuple[np.ndarray | None, tuple[tuple[int, float], tuple[int, float]], bool]:
    """(S, the groups' (rows, weight), dual): the random projection S (m×d, iid N(0, 1/d);
    None for the linear model), drawn here, and whether fewer rows than features are fitted
    (the dual form)."""
    d = setting.d
    S = None
    if setting.model == "random-projections":
        S = rng.standard_normal((setting.m, d)) / np.sqrt(d)
    q = d if S is None else setting.m
    (n1, om1), (n2, om2) = group_weights(setting)
    return S, ((n1, om1), (n2, om2)), (n1 if om1 else 0) + (n2 if om2 else 0) < q


def direct_errors(setting: Setting, rng: np.random.Generator, ridges: np.ndarray) -> np.ndarray:
    """Test error ||ŵ − w1*||²_Σ of one seed for each ridge in ``ridges`` (same draws for all)."""
    lam, w1, w2 = draw_targets(setting, rng, sufficient=False)
    n, nr = setting.n, ridges.size
    S, ((n1, om1), (n2, om2)), dual = draw_projection(setting, rng)
    real = []
    if n1 and om1:
        real = [_draw_rows(rng, n1, lam, S, np.tile(w1[:, None], nr), setting.sigma, om1, dual)]
    W = np.tile(w2[:, None], nr)
    for _ in range(setting.iterations):  # iterations > 1: variant R (SMC §5.2)
        synthetic = []
        if n2 and om2:
            synthetic = [_draw_rows(rng, n2, lam, S, W, setting.sigma, om2, dual)]
        V = _fit(real + synthetic, dual, n, ridges)
        W = V if S is None else S.T @ V
    diff = W - w1[:, None]
    return np.einsum("ij,ij->j", diff, lam[:, None] * diff)
