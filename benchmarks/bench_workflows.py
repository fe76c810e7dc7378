"""The workflow family at scale: a 10-generation theory curve and a 10-generation
simulated chain at d = 500, T = 10^6, by sufficient statistics.

Run: ``python benchmarks/bench_workflows.py [--repeats R] [--d D] [--T T]`` (about a minute
of CPU with the defaults).

One simulated generation draws two Bartlett factors and multiplies d×d matrices, O(d³)
whatever T is; the rows themselves (T×d = 5·10^8 numbers, 4 GB) are never formed. The row
sampler does the same work in O(T·d²), so it is timed side by side at a T it can afford
(``--rows-T``), and the ratio of the two per-row costs is printed. The theory is the
finite-T recursion (O(G·groups)) for mix and ridge replace, and the exact laws otherwise.
Medians over ``--repeats`` runs, one BLAS thread.
"""

from __future__ import annotations

import argparse

import numpy as np
from threadpoolctl import threadpool_limits
from timing import median_seconds

from modelcollapse.seeds import seed_generator
from modelcollapse.workflows.config import WorkflowSetting
from modelcollapse.workflows.draws import draw_rows, draw_target, excess_risk, ridge_fit
from modelcollapse.workflows.simulate import workflow_one
from modelcollapse.workflows.theory import law


def rows_chain(setting: WorkflowSetting, seed: int) -> list[float]:
    """The mix chain from explicit rows, the reference the sufficient statistics replace."""
    rng = seed_generator(seed, 0)
    lam, w_star = draw_target(setting, rng)
    n_real = setting.real_rows
    labeller, errors = w_star, []
    for k in range(setting.generations + 1):
        X = draw_rows(rng, setting.T, lam)
        y = X @ labeller + setting.sigma * rng.standard_normal(setting.T)
        if k:
            y[:n_real] += X[:n_real] @ (w_star - labeller)
        w = ridge_fit(X.T @ X, X.T @ y, setting.T, setting.ridge)
        errors.append(excess_risk(w, w_star, lam))
        labeller = w
    return errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--d", type=int, default=500)
    parser.add_argument("--T", type=int, default=10**6)
    parser.add_argument("--rows-T", type=int, default=20_000)
    args = parser.parse_args()
    G = 10
    cases = {
        "mix pi=0.5, ridge 0.01": dict(workflow="mix", pi=0.5, ridge=0.01),
        "replace, least squares": dict(workflow="replace"),
        "accumulate, least squares": dict(workflow="accumulate"),
        "mix pi=0.5, power:1.5 ridge 1e-3": dict(workflow="mix", pi=0.5, ridge=1e-3,
                                                spectrum="power:1.5"),
    }
    print(f"d = {args.d}, T = {args.T}, G = {G}; medians over {args.repeats} runs")
    print(f"{'case':<36} {'theory ms':>10} {'simulate s':>11} {'E_G theory':>11} {'E_G sim':>9}")
    with threadpool_limits(limits=1):
        for name, kw in cases.items():
            s = WorkflowSetting(d=args.d, T=args.T, generations=G, **kw)
            theory = median_seconds(lambda i, s=s: law(s), args.repeats)
            sim = median_seconds(lambda i, s=s: workflow_one(s, i), args.repeats)
            print(f"{name:<36} {1e3 * theory:>10.3f} {sim:>11.3f} {law(s)[0][-1]:>11.4g} "
                  f"{workflow_one(s, 0)['test_error']:>9.4g}")
        small = WorkflowSetting(d=args.d, T=args.rows_T, generations=G, workflow="mix", pi=0.5,
                                ridge=0.01)
        rows = median_seconds(lambda i: rows_chain(small, i), args.repeats)
        stats = median_seconds(lambda i: workflow_one(small, i), args.repeats)
        print(f"rows vs sufficient statistics at T = {args.rows_T}: {rows:.3f} s vs {stats:.3f} s "
              f"(ratio {rows / stats:.1f}); at T = {args.T} rows would take about "
              f"{rows * args.T / args.rows_T:.0f} s and {8 * args.T * args.d / 2**30:.1f} GiB "
              "per block")
        check = np.mean([rows_chain(small, i)[-1] for i in range(3)])
        print(f"(rows chain E_G over 3 seeds: {check:.4g}; theory {law(small)[0][-1]:.4g})")


if __name__ == "__main__":
    main()
