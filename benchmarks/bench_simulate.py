"""Monte-Carlo engine: sufficient-statistic draws vs direct row sampling, measured side by side.

Run: ``python benchmarks/bench_simulate.py`` (about a minute; ``--quick`` skips direct
sampling at n = 10⁶). One run prints

1. the per-draw time (median over repeats) of both samplers at d = 500 on the same setting
   (linear model, p2 = 0.1, ridge 0), direct for n in {10⁴, 10⁵, 10⁶}, sufficient up to
   n = 10⁸, and their ratio;
2. draws per second for a batch of seeds run by ``simulate`` (serial, and 2 worker processes);
3. one draw at d = 1000, n = 10⁸ (1 and 2 BLAS threads).

Per-draw timings use one BLAS thread for both samplers, as the engine's workers do. The
machine may be shared: read the ratios, which are measured in the same run.
"""

from __future__ import annotations

import argparse

from threadpoolctl import threadpool_limits
from timing import median_seconds

from modelcollapse import Setting, simulate
from modelcollapse.simulate import simulate_one


def per_draw(setting: Setting, method: str, repeats: int) -> float:
    return median_seconds(lambda i: simulate_one(setting, i, 0, method), repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip direct sampling at n = 1e6")
    args = parser.parse_args()
    base = Setting(d=500, n=10_000, p2=0.1, c2=1.0)

    print("1. per-draw time at d = 500 (linear, p2 = 0.1, ridge 0; one BLAS thread; medians)")
    print(f"{'n':>8} {'direct s':>10} {'sufficient s':>13} {'ratio':>9}")
    direct_ns = {10**4: 3, 10**5: 3} if args.quick else {10**4: 3, 10**5: 3, 10**6: 2}
    with threadpool_limits(limits=1):
        for exp in range(4, 9):
            n = 10**exp
            setting = base.replace(n=n)
            suff = per_draw(setting, "sufficient", 7)
            if n in direct_ns:
                direct = per_draw(setting, "direct", direct_ns[n])
                print(f"{n:>8.0e} {direct:>10.4f} {suff:>13.4f} {direct / suff:>8.0f}x")
            else:
                print(f"{n:>8.0e} {'-':>10} {suff:>13.4f} {'-':>9}")

    print("\n2. batched seeds: simulate(seeds=K), sufficient sampler, n = 1e6")
    print(f"{'d':>6} {'seeds':>6} {'workers':>8} {'draws/s':>9}")
    for d, seeds in ((100, 400), (500, 40)):
        setting = base.replace(d=d, n=10**6)
        for workers in (1, 2):
            result = simulate(setting, seeds=seeds, workers=workers, progress=False)
            print(f"{d:>6} {seeds:>6} {workers:>8} {seeds / result.seconds:>9.1f}")

    print("\n3. one draw at d = 1000, n = 1e8 (sufficient; median of 3)")
    big = base.replace(d=1000, n=10**8)
    for threads in (1, 2):
        with threadpool_limits(limits=threads):
            print(f"  {threads} BLAS thread(s): {per_draw(big, 'sufficient', 3):.3f} s")


if __name__ == "__main__":
    main()
