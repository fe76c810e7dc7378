"""Degrees of freedom df1, df2 and the κ fixed point (SMC §2.1, eqs. (2.1)–(2.3)).

All functions are vectorised over the evaluation points (κ, n, λ arrays broadcast together)
and take the spectrum as eigenvalue groups with multiplicities, so one call serves a whole
figure. The root-finder is a safeguarded Newton iteration in log κ with analytic
derivatives and a bisection fallback inside a proven bracket (SMC §8.3).

Cost model (a dense grid is 10⁴ distinct fixed points against ~2400 eigenvalue groups at
d = 10⁶): every spectral sum is a pass over a (points × groups) array, so the κ solver is
built to make few, cheap passes; on such a grid it makes one.

- A pass computes r = 1/(λ_g + t) once (one division per element) and takes every sum as
  a matrix product of r, r² or r³ with stacked weight columns: f = λr, g = tr, so
  Σ a f = r·(λa), Σ b f² = r²·(λ²b), Σ c f g = t·r²·(λc), Σ e g² = t·t·r²·e. Passes are
  blocked over points so the work arrays stay in cache (:func:`weighted_sums`).
- κ starts from a table: df1 and its derivative are tabulated once on a log-κ grid
  covering every point's bracket (a few hundred nodes), and each point's equation is
  solved on the cubic Hermite interpolant, with no spectral pass per point. On a dense
  grid the start is within ~1e-9 (:func:`_table_start`).
- A point whose start (or last Newton step) is that close is evaluated once with all the
  caller's columns and their derivatives in log κ; that evaluation's Newton step s is
  below 2e-8, so κ takes the step and the sums move by s·(derivative): both are then exact
  up to O(s²) ≲ 1e-15 (:func:`solve_kappa_sums`). Points further away take Newton
  passes with the df1, df2 columns only until they get there.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..config import Spectrum

# Elements of an (points x eigen-groups) temporary kept in memory at once (direct path).
_CHUNK_ELEMENTS = 2_000_000
# Elements of the work array of the fast path: a block of points small enough for the cache.
_BLOCK_ELEMENTS = 1 << 16
# The fast path forms r² = (λ + t)⁻² and λ²-weighted columns: it is used while these stay
# far from overflow and underflow (eigenvalues and t within [1/_FAST_RANGE, _FAST_RANGE]).
_FAST_RANGE = 1e100
_MAX_ITER = 200
_RTOL = 1e-14
_GTOL = 4e-16
# The κ start table: nodes per decade of κ, capped at max(_MIN_NODES, points/4) (a table
# only pays while it is smaller than the points it serves).
_NODES_PER_DECADE = 64
_MIN_NODES = 16
# A Newton step s (in log κ) leaves an error below s²/2. Taken at the final evaluation it is
# applied to κ and, to first order, to the sums when |s| <= _FINAL_STEP; a light step of
# |s| <= _FULL_STEP leaves an error below _FINAL_STEP, so the next evaluation is the final one.
_FINAL_STEP = 2e-8
_FULL_STEP = 1e-4


def _fast_ok(lam: np.ndarray) -> bool:
    return bool(lam.min() >= 1 / _FAST_RANGE and lam.max() <= _FAST_RANGE)


def weighted_sums(t: np.ndarray, lam: np.ndarray, wf: np.ndarray | None, wff: np.ndarray | None,
                  wfg: np.ndarray | None = None, wgg: np.ndarray | None = None
                  ) -> tuple[np.ndarray, ...]:
    """Σ_g wf_g f_g, Σ_g wff_g f_g², Σ_g wfg_g f_g g_g, Σ_g wgg_g g_g², for the weights given.

    f_g = λ_g/(λ_g + t), g_g = t/(λ_g + t) at the points ``t`` (shape (P,), t >= 0). Each
    weight is (K,) or (K, W), or None to skip that sum; the result holds one (P,) or (P, W)
    array per weight given, in this order. One division per element: see the module
    docstring (the products never cancel, so small f or g keep their relative accuracy).
    Points or spectra outside the fast path's range use the direct formulas.
    """
    t = np.asarray(t, dtype=float).ravel()
    kinds = [(w, k) for k, w in enumerate((wf, wff, wfg, wgg)) if w is not None]
    outs = [np.empty((t.size, *w.shape[1:])) for w, _ in kinds]
    if t.size == 0:
        return tuple(outs)
    fast = t <= _FAST_RANGE
    if _fast_ok(lam):
        # r-weights (f = λr) and the stacked r²-weights (f² = λ²r², fg = t·λr², g² = t²r²).
        lam_power = (1, 2, 1, 0)
        w1 = [_as_columns(w * _power(lam, lam_power[k], w)) for w, k in kinds if k == 0]
        w2 = [_as_columns(w * _power(lam, lam_power[k], w)) for w, k in kinds if k > 0]
        stacked = [np.concatenate(w, axis=1) if w else np.zeros((lam.size, 0)) for w in (w1, w2)]
        fast &= bool(np.all(np.isfinite(stacked[0])) and np.all(np.isfinite(stacked[1])))
    else:
        fast[:] = False
    if np.any(fast):
        sub = _fast_sums(t[fast], lam, stacked[0], stacked[1])
        col = [0, 0]
        for (w, k), out in zip(kinds, outs, strict=True):
            width = 1 if w.ndim == 1 else w.shape[1]
            side = 0 if k == 0 else 1
            block = sub[side][:, col[side]:col[side] + width]
            col[side] += width
            tf = t[fast, None]
            if k == 2:  # Σ c f g = t·Σ cλ r²
                block = block * tf
            elif k == 3:  # Σ e g² = t·(t·Σ e r²): no t² that could underflow on its own
                block = (block * tf) * tf
            out[fast] = block[:, 0] if w.ndim == 1 else block
    if not np.all(fast):
        slow = ~fast
        for out, s in zip(outs, _direct_sums(t[slow], lam, kinds), strict=True):
            out[slow] = s
    return tuple(outs)


def _power(lam: np.ndarray, power: int, w: np.ndarray) -> np.ndarray:
    scale = lam**power if power else np.ones_like(lam)
    return scale if w.ndim == 1 else scale[:, None]


def _as_columns(w: np.ndarray) -> np.ndarray:
    return w[:, None] if w.ndim == 1 else w


def _fast_sums(t: np.ndarray, lam: np.ndarray, w1: np.ndarray, w2: np.ndarray,
               w3: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
    """r @ w1, r² @ w2 (and r³ @ w3) with r = 1/(λ + t) (P x K), blocked over points so the
    work arrays stay in cache; w1, w2, w3 are (K, W) and may have no columns."""
    P, K = t.size, lam.size
    ws = [w for w in (w1, w2, w3) if w is not None]
    outs = [np.empty((P, w.shape[1])) for w in ws]
    rows = max(1, min(P, _BLOCK_ELEMENTS // K))
    r = np.empty((rows, K))
    power = np.empty((rows, K)) if len(ws) > 2 else r
    # λ_g + t_i as the product [1, t_i]·[λ; 1]: both products are exact, so this is the
    # correctly rounded sum, and BLAS writes it faster than a broadcast add.
    left = np.ones((rows, 2))
    basis = np.stack([lam, np.ones(K)])
    for lo in range(0, P, rows):
        hi = min(lo + rows, P)
        b = r[:hi - lo]
        a = left[:hi - lo]
        a[:, 1] = t[lo:hi]
        np.matmul(a, basis, out=b)
        np.divide(1.0, b, out=b)
        if w1.shape[1]:
            np.matmul(b, w1, out=outs[0][lo:hi])
        c = power[:hi - lo]
        for k in range(1, len(ws)):
            np.multiply(c if k > 1 else b, b, out=c)  # r^(k+1)
            if ws[k].shape[1]:
                np.matmul(c, ws[k], out=outs[k][lo:hi])
    return tuple(outs)


def _direct_sums(t: np.ndarray, lam: np.ndarray, kinds: list[tuple[np.ndarray, int]]
                 ) -> list[np.ndarray]:
    """:func:`weighted_sums` by the direct formulas (any range), chunked over points."""
    outs = [np.empty((t.size, *w.shape[1:])) for w, _ in kinds]
    step = max(1, _CHUNK_ELEMENTS // lam.size)
    for lo in range(0, t.size, step):
        tt = t[lo:lo + step, None]
        f = lam / (lam + tt)
        g = tt / (lam + tt)
        for out, (w, k) in zip(outs, kinds, strict=True):
            out[lo:lo + step] = ((f, f * f, f * g, g * g)[k]) @ w
    return outs


def spectral_sums(t: np.ndarray, spectrum: Spectrum, weights: np.ndarray,
                  *, full: bool = False) -> tuple[np.ndarray, ...]:
    """Weighted spectral sums at the points ``t`` (shape (P,)) for weight columns (K, W).

    With f_g = λ_g/(λ_g + t) and its complement g_g = t/(λ_g + t), returns (P, W) arrays
    Σ_g v_g f_g and Σ_g v_g f_g², and with ``full`` also Σ_g v_g f_g g_g and Σ_g v_g g_g²
    (computed directly rather than by cancelling differences, so a tiny bias stays
    accurate). See :func:`weighted_sums` for how.
    """
    weights = np.asarray(weights, dtype=float)
    return weighted_sums(t, spectrum.eigenvalues, weights, weights,
                         weights if full else None, weights if full else None)


def df1(t: np.ndarray | float, spectrum: Spectrum) -> np.ndarray:
    """df1(t; Σ) = tr[Σ(Σ + tI)⁻¹] (SMC eq. (2.1))."""
    t = np.asarray(t, dtype=float)
    s1, _ = spectral_sums(t.ravel(), spectrum, spectrum.multiplicities[:, None])
    return s1[:, 0].reshape(t.shape)


def df2(t: np.ndarray | float, spectrum: Spectrum) -> np.ndarray:
    """df2(t; Σ) = tr[Σ²(Σ + tI)⁻²] (SMC eq. (2.1))."""
    t = np.asarray(t, dtype=float)
    _, s2 = spectral_sums(t.ravel(), spectrum, spectrum.multiplicities[:, None])
    return s2[:, 0].reshape(t.shape)


def _narrow(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Brackets at the relative tolerance (or a few units in the last place, for subnormals)."""
    return hi - lo <= np.maximum(_RTOL * hi, 4 * np.spacing(hi))


def _newton_update(x: np.ndarray, g: np.ndarray, dg: np.ndarray, lo: np.ndarray, hi: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One safeguarded Newton step in log x on the bracket (lo, hi) (already updated at x).

    Returns the next point, whether x is converged (then the next point is x itself or
    within the tolerance of it) and whether the next point is the Newton step (not a
    bisection, nor x kept).
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        x_new = x * np.exp(np.clip(-g / dg, -50.0, 50.0))
    outside = ~((x_new > lo) & (x_new < hi)) | ~np.isfinite(x_new)
    bisect = np.where((lo > 0) & (hi > 4 * lo), np.sqrt(lo) * np.sqrt(hi), 0.5 * (lo + hi))
    # g is a difference of O(1) terms at the root: |g| at rounding level is converged,
    # and x (now a bracket end) is kept rather than replaced by a bisection.
    settled = np.abs(g) <= _GTOL
    newton = ~settled & ~outside
    x_new = np.where(settled, x, np.where(outside, bisect, x_new))
    done = settled | (np.abs(x_new - x) <= _RTOL * x) | _narrow(lo, hi) | (x_new == x)
    return x_new, done, newton


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
    x = np.where(lo > 0, np.sqrt(np.maximum(lo, 1e-300)) * np.sqrt(hi), 0.5 * hi)
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
        x[active], done, _ = _newton_update(xa, g, dg, lo[active], hi[active])
        active = active[~done]
    raise RuntimeError(f"fixed-point solver did not converge for {active.size} points")


def _kappa_bracket(nn: np.ndarray, ll: np.ndarray, spectrum: Spectrum
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Bracket of κ (proved in §8.3's spirit): g(hi) >= 0 at hi = λ + tr Σ/n since
    κ·df1(κ) <= tr Σ; g(lo) <= 0 at lo = max(λ, λ_min(d − n)/n)."""
    lo = np.maximum(ll, spectrum.eigenvalues.min() * np.maximum(spectrum.d - nn, 0.0) / nn)
    return lo, ll + spectrum.trace / nn


def _table_start(nn: np.ndarray, ll: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                 lam: np.ndarray, w1: np.ndarray, w2: np.ndarray) -> tuple[np.ndarray, bool]:
    """Starting κ for every point from a table of df1 on a log-κ grid (module docstring).

    The nodes span [min lo, max hi], so every root lies in the table; between two nodes
    df1 is the cubic Hermite interpolant in u = log κ (d df1/du = −(df1 − df2)), and
    1 − λe^{−u} − df1(u)/n = 0 is solved on it by a few vectorised Newton steps. Also
    returns whether the table is fine enough (half the nominal density) that the start
    should be within _FINAL_STEP, so the first evaluation can be the final one.
    """
    u_lo, u_hi = np.log(lo.min()), np.log(hi.max())
    decades = (u_hi - u_lo) / np.log(10.0)
    nodes = int(min(max(_MIN_NODES, nn.size // 4), np.ceil(decades * _NODES_PER_DECADE) + 2))
    u = np.linspace(u_lo, u_hi, max(nodes, 2))
    d1, d2 = weighted_sums(np.exp(u), lam, w1, w2)
    du1 = d2 - d1
    with np.errstate(divide="ignore"):
        log_l = np.log(ll)

    def g_at(j: np.ndarray) -> np.ndarray:
        return 1.0 - np.exp(log_l - u[j]) - d1[j] / nn

    # Binary search for the interval [u_a, u_a+1] where g changes sign (g is increasing).
    a = np.zeros(nn.size, dtype=np.intp)
    b = np.full(nn.size, u.size - 1, dtype=np.intp)
    while True:
        wide = b - a > 1
        if not np.any(wide):
            break
        mid = (a + b) // 2
        below = g_at(mid) <= 0
        a = np.where(wide & below, mid, a)
        b = np.where(wide & ~below, mid, b)
    h = u[1] - u[0]
    ga, gb = g_at(a), g_at(b)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.clip(np.where(gb > ga, -ga / (gb - ga), 0.5), 0.0, 1.0)
    fa, fb, pa, pb = d1[a], d1[b], du1[a] * h, du1[b] * h
    for _ in range(4):
        s2, s3 = s * s, s * s * s
        val = ((2 * s3 - 3 * s2 + 1) * fa + (s3 - 2 * s2 + s) * pa
               + (-2 * s3 + 3 * s2) * fb + (s3 - s2) * pb)
        slope = ((6 * s2 - 6 * s) * (fa - fb) + (3 * s2 - 4 * s + 1) * pa
                 + (3 * s2 - 2 * s) * pb)
        shrink = np.exp(log_l - (u[a] + s * h))
        g = 1.0 - shrink - val / nn
        dg = h * shrink - slope / nn
        with np.errstate(divide="ignore", invalid="ignore"):
            s = np.clip(np.where(dg > 0, s - g / dg, s), 0.0, 1.0)
    return np.exp(u[a] + s * h), bool(h <= 2 * np.log(10.0) / _NODES_PER_DECADE)


def _sums_and_slopes(t: np.ndarray, lam: np.ndarray, wf: np.ndarray, wff: np.ndarray,
                     wgg: np.ndarray | None) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Σ wf f, Σ wff f², Σ wgg g² (2-d weights) and their derivatives in u = log t.

    d f/du = −f g, d f²/du = −2 f² g, d g²/du = 2 g² f; in the fast path these are
    −t·r²·(λ wf), −2t·r³·(λ² wff) and 2t²·r³·(λ wgg): one more power of r, no division.
    """
    ws = [wf, wff] + ([wgg] if wgg is not None else [])
    vals = [np.empty((t.size, w.shape[1])) for w in ws]
    slopes = [np.empty((t.size, w.shape[1])) for w in ws]
    fast = t <= _FAST_RANGE
    if _fast_ok(lam):
        l1, l2 = lam[:, None], lam[:, None] ** 2
        gg = wgg if wgg is not None else np.zeros((lam.size, 0))
        w1 = l1 * wf
        w2 = np.concatenate([l2 * wff, gg, w1], axis=1)
        w3 = np.concatenate([l2 * wff, l1 * gg], axis=1)
        fast &= bool(np.all(np.isfinite(w2)) and np.all(np.isfinite(w3)))
    else:
        fast[:] = False
    if np.any(fast):
        tf = t[fast, None]
        o1, o2, o3 = _fast_sums(t[fast], lam, w1, w2, w3)
        a, c = wff.shape[1], gg.shape[1]
        parts = [(o1, -tf * o2[:, a + c:]), (o2[:, :a], -2 * tf * o3[:, :a])]
        if wgg is not None:
            parts.append(((o2[:, a:a + c] * tf) * tf, 2 * tf * (tf * o3[:, a:])))
        for k, (v, d) in enumerate(parts):
            vals[k][fast], slopes[k][fast] = v, d
    if not np.all(fast):
        slow = ~fast
        tt = t[slow, None]
        f = lam / (lam + tt)
        g = tt / (lam + tt)
        direct = [(f @ wf, -(f * g) @ wf), ((f * f) @ wff, -2 * (f * f * g) @ wff)]
        if wgg is not None:
            direct.append(((g * g) @ wgg, 2 * (g * g * f) @ wgg))
        for k, (v, d) in enumerate(direct):
            vals[k][slow], slopes[k][slow] = v, d
    return vals, slopes


def solve_kappa_sums(n: np.ndarray, ridge: np.ndarray, spectrum: Spectrum, wf: np.ndarray,
                     wff: np.ndarray, wgg: np.ndarray | None = None
                     ) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    """κ (as :func:`solve_kappa`) with Σ wf f, Σ wff f² (and Σ wgg g²) at κ, in one solve.

    ``n`` and ``ridge`` are flat arrays of equal length; ``wf``, ``wff``, ``wgg`` are
    (K, W) weight columns, and column 0 of ``wf`` and ``wff`` must be the multiplicities
    (they carry the iteration: df1 and df2). Newton passes take only df1 and df2; a point
    whose step is small enough is evaluated with every column and their derivatives in
    log κ, and when that evaluation's own Newton step s is below _FINAL_STEP it is
    accepted: κ moves by the step and the sums by s·(their derivative), both exact to
    O(s²) ≤ 1e-15 (|g''| <= |g'| in log κ for this g). So the results cost one pass.
    """
    n = np.asarray(n, dtype=float).ravel()
    ridge = np.asarray(ridge, dtype=float).ravel()
    lam = spectrum.eigenvalues
    ws = [wf, wff] + ([wgg] if wgg is not None else [])
    kappa = np.zeros(n.size)
    outs = [np.empty((n.size, w.shape[1])) for w in ws]
    need = (ridge > 0) | (spectrum.d > n)
    if not np.all(need):  # κ = 0: the sums are the same for all such points
        zero, _ = _sums_and_slopes(np.zeros(1), lam, wf, wff, wgg)
        for o, z in zip(outs, zero, strict=True):
            o[~need] = z
    if not np.any(need):
        return kappa, tuple(outs)
    nn, ll = n[need], ridge[need]
    lo, hi = _kappa_bracket(nn, ll, spectrum)
    light = (wf[:, 0], wff[:, 0])
    x = np.where(lo > 0, np.sqrt(np.maximum(lo, 1e-300)) * np.sqrt(hi), 0.5 * hi)
    open_ = hi > lo
    fine = False
    if np.any(open_):
        start, fine = _table_start(nn[open_], ll[open_], lo[open_], hi[open_], lam, *light)
        x[open_] = np.where((start > lo[open_]) & (start < hi[open_]), start, x[open_])
    x[~open_] = hi[~open_]
    sums = [np.empty((nn.size, w.shape[1])) for w in ws]
    # full: the next evaluation takes every column; final: that evaluation is accepted.
    full = np.full(nn.size, fine) | ~open_
    final = ~open_
    active = np.arange(nn.size)
    for _ in range(_MAX_ITER):
        if active.size == 0:
            break
        xa = x[active]
        fa = full[active]
        d1 = np.empty(active.size)
        d2 = np.empty(active.size)
        if np.any(fa):
            vals, slopes = _sums_and_slopes(xa[fa], lam, wf, wff, wgg)
            d1[fa], d2[fa] = vals[0][:, 0], vals[1][:, 0]
        if not np.all(fa):
            d1[~fa], d2[~fa] = weighted_sums(xa[~fa], lam, *light)
        na, la = nn[active], ll[active]
        with np.errstate(divide="ignore"):  # a subnormal ridge can underflow κ to 0: g = -inf
            shrink = la / xa
        g = 1.0 - shrink - d1 / na
        dg = shrink + (d1 - d2) / na
        hi[active] = np.where(g >= 0, xa, hi[active])
        lo[active] = np.where(g <= 0, xa, lo[active])
        x_new, done, newton = _newton_update(xa, g, dg, lo[active], hi[active])
        with np.errstate(divide="ignore", invalid="ignore"):
            step = np.log(x_new / xa)
        small = newton & (np.abs(step) <= _FINAL_STEP)
        accept = fa & (done | small | final[active])
        if np.any(accept):
            # A forced acceptance (converged on a light pass) whose step is not small
            # stays at the point evaluated.
            keep = (final[active] & ~done & ~small)[accept]
            x_new[accept] = np.where(keep, xa[accept], x_new[accept])
            s = np.where(keep, 0.0, step[accept])[:, None]
            acc = active[accept]
            sub = accept[fa]
            for o, v, d in zip(sums, vals, slopes, strict=True):
                o[acc] = v[sub] + s * d[sub]
        # Converged on a light pass: evaluate every column there and accept it.
        again = done & ~fa
        x[active] = x_new
        full[active] = again | (newton & (np.abs(step) <= _FULL_STEP))
        final[active] = again
        active = active[~accept]
    else:
        raise RuntimeError(f"fixed-point solver did not converge for {active.size} points")
    kappa[need] = x
    for o, s in zip(outs, sums, strict=True):
        o[need] = s
    return kappa, tuple(outs)


def solve_kappa(n: np.ndarray | float, ridge: np.ndarray | float, spectrum: Spectrum) -> np.ndarray:
    """κ(λ, n; Σ): the non-negative root of κ − λ = κ·df1(κ)/n (SMC eq. (2.2)).

    Solved as g(κ) = 1 − λ/κ − df1(κ)/n = 0, g increasing, by safeguarded Newton in log κ
    inside the bracket of :func:`_kappa_bracket`, from the table start of
    :func:`_table_start`. For λ = 0 and d <= n the root is κ = 0.
    ``n`` and ``ridge`` broadcast; returns an array of their broadcast shape.
    """
    n_b, lam_b = np.broadcast_arrays(np.asarray(n, dtype=float), np.asarray(ridge, dtype=float))
    mult = spectrum.multiplicities[:, None]
    kappa, _ = solve_kappa_sums(n_b.ravel(), lam_b.ravel(), spectrum, mult, mult)
    return kappa.reshape(n_b.shape)

