"""Hutter-LLM timings: exact error over T ∈ [1e2, 1e12] (1000 points) and Monte-Carlo at T = 1e9.

Run: ``python benchmarks/bench_tails.py [--repeats R] [--seeds K]`` (about 10 s of CPU with
the defaults).

- "exact": :func:`modelcollapse.tails.test_error` on 1000 log-spaced T in [1e2, 1e12], one
  vectorised call per setting (clean β = 2 and β = 1.5, top-k cut, mixing with a cut, temperature
  narrowing); its accuracy is shown against the large-T law C_β T^(−c) at T = 1e12 and, for the
  cut, against the exact plateau.
- "simulate": :func:`modelcollapse.tails.simulate` at T = 1e9 (multinomial counts over the
  support, one draw per seed), per seed, with the agreement |sim − exact| / sem.

Times are medians over repeats (the machine is shared: read them as orders of magnitude).
"""

from __future__ import annotations

import argparse

import numpy as np
from timing import median_seconds

from modelcollapse.tails import TailsSetting, plateau, simulate, test_error
from modelcollapse.tails.laws import clean_law

EXACT = {
    "clean beta=2": TailsSetting(beta=2.0, T=1.0),
    "clean beta=1.5": TailsSetting(beta=1.5, T=1.0),
    "top-k k=1000": TailsSetting(beta=2.0, T=1.0, k=1000),
    "mix k=100 pi=0.01": TailsSetting(beta=2.0, T=1.0, k=100, pi=0.01),
    "temperature 0.8": TailsSetting(beta=2.0, T=1.0, temperature=0.8),
}
SIMULATED = {
    "clean beta=2": TailsSetting(beta=2.0, T=1e9),
    "mix k=100 pi=0.01": TailsSetting(beta=2.0, T=1e9, k=100, pi=0.01),
    "clean beta=1.5": TailsSetting(beta=1.5, T=1e9),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per row (default 3)")
    parser.add_argument("--seeds", type=int, default=4, help="Monte-Carlo seeds at T = 1e9 (default 4)")
    args = parser.parse_args()

    T = np.logspace(2, 12, 1000)
    print("exact Hutter error, 1000 points T in [1e2, 1e12]")
    print(f"  {'setting':<20} {'median s':>9} {'E(1e12)':>11} {'check':>24}")
    for name, setting in EXACT.items():
        seconds = median_seconds(lambda _, s=setting: test_error(s, T), args.repeats)
        E = test_error(setting, T)
        if setting.k is not None and setting.pi == 0:
            check = f"plateau rel {E[-1] / plateau(setting) - 1:+.1e}"
        elif setting.transform == "none":
            check = f"C T^-c rel {E[-1] / float(clean_law(setting.beta, 1e12)) - 1:+.1e}"
        else:
            check = "-"
        print(f"  {name:<20} {seconds:>9.3f} {E[-1]:>11.4e} {check:>24}")

    print(f"\nMonte-Carlo at T = 1e9 ({args.seeds} seeds, multinomial counts)")
    print(f"  {'setting':<20} {'s/seed':>9} {'support':>9} {'simulated':>11} {'exact':>11} {'z':>6}")
    for name, setting in SIMULATED.items():
        seconds = median_seconds(lambda _, s=setting: simulate(s, seeds=2), args.repeats) / 2
        r = simulate(setting, seeds=args.seeds)
        exact = test_error(setting)
        z = (r.test_error - exact) / r.sem
        print(f"  {name:<20} {seconds:>9.3f} {r.support:>9d} {r.test_error:>11.4e} {exact:>11.4e} {z:>6.2f}"
              f"  (truncation bias <= {r.truncation_bound:.1e})")


if __name__ == "__main__":
    main()
