"""Power-law rates, the fast->slow crossover and adaptive regularisation (TG §B.4, claims 9-11)."""

import doctest

import numpy as np
import pytest

from modelcollapse.generations import GenerationsSetting, predict_generations
from modelcollapse.generations.power_law import (
    adaptive_ridge,
    collapse_prefactor,
    crossover_samples,
    effective_noise_approx,
    ell_crit,
    fast_rate,
    local_slopes,
    slow_rate,
)

T_GRID = np.array([10, 30, 100, 300, 1000, 3000.0])
# β = 2, r = 1/2, d = 2e4, T0 = 2d, λ_j c_j² = j^(-2) (claims 9-10; oracle-tuned λ).
POWER = GenerationsSetting(d=20_000, T=100, T0=40_000, generations=0, sigma=1.0, sigma0=1.0,
                           spectrum="power:2", source=0.5, ridge="adaptive")


def test_exponents():
    assert fast_rate(2.0, 0.5) == 2.0 and slow_rate(2.0, 0.5) == pytest.approx(2 / 3)
    assert ell_crit(2.0, 0.5) == pytest.approx(2 / 3)  # claim 11's λ = T^(-2/3)
    assert fast_rate(1.5, 3.0) == fast_rate(1.5, 1.0)  # ridge saturates at r = 1
    with pytest.raises(ValueError, match="^beta"):
        slow_rate(0.0, 0.5)
    with pytest.raises(ValueError, match="^r"):
        ell_crit(2.0, -1.0)


def test_claim_9_clean_noisy_rate():
    slopes = local_slopes(T_GRID, predict_generations(POWER, T=T_GRID).test_error)
    assert np.all((slopes > -0.661) & (slopes < -0.648))
    assert slopes[-1] == pytest.approx(-slow_rate(2.0, 0.5), abs=0.01)


def test_claim_9_generations_multiply_the_error_and_the_ridge():
    clean = predict_generations(POWER, T=T_GRID)
    fake = predict_generations(POWER.replace(generations=10), T=T_GRID)
    ratio = fake.test_error / clean.test_error
    assert ratio[-1] == pytest.approx(5.2, abs=0.05)
    assert fake.ridge[-1] / clean.ridge[-1] == pytest.approx(5.4, abs=0.05)
    # Theory: prefactor (σ_eff²)^(2βr/(2βr+1)), σ_eff² from eq. (B.19), once T is past the
    # pre-asymptotic range; 11^(2/3) ≈ 4.95 is the T ≪ d value TG §B.6 quotes.
    s_eff = effective_noise_approx(10, 1.0, 1.0, T_GRID, 40_000, 20_000)
    assert collapse_prefactor(11.0, 2.0, 0.5) == pytest.approx(4.95, abs=0.01)
    assert ratio[3:] == pytest.approx(collapse_prefactor(s_eff[3:], 2.0, 0.5), rel=0.1)
    rule = adaptive_ridge(T_GRID, 2.0, 0.5, s_eff) / adaptive_ridge(T_GRID, 2.0, 0.5)
    assert fake.ridge[3:] / clean.ridge[3:] == pytest.approx(rule[3:], rel=0.1)


def test_oracle_ridge_follows_ell_crit():
    """The tuned λ decays as T^(-ℓ_crit) (eq. (B.18)), the rule of eq. (B.21) with σ_eff² = 1."""
    lam = predict_generations(POWER, T=T_GRID).ridge
    assert local_slopes(T_GRID, lam)[-2:] == pytest.approx(-ell_crit(2.0, 0.5), abs=0.01)
    assert adaptive_ridge(T_GRID, 2.0, 0.5) == pytest.approx(T_GRID ** -ell_crit(2.0, 0.5))


def test_claim_11_rule_keeps_the_clean_rate():
    """λ = T^(-ℓ_crit) (claim 11's choice, an [OPEN] convention) reaches the slow rate."""
    rule = predict_generations(POWER, T=T_GRID, ridge=adaptive_ridge(T_GRID, 2.0, 0.5))
    assert local_slopes(T_GRID, rule.test_error) == pytest.approx(-2 / 3, abs=0.015)


def test_claim_10_fast_to_slow_crossover():
    noisy = POWER.replace(sigma=0.0, generations=1, sigma0=1e-2)
    slopes = local_slopes(T_GRID, predict_generations(noisy, T=T_GRID).test_error)
    assert slopes == pytest.approx([-1.88, -1.72, -1.16, -0.87, -0.71], abs=0.01)
    assert crossover_samples(1, 1e-2, 2.0, 0.5) == pytest.approx(100.0)
    clean = local_slopes(T_GRID, predict_generations(noisy.replace(generations=0), T=T_GRID).test_error)
    assert clean == pytest.approx(-fast_rate(2.0, 0.5), abs=0.1)
    # Before T* the fast rate, after it the slope heads for the slow rate -2/3.
    assert slopes[0] < -1.8 and -0.8 < slopes[-1] < -slow_rate(2.0, 0.5)


def test_fixed_generator_budget_stalls_the_scaling_law():
    """T0 fixed, T ≫ T0 > d: σ_eff² ∝ T and the error plateaus (TG §B.4)."""
    s = GenerationsSetting(d=200, T=100, T0=400, generations=1, sigma=0.0, sigma0=1.0,
                           spectrum="power:2", source=0.5, ridge="adaptive")
    T = np.logspace(3, 7, 5)
    slopes = local_slopes(T, predict_generations(s, T=T).test_error)
    assert np.all(slopes < 0) and slopes[-1] > -0.01
    assert effective_noise_approx(1, 0.0, 1.0, 1e7, 400, 200) > 1e4


def test_interpolation_is_catastrophic_regularisation_is_not():
    """ℓ = β (near-interpolation): the collapse term stays ≍ nσ0² and the error stops
    decaying; with ℓ = ℓ_crit it keeps decaying at the slow rate [PAPER]."""
    s = POWER.replace(sigma=0.0, generations=1, sigma0=0.1)
    interp = predict_generations(s, T=T_GRID, ridge=T_GRID**-2.0).test_error
    tuned = predict_generations(s, T=T_GRID, ridge=adaptive_ridge(T_GRID, 2.0, 0.5)).test_error
    assert local_slopes(T_GRID, interp)[-3:] == pytest.approx(0.0, abs=0.05)
    assert np.all(local_slopes(T_GRID, tuned)[-3:] < -0.6)
    assert 0.1 < interp[-1] / (1 * 0.1**2) < 10  # ≍ nσ0²


def test_input_validation():
    with pytest.raises(ValueError, match="^T0"):
        effective_noise_approx(1, 1.0, 1.0, 100, 50, 100)
    with pytest.raises(ValueError, match="^generations"):
        crossover_samples(0, 1.0, 2.0, 0.5)
    with pytest.raises(ValueError, match="^T and error"):
        local_slopes([1, 2], [1.0, -1.0])


def test_docstring_examples_run():
    from modelcollapse.generations import power_law

    result = doctest.testmod(power_law)
    assert result.failed == 0 and result.attempted > 0
