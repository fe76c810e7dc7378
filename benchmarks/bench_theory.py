"""Theory-engine throughput: points per second for 10⁴-point grids, vectorised vs a scalar loop.

Run: ``python benchmarks/bench_theory.py`` (about 20 s on 2 cores; ``--dense-only`` runs the
first two tables alone).

First table, the dense-grid solver against the previous implementation, side by side in
one run: the 10⁴-point grid of distinct fixed points at d = 10⁶ (power law β = 1.5,
100 n in [10³, 10⁸] × 100 ridges in [10⁻⁶, 1], p2 = 0.01), the median time of ``predict``
with the current solver and with the previous one (BASELINE below: a copy of the solver
as it was before, logic unchanged, kept in this file only and swapped into ``predict``),
at 1 and 2 BLAS threads, their ratio, and the largest relative difference of the outputs
(test error, κ, df1, df2).

Second table, the same grid for random projections (m = d/2): ``predict`` with the current
random-projections solver (μ from a table start, Newton passes, one pass for the
functionals) against the previous one (RP_BASELINE below: the solver as it was, started
from a coarse copy of the spectrum), with the linear model on the same grid for scale.

Third table, two grids per spectrum, each 10⁴ points:
- "figure": 100 sample sizes n × 100 synthetic fractions p2 (κ depends on n only: 100 solves);
- "dense": 100 n × 100 ridges (10⁴ distinct fixed-point solves, the worst case).
Spectra: power law β = 1.5 at d = 10⁴ and d = 10⁶ (stored in groups with multiplicities) and
the isotropic closed form. The scalar loop calls ``predict`` once per point on a random
subset of the grid; the speed-up is the ratio of per-point times measured in this run.
Times are medians over repeats (the machine is shared: read the ratios).
"""

from __future__ import annotations

import argparse
import importlib
from unittest.mock import patch

import numpy as np
from threadpoolctl import threadpool_limits
from timing import median_seconds

from modelcollapse import Setting, Spectrum, predict
from modelcollapse.theory.dof import solve_increasing, solve_kappa, spectral_sums
from modelcollapse.theory.ridge import profile_weights

# The module itself: the attribute modelcollapse.theory.predict is the function re-exported.
predict_module = importlib.import_module("modelcollapse.theory.predict")

REPEATS = 5
SCALAR_SAMPLE = 100
DENSE_REPEATS = 15

# --------------------------------------------------------------------------------------
# BASELINE: the previous dense-grid solver, copied from theory/dof.py and theory/ridge.py
# (linear_terms) as they were before the table start and the one-pass results (logic
# unchanged, docstrings dropped), with the np.unique of rows predict used then.
# Benchmark use only: not the library.
# --------------------------------------------------------------------------------------
_BASE_CHUNK_ELEMENTS = 2_000_000
_BASE_MAX_ITER = 200
_BASE_RTOL = 1e-14
_BASE_GTOL = 4e-16
_BASE_COARSE_GROUPS = 64


def baseline_spectral_sums(t, spectrum, weights, *, full=False):
    t = np.asarray(t, dtype=float).ravel()
    lam = spectrum.eigenvalues
    outs = [np.empty((t.size, weights.shape[1])) for _ in range(4 if full else 2)]
    step = max(1, _BASE_CHUNK_ELEMENTS // lam.size)
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


def baseline_solve_increasing(fun, lo, hi, x0=None):
    lo = np.array(lo, dtype=float)
    hi = np.array(hi, dtype=float)
    x = np.where(lo > 0, np.sqrt(np.maximum(lo, 1e-300) * hi), 0.5 * hi)
    if x0 is not None:
        x = np.where((x0 > lo) & (x0 < hi), x0, x)
    active = np.flatnonzero(hi > lo)
    x[hi <= lo] = hi[hi <= lo]
    for _ in range(_BASE_MAX_ITER):
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
        settled = np.abs(g) <= _BASE_GTOL
        x_new = np.where(settled, xa, np.where(outside, bisect, x_new))
        done = settled | (np.abs(x_new - xa) <= _BASE_RTOL * xa) | (ha - la <= _BASE_RTOL * ha)
        x[active] = x_new
        active = active[~done]
    raise RuntimeError(f"fixed-point solver did not converge for {active.size} points")


def baseline_solve_kappa(n, ridge, spectrum):
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

    def g(k, idx):
        s1, s2 = baseline_spectral_sums(k, spectrum, mult)
        d1, d2 = s1[:, 0], s2[:, 0]
        with np.errstate(divide="ignore"):
            shrink = ll[idx] / k
        return 1.0 - shrink - d1 / nn[idx], shrink + (d1 - d2) / nn[idx]

    lo = np.maximum(ll, spectrum.eigenvalues.min() * np.maximum(d - nn, 0.0) / nn)
    hi = ll + spectrum.trace / nn
    start = None
    if spectrum.eigenvalues.size > _BASE_COARSE_GROUPS:
        start = baseline_solve_kappa(nn, ll, baseline_coarse(spectrum))
    kappa[need] = baseline_solve_increasing(g, lo, hi, start)
    return kappa.reshape(shape)


def baseline_coarse(spectrum, groups=_BASE_COARSE_GROUPS):
    lam, mult = spectrum.eigenvalues, spectrum.multiplicities
    edges = np.geomspace(lam.min(), lam.max() * (1 + 1e-12), groups + 1)
    idx = np.clip(np.searchsorted(edges, lam, side="right") - 1, 0, groups - 1)
    m = np.bincount(idx, mult, groups)
    keep = m > 0
    mean = np.bincount(idx, lam * mult, groups)[keep] / m[keep]
    return Spectrum.from_eigenvalues(mean, m[keep], name=f"coarse({spectrum.name})")


def baseline_linear_terms(spectrum, n, ridge):
    kappa = baseline_solve_kappa(n, ridge, spectrum)
    s_f, s_ff, _, s_gg = baseline_spectral_sums(kappa, spectrum, profile_weights(spectrum), full=True)
    return {"kappa": kappa, "df1": s_f[:, 0], "df2": s_ff[:, 0], "res_w": s_gg[:, 1],
            "h1": s_f[:, 2], "h2": s_ff[:, 2], "D2": s_ff[:, 0] / n}


def baseline_unique_rows(keys):
    uniq, inverse = np.unique(np.stack(keys, axis=1), axis=0, return_inverse=True)
    return uniq, inverse.ravel()


def baseline_predict(setting: Setting, **axes: np.ndarray):
    """``predict`` with the BASELINE solver in place of the current one (all else equal)."""
    with patch.object(predict_module, "linear_terms", baseline_linear_terms), \
            patch.object(predict_module, "_unique_rows", baseline_unique_rows):
        return predict(setting, **axes)
# ------------------------------------ end of BASELINE ----------------------------------


# --------------------------------------------------------------------------------------
# RP_BASELINE: the previous random-projections solver, copied from theory/random_projections.py
# (rp_terms) as it was before the table start (logic unchanged, docstring dropped), with
# the coarse copy of the spectrum it started from. Benchmark use only: not the library.
# --------------------------------------------------------------------------------------
def baseline_rp_terms(spectrum, n, ridge, m):
    n, lam, m = (np.asarray(a, dtype=float).ravel() for a in (n, ridge, m))
    d, trace = spectrum.d, spectrum.trace
    mult = spectrum.multiplicities[:, None]
    mu0 = solve_kappa(m, 0.0, spectrum)
    mu = mu0.copy()
    need = (lam > 0) | (np.minimum(d, m) > n)
    if np.any(need):
        nn, ll, mm, m0 = n[need], lam[need], m[need], mu0[need]

        def g(x, idx):
            s1, s2 = spectral_sums(x, spectrum, mult)
            d1, d2 = s1[:, 0], s2[:, 0]
            kap = x * (mm[idx] - d1) / d
            ok = kap > 0
            with np.errstate(divide="ignore", invalid="ignore"):
                val = np.where(ok, 1.0 - ll[idx] / kap - d1 / nn[idx], -np.inf)
                slope = ll[idx] * x * (mm[idx] - d2) / (d * kap**2) + (d1 - d2) / nn[idx]
            return val, np.where(ok, slope, 1.0)

        lo = np.where(m0 > 0, m0,
                      np.maximum(ll * d / mm, spectrum.eigenvalues.min() * np.maximum(d - nn, 0) / nn))
        hi = np.maximum(2 * trace / nn, (2 * ll * d + trace) / mm)
        start = None
        if spectrum.eigenvalues.size > _BASE_COARSE_GROUPS:
            start = baseline_rp_terms(baseline_coarse(spectrum), nn, ll, mm)["mu"]
        mu[need] = solve_increasing(g, lo, hi, start)
    s_f, s_ff, s_fg, s_gg = spectral_sums(mu, spectrum, profile_weights(spectrum), full=True)
    df1, df2, cross = s_f[:, 0], s_ff[:, 0], s_fg[:, 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        omega = np.where(cross > 0, cross / (m - df2), 0.0)
    kappa = np.where(need, mu * (m - df1) / d, 0.0)
    df2_s = df2 + omega * cross
    return {"kappa": kappa, "mu": mu, "df1": df1, "df2": df2_s, "D2": df2_s / n,
            "res_w": s_gg[:, 1] + omega * s_fg[:, 1],
            "h1": s_f[:, 2], "h2": s_ff[:, 2] + omega * s_fg[:, 2]}


def baseline_rp_predict(setting: Setting, **axes: np.ndarray):
    """``predict`` with the RP_BASELINE solver in place of the current one (all else equal)."""
    with patch.object(predict_module, "rp_terms", baseline_rp_terms):
        return predict(setting, **axes)
# ---------------------------------- end of RP_BASELINE --------------------------------


def dense_grid_vs_baseline() -> None:
    """The 10⁴ distinct fixed points at d = 10⁶: current vs BASELINE, 1 and 2 BLAS threads."""
    spec = Spectrum.power_law(10**6, 1.5)
    s = Setting(d=10**6, n=10**5, p2=0.01, ridge=1e-4, spectrum=spec)
    N, L = np.meshgrid(np.logspace(3, 8, 100), np.logspace(-6, 0, 100))
    axes = {"n": N.ravel(), "ridge": L.ravel()}
    new, old = predict(s, **axes), baseline_predict(s, **axes)
    diff = max(float(np.max(np.abs(getattr(new, k) / getattr(old, k) - 1)))
               for k in ("test_error", "kappa", "df1", "df2"))
    print(f"dense grid, d=1e6 power:1.5 ({spec.eigenvalues.size} groups), 10^4 distinct (n, ridge); "
          f"max relative difference new vs baseline {diff:.1e}")
    print(f"{'BLAS threads':>12} {'baseline s':>11} {'new s':>9} {'speed-up':>9}")
    for threads in (1, 2):
        with threadpool_limits(threads, user_api="blas"):
            # Interleaved repeats, so both see the same machine load.
            t_new, t_old = [], []
            for i in range(DENSE_REPEATS):
                t_new.append(median_seconds(lambda _: predict(s, **axes), 1))
                if i % 3 == 0:
                    t_old.append(median_seconds(lambda _: baseline_predict(s, **axes), 1))
        a, b = float(np.median(t_old)), float(np.median(t_new))
        print(f"{threads:>12d} {a:>11.3f} {b:>9.4f} {a / b:>8.1f}x")


def dense_rp_grid_vs_baseline() -> None:
    """The same 10⁴ distinct (n, ridge) at d = 10⁶ for random projections, m = d/2: current
    vs RP_BASELINE, with the linear model's time on the grid, 1 and 2 BLAS threads."""
    spec = Spectrum.power_law(10**6, 1.5)
    linear = Setting(d=10**6, n=10**5, p2=0.01, ridge=1e-4, spectrum=spec)
    s = linear.replace(model="random-projections", m=500_000)
    N, L = np.meshgrid(np.logspace(3, 8, 100), np.logspace(-6, 0, 100))
    axes = {"n": N.ravel(), "ridge": L.ravel()}
    new, old = predict(s, **axes), baseline_rp_predict(s, **axes)
    diff = max(float(np.max(np.abs(getattr(new, k) / getattr(old, k) - 1)))
               for k in ("test_error", "kappa", "df1", "df2"))
    print(f"dense grid, random projections m=5e5, d=1e6 power:1.5, 10^4 distinct (n, ridge); "
          f"max relative difference new vs baseline {diff:.1e}")
    print(f"{'BLAS threads':>12} {'baseline s':>11} {'new s':>9} {'speed-up':>9} {'linear s':>9}")
    for threads in (1, 2):
        with threadpool_limits(threads, user_api="blas"):
            t_new, t_old, t_lin = [], [], []
            for i in range(DENSE_REPEATS):
                t_new.append(median_seconds(lambda _: predict(s, **axes), 1))
                t_lin.append(median_seconds(lambda _: predict(linear, **axes), 1))
                if i % 3 == 0:
                    t_old.append(median_seconds(lambda _: baseline_rp_predict(s, **axes), 1))
        a, b, c = (float(np.median(x)) for x in (t_old, t_new, t_lin))
        print(f"{threads:>12d} {a:>11.3f} {b:>9.4f} {a / b:>8.1f}x {c:>9.4f}")


def bench(label: str, setting: Setting, axes: dict[str, np.ndarray]) -> None:
    grid = np.broadcast_arrays(*axes.values())
    points = grid[0].size
    vec = median_seconds(lambda _: predict(setting, **axes), REPEATS)
    rng = np.random.default_rng(0)
    pick = rng.choice(points, SCALAR_SAMPLE, replace=False)
    flat = {k: g.ravel()[pick] for k, g in zip(axes, grid, strict=True)}

    def scalar_loop(_: int) -> None:
        for i in range(SCALAR_SAMPLE):
            predict(setting.replace(**{k: (int(v[i]) if k == "n" else float(v[i]))
                                       for k, v in flat.items()}))

    per_point_scalar = median_seconds(scalar_loop, 3) / SCALAR_SAMPLE
    per_point_vec = vec / points
    print(f"{label:<38} {points:>7d} {vec:>9.3f} {points / vec:>12.3g} "
          f"{1 / per_point_scalar:>12.3g} {per_point_scalar / per_point_vec:>9.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dense-only", action="store_true",
                        help="only the dense-grid comparisons with the previous solvers")
    args = parser.parse_args()
    dense_grid_vs_baseline()
    print()
    dense_rp_grid_vs_baseline()
    if args.dense_only:
        return
    print()
    n = np.logspace(2, 7, 100)[:, None]
    p2 = np.linspace(0, 1, 100)[None, :]
    ridge = np.logspace(-6, 0, 100)[None, :]
    print(f"{'grid':<38} {'points':>7} {'seconds':>9} {'points/s':>12} {'scalar pts/s':>12} "
          f"{'speed-up':>10}")
    for d in (10_000, 1_000_000):
        spec = Spectrum.power_law(d, 1.5)
        s = Setting(d=d, n=1000, p2=0.1, c2=1.0, ridge=1e-4, spectrum=spec)
        tag = f"power:1.5 d=1e{int(np.log10(d))} ({spec.eigenvalues.size} groups)"
        bench(f"{tag} figure", s, {"n": n, "p2": p2})
        bench(f"{tag} dense", s, {"n": n, "ridge": ridge})
        rp = s.replace(model="random-projections", m=d // 2)
        bench(f"RP d=1e{int(np.log10(d))} figure", rp, {"n": n, "p2": p2})
    iso = Setting(d=1_000_000, n=1000, p2=0.1, c2=1.0)
    bench("isotropic d=1e6 dense", iso, {"n": n, "ridge": ridge})


if __name__ == "__main__":
    main()
