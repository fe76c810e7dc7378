"""Workflow laws vs Monte-Carlo chains, generation by generation: the figures quoted in the
closing note of the workflows issue.

Run: ``python benchmarks/workflow_agreement.py [--seeds K]`` (about a minute at K = 1000).

For each setting, K chains of the family's own per-seed function (seed indices 0..K-1) are
averaged per generation and compared with ``workflows.theory.law``: the worst relative error
over the generations and the worst gap in standard errors. The exact least-squares laws
must agree to Monte-Carlo precision; the finite-T mix recursion carries an O(1/d) offset,
visible as the relative error shrinking from d = 50 to d = 200.
"""

from __future__ import annotations

import argparse

import numpy as np
from threadpoolctl import threadpool_limits

from modelcollapse.workflows.config import WorkflowSetting
from modelcollapse.workflows.simulate import workflow_one
from modelcollapse.workflows.theory import law, mix_large_T

SETTINGS = {
    "replace fresh (WF.1)": WorkflowSetting(d=20, T=50, generations=4),
    "replace fixed (WF.1)": WorkflowSetting(d=20, T=50, generations=4, design="fixed"),
    "accumulate fresh (WF.3)": WorkflowSetting(d=20, T=50, generations=4, workflow="accumulate"),
    "accumulate fixed (WF.2)": WorkflowSetting(d=20, T=50, generations=4, workflow="accumulate",
                                               design="fixed"),
    "mix LS d=50 T=200 pi=0.4": WorkflowSetting(d=50, T=200, generations=8, workflow="mix",
                                                pi=0.4),
    "mix ridge 0.5 d=50": WorkflowSetting(d=50, T=200, generations=6, workflow="mix", pi=0.4,
                                          ridge=0.5),
    "mix ridge 0.5 d=100": WorkflowSetting(d=100, T=400, generations=6, workflow="mix", pi=0.4,
                                           ridge=0.5),
    "mix ridge 0.5 d=200": WorkflowSetting(d=200, T=800, generations=4, workflow="mix", pi=0.4,
                                           ridge=0.5),
    "mix power:1.5 ridge 0.1 d=60": WorkflowSetting(d=60, T=100, generations=6, workflow="mix",
                                                    pi=0.2, ridge=0.1, spectrum="power:1.5"),
    "mix T<d power:1.5 ridge 0.05": WorkflowSetting(d=60, T=40, generations=6, workflow="mix",
                                                    pi=0.5, ridge=0.05, spectrum="power:1.5"),
    "replace ridge 0.5 d=50": WorkflowSetting(d=50, T=200, generations=6, ridge=0.5),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=1000)
    args = parser.parse_args()
    print(f"{'setting':<32} {'E_G law':>9} {'E_G sim':>9} {'± SEM':>8} {'worst rel':>9} "
          f"{'worst |z|':>9}")
    with threadpool_limits(limits=1):
        for name, s in SETTINGS.items():
            theory, _ = law(s)
            chains = np.array([workflow_one(s, i)["by_generation"] for i in range(args.seeds)])
            mean = chains.mean(axis=0)
            sem = chains.std(axis=0, ddof=1) / np.sqrt(args.seeds)
            rel = np.abs(mean - theory) / theory
            z = np.abs(mean - theory) / sem
            print(f"{name:<32} {theory[-1]:>9.4f} {mean[-1]:>9.4f} {sem[-1]:>8.4f} "
                  f"{rel.max():>9.2%} {z.max():>9.1f}")
            if s.workflow == "mix" and s.ridge == 0:
                print(f"{'  (T >> d formula at G)':<32} {mix_large_T(s)[-1]:>9.4f}")


if __name__ == "__main__":
    main()
