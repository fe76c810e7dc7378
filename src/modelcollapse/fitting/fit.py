"""The joint fit of the collapse-aware law across every p2 curve.

Robust loss: Huber on log-loss residuals log L(n, p2) − log loss (a relative error, so a
curve's small-loss end weighs as much as its start; a point off by more than ``HUBER_SCALE``
counts linearly, not quadratically). Many starting points: for each rate α and threshold
n_c on a grid the law is linear in (E, A, F, G), so a non-negative least-squares solve
gives each start its amplitudes. Convergence check: the best start must have stopped on a
tolerance (not on its evaluation budget) and its cost must be reached again from another
start; otherwise :class:`ConvergenceError` (Hoffmann et al.'s Approach-3 fit famously
stopped before converging).

Internally n is divided by the largest n, the loss by the median loss and n_c by the
smallest n, so every parameter is of order one; :meth:`Scale.to_params` converts back.
Without a curve with p2 > 0, F and G are not fitted (they stay 0).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import OptimizeResult, least_squares, nnls

from .data import Curves
from .law import PARAMS

HUBER_SCALE = 0.05  # log-residual beyond which a point counts linearly (≈ 5 % off the law)
ALPHA_BOUNDS = (0.01, 4.0)  # the rate: from barely decaying to faster than any ridge rate
THRESHOLD_MAX = 0.95  # n_c at most this share of the smallest n: the law holds above n_c
ALPHA_STARTS = np.geomspace(0.1, 3.0, 6)
THRESHOLD_STARTS = (0.0, 0.5)
AGREEMENT = 1e-6  # relative cost difference within which two starts reached the same minimum
SYNTHETIC_FREE = np.arange(len(PARAMS))
CLEAN_FREE = np.array([0, 1, 2, 5])  # E, A, alpha, n_c
POWER_LAW_FREE = np.array([0, 1, 2])  # E + A·n^(−α), the Chinchilla-style baseline


class ConvergenceError(ValueError):
    """The fit did not converge: the loss curves do not pin the law down."""


class Scale:
    """The units of the internal fit: n / n_ref, loss / loss_ref, n_c / n_min."""

    def __init__(self, curves: Curves) -> None:
        self.n_ref = float(np.max(curves.n))
        self.n_min = float(np.min(curves.n))
        self.loss_ref = float(np.median(curves.loss))

    def to_params(self, theta: np.ndarray) -> np.ndarray:
        """Internal (e, a, alpha, f, g, c) rows → the law's (E, A, α, F, G, n_c) in data units."""
        e, a, alpha, f, g, c = np.atleast_2d(theta).T
        gain = self.loss_ref * self.n_ref**alpha
        return np.column_stack([self.loss_ref * e, a * gain, alpha, self.loss_ref * f,
                                g * gain, c * self.n_min])


def _variance(curves: Curves, scale: Scale, alpha: float, c: float) -> np.ndarray:
    return (curves.n / scale.n_ref) ** (-alpha) / (1 - (c * scale.n_min / curves.n) ** alpha)


def _model(theta: np.ndarray, curves: Curves, scale: Scale) -> np.ndarray:
    e, a, alpha, f, g, c = theta
    p2 = curves.p2
    return e + f * p2**2 + (a + g * p2 * (1 - p2)) * _variance(curves, scale, alpha, c)


def jacobian(theta: np.ndarray, curves: Curves, scale: Scale) -> np.ndarray:
    """d log L / d(e, a, alpha, f, g, c), one row per point (analytic: a finite-difference
    Jacobian costs six more law evaluations per step)."""
    e, a, alpha, f, g, c = theta
    p2 = curves.p2
    cross = p2 * (1 - p2)
    v = _variance(curves, scale, alpha, c)
    model = e + f * p2**2 + (a + g * cross) * v
    below = c * scale.n_min / curves.n  # (n_c/n): the threshold's share of n
    ratio = below**alpha
    with np.errstate(divide="ignore", invalid="ignore"):
        dlogv_dalpha = -np.log(curves.n / scale.n_ref) + np.where(
            ratio > 0, ratio * np.log(below) / (1 - ratio), 0.0)
        dlogv_dc = np.where(ratio > 0, alpha * ratio / (c * (1 - ratio)), 0.0)
    amp = (a + g * cross) * v
    columns = [np.ones_like(v), v, amp * dlogv_dalpha, p2**2, cross * v, amp * dlogv_dc]
    return np.column_stack(columns) / model[:, None]


def _starts(curves: Curves, scale: Scale) -> list[np.ndarray]:
    """One start per (α, n_c) of the grids, amplitudes (E, A, F, G) by non-negative least
    squares on the relative error."""
    y = curves.loss / scale.loss_ref
    p2 = curves.p2
    starts = []
    for alpha in ALPHA_STARTS:
        for c in THRESHOLD_STARTS:
            v = _variance(curves, scale, alpha, c)
            design = np.column_stack([np.ones_like(v), v, p2**2, p2 * (1 - p2) * v])
            if not curves.has_synthetic:
                design = design[:, :2]
            amps, _ = nnls(design / y[:, None], np.ones_like(y))
            amps = np.concatenate([amps, np.zeros(4 - amps.size)])
            amps[1] = max(amps[1], 1e-6)  # A > 0: a start with no decay has no rate to move
            starts.append(np.array([amps[0], amps[1], alpha, amps[2], amps[3], c]))
    return starts


def _solve(start: np.ndarray, curves: Curves, scale: Scale, free: np.ndarray,
           signed_floor: bool = False) -> OptimizeResult:
    low = np.array([-np.inf if signed_floor else 0.0, 1e-12, ALPHA_BOUNDS[0], 0.0, 0.0,
                    0.0])[free]
    high = np.array([np.inf, np.inf, ALPHA_BOUNDS[1], np.inf, np.inf, THRESHOLD_MAX])[free]
    log_y = np.log(curves.loss / scale.loss_ref)
    theta = np.where(np.isin(np.arange(len(PARAMS)), free), start, 0.0)

    def residuals(x: np.ndarray) -> np.ndarray:
        theta[free] = x
        with np.errstate(invalid="ignore"):  # a law ≤ 0 on the data: NaN, a rejected step
            return np.log(_model(theta, curves, scale)) - log_y

    def derivatives(x: np.ndarray) -> np.ndarray:
        theta[free] = x
        return jacobian(theta, curves, scale)[:, free]

    result = least_squares(residuals, np.clip(theta[free], low, high), jac=derivatives,
                           bounds=(low, high), loss="huber", f_scale=HUBER_SCALE, x_scale="jac", xtol=1e-10,
                           ftol=1e-10, gtol=1e-8, max_nfev=2000)
    theta[free] = result.x
    result.theta = theta.copy()
    return result


def fit_internal(curves: Curves, scale: Scale, *, check: bool = True,
                 starts: list[np.ndarray] | None = None,
                 free: np.ndarray | None = None, signed_floor: bool = False) -> np.ndarray:
    """The best internal parameter vector (e, a, alpha, f, g, c) over many starts.

    ``check`` applies the convergence check; bootstrap refits, which start from the point
    estimate, skip it and return NaNs when their one solve stops on its budget. ``free``
    (indices into PARAMS) restricts the fitted parameters, the others staying 0; by default
    all of them, or E, A, alpha, n_c without a curve with p2 > 0. ``signed_floor`` drops
    the bound E ≥ 0 (the law must still be positive on the data, where its log is taken;
    a step that leaves it is rejected): bootstrap refits use it (``bootstrap.py``).
    """
    if free is None:
        free = SYNTHETIC_FREE if curves.has_synthetic else CLEAN_FREE
    if starts is None:
        starts = [s for s in _starts(curves, scale) if s[5] == 0 or 5 in free]
    runs = [_solve(s, curves, scale, free, signed_floor) for s in starts]
    best = min(runs, key=lambda r: r.cost)
    if not check:
        return best.theta if best.status > 0 else np.full(len(PARAMS), np.nan)
    if best.status <= 0:
        raise ConvergenceError(
            "fit: the best start stopped on its evaluation budget, not on a tolerance; the "
            "curves do not pin the law down (more n values, or less noise, would)")
    agree = sum(r.status > 0 and r.cost <= best.cost + AGREEMENT * (1 + best.cost)
                for r in runs)
    if agree < 2:
        raise ConvergenceError(
            f"fit: only one of {len(runs)} starts reached the best cost {best.cost:.3g}; the "
            "minimum is not reliably found (the curves do not pin the law down)")
    return best.theta


def fitted_loss(curves: Curves, scale: Scale, theta: np.ndarray) -> np.ndarray:
    """The law at the internal parameters ``theta``, at each point of ``curves``, in the
    data's units."""
    return scale.loss_ref * _model(theta, curves, scale)


def log_residuals(curves: Curves, scale: Scale, theta: np.ndarray) -> np.ndarray:
    """log loss − log L at the internal parameters ``theta`` (the data's multiplicative noise)."""
    return np.log(curves.loss / scale.loss_ref) - np.log(_model(theta, curves, scale))
