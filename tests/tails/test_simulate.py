"""Sufficient-statistic Monte-Carlo vs the exact formulas (TG §A.8, claims 6, 9, 11, 13)."""


import numpy as np
import pytest

from modelcollapse.tails import TailsSetting, simulate, test_error


def agrees(setting: TailsSetting, seeds: int = 8, z: float = 4.0) -> None:
    """|simulation − exact| ≤ z·sem + truncation bias bound (+ rounding, for noiseless cases)."""
    r = simulate(setting, seeds=seeds)
    exact = test_error(setting)
    tol = z * r.sem + r.truncation_bound + 1e-12
    assert abs(r.test_error - exact) <= tol, (r.test_error, r.sem, exact)


@pytest.mark.parametrize("setting", [
    TailsSetting(beta=2.0, T=1e3),
    TailsSetting(beta=1.5, T=1e5),
    # T ~ 2k^β: head items are still missed, so the seeds vary (at T = 1e5 a miss has
    # probability ~1/64 per seed and eight seeds may all sit on the plateau, SEM 0)
    TailsSetting(beta=2.0, T=2e4, k=100),
    TailsSetting(beta=2.0, T=1e4, top_p=0.95),
    TailsSetting(beta=2.0, T=1e5, temperature=0.8),
    TailsSetting(beta=2.0, T=1e6, k=100, pi=0.01),
    TailsSetting(beta=2.0, T=1e6, T0=1e4),
], ids=["clean", "clean-1.5", "k", "top_p", "temperature", "mixing", "T0"])
def test_simulation_matches_exact(setting):
    agrees(setting)


@pytest.mark.parametrize("setting", [
    TailsSetting(beta=2.0, T=1e6),
    TailsSetting(beta=1.5, T=1e6, temperature=1.2),
    TailsSetting(beta=2.0, T=1e7, k=100, pi=0.1),
], ids=["clean", "temperature", "mixing"])
def test_tail_beyond_a_small_support_is_sampled_not_dropped(setting):
    """With 1024 items most of the error lies beyond the support; Pareto-placed tail samples
    keep the simulation unbiased (dropping them would overestimate E by the seen tail mass)."""
    r = simulate(setting, seeds=8, support=1024)
    exact = test_error(setting)
    assert abs(r.test_error - exact) <= 4 * r.sem + r.truncation_bound
    assert r.truncation_bound < 1e-5 * exact


def test_heavy_tail_at_1e9_is_unbiased():
    """β = 1.5 at T = 1e9: learnt items reach far past any stored support."""
    agrees(TailsSetting(beta=1.5, T=1e9), seeds=4)


def test_simulation_at_1e9_on_the_clean_law():
    """T = 1e9 is one multinomial over ~1e6 items (its speed: benchmarks/bench_tails.py)."""
    agrees(TailsSetting(beta=2.0, T=1e9), seeds=4)


def test_claim_9_grokking_is_simulated():
    """Mixing, β = 2, k = 100, π = 0.01: plateau at 1e5 and recovery at 1e9, in simulation too."""
    plateau = simulate(TailsSetting(beta=2.0, T=1e5, k=100, pi=0.01), seeds=6)
    recovered = simulate(TailsSetting(beta=2.0, T=1e9, k=100, pi=0.01), seeds=8)
    assert plateau.test_error == pytest.approx(5.93e-3, abs=4 * plateau.sem)
    assert recovered.test_error == pytest.approx(2.185e-4, abs=4 * recovered.sem)


@pytest.mark.parametrize("mechanism", ["A", "B", "C"])
@pytest.mark.parametrize("n", [1, 4])
def test_chains_match_their_formulas(mechanism, n):
    """Claims 11 and 13: mechanism C exact, B mean-field and A branching formulas vs Monte-Carlo."""
    agrees(TailsSetting(beta=2.0, T=1e7, T0=1e4, generations=n, mechanism=mechanism), seeds=10)


def test_mixing_into_chains_matches():
    for mech in "AB":
        agrees(TailsSetting(beta=2.0, T=1e6, T0=1e4, generations=3, mechanism=mech, pi=0.1), seeds=8)


@pytest.mark.slow
def test_claim_13_mechanism_a_at_32_generations():
    r = simulate(TailsSetting(beta=2.0, T=1e8, T0=1e4, generations=32, mechanism="A"), seeds=20)
    assert r.test_error == pytest.approx(2.83e-2, rel=0.08)


def test_sem_and_seeds():
    r = simulate(TailsSetting(beta=2.0, T=1e4), seeds=5, seed=3)
    assert r.errors.shape == (5,) and r.sem > 0
    again = simulate(TailsSetting(beta=2.0, T=1e4), seeds=5, seed=3)
    np.testing.assert_array_equal(r.errors, again.errors)
    with pytest.raises(ValueError, match="^seeds"):
        simulate(TailsSetting(beta=2.0, T=1e4), seeds=1)
