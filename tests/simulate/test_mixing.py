"""Targets, group weights and the OLS generator (simulate/mixing.py)."""

import numpy as np
import pytest

from modelcollapse import Setting
from modelcollapse.simulate.conditional import target_roots
from modelcollapse.simulate.mixing import draw_targets, group_weights
from modelcollapse.simulate.wishart import bartlett_factor
from modelcollapse.theory.generator import synthetic_quality

from .helpers import assert_same_mean, draws


def test_groups_split_by_rounding_and_weights_follow_eq_5_1():
    s = Setting(d=10, n=1001, p2=0.3)
    assert group_weights(s) == ((701, 1.0), (300, 1.0))  # n2 = round(p2·n)
    (n1, w1), (n2, w2) = group_weights(s.replace(alpha=0.2))
    assert w1 == pytest.approx(0.8 * 1001 / 701) and w2 == pytest.approx(0.2 * 1001 / 300)
    assert (n1 * w1 + n2 * w2) / 1001 == pytest.approx(1.0)  # (1 − α) + α
    assert group_weights(Setting(d=10, n=50, p2=1.0, alpha=0.3)) == ((0, 0.0), (50, 0.3 * 50 / 50))
    with pytest.raises(ValueError, match="^alpha"):
        group_weights(Setting(d=10, n=50, p2=1.0, alpha=0.0))


def test_target_energies_and_shift_covariance():
    setting = Setting(d=50, n=100, c2=2.0, r2=3.0, spectrum="power:1.2")
    lam, energy, shift = setting.covariance.per_direction()
    rng = np.random.default_rng(0)
    shifts = []
    for _ in range(3000):
        lam_, w1, w2 = draw_targets(setting, rng, sufficient=True)
        np.testing.assert_allclose(w1**2, 3.0 * energy)
        shifts.append(w2 - w1)
    shifts = np.array(shifts)
    np.testing.assert_allclose(lam_, lam)
    np.testing.assert_allclose(shifts.var(axis=0) / (2.0 * shift), 1.0, atol=0.15)
    c2 = np.einsum("ij,j,ij->i", shifts, lam, shifts)
    assert c2.mean() == pytest.approx(2.0, rel=0.02)  # c² = E[δᵀΣδ] (SMC eq. (1.5))


@pytest.mark.parametrize("sufficient", [True, False])
def test_ols_generator_shift_has_the_inverse_wishart_covariance(sufficient):
    """δ = ŵ0 − w1*: Cov δ = σ²Σ⁻¹/(n0 − d − 1), so E[δᵀΣδ] = σ²d/(n0 − d − 1) (SMC eq. (4.2))."""
    setting = Setting(d=8, n=100, p2=0.5, sigma=0.7, n0=20, spectrum="power:1.0")
    lam = setting.covariance.per_direction()[0]
    rng = np.random.default_rng(1)
    shifts = []
    for _ in range(4000):
        _, w1, w2 = draw_targets(setting, rng, sufficient=sufficient)
        shifts.append(w2 - w1)
    shifts = np.array(shifts)
    expected = 0.49 / (20 - 8 - 1)
    np.testing.assert_allclose(shifts.var(axis=0) * lam, expected, rtol=0.12)
    c2 = np.einsum("ij,j,ij->i", shifts, lam, shifts)
    assert c2.mean() == pytest.approx(synthetic_quality(setting), rel=0.05)


def test_conditional_shift_second_moment_is_the_inverse_wishart_mean():
    """The conditional estimator's E[δδᵀ | G0] = σ²G0⁻¹ averages to σ²Σ⁻¹/(n0 − d − 1)."""
    setting = Setting(d=8, n=100, p2=0.5, sigma=0.7, n0=20, spectrum="power:1.0")
    lam = setting.covariance.per_direction()[0]
    rng = np.random.default_rng(2)
    second = np.mean([(rd := target_roots(setting, bartlett_factor(rng, 20, 8))[1]) @ rd.T
                      for _ in range(4000)], axis=0)
    expected = 0.49 / (20 - 8 - 1) / lam
    np.testing.assert_allclose(np.diag(second), expected, rtol=0.05)
    assert np.abs(second - np.diag(np.diag(second))).max() < 0.05 * expected.min()


@pytest.mark.parametrize("scheme", [{"n0": 20}, {"alpha": 0.2}, {"alpha": 0.5, "p2": 1.0},
                                    {"alpha": 0.0, "p2": 0.3}, {"iterations": 3}])
def test_conditional_estimators_have_the_sampled_mean(scheme):
    """Generator, weights (one group weightless or absent) and variant R: same means."""
    setting = Setting(**{"d": 8, "n": 60, "p2": 0.4, "c2": 1.0, "sigma": 0.5,
                         "spectrum": "power:1.0", "ridge": 0.05, **scheme})
    sampled = np.concatenate([draws(setting, "sufficient", 300, 1), draws(setting, "direct", 300, 2)])
    for method, base in (("conditional", 3), ("direct-conditional", 4)):
        assert_same_mean(sampled[:, 0], draws(setting, method, 100, base)[:, 0])
