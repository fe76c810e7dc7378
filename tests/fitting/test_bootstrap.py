"""Coverage of the bootstrap intervals on curves whose truth is known."""

import numpy as np
import pytest

from modelcollapse.fitting import fit_curves
from modelcollapse.fitting.law import collapse_law

from .generated import HORIZON, N_GRID, SHARES, Case


def _coverage(case: Case, replicates: int, bootstrap: int, seed: int) -> np.ndarray:
    """Per p2, the share of replicates whose 95 % interval at 16N holds the deterministic
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
    return np.mean(hits, axis=0)


def test_intervals_cover_in_a_few_replicates():
    # A quick guard against intervals far below nominal; the slow test checks near-nominal.
    assert _coverage(Case("isotropic", 0.01, 2.0, 0.5, 0.02), 6, 30, seed=0).mean() >= 0.8


@pytest.mark.slow
@pytest.mark.parametrize("case", [Case("isotropic", 0.0, 1.0, 1.0, 0.02),
                                  Case("power:1.5", 1e-3, 0.5, 2.0, 0.02)])
def test_intervals_cover_near_nominal(case):
    # Every share, not their pooled rate: the low shares are where E's bound E >= 0 binds.
    assert _coverage(case, 60, 200, seed=1).min() >= 0.92


def test_refits_cross_the_bound_yet_intervals_stay_positive():
    # Ridgeless curves: the true E is 0, so many unbounded refits have E < 0 and some predict
    # a clean loss <= 0 at 16N; the low ends then come from the replicates with E := 0.
    case = Case("isotropic", 0.0, 1.0, 1.0, 0.02)
    n, p2, loss = case.curves(np.random.default_rng(1))
    fit = fit_curves(n, p2, loss, bootstrap=40, seed=0)
    target = HORIZON * max(N_GRID)
    assert fit.params["E"] >= 0 and np.mean(fit.replicates[:, 0] < 0) > 0.2
    assert np.any(collapse_law(target, 0.0, *fit.replicates.T) <= 0)
    assert fit.ci["E"][0] == 0.0
    point, low, high = fit.predict(target, np.array(SHARES))
    assert np.all((0 < low) & (low <= point) & (point <= high))
    low, high = fit.max_safe_p2_interval(target, 0.5)
    assert 0 < low <= fit.max_safe_p2(target, 0.5) <= high
