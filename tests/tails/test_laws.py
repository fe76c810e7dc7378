"""Asymptotic laws (TG §A.2–§A.4) against the exact evaluator."""

import numpy as np
import pytest

from modelcollapse.tails import TailsSetting, clean_error, laws, tail_mass, test_error, top_p_cut
from modelcollapse.tails.transforms import narrowing_law


@pytest.mark.parametrize(("beta", "bp"), [(2.0, 2.5), (2.0, 3.0), (1.5, 2.0), (2.0, 1.5)])
def test_narrowing_constant_matches_exact_at_1e5(beta, bp):
    """Claim 7: (A.13) reproduces the exact error at T = 1e5 to 3–4 digits."""
    exact = narrowing_law(beta, bp).error(beta, 1e5)
    assert laws.narrowing_law(beta, bp, 1e5) == pytest.approx(exact, rel=2e-3)


def test_double_scaling_law_within_a_constant_factor():
    """Theorem 2.1 (A.7) is a ≍ statement: the chosen constants stay within ×2 everywhere."""
    T = np.logspace(2, 12, 21)
    for beta in (1.5, 2.0, 3.0):
        for k in (10, 100, 1000):
            exact = test_error(TailsSetting(beta=beta, T=1.0, k=k), T)
            ratio = laws.double_scaling_law(beta, T, k) / exact
            assert np.all((ratio > 0.5) & (ratio < 2.0))


def test_mixing_law_within_a_constant_factor():
    T = np.logspace(2, 12, 21)
    for pi in (0.001, 0.01, 0.1):
        exact = test_error(TailsSetting(beta=2.0, T=1.0, k=100, pi=pi), T)
        ratio = laws.mixing_law(2.0, T, 100, pi) / exact
        assert np.all((ratio > 0.5) & (ratio < 2.0))


def test_finite_sample_law_and_cut():
    T0 = np.array([1e3, 1e5, 1e7])
    exact = [test_error(TailsSetting(beta=2.0, T=1e13, T0=t)) for t in T0]
    np.testing.assert_allclose(laws.finite_sample_law(2.0, 1e13, T0), exact, rtol=0.01)
    np.testing.assert_allclose(laws.finite_sample_cut(2.0, T0), np.sqrt(T0 * 6 / np.pi**2))


def test_top_p_asymptote():
    for P in (0.99, 0.999, 0.9999):
        assert laws.top_p_cut_asymptote(2.0, P) == pytest.approx(top_p_cut(2.0, P), rel=0.01)


def test_onsets():
    assert laws.plateau_onset(2.0, 100) == 1e4
    assert laws.grokking_onset(2.0, 100, 0.01) == pytest.approx(1e6)


def test_mechanism_c_limit_and_union_bound():
    n = np.array([1, 2, 4, 8, 16, 32])
    E = laws.mechanism_c_limit(2.0, 1e4, n)
    np.testing.assert_allclose(E, [6.91e-3, 8.93e-3, 1.08e-2, 1.25e-2, 1.41e-2, 1.55e-2], rtol=5e-3)
    assert np.all(E <= laws.union_bound(2.0, 1e4, n) * (1 + 1e-12))
    # (log n)^c growth: doubling n adds a shrinking amount, unlike a linear law
    steps = np.diff(E)
    assert np.all(steps > 0) and np.all(steps[1:] < steps[:-1] * 1.01)


def test_resampling_survival():
    s = laws.resampling_survival([1, 2, 3, 1000])
    assert s[0] == 1.0 and s[1] == pytest.approx(1 - np.exp(-1))
    assert s[2] == pytest.approx(1 - np.exp(np.exp(-1) - 1))
    assert s[3] * 1000 == pytest.approx(2.0, rel=0.02)  # 1 − φ_n ≈ 2/n: neutral drift
    E = laws.mechanism_a_law(2.0, 1e4, [2, 32])
    exact = [test_error(TailsSetting(beta=2.0, T=1e13, T0=1e4, generations=m, mechanism="A"))
             for m in (2, 32)]
    np.testing.assert_allclose(E, exact, rtol=0.01)


@pytest.mark.parametrize(("beta", "values"), [
    (2.0, [1, 1.293, 1.456, 1.650, 1.856, 2.060, 2.554]),
    (1.5, [1, 1.206, 1.312, 1.432, 1.552, 1.667, 1.928]),
    (3.0, [1, 1.370, 1.591, 1.866, 2.172, 2.489, 3.303]),
])
def test_shifted_scaling_ratio_a16(beta, values):
    n = [0, 1, 2, 4, 8, 16, 100]
    np.testing.assert_allclose(laws.shifted_scaling_ratio(beta, n), values, atol=1.5e-3)


def test_clean_law_and_plateau_asymptote():
    assert laws.clean_law(2.0, 1e8) == pytest.approx(clean_error(2.0, 1e8), rel=1e-4)
    assert laws.plateau_asymptote(2.0, 1e4) == pytest.approx(tail_mass(2.0, 1e4), rel=1e-3)
    assert laws.clean_exponent(3.0) == pytest.approx(2 / 3)


@pytest.mark.parametrize(("setting", "rel"), [
    (TailsSetting(beta=2.0, T=1e10), 1e-4),
    (TailsSetting(beta=2.0, T=1e12, k=100), 0.01),
    (TailsSetting(beta=2.0, T=1e12, k=100, pi=0.1), 0.01),
    (TailsSetting(beta=2.0, T=1e8, temperature=0.5), 1e-3),
    (TailsSetting(beta=2.0, T=1e12, T0=1e4), 0.01),
    (TailsSetting(beta=2.0, T=1e8, generations=3, mechanism="C"), 1e-3),
])
def test_asymptotic_law_approaches_the_exact_error_at_large_T(setting, rel):
    assert laws.asymptotic_law(setting) == pytest.approx(test_error(setting), rel=rel)


def test_no_law_for_resampling_chains_at_finite_T0():
    assert laws.asymptotic_law(TailsSetting(beta=2.0, T=1e8, T0=100, generations=2, mechanism="A")) is None


def test_acquisition_law_matches_the_exact_mix():
    """§A.4.1 with k' = k: adding tail data recovers the tail at effective size πT/τ_k."""
    from modelcollapse.tails.transforms import tail_acquisition_law

    T = np.array([1e8, 1e10, 1e12])
    exact = tail_acquisition_law(2.0, 100, 100, 0.01).error(2.0, T)
    np.testing.assert_allclose(laws.acquisition_law(2.0, T, 100, 0.01), exact, rtol=0.02)
    assert laws.acquisition_law(2.0, 1e3, 100, 0.01) == pytest.approx(tail_mass(2.0, 100))
