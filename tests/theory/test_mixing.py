"""Weighted and iterative mixing (spec SMC §5): claims 14–15, exact weighting vs Monte-Carlo."""

import numpy as np
import pytest

from modelcollapse import Setting, predict
from modelcollapse.theory import mixing

from .montecarlo import assert_agrees, monte_carlo


def test_claim_15_weighted_leading_order():
    a_star = mixing.optimal_weight(0.01, 0.2, 1.0, 1.0)
    assert a_star == pytest.approx(0.011765, abs=1e-6)
    assert mixing.weighted_mixing_leading_order(0.01, a_star, 0.2, 1.0, 1.0) == pytest.approx(
        0.012353, abs=1e-6)
    assert mixing.weighted_mixing_leading_order(0.01, 0.2, 0.2, 1.0, 1.0) == pytest.approx(0.05)
    assert mixing.weighted_mixing_leading_order(0.01, 0.0, 0.2, 1.0, 1.0) == pytest.approx(0.0125)
    grid = np.linspace(0, 1, 100001)
    assert mixing.weighted_mixing_leading_order(0.01, grid, 0.2, 1.0, 1.0).min() >= 0.012353 - 1e-6
    # floor α²c² for a fixed α as φ -> 0
    assert mixing.weighted_mixing_leading_order(1e-12, 0.3, 0.2, 1.0, 1.0) == pytest.approx(0.09)


def test_weighted_exact_reduces_to_unweighted_at_alpha_equal_p2():
    s = Setting(d=200, n=500, p2=0.3, c2=1.0, ridge=0.01, spectrum="power:1.2")
    assert predict(s.replace(alpha=0.3)).test_error == pytest.approx(predict(s).test_error, rel=1e-9)


def test_weighted_exact_tends_to_leading_order_at_small_phi():
    s = Setting(d=100, n=10**6, p2=0.2, c2=1.0, alpha=0.05)
    lead = mixing.weighted_mixing_leading_order(s.phi, 0.05, 0.2, 1.0, 1.0)
    assert predict(s).test_error == pytest.approx(float(lead), rel=1e-3)


@pytest.mark.parametrize(("d", "n", "alpha", "ridge"), [(100, 1000, 0.05, 0.0), (200, 400, 0.6, 0.0),
                                                          (200, 150, 0.3, 0.05)])
def test_weighted_exact_monte_carlo(d, n, alpha, ridge):
    s = Setting(d=d, n=n, p2=0.3, c2=1.0, ridge=ridge, alpha=alpha)
    p = predict(s)
    assert p.test_error == pytest.approx(p.bias + p.variance + p.synthetic_penalty)
    assert_agrees(p.test_error, monte_carlo(s, seeds=30, seed=d))


def test_claim_14_iterative_mixing_formula():
    E = [float(mixing.iterative_mixing_small_phi(t, 0.01, 0.5, 1.0, 1.0)) for t in range(1, 12)]
    assert E[0] == pytest.approx(0.01 + 0.25)  # E_1 = σ²φ + p2²c0²
    limit = float(mixing.iterative_mixing_limit(0.01, 0.5, 1.0))
    assert limit == pytest.approx(8 / 3 * 0.01)
    assert limit > 2 * 0.01 > 0.01  # above the real half and all-real errors
    within = [abs(e / limit - 1) <= 0.10 for e in E]
    assert within.index(True) + 1 <= 4 and all(within[3:])
    assert E[-1] == pytest.approx(limit, rel=1e-3)
    assert float(mixing.variant_f_limit(1e-6, 0.5, 1.0)) == pytest.approx(4 / 3 * 1e-6, rel=1e-4)


@pytest.mark.parametrize("iterations", [2, 4])
def test_iterative_mixing_monte_carlo_small_phi(iterations):
    """Variant R simulated directly; the small-φ formula (5.4) holds up to O(φ) (φ = 0.01)."""
    s = Setting(d=40, n=4000, p2=0.5, c2=0.05, iterations=iterations)
    mean, se = monte_carlo(s, seeds=60, seed=iterations)
    theory = predict(s).test_error
    assert abs(theory - mean) <= 3 * se + 0.05 * theory, (theory, mean, se)


def test_iterative_mixing_rejects_settings_it_does_not_cover():
    with pytest.raises(ValueError, match="^iterations"):
        predict(Setting(d=40, n=4000, p2=0.5, ridge=0.1, iterations=3))
    with pytest.raises(ValueError, match="^iterative mixing"):
        predict(Setting(d=40, n=4000, p2=0.5, iterations=3), n=[1e4, 1e5])
