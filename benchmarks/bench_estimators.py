"""Conditional vs sampled estimator: variance × time per draw, measured side by side.

Run: ``python benchmarks/bench_estimators.py`` (about half a minute; ``--seeds K`` draws per
estimator and setting, default 100). At d = 300, on

1. linear, power-law spectrum β = 1.5, n = 3000, p2 = 0.1, c² = 1, λ = 1e-3;
2. random projections m = 450 (> d: the triangular reduction), same n, p2, λ;
3. the isotropic classical-scaling setting at n = 10⁶ (λ = 0),

it draws K seeds of the sampled estimator ("sufficient": one draw of the design, w1*, δ and
the noise) and of the conditional one ("conditional": one draw of the design and the exact
expectation over the rest), and prints for each: the mean ± SEM, the per-draw variance, the
median time per draw (one BLAS thread, as the engine's workers), and the figure of merit
variance × seconds per draw = SEM² × total seconds (the cost of a given precision). The
last column is its ratio sampled / conditional: how many times less compute the
conditional estimator needs for the same standard error (target: >= 30).

The variance of a variance estimate from K draws is about 2/K relative (more with heavy
tails), so with K = 100 a ratio is good to about ±20-30%. The machine may be shared: read the
ratios, which are measured in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from threadpoolctl import threadpool_limits

from modelcollapse import Setting, predict
from modelcollapse.simulate import simulate_one

SETTINGS = {
    "linear power:1.5, n=3000": Setting(d=300, n=3000, p2=0.1, c2=1, ridge=1e-3,
                                        spectrum="power:1.5"),
    "random projections m=450": Setting(d=300, n=3000, p2=0.1, c2=1,
                                        model="random-projections", m=450, ridge=1e-3),
    "isotropic n=1e6, ridge 0": Setting(d=300, n=10**6, p2=0.1, c2=1),
}
METHODS = {"sampled": "sufficient", "conditional": "conditional"}


def measure(setting: Setting, method: str, seeds: int) -> tuple[np.ndarray, float]:
    """Per-seed errors and the median wall time of one draw."""
    values, times = [], []
    for i in range(seeds):
        start = time.perf_counter()
        values.append(simulate_one(setting, i, 0, method))
        times.append(time.perf_counter() - start)
    return np.array(values), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=100, help="draws per estimator and setting")
    args = parser.parse_args()
    print(f"variance x time per draw at d = 300 ({args.seeds} draws each, one BLAS thread)")
    print(f"{'setting':<26} {'estimator':<12} {'mean ± SEM':>22} {'variance':>10} "
          f"{'ms/draw':>8} {'var x s':>10} {'ratio':>7}")
    with threadpool_limits(limits=1):
        for name, setting in SETTINGS.items():
            theory = predict(setting).test_error
            merit = {}
            for label, method in METHODS.items():
                values, seconds = measure(setting, method, args.seeds)
                var = values.var(ddof=1)
                merit[label] = var * seconds
                sem = np.sqrt(var / values.size)
                ratio = "" if label == "sampled" else f"{merit['sampled'] / merit[label]:>6.0f}x"
                print(f"{name:<26} {label:<12} {values.mean():>11.6f} ± {sem:<8.2g} {var:>10.3g} "
                      f"{seconds * 1e3:>8.2f} {merit[label]:>10.3g} {ratio:>7}")
            print(f"{'':<26} {'(theory)':<12} {theory:>11.6f}")


if __name__ == "__main__":
    main()
