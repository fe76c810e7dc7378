"""Theory-engine throughput: points per second for 10⁴-point grids, vectorised vs a scalar loop.

Run: ``python benchmarks/bench_theory.py``. Two grids per spectrum, each 10⁴ points:
- "figure": 100 sample sizes n × 100 synthetic fractions p2 (κ depends on n only: 100 solves);
- "dense": 100 n × 100 ridges (10⁴ distinct fixed-point solves, the worst case).
Spectra: power law β = 1.5 at d = 10⁴ and d = 10⁶ (stored in groups with multiplicities) and
the isotropic closed form. The scalar loop calls ``predict`` once per point on a random
subset of the grid; the speed-up is the ratio of per-point times measured in this run.
Times are medians over repeats (the machine is shared: read the ratios).
"""

from __future__ import annotations

import numpy as np
from timing import median_seconds

from modelcollapse import Setting, Spectrum, predict

REPEATS = 5
SCALAR_SAMPLE = 100


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
    print(f"{label:<34} {points:>7d} {vec:>9.3f} {points / vec:>12.3g} "
          f"{1 / per_point_scalar:>12.3g} {per_point_scalar / per_point_vec:>9.1f}x")


def main() -> None:
    n = np.logspace(2, 7, 100)[:, None]
    p2 = np.linspace(0, 1, 100)[None, :]
    ridge = np.logspace(-6, 0, 100)[None, :]
    print(f"{'grid':<34} {'points':>7} {'seconds':>9} {'points/s':>12} {'scalar pts/s':>12} "
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
