"""Degrees of freedom df1, df2 and the κ fixed point (spec SMC §2.1, eqs. (2.1)–(2.3)).

All functions are vectorised over the evaluation points (κ, n, λ arrays broadcast together)
and take the spectrum as eigenvalue groups with multiplicities, so one call serves a whole
figure. The root-finder is a safeguarded Newton iteration in log κ with analytic
derivatives and a bisection fallback inside a proven bracket (spec SMC §8.3).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..config import Spectrum

# Elements of an (points x eigen-groups) temporary kept in memory at once.
_CHUNK_ELEMENTS = 2_000_000
_MAX_ITER = 200
_RTOL = 1e-14
_GTOL = 4e-16
# Spectra with more eigenvalue groups than this get a starting point from a coarse copy.
_COARSE_GROUPS = 64


def spectral_sums(t: np.ndarray, spectrum: Spectrum, weights: np.ndarray,
                  *, full: bool = False) -> tuple[np.ndarray, ...]:
    """Weighted spectral sums at the points ``t`` (shape (P,)) for weight columns (K, W).

    With f_g = λ_g/(λ_g + t) and its complement g_g = t/(λ_g + t), returns (P, W) arrays
    Σ_g v_g f_g and Σ_g v_g f_g², and with ``full`` also Σ_g v_g f_g g_g and Σ_g v_g g_g²
    (computed directly rather than by cancelling differences, so a tiny bias stays
    accurate). Work is chunked over points so memory stays bounded for long spectra.
    """
    t = np.asarray(t, dtype=float).ravel()
    lam = spectrum.eigenvalues
    outs = [np.empty((t.size, weights.shape[1])) for _ in range(4 if full else 2)]
    step = max(1, _CHUNK_ELEMENTS // lam.size)
    for lo in range(0, t.size, step):
        tt = t[lo:lo + step, None]
        f = lam / (lam + tt)
        outs[0][lo:lo + step] = f @ weights
        outs[1][lo:lo + step] = (f * f) @ weights
        if full:
            g = tt / (lam + tt)
            outs[2][lo:lo + step] = (f * g) @ weights
            outs[3][lo:lo + step] = (g * g) @ weights
    return tuple(outs)


def df1(t: np.ndarray | float, spectrum: Spectrum) -> np.ndarray:
    """df1(t; Σ) = tr[Σ(Σ + tI)⁻¹] (spec SMC eq. (2.1))."""
    t = np.asarray(t, dtype=float)
    s1, _ = spectral_sums(t.ravel(), spectrum, spectrum.multiplicities[:, None])
    return s1[:, 0].reshape(t.shape)


def df2(t: np.ndarray | float, spectrum: Spectrum) -> np.ndarray:
    """df2(t; Σ) = tr[Σ²(Σ + tI)⁻²] (spec SMC eq. (2.1))."""
    t = np.asarray(t, dtype=float)
    _, s2 = spectral_sums(t.ravel(), spectrum, spectrum.multiplicities[:, None])
    return s2[:, 0].reshape(t.shape)


def solve_increasing(fun: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]],
                     lo: np.ndarray, hi: np.ndarray, x0: np.ndarray | None = None) -> np.ndarray:
    """Root of increasing functions g_i on (lo_i, hi_i], vectorised over i.

    ``fun(x, idx)`` returns g(x) and x·g'(x) (the derivative in log x) for the points
    ``idx``. The caller guarantees g(lo) <= 0 (or g -> -inf at lo) and g(hi) >= 0, lo >= 0.
    Newton steps are taken in log x and replaced by a bisection of the current bracket
    whenever they leave it, so the iteration cannot diverge. ``x0`` is an optional start
    inside the bracket (a good one saves most of the iterations).
    """
    lo = np.array(lo, dtype=float)
    hi = np.array(hi, dtype=float)
    x = np.where(lo > 0, np.sqrt(np.maximum(lo, 1e-300) * hi), 0.5 * hi)
    if x0 is not None:
        x = np.where((x0 > lo) & (x0 < hi), x0, x)
    active = np.flatnonzero(hi > lo)
    x[hi <= lo] = hi[hi <= lo]
    for _ in range(_MAX_ITER):
        if active.size == 0:
            return x
        xa = x[active]
        g, dg = fun(xa, active)
        hi[active] = np.where(g >= 0, xa, hi[active])
        lo[active] = np.where(g <= 0, xa, lo[active])
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            x_new = xa * np.exp(np.clip(-g / dg, -50.0, 50.0))
        la, ha = lo[active], hi[active]
        outside = ~((x_new > la) & (x_new < ha)) | ~np.isfinite(x_new)
        bisect = np.where((la > 0) & (ha > 4 * la), np.sqrt(la * ha), 0.5 * (la + ha))
        # g is a difference of O(1) terms at the root: |g| at rounding level is converged,
        # and xa (now a bracket end) is kept rather than replaced by a bisection.
        settled = np.abs(g) <= _GTOL
        x_new = np.where(settled, xa, np.where(outside, bisect, x_new))
        done = settled | (np.abs(x_new - xa) <= _RTOL * xa) | (ha - la <= _RTOL * ha)
        x[active] = x_new
        active = active[~done]
    raise RuntimeError(f"fixed-point solver did not converge for {active.size} points")


def solve_kappa(n: np.ndarray | float, ridge: np.ndarray | float, spectrum: Spectrum) -> np.ndarray:
    """κ(λ, n; Σ): the non-negative root of κ − λ = κ·df1(κ)/n (spec SMC eq. (2.2)).

    Solved as g(κ) = 1 − λ/κ − df1(κ)/n = 0, g increasing. Bracket (proved in §8.3's
    spirit): g(hi) >= 0 at hi = λ + tr Σ/n since κ·df1(κ) <= tr Σ; g(lo) <= 0 at
    lo = max(λ, λ_min(d − n)/n). For λ = 0 and d <= n the root is κ = 0.
    ``n`` and ``ridge`` broadcast; returns an array of their broadcast shape.
    """
    n_b, lam_b = np.broadcast_arrays(np.asarray(n, dtype=float), np.asarray(ridge, dtype=float))
    shape = n_b.shape
    n_f, lam_f = n_b.ravel(), lam_b.ravel()
    d = spectrum.d
    kappa = np.zeros(n_f.shape)
    need = (lam_f > 0) | (d > n_f)
    if not np.any(need):
        return kappa.reshape(shape)
    nn, ll = n_f[need], lam_f[need]
    mult = spectrum.multiplicities[:, None]

    def g(k: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        s1, s2 = spectral_sums(k, spectrum, mult)
        d1, d2 = s1[:, 0], s2[:, 0]
        with np.errstate(divide="ignore"):  # a subnormal ridge can underflow κ to 0: g = -inf
            shrink = ll[idx] / k
        return 1.0 - shrink - d1 / nn[idx], shrink + (d1 - d2) / nn[idx]

    lo = np.maximum(ll, spectrum.eigenvalues.min() * np.maximum(d - nn, 0.0) / nn)
    hi = ll + spectrum.trace / nn
    start = None
    if spectrum.eigenvalues.size > _COARSE_GROUPS:
        start = solve_kappa(nn, ll, coarse(spectrum))
    kappa[need] = solve_increasing(g, lo, hi, start)
    return kappa.reshape(shape)


def coarse(spectrum: Spectrum, groups: int = _COARSE_GROUPS) -> Spectrum:
    """The spectrum merged into ``groups`` log-spaced eigenvalue bins (trace preserved).

    Only a starting point for the fixed-point solvers: its κ is close to the exact one,
    so Newton on the full spectrum then needs a few steps instead of dozens.
    """
    lam, mult = spectrum.eigenvalues, spectrum.multiplicities
    edges = np.geomspace(lam.min(), lam.max() * (1 + 1e-12), groups + 1)
    idx = np.clip(np.searchsorted(edges, lam, side="right") - 1, 0, groups - 1)
    m = np.bincount(idx, mult, groups)
    keep = m > 0
    mean = np.bincount(idx, lam * mult, groups)[keep] / m[keep]
    return Spectrum.from_eigenvalues(mean, m[keep], name=f"coarse({spectrum.name})")
