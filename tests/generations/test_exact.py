"""Formulas of TG §B.3 and the claims of §B.6 that they make checkable.

Monte-Carlo checks of the same formulas live in test_simulate.py.
"""

import doctest

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modelcollapse import Setting, Spectrum, predict
from modelcollapse.generations import GenerationsSetting, optimal_ridge, predict_generations
from modelcollapse.generations.exact import (
    effective_noise,
    generator_moments,
    ols_chain_error,
    ols_chain_error_limit,
    ols_increment,
    overparameterised_isotropic_error,
    rho_deterministic,
)


def harmonic(d: int) -> Spectrum:
    """Claim 1 and 3's Σ: eigenvalues ∝ 1/j, scaled to tr Σ = d; w0's energy ∝ 1/j."""
    lam = 1.0 / np.arange(1, d + 1)
    lam *= d / lam.sum()
    return Spectrum.from_eigenvalues(lam, signal=lam, name="harmonic")


def random_spectrum(seed: int, d: int) -> Spectrum:
    rng = np.random.default_rng(seed)
    return Spectrum.from_eigenvalues(rng.uniform(0.05, 3.0, d), signal=rng.uniform(0, 1, d))


CLAIM1 = {"d": 40, "T": 100, "T0": 120, "sigma": 0.5, "sigma0": 0.7}


# -- (B-i) -------------------------------------------------------------------------------
@pytest.mark.parametrize("spectrum", ["isotropic", "power:1.5", harmonic(40)])
def test_claim_1_ols_chain_any_sigma(spectrum):
    """E = 0.1695, 0.4176, 0.9138, 1.6581 for n = 0, 1, 3, 6, whatever Σ and w0 (eq. (B.6))."""
    s = GenerationsSetting(**CLAIM1, generations=6, spectrum=spectrum)
    curve = predict_generations(s, by_generation=True).test_error
    assert curve[[0, 1, 3, 6]] == pytest.approx([0.1695, 0.4176, 0.9138, 1.6581], abs=6e-5)
    assert ols_chain_error(40, 100, 120, np.array([0, 1, 3, 6]), 0.5, 0.7) == pytest.approx(
        curve[[0, 1, 3, 6]], rel=1e-12)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10**6), d=st.integers(2, 30), extra_T=st.integers(2, 200),
       extra_T0=st.integers(2, 200), n=st.integers(1, 8), sigma=st.floats(0, 3),
       sigma0=st.floats(0.01, 3), r2=st.floats(0, 10))
def test_claim_2_increment_independent_of_everything_else(seed, d, extra_T, extra_T0, n, sigma,
                                                          sigma0, r2):
    """E_n − E_0 = n·σ0²d/(T0 − d − 1), independent of Σ, w0, T and σ."""
    s = GenerationsSetting(d=d, T=d + extra_T, T0=d + extra_T0, generations=n, sigma=sigma,
                           sigma0=sigma0, spectrum=random_spectrum(seed, d), r2=r2)
    p = predict_generations(s)
    assert p.test_error - p.clean_error == pytest.approx(n * ols_increment(d, d + extra_T0, sigma0),
                                                         rel=1e-10)
    assert p.bias == pytest.approx(0.0, abs=1e-12)


def test_per_generation_schedule_eq_b7():
    """Varying T_m, σ_m: the increments σ_m²d/(T_m − d − 1) add up (eq. (B.7))."""
    T0s, sig0s = (60, 45, 200), (0.3, 1.0, 2.0)
    s = GenerationsSetting(d=40, T=100, T0=T0s, generations=3, sigma=0.5, sigma0=sig0s,
                           spectrum="power:1.2")
    expected = 0.25 * 40 / 59 + sum(ols_increment(40, t, g) for t, g in zip(T0s, sig0s, strict=True))
    assert predict_generations(s).test_error == pytest.approx(expected, rel=1e-12)


def test_high_dimensional_limit_eq_b8():
    exact = ols_chain_error(4000, 10_000, 16_000, 3, 0.5, 0.7)
    assert ols_chain_error_limit(0.4, 0.25, 3, 0.5, 0.7) == pytest.approx(exact, rel=1e-3)
    with pytest.raises(ValueError, match="^phi0"):
        ols_chain_error_limit(0.4, 1.0, 3, 0.5, 0.7)


def test_ols_formulas_reject_divergent_sizes():
    with pytest.raises(ValueError, match="^T0"):
        ols_increment(40, 41, 1.0)
    with pytest.raises(ValueError, match="^T "):
        ols_chain_error(40, 41, 100, 1, 1.0, 1.0)


def test_interpolation_threshold_is_infinite_with_a_note():
    p = predict_generations(GenerationsSetting(d=40, T=41, T0=100, generations=1))
    assert p.test_error == np.inf and "diverges" in p.note
    p = predict_generations(GenerationsSetting(d=40, T=100, T0=40, generations=2), by_generation=True)
    assert np.isfinite(p.test_error[0]) and np.all(np.isinf(p.test_error[1:]))
    # Noise-free generators at T0 = d reproduce their labels exactly: nothing diverges.
    p = predict_generations(GenerationsSetting(d=40, T=100, T0=40, generations=2, sigma0=0.0))
    assert p.test_error == pytest.approx(40 / 59) and p.note is None


@pytest.mark.parametrize("T0", [39, 40, 41])
@pytest.mark.parametrize("spectrum", ["isotropic", "power:1.5"])
def test_generator_threshold_diverges_only_with_noise(T0, spectrum):
    s = GenerationsSetting(d=40, T=100, T0=T0, generations=2, ridge=0.1, spectrum=spectrum)
    assert np.all(np.isinf(predict_generations(s, by_generation=True).test_error[1:]))
    quiet = predict_generations(s.replace(sigma0=0.0), by_generation=True)
    assert np.all(np.isfinite(quiet.test_error)) and quiet.note is None


# -- (B-ii) ------------------------------------------------------------------------------
def test_claim_3_ridge_downstream():
    """λ = 0.3: E_n = E_clean + n σ0² ρ_raw/(T0 − d − 1) with ρ_raw ≈ 15.91 (eq. (B.10)).

    ρ_raw depends only on Σ, T and λ; E_clean also on w0, which the claim does not give
    (we use energy ∝ 1/j), so the increments are what is compared with the claim.
    """
    s = GenerationsSetting(**CLAIM1, generations=6, ridge=0.3, spectrum=harmonic(40))
    curve = predict_generations(s, by_generation=True).test_error
    rho = rho_deterministic(harmonic(40), 100, 0.3)
    assert rho == pytest.approx(15.91, rel=3e-3)
    assert np.diff(curve) == pytest.approx(0.49 * rho / 79, rel=1e-10)
    claimed_clean, claimed = 0.107, np.array([0.206, 0.403, 0.699])
    assert claimed_clean + np.array([1, 3, 6]) * 0.49 * rho / 79 == pytest.approx(claimed, abs=2e-3)
    assert curve[0] == pytest.approx(claimed_clean, rel=0.01)


@pytest.mark.parametrize(("d", "T", "ridge", "b", "claimed"), [
    (200, 80, 0.05, 1.5, 16.14), (100, 400, 0.01, 2.0, 8.668), (150, 150, 0.1, 1.0, 13.179)])
def test_claim_4_rho_deterministic_equivalent(d, T, ridge, b, claimed):
    spec = Spectrum.from_eigenvalues(np.arange(1, d + 1, dtype=float) ** -b)
    assert rho_deterministic(spec, T, ridge) == pytest.approx(claimed, abs=6e-3)


def test_rho_reduces_to_d_without_ridge():
    spec = Spectrum.power_law(50, 1.3)
    assert rho_deterministic(spec, 400, 1e-9) == pytest.approx(50, rel=1e-5)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10**6), T=st.integers(5, 400), log_ridge=st.floats(-4, 1),
       n=st.integers(1, 10), sigma0=st.floats(0.01, 2))
def test_claim_5_linear_in_n_for_any_ridge(seed, T, log_ridge, n, sigma0):
    s = GenerationsSetting(d=30, T=T, T0=50, generations=n, sigma=0.5, sigma0=sigma0,
                           ridge=10.0**log_ridge, spectrum=random_spectrum(seed, 30))
    curve = predict_generations(s, by_generation=True).test_error
    increments = np.diff(curve)
    assert np.all(increments > 0)
    assert increments == pytest.approx(np.full(n, increments[0]), rel=1e-10)
    rho = rho_deterministic(s.covariance, T, 10.0**log_ridge)
    assert increments[0] == pytest.approx(sigma0**2 * rho / 19, rel=1e-10)


CLAIM6 = GenerationsSetting(d=100, T=200, T0=400, generations=20, sigma=0.5, sigma0=0.5)


def test_claim_6_optimal_ridge_moves_up_with_n():
    lam = optimal_ridge(CLAIM6, by_generation=True)[[0, 1, 5, 20]]
    assert lam == pytest.approx([0.124, 0.162, 0.379, 1.84], rel=0.015)
    assert np.all(np.diff(optimal_ridge(CLAIM6, by_generation=True)) > 0)
    best = [predict_generations(CLAIM6.replace(generations=n, ridge="adaptive")).test_error
            for n in (0, 1, 5, 20)]
    assert best == pytest.approx([0.175, 0.231, 0.412, 0.713], abs=1.5e-3)
    ridgeless = predict_generations(CLAIM6, ridge=0.0, by_generation=True).test_error
    assert ridgeless == pytest.approx(0.2525 + 0.0836 * np.arange(21), rel=5e-4)
    # n = 0: the classical optimum σ²d/(T||w0||²).
    assert lam[0] == pytest.approx(0.25 * 100 / 200, rel=1e-4)


def test_claim_6_error_is_u_shaped_in_ridge():
    ridges = np.logspace(-3, 2, 41)
    for n in (0, 5, 20):
        e = predict_generations(CLAIM6.replace(generations=n), ridge=ridges).test_error
        i = int(np.argmin(e))
        assert 0 < i < ridges.size - 1
        assert np.all(np.diff(e[: i + 1]) < 0) and np.all(np.diff(e[i:]) > 0)


def test_effective_noise_form_eq_b13():
    """E ≃ Bias + σ_eff²·df2/(T − df2), with T0 − d in place of T0 − d − 1 (eq. (B.13))."""
    s = GenerationsSetting(d=100, T=300, T0=2000, generations=4, sigma=0.5, sigma0=0.8,
                           ridge=0.05, spectrum="power:1.5")
    p = predict_generations(s)
    s_eff = effective_noise(s.covariance, 300, 2000, 0.05, 4, 0.5, 0.8)
    assert p.test_error == pytest.approx(p.bias + s_eff * p.df2 / (300 - p.df2), rel=2e-3)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10**6), T=st.integers(5, 3000), log_ridge=st.floats(-5, 1),
       sigma=st.floats(0, 2), r2=st.floats(0, 5))
def test_zero_generations_is_clean_ridge(seed, T, log_ridge, sigma, r2):
    """n = 0 is the strong-model-collapse engine's clean ridge (SMC §2.2) exactly."""
    spec = random_spectrum(seed, 40)
    s = GenerationsSetting(d=40, T=T, T0=100, generations=0, sigma=sigma,
                           ridge=10.0**log_ridge, spectrum=spec, r2=r2)
    clean = predict(Setting(d=40, n=T, p2=0.0, sigma=sigma, ridge=10.0**log_ridge, spectrum=spec,
                            r2=r2))
    p = predict_generations(s)
    assert p.test_error == pytest.approx(clean.test_error, rel=1e-9, abs=1e-14)
    assert p.bias == pytest.approx(clean.bias, rel=1e-9, abs=1e-14)
    assert p.synthetic_variance == 0.0


def test_isotropic_clean_ridge_matches_closed_forms():
    s = GenerationsSetting(d=300, T=200, T0=400, generations=0, sigma=0.7, ridge=0.2)
    iso = predict(Setting(d=300, n=200, p2=0.0, sigma=0.7, ridge=0.2))  # SMC (2.13)-(2.15)
    assert predict_generations(s).test_error == pytest.approx(iso.test_error, rel=1e-10)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10**6), T=st.integers(5, 500), log_ridge=st.floats(-5, 1),
       T0=st.integers(33, 300), n=st.integers(1, 6))
def test_error_increases_with_generations(seed, T, log_ridge, T0, n):
    s = GenerationsSetting(d=30, T=T, T0=T0, generations=n, sigma=0.3, sigma0=0.4,
                           ridge=10.0**log_ridge, spectrum=random_spectrum(seed, 30))
    p = predict_generations(s, by_generation=True)
    assert np.all(np.diff(p.test_error) > 0) and np.all(np.diff(p.generator_error) > 0)


# -- (B-iii) -----------------------------------------------------------------------------
def test_claim_7_noise_free_exponential_collapse():
    s = GenerationsSetting(d=200, T=400, T0=100, generations=8, sigma0=0.0)
    rel = predict_generations(s, by_generation=True).generator_error
    assert rel[[1, 2, 4, 8]] == pytest.approx([0.5, 0.75, 0.9375, 0.99609375], rel=1e-12)
    assert 1 - rel[1:] == pytest.approx(0.5 ** np.arange(1, 9), rel=1e-12)  # exponential
    assert overparameterised_isotropic_error(200, 100, np.arange(9), 1.0, 0.0) == pytest.approx(rel)


def test_claim_8_noisy_overparameterised_saturates():
    s = GenerationsSetting(d=200, T=400, T0=100, generations=8, sigma0=0.5, r2=1.0255)
    err = predict_generations(s, by_generation=True).generator_error
    assert err[[1, 2, 4, 8]] == pytest.approx([0.765, 1.148, 1.435, 1.525], abs=1e-3)
    assert overparameterised_isotropic_error(200, 100, np.arange(9), 1.0255, 0.5) == pytest.approx(err)
    # Saturation: the limit is ||w0||² + σ0²T0/(d − T0 − 1)/(1 − ψ), not linear growth.
    assert np.all(np.diff(err, 2) < 0)
    assert err[-1] < 1.0255 + 0.25 * 100 / 99 / 0.5


def test_overparameterised_downstream_inherits_the_bias():
    s = GenerationsSetting(d=200, T=400, T0=100, generations=6, sigma=0.3, sigma0=0.0, ridge=0.05)
    p = predict_generations(s, by_generation=True)
    assert np.all(np.diff(p.bias) > 0)
    # Downstream error approaches the null predictor's ||w0||² = 1 as the generators forget w0.
    assert p.test_error[-1] == pytest.approx(1.0, abs=0.05)


def test_anisotropic_recursion_matches_isotropic_exact():
    """The deterministic-equivalent recursion, fed Σ = I as two groups, vs eqs. (B.15)–(B.16).

    The equivalent writes T0/(d − T0) for T0/(d − T0 − 1), so they agree to O(1/(d − T0)).
    """
    split = Spectrum.from_eigenvalues([1.0, 1.0], [300, 300])
    s = GenerationsSetting(d=600, T=900, T0=250, generations=5, sigma0=0.5, spectrum=split)
    moments = generator_moments(s)
    assert not moments.exact
    err = predict_generations(s, by_generation=True).generator_error
    exact = overparameterised_isotropic_error(600, 250, np.arange(6), 1.0, 0.5)
    assert err == pytest.approx(exact, rel=3 / 350)
    noise_free = predict_generations(s.replace(sigma0=0.0), by_generation=True).generator_error
    assert noise_free == pytest.approx(1 - (250 / 600) ** np.arange(6), rel=1e-9)


def test_predict_vectorises_over_T_and_ridge():
    s = GenerationsSetting(d=60, T=100, T0=200, generations=3, sigma=0.5, sigma0=0.5,
                           spectrum="power:1.5")
    T = np.array([[50], [200]])
    ridge = np.array([0.0, 0.01, 0.1])
    grid = predict_generations(s, T=T, ridge=ridge, by_generation=True)
    assert grid.test_error.shape == (2, 3, 4)
    for i, t in enumerate(T[:, 0]):
        for j, lam in enumerate(ridge):
            one = predict_generations(s, T=t, ridge=lam)
            assert grid.test_error[i, j, -1] == pytest.approx(one.test_error, rel=1e-12)
    with pytest.raises(ValueError, match="^ridge"):
        predict_generations(s, ridge=[-1.0])


def test_docstring_examples_run():
    from modelcollapse.generations import exact

    result = doctest.testmod(exact)
    assert result.failed == 0 and result.attempted > 0
