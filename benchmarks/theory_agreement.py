"""Theory vs Monte-Carlo agreement, per regime: the figures quoted in closing notes.

Run from the repository root: ``python benchmarks/theory_agreement.py [--seeds K]`` (about
3.5 minutes on 2 cores with the default K).
Uses the regimes of the theory tests and the tests' direct-sampling reference
(tests/theory/montecarlo.py), printing for each regime the worst relative error and the
worst gap in standard errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from modelcollapse import Setting, predict
from tests.theory.montecarlo import monte_carlo
from tests.theory.test_isotropic import REGIMES
from tests.theory.test_random_projections import RP_REGIMES
from tests.theory.test_ridge import GENERAL, anisotropic


def groups() -> dict[str, list[Setting]]:
    iso = [Setting(d=d, n=n, p2=p2, c2=1.0, ridge=r) for d, n, r, p2 in REGIMES]
    return {
        "isotropic ridgeless, phi<1": [s for s in iso if s.ridge == 0 and s.d < s.n],
        "isotropic ridgeless, phi>1": [s for s in iso if s.ridge == 0 and s.d > s.n],
        "isotropic ridge 1e-4..1": [s for s in iso if s.ridge > 0],
        "anisotropic power law (2.4)-(2.5)": [
            Setting(d=d, n=n, p2=p2, c2=0.5, sigma=0.5, ridge=r, spectrum=anisotropic(d))
            for d, n, r, p2 in GENERAL],
        "random projections isotropic": [
            Setting(d=d, n=n, m=m, p2=p2, c2=1.0, sigma=0.5, ridge=r, model="random-projections",
                    spectrum=sp) for d, n, m, r, p2, sp in RP_REGIMES if sp == "isotropic"],
        "random projections power law": [
            Setting(d=d, n=n, m=m, p2=p2, c2=1.0, sigma=0.5, ridge=r, model="random-projections",
                    spectrum=sp) for d, n, m, r, p2, sp in RP_REGIMES if sp != "isotropic"],
        "weighted mixing (exact)": [Setting(d=100, n=1000, p2=0.3, alpha=0.05),
                                    Setting(d=200, n=150, p2=0.3, alpha=0.3, ridge=0.05)],
        "OLS generator n0": [Setting(d=100, n=400, n0=300, p2=0.5, ridge=0.01),
                             Setting(d=100, n=150, n0=300, p2=0.5, ridge=0.01, spectrum="power:1.3")],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=100)
    args = parser.parse_args()
    print(f"{'regime':<36} {'points':>6} {'worst rel. err':>15} {'worst |gap|/SE':>15}")
    for name, settings in groups().items():
        rel, nse = [], []
        for i, s in enumerate(settings):
            mean, se = monte_carlo(s, seeds=args.seeds, seed=1000 + i)
            theory = predict(s).test_error
            rel.append(abs(theory - mean) / theory)
            nse.append(abs(theory - mean) / se)
        print(f"{name:<36} {len(settings):>6} {max(rel):>14.2%} {max(nse):>15.2f}")


if __name__ == "__main__":
    main()
