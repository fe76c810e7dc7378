"""Bootstrap replicates of the fitted law's parameters.

Without seeds: a residual bootstrap over the points. Each replicate keeps the design (which
n and p2 were run) and multiplies the fitted law by the points' log-residuals drawn with
replacement, each divided by sqrt(1 − h) for its leverage h (a fit pulls hardest on the
points that pin the extrapolation, the largest n, so their raw residuals understate the
noise most; Davison & Hinkley 1997, §6.2). With seeds: a bootstrap over seeds; each
replicate draws the seeds with replacement and refits the per-(n, p2) means.
Each replicate restarts from the point estimate, so it costs one local solve.
"""

from __future__ import annotations

import numpy as np

from .data import Curves
from .fit import CLEAN_FREE, SYNTHETIC_FREE, ConvergenceError, Scale, fit_internal, jacobian, log_residuals

# A bootstrap in which more replicates than this fail to converge is not trusted.
MAX_FAILED_SHARE = 0.1


def bootstrap_internal(curves: Curves, scale: Scale, theta: np.ndarray, replicates: int,
                       rng: np.random.Generator) -> np.ndarray:
    """``replicates`` rows of internal parameters (e, a, alpha, f, g) around ``theta``."""
    if curves.seed_ids is not None:
        draw = _seed_resampler(curves, rng)
    else:
        draw = _residual_resampler(curves, scale, theta, rng)
    rows = np.array([fit_internal(draw(), scale, check=False, starts=[theta])
                     for _ in range(replicates)]).reshape(replicates, -1)
    failed = np.isnan(rows[:, 0]).mean() if replicates else 0.0
    if failed > MAX_FAILED_SHARE:
        raise ConvergenceError(f"bootstrap: {failed:.0%} of the {replicates} refits did not "
                               "converge; the intervals would not be trustworthy")
    return rows[~np.isnan(rows[:, 0])]


def _residual_resampler(curves: Curves, scale: Scale, theta: np.ndarray,
                        rng: np.random.Generator):
    resid = log_residuals(curves, scale, theta)
    free = SYNTHETIC_FREE if curves.has_synthetic else CLEAN_FREE
    jac = jacobian(theta, curves, scale)[:, free]
    leverage = np.einsum("ij,ji->i", jac, np.linalg.pinv(jac))
    resid = resid / np.sqrt(np.clip(1 - leverage, 1e-3, None))
    resid = resid - resid.mean()
    size = resid.size
    fitted = curves.loss * np.exp(-log_residuals(curves, scale, theta))

    def draw() -> Curves:
        noise = np.exp(rng.choice(resid, size=size, replace=True))
        return Curves(curves.n, curves.p2, fitted * noise)

    return draw


def _seed_resampler(curves: Curves, rng: np.random.Generator):
    ids, index = np.unique(curves.seed_ids, return_inverse=True)
    index = index.ravel()

    def draw() -> Curves:
        counts = np.bincount(rng.integers(0, ids.size, ids.size), minlength=ids.size)
        weight = counts[index].astype(float)
        keep = weight > 0
        n, p2 = curves.n[keep], curves.p2[keep]
        keys, inverse = np.unique(np.column_stack([n, p2]), axis=0, return_inverse=True)
        inverse = inverse.ravel()
        w = weight[keep]
        loss = np.bincount(inverse, weights=w * curves.loss[keep]) / np.bincount(inverse, w)
        return Curves(keys[:, 0], keys[:, 1], loss)

    return draw
