"""The sufficient-statistic sampler has the law of direct row sampling (SMC §8.3).

Both samplers are exact, so their per-seed test errors must agree in distribution: means
and variances over seeds within 4 standard errors, for both models, p2 in {0, 0.3, 1}
and n < d, n ~ d, n >> d (random projections with m < d and m >= d, i.e. both
reductions of simulate/random_projections.py, and the dual form whenever m or d > n).

In the same regimes the conditional estimators are unbiased: "conditional" (sufficient
statistics, feature space) and "direct-conditional" (rows, x-space) have the sampled mean
within 4 combined standard errors, and each other's mean within 4 of their own, far
smaller, standard errors (two independent derivations of the same expectation).
"""

import numpy as np
import pytest

from modelcollapse import Setting

from .helpers import assert_same_distribution, assert_same_mean, draws

D = 40
SEEDS = 300
# (n, ridge): ridge > 0 at n ~ d, where the ridgeless error has no finite variance.
SIZES = [(20, 0.0), (45, 0.01), (1000, 0.0)]
CONDITIONAL_SEEDS = 50


def _compare(setting, seeds=SEEDS):
    sufficient = draws(setting, "sufficient", seeds, base_seed=1)[:, 0]
    direct = draws(setting, "direct", seeds, base_seed=2)[:, 0]
    assert_same_distribution(sufficient, direct)
    conditional = draws(setting, "conditional", CONDITIONAL_SEEDS, base_seed=3)[:, 0]
    rows = draws(setting, "direct-conditional", CONDITIONAL_SEEDS, base_seed=4)[:, 0]
    assert_same_mean(np.concatenate([sufficient, direct]), conditional)
    assert_same_mean(np.concatenate([sufficient, direct]), rows)
    assert_same_mean(conditional, rows)


@pytest.mark.parametrize("p2", [0.0, 0.3, 1.0])
@pytest.mark.parametrize(("n", "ridge"), SIZES)
def test_linear_matches_direct(n, ridge, p2):
    _compare(Setting(d=D, n=n, p2=p2, c2=1.0, sigma=0.5, ridge=ridge, spectrum="power:1.0"))


@pytest.mark.parametrize("m", [25, 60])
@pytest.mark.parametrize("p2", [0.0, 0.3, 1.0])
@pytest.mark.parametrize(("n", "ridge"), SIZES)
def test_random_projections_match_direct(n, ridge, p2, m):
    _compare(Setting(d=D, n=n, p2=p2, c2=1.0, sigma=0.5, ridge=ridge,
                     model="random-projections", m=m))


@pytest.mark.parametrize("model", ["linear", "random-projections"])
@pytest.mark.parametrize("scheme", [{"n0": 60}, {"alpha": 0.1}, {"iterations": 3}])
def test_mixing_schemes_match_direct(scheme, model):
    m = 30 if model == "random-projections" else None
    _compare(Setting(d=D, n=400, p2=0.4, c2=1.0, sigma=0.5, model=model, m=m, **scheme))


def test_distribution_check_detects_a_wrong_sampler():
    """The comparison has power: a 10% change in c² (p2 = 1) is caught."""
    base = Setting(d=D, n=1000, p2=1.0, c2=1.0, sigma=0.5)
    with pytest.raises(AssertionError):
        assert_same_distribution(draws(base, "sufficient", SEEDS, 1)[:, 0],
                                 draws(base.replace(c2=1.1), "direct", SEEDS, 2)[:, 0])


@pytest.mark.parametrize("model", ["linear", "random-projections"])
@pytest.mark.parametrize(("method", "seeds"), [("sufficient", 300), ("conditional", 30)])
def test_exact_ols_variance_at_a_million_samples(model, method, seeds):
    """E = σ²d/(n − d − 1) exactly (p2 = 0, ridge 0; m >= d fits OLS): the residual form keeps
    the 5e-5 error accurate at n = 10⁶ (the conditional value σ²tr(Σ_F G⁻¹) is as exact)."""
    m = 80 if model == "random-projections" else None
    setting = Setting(d=50, n=10**6, sigma=1.0, model=model, m=m)
    errors = draws(setting, method, seeds)[:, 0]
    expected = 50 / (10**6 - 51)
    se = errors.std(ddof=1) / np.sqrt(errors.size)
    assert abs(errors.mean() - expected) < 4 * se and se < 0.02 * expected
