"""Coverage of the bootstrap intervals on curves whose truth is known."""

import numpy as np
import pytest

from modelcollapse.fitting import fit_curves

from .generated import HORIZON, N_GRID, SHARES, Case


def _coverage(case: Case, replicates: int, bootstrap: int, seed: int) -> float:
    """Share of (replicate, p2) whose 95 % interval at 16N holds the deterministic
    equivalent."""
    rng = np.random.default_rng(seed)
    target = HORIZON * max(N_GRID)
    truth = case.truth(target, np.array(SHARES))
    hits = []
    for i in range(replicates):
        n, p2, loss = case.curves(rng)
        _, low, high = fit_curves(n, p2, loss, bootstrap=bootstrap, seed=i).predict(
            target, np.array(SHARES))
        hits.append((low <= truth) & (truth <= high))
    return float(np.mean(hits))


def test_intervals_cover_in_a_few_replicates():
    # A quick guard against intervals far below nominal; the slow test checks near-nominal.
    assert _coverage(Case("isotropic", 0.01, 2.0, 0.5, 0.02), 6, 30, seed=0) >= 0.6


@pytest.mark.slow
@pytest.mark.parametrize("case", [Case("isotropic", 0.0, 1.0, 1.0, 0.02),
                                  Case("power:1.5", 1e-3, 0.5, 2.0, 0.02)])
def test_intervals_cover_near_nominal(case):
    assert _coverage(case, 60, 200, seed=1) >= 0.85
