"""Bootstrap replicates of the fitted law's parameters.

Without seeds: a residual bootstrap over the points. Each replicate keeps the design (which
n and p2 were run) and multiplies the fitted law by the points' log-residuals drawn with
replacement, each divided by sqrt(1 − h) for its leverage h (a fit pulls hardest on the
points that pin the extrapolation, the largest n, so their raw residuals understate the
noise most; Davison & Hinkley 1997, §6.2). With seeds: a bootstrap over seeds; each
replicate draws the seeds with replacement and refits the per-(n, p2) means. Each seed's
losses are first multiplied by fitted law / seeds' mean at their (n, p2), so that all the
seeds together give the fitted law: as in the residual bootstrap, the replicates are drawn
around the fit, not around the data (with the unbounded refits below, a ridgeless fit on
5 seeds otherwise had 28 of 30 replicates at E < 0, centred on the unbounded fit of the
data, and n_c's interval left out the reported n_c).
Each replicate restarts from the point estimate, so it costs one local solve.

The refits drop the bound E ≥ 0 (``fit_internal(signed_floor=True)``); the point estimate
keeps it. Where the true clean floor is 0 or near it (ridgeless regression: E = 0), half of
the point estimates sit on the bound and the rest lie above the truth; refits bounded the
same way pile up at the bound, which cuts short the low tail of their predictions, so the
95 % intervals held the true clean loss at 16x the largest n only 80-89 % of the time, every
miss below the truth (benchmarks/fit_recovery.py). Unbounded refits are replicates of a
regular estimator (the law extends smoothly to E < 0 while it stays positive on the data)
and reach below the point; ``advice.py`` turns them into percentile intervals, using
E ≥ 0 only to raise their low ends. Random signs on the residuals instead of resampling
them (a wild bootstrap) covered no better there.
"""

from __future__ import annotations

import numpy as np

from .data import Curves
from .fit import (
    CLEAN_FREE,
    SYNTHETIC_FREE,
    ConvergenceError,
    Scale,
    fit_internal,
    fitted_loss,
    jacobian,
    log_residuals,
)

# A bootstrap in which more replicates than this fail to converge is not trusted.
MAX_FAILED_SHARE = 0.1


def bootstrap_internal(curves: Curves, scale: Scale, theta: np.ndarray, replicates: int,
                       rng: np.random.Generator) -> np.ndarray:
    """``replicates`` rows of internal parameters (e, a, alpha, f, g) around ``theta``."""
    if curves.seed_ids is not None:
        draw = _seed_resampler(curves, scale, theta, rng)
    else:
        draw = _residual_resampler(curves, scale, theta, rng)
    rows = np.array([fit_internal(draw(), scale, check=False, starts=[theta], signed_floor=True)
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
    fitted = fitted_loss(curves, scale, theta)

    def draw() -> Curves:
        noise = np.exp(rng.choice(resid, size=size, replace=True))
        return Curves(curves.n, curves.p2, fitted * noise)

    return draw


def _seed_resampler(curves: Curves, scale: Scale, theta: np.ndarray,
                    rng: np.random.Generator):
    ids, index = np.unique(curves.seed_ids, return_inverse=True)
    index = index.ravel()
    _, point = np.unique(np.column_stack([curves.n, curves.p2]), axis=0, return_inverse=True)
    point = point.ravel()
    mean = np.bincount(point, weights=curves.loss) / np.bincount(point)
    fitted = fitted_loss(curves, scale, theta)
    centred = curves.loss * fitted / mean[point]

    def draw() -> Curves:
        counts = np.bincount(rng.integers(0, ids.size, ids.size), minlength=ids.size)
        weight = counts[index].astype(float)
        keep = weight > 0
        n, p2 = curves.n[keep], curves.p2[keep]
        keys, inverse = np.unique(np.column_stack([n, p2]), axis=0, return_inverse=True)
        inverse = inverse.ravel()
        w = weight[keep]
        loss = np.bincount(inverse, weights=w * centred[keep]) / np.bincount(inverse, w)
        return Curves(keys[:, 0], keys[:, 1], loss)

    return draw
