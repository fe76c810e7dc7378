"""Exact errors under AI-data transforms (TG §A.3–§A.4): claims 3–12 of §A.9."""

import numpy as np
import pytest

from modelcollapse.tails import TailsSetting, clean_error, plateau, tail_mass, test_error, top_p_cut
from modelcollapse.tails.laws import clean_constant, plateau_asymptote, temperature_beta
from modelcollapse.tails.transforms import chain_law, narrowing_law, tail_acquisition_law
from modelcollapse.theory.scaling import fit_power_law


@pytest.mark.parametrize(("k", "mass", "asym"), [(10, 0.0579, 0.0608), (100, 0.006049, 0.00608),
                                                  (1000, 0.0006076, 0.000608)])
def test_claim_3_plateau(k, mass, asym):
    s = TailsSetting(beta=2.0, T=1e13, k=k)
    assert plateau(s) == pytest.approx(mass, rel=1e-3)
    assert test_error(s) == pytest.approx(mass, rel=1e-3)
    assert plateau_asymptote(2.0, k) == pytest.approx(asym, rel=1e-3)


def test_claim_4_cut_follows_clean_then_flattens():
    s = TailsSetting(beta=2.0, T=1.0, k=1000)
    T = np.array([1e2, 1e3, 1e4])
    np.testing.assert_allclose(test_error(s, T), [0.0688, 0.0218, 0.00691], rtol=3e-3)
    np.testing.assert_allclose(test_error(s, T), clean_error(2.0, T), rtol=1e-3)
    assert test_error(s, 1e7) == pytest.approx(6.08e-4, rel=2e-3)
    assert test_error(s, 1e7) == pytest.approx(tail_mass(2.0, 1000), rel=2e-3)


def test_claim_5_k100():
    s = TailsSetting(beta=2.0, T=1.0, k=100)
    assert test_error(s, [1e3, 1e4]) == pytest.approx([0.0219, 0.00792], rel=2e-3)
    later = test_error(s, np.logspace(5, 12, 8))
    np.testing.assert_allclose(later, 0.00605, rtol=1e-3)


def test_claim_6_finite_sample_generator_limit():
    """A generator of T0 samples → as T → ∞, E → Σ p_i (1 − p_i)^T0 (= 6.91e-3 at T0 = 1e4)."""
    for mech in "ABC":
        s = TailsSetting(beta=2.0, T=1e13, T0=1e4, generations=1, mechanism=mech)
        assert test_error(s) == pytest.approx(clean_error(2.0, 1e4), rel=1e-4)
    assert test_error(TailsSetting(beta=2.0, T=1e13, T0=1e4)) == pytest.approx(6.91e-3, rel=1e-3)


def test_claim_6_effective_cut_scales_like_T0_to_the_one_over_beta():
    """Plateau of a T0-generator equals that of a cut at k ≍ T0^(1/β): k·T0^(−1/β) is constant."""
    beta = 2.0
    T0 = np.array([1e3, 1e5, 1e7])
    lim = clean_error(beta, T0)
    k_eff = np.array([np.argmin(np.abs(tail_mass(beta, np.arange(1, 20_000)) - e)) + 1 for e in lim])
    ratio = k_eff * T0 ** (-1 / beta)
    assert ratio.max() / ratio.min() < 1.05


@pytest.mark.parametrize(("beta", "bp", "slope", "E5"), [
    (2.0, 2.5, 0.400, 6.07e-3), (2.0, 3.0, 0.333, 1.244e-2),
    (1.5, 2.0, 0.250, 4.419e-2), (2.0, 1.5, 0.667, 4.83e-4)])
def test_claim_7_narrowing(beta, bp, slope, E5):
    law = narrowing_law(beta, bp)
    T = np.logspace(2, 6, 41)
    rate, _ = fit_power_law(T, law.error(beta, T))
    assert rate == pytest.approx(slope, abs=0.005)
    assert law.error(beta, 1e5) == pytest.approx(E5, rel=2e-3)


def test_claim_8_temperature_slope():
    s = TailsSetting(beta=2.0, T=1.0, temperature=0.5)
    assert s.trained_beta == temperature_beta(2.0, 0.5) == 4.0
    T = np.logspace(3, 7, 21)
    rate, _ = fit_power_law(T, test_error(s, T))
    assert rate == pytest.approx(0.25, abs=0.005)


def test_compounded_temperature_exponent_decays_geometrically():
    """(A.17): n generations at temperature τ train on Zipf(β/τ^n): slope c·τ^n."""
    T = np.logspace(4, 8, 21)
    for n in (1, 2, 3):
        s = TailsSetting(beta=3.0, T=1.0, temperature=0.8, generations=n)
        rate, _ = fit_power_law(T, test_error(s, T))
        assert rate == pytest.approx((1 - 1 / 3.0) * 0.8**n, abs=0.01)


def test_claim_9_mixing_plateau_then_recovery():
    s = TailsSetting(beta=2.0, T=1.0, k=100, pi=0.01)
    T = np.array([3.2e4, 1e5, 3.2e5, 1e6])
    np.testing.assert_allclose(test_error(s, T), [6.21e-3, 5.93e-3, 5.69e-3, 5.03e-3], rtol=3e-3)
    assert test_error(s, 1e8) == pytest.approx(6.91e-4, rel=2e-3)
    assert test_error(s, 1e9) == pytest.approx(2.185e-4, rel=1e-3)
    assert test_error(s, 1e9) == pytest.approx(clean_constant(2.0) * (0.01 * 1e9) ** -0.5, rel=1e-3)
    rate, _ = fit_power_law([1e10, 1e11, 1e12], test_error(s, [1e10, 1e11, 1e12]))
    assert rate == pytest.approx(0.5, abs=0.005)
    assert test_error(s.replace(pi=0.1), 1e9) == pytest.approx(6.91e-5, rel=1e-3)


def _leaves_plateau(pi: float) -> float:
    """First T (on a fine grid) where the error is below half the plateau."""
    T = np.logspace(4, 12, 400)
    E = test_error(TailsSetting(beta=2.0, T=1.0, k=100, pi=pi), T)
    return float(T[np.argmax(E < 0.5 * tail_mass(2.0, 100))])


def test_claim_10_grokking_onset_scales_as_one_over_pi():
    ratios = [_leaves_plateau(pi) / _leaves_plateau(pi / 2) for pi in (0.02, 0.01, 0.005)]
    np.testing.assert_allclose(ratios, 0.5, rtol=0.03)


def test_claim_10_plateau_begins_near_k_to_the_beta():
    s = TailsSetting(beta=2.0, T=1.0, k=100, pi=0.001)
    clean = clean_error(2.0, [1e3, 1e6])
    mixed = test_error(s, [1e3, 1e5, 1e6])
    assert mixed[0] == pytest.approx(clean[0], rel=0.01)  # T ≪ k^β: clean-like
    np.testing.assert_allclose(mixed[1:], tail_mass(2.0, 100), rtol=0.05)  # T ≳ k^β: plateau
    assert mixed[2] > 5 * clean[1]


def test_claim_11_mechanism_c():
    n = [1, 2, 4, 8, 16, 32]
    E = [test_error(TailsSetting(beta=2.0, T=1e14, T0=1e4, generations=m, mechanism="C")) for m in n]
    np.testing.assert_allclose(E, [6.91e-3, 8.93e-3, 1.08e-2, 1.25e-2, 1.41e-2, 1.55e-2], rtol=5e-3)
    assert np.all(np.asarray(E) <= np.asarray(n) * E[0] * (1 + 1e-12))
    assert E[-1] < 0.1 * 32 * E[0]  # far from linear in n


@pytest.mark.parametrize(("n", "K"), [(1, 1.293), (2, 1.456), (4, 1.650), (8, 1.856)])
def test_claim_12_shifted_scaling(n, K):
    """Mechanism C with T0 = T: exponent −c unchanged, prefactor × K_n/K_0."""
    s = TailsSetting(beta=2.0, T=1.0, generations=n, mechanism="C")
    T = np.logspace(6, 10, 5)
    E = test_error(s, T)
    rate, _ = fit_power_law(T, E)
    assert rate == pytest.approx(0.5, abs=0.002)
    np.testing.assert_allclose(E / clean_error(2.0, T), K, rtol=2e-3)


def test_claim_13_mechanism_a_sublinear():
    """Branching-process formula for mechanism A vs the Monte-Carlo of TG §A.9 claim 13 (±5%)."""
    n = np.array([1, 2, 4, 8, 16, 32])
    E = np.array([test_error(TailsSetting(beta=2.0, T=1e8, T0=1e4, generations=int(m), mechanism="A"))
                  for m in n])
    np.testing.assert_allclose(E, [6.77e-3, 8.66e-3, 1.14e-2, 1.53e-2, 2.01e-2, 2.83e-2], rtol=0.05)
    growth, _ = fit_power_law(n, E)
    assert -growth == pytest.approx(0.41, abs=0.03)


def test_mechanism_b_stays_close_to_c():
    """TG §A.3 table: B and C agree to ~2% (B keeps p-weights, C redraws from p)."""
    for m in (2, 8, 32):
        b = test_error(TailsSetting(beta=2.0, T=1e8, T0=1e4, generations=m, mechanism="B"))
        c = test_error(TailsSetting(beta=2.0, T=1e8, T0=1e4, generations=m, mechanism="C"))
        assert b == pytest.approx(c, rel=0.02) and b < c


def test_top_p_is_the_exact_smallest_head():
    for P in (0.5, 0.9, 0.99, 0.999):
        k = top_p_cut(2.0, P)
        assert tail_mass(2.0, k) <= 1 - P < tail_mass(2.0, k - 1)
    s = TailsSetting(beta=2.0, T=1e12, top_p=0.99)
    assert test_error(s) == pytest.approx(tail_mass(2.0, top_p_cut(2.0, 0.99)), rel=1e-6)
    assert test_error(s) <= 0.01


def test_tail_acquisition_deep_tail_is_worthless():
    """(A.18): data from beyond k' ≫ k never fills (k, k']: the error stays ≥ that mass."""
    beta, k = 2.0, 100
    deep = tail_acquisition_law(beta, k, 10_000, 0.1).error(beta, 1e12)
    assert deep >= tail_mass(beta, k) - tail_mass(beta, 10_000)
    overlapping = tail_acquisition_law(beta, k, k, 0.1).error(beta, 1e12)
    assert overlapping < 0.01 * deep


def test_chain_law_rejects_unknown_mechanism():
    with pytest.raises(ValueError, match="^mechanism"):
        chain_law(2.0, "D", 1, 100.0)
