"""The regression chain's Monte-Carlo: seeds batched with their own generators, against
one seed at a time.

Run: ``python benchmarks/bench_chain_seeds.py [--repeats R] [--seeds K]`` (about half a
minute of CPU with the defaults).

``simulate_generations`` draws seed index i from its own generator (``modelcollapse.seeds``)
so an in-process run equals a stored sweep bit for bit; it batches the seeds' linear
algebra (``SeedStack``), which amortises Python overhead. This measures, side by side in one
process, the median time of the batched run and of K single-seed runs (``simulate_one``,
what a sweep's tasks do one at a time) for the figures' settings, and the ratio.
"""

from __future__ import annotations

import argparse

from timing import median_seconds

from modelcollapse.generations import GenerationsSetting, simulate_generations
from modelcollapse.generations.simulate import simulate_one

SETTINGS = {
    "chain d=40 (generations-chain)": GenerationsSetting(d=40, T=200, T0=100, generations=10),
    "small d=20 (generations-ridge)": GenerationsSetting(d=20, T=50, T0=40, generations=10,
                                                          sigma=0.5, sigma0=0.5, ridge=0.1),
    "rates d=600 (generations-crossover)": GenerationsSetting(
        d=600, T=100, T0=1200, generations=1, sigma=0.0, sigma0=3e-2, spectrum="power:2",
        source=0.5, ridge=0.01),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=100)
    args = parser.parse_args()
    print(f"{'setting':<38} {'one by one s':>12} {'batched s':>10} {'ratio':>6}")
    for name, setting in SETTINGS.items():
        single = median_seconds(lambda i, s=setting: [simulate_one(s, k, i)
                                                      for k in range(args.seeds)], args.repeats)
        batched = median_seconds(lambda i, s=setting: simulate_generations(s, args.seeds, seed=i),
                                 args.repeats)
        print(f"{name:<38} {single:>12.4f} {batched:>10.4f} {single / batched:>6.2f}")


if __name__ == "__main__":
    main()
