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

The same for the regression chain (``generations`` family, methods "sampled" and
"conditional", :mod:`modelcollapse.generations.conditional`) at the settings of its report
figures: the OLS chain of ``generations-chain`` (d = 40, n = 10 generations) ridgeless and
with λ = 0.5, the U of ``generations-ridge`` at λ = 0.3, and the noise-free-labels crossover
of ``generations-crossover`` (d = 600, one generation) at T = 300 and T = 10, where the
spread is the designs' and the conditional estimator keeps the sampled one's markers.

The variance of a variance estimate from K draws is about 2/K relative (more with heavy
tails), so with K = 100 a ratio is good to about ±20-30%. The machine may be shared: read the
ratios, which are measured in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np
from threadpoolctl import threadpool_limits

from modelcollapse import Setting, predict
from modelcollapse.generations import optimal_ridge, predict_generations
from modelcollapse.generations.simulate import simulate_one as simulate_chain
from modelcollapse.reproduce.generations import CHAIN, RATES, RIDGE
from modelcollapse.simulate import simulate_one

SETTINGS = {
    "linear power:1.5, n=3000": Setting(d=300, n=3000, p2=0.1, c2=1, ridge=1e-3,
                                        spectrum="power:1.5"),
    "random projections m=450": Setting(d=300, n=3000, p2=0.1, c2=1,
                                        model="random-projections", m=450, ridge=1e-3),
    "isotropic n=1e6, ridge 0": Setting(d=300, n=10**6, p2=0.1, c2=1),
}
METHODS = {"sampled": "sufficient", "conditional": "conditional"}
CHAINS = {
    "chain d=40 n=10, ridge 0": CHAIN,
    "chain d=40 n=10, ridge 0.5": CHAIN.replace(ridge=0.5),
    "ridge U d=20 n=10, λ=0.3": RIDGE.replace(ridge=0.3),
    # at the crossover figure's marker ridges: the optimal λ of one generation
    "crossover d=600 T=300": RATES.replace(T=300, ridge=optimal_ridge(RATES.replace(T=300))),
    "crossover d=600 T=10": RATES.replace(T=10, ridge=optimal_ridge(RATES.replace(T=10))),
}
CHAIN_METHODS = {"sampled": "sampled", "conditional": "conditional"}


def measure(run: Callable[[int], float], seeds: int) -> tuple[np.ndarray, float]:
    """Per-seed errors ``run(i)`` and the median wall time of one draw."""
    values, times = [], []
    for i in range(seeds):
        start = time.perf_counter()
        values.append(run(i))
        times.append(time.perf_counter() - start)
    return np.array(values), statistics.median(times)


def compare(name: str, theory: float, draw: Callable[[str, int], float], methods: dict[str, str],
            seeds: int) -> None:
    """One setting's line per estimator: mean ± SEM, variance, time, merit and the ratio."""
    merit = {}
    for label, method in methods.items():
        values, seconds = measure(lambda i, m=method: draw(m, i), seeds)
        var = values.var(ddof=1)
        merit[label] = var * seconds
        sem = np.sqrt(var / values.size)
        ratio = "" if label == "sampled" else f"{merit['sampled'] / merit[label]:>6.1f}x"
        print(f"{name:<26} {label:<12} {values.mean():>11.6g} ± {sem:<8.2g} {var:>10.3g} "
              f"{seconds * 1e3:>8.2f} {merit[label]:>10.3g} {ratio:>7}")
    print(f"{'':<26} {'(theory)':<12} {theory:>11.6g}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=100, help="draws per estimator and setting")
    args = parser.parse_args()
    print(f"variance x time per draw at d = 300 ({args.seeds} draws each, one BLAS thread)")
    print(f"{'setting':<26} {'estimator':<12} {'mean ± SEM':>22} {'variance':>10} "
          f"{'ms/draw':>8} {'var x s':>10} {'ratio':>7}")
    with threadpool_limits(limits=1):
        for name, setting in SETTINGS.items():
            compare(name, predict(setting).test_error,
                    lambda m, i, s=setting: simulate_one(s, i, 0, m), METHODS, args.seeds)
        print("regression chain (generations family): the error after the last generation")
        for name, setting in CHAINS.items():
            compare(name, predict_generations(setting).test_error,
                    lambda m, i, s=setting: simulate_chain(s, i, 0, m)["test_error"],
                    CHAIN_METHODS, args.seeds)


if __name__ == "__main__":
    main()
