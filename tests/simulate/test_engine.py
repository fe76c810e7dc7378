"""``simulate`` against the theory engine, and the engine's contracts (spec SMC §8.3).

Agreement with ``modelcollapse.predict`` is required within 3 standard errors or 3%
relative (the deterministic equivalents carry O(1/d) finite-size corrections) across the
regimes of the theory issue: p2 in {0, small, 0.5, 1}, under- and over-parameterised,
ridge from 1e-4 to 1, psi on both sides of 1, isotropic and power-law spectra, d >= 200.
"""

import doctest

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modelcollapse import Result, Setting, predict, simulate
from modelcollapse.simulate import engine, resolve_method, simulate_one, simulate_ridge_path

from .helpers import assert_agrees

D = 200
SEEDS = 40


@pytest.mark.parametrize("p2", [0.0, 0.02, 0.5, 1.0])
@pytest.mark.parametrize("n", [400, 100])  # φ = 0.5 and φ = 2
@pytest.mark.parametrize("ridge", [0.0, 1e-4, 0.1, 1.0])
def test_linear_isotropic_agrees_with_theory(p2, n, ridge):
    setting = Setting(d=D, n=n, p2=p2, c2=1.0, ridge=ridge)
    assert_agrees(predict(setting).test_error, simulate(setting, seeds=SEEDS))


@pytest.mark.parametrize("p2", [0.0, 0.02, 0.5, 1.0])
@pytest.mark.parametrize("n", [600, 120])
@pytest.mark.parametrize("ridge", [1e-4, 0.01, 1.0])
def test_linear_power_law_agrees_with_theory(p2, n, ridge):
    setting = Setting(d=300, n=n, p2=p2, c2=1.0, sigma=0.5, ridge=ridge, spectrum="power:1.5")
    assert_agrees(predict(setting).test_error, simulate(setting, seeds=SEEDS))


@pytest.mark.parametrize("p2", [0.0, 0.02, 0.5, 1.0])
@pytest.mark.parametrize(("n", "m"), [(400, 100), (400, 300), (100, 50), (100, 150), (100, 400)])
@pytest.mark.parametrize("ridge", [0.0, 1e-3, 0.1])
def test_random_projections_agree_with_theory(p2, n, m, ridge):
    """φ = 0.5 and 2; ψ on both sides of 1; m below and above d."""
    setting = Setting(d=D, n=n, m=m, p2=p2, c2=1.0, sigma=0.5, ridge=ridge,
                      model="random-projections")
    assert_agrees(predict(setting).test_error, simulate(setting, seeds=SEEDS))


@pytest.mark.parametrize(("n", "m", "ridge"), [(200, 100, 1e-3), (100, 300, 0.0), (400, 600, 0.1)])
def test_random_projections_power_law_agree_with_theory(n, m, ridge):
    setting = Setting(d=D, n=n, m=m, p2=0.3, c2=1.0, sigma=0.5, ridge=ridge,
                      model="random-projections", spectrum="power:1.5")
    assert_agrees(predict(setting).test_error, simulate(setting, seeds=SEEDS))


@pytest.mark.parametrize("n", [10**6, 10**8])
@pytest.mark.parametrize("p2", [0.0, 0.01, 0.5])
def test_strong_collapse_floor_at_large_n(n, p2):
    """Sample sizes only the sufficient sampler reaches: the floor p2²c² (spec SMC eq. (2.19))."""
    setting = Setting(d=D, n=n, p2=p2, c2=1.0)
    result = simulate(setting, seeds=SEEDS)
    assert result.method == "sufficient"
    assert_agrees(predict(setting).test_error, result)


def test_generator_and_weighted_mixing_agree_with_theory():
    for setting in (Setting(d=D, n=2000, p2=0.3, n0=600, ridge=1e-3),  # spec SMC §4
                    Setting(d=D, n=2000, p2=0.3, c2=1.0, alpha=0.05),  # spec SMC eq. (5.1)
                    Setting(d=D, n=600, p2=0.3, c2=1.0, alpha=0.6, ridge=0.1)):
        assert_agrees(predict(setting).test_error, simulate(setting, seeds=SEEDS))


def test_iterative_mixing_approaches_small_phi_theory():
    """Variant R (spec SMC §5.2) at φ = 0.002, where the finite-φ law and (5.4) nearly agree."""
    for t in (1, 2, 4):
        setting = Setting(d=D, n=100_000, p2=0.5, c2=1.0, iterations=t)
        assert_agrees(predict(setting).test_error, simulate(setting, seeds=SEEDS))


# -- engine contracts ------------------------------------------------------------------


@settings(max_examples=10, deadline=None)
@given(index=st.integers(0, 2**20), base=st.integers(0, 2**32), ridge=st.sampled_from([0.0, 0.1]),
       method=st.sampled_from(["direct", "sufficient"]))
def test_seed_determinism(index, base, ridge, method):
    """A seed's value depends only on (setting, base seed, seed index)."""
    setting = Setting(d=20, n=30, p2=0.3, c2=1.0, ridge=ridge)
    first = simulate_one(setting, index, base, method)
    assert simulate_one(setting, index, base, method) == first
    assert simulate_one(setting, index + 1, base, method) != first
    run = simulate(setting, seeds=index % 3 + 1, seed=base, method=method)
    assert run.errors[0] == simulate_one(setting, 0, base, method)


def test_result_independent_of_workers_and_seed_count():
    setting = Setting(d=30, n=200, p2=0.3, c2=1.0, model="random-projections", m=20)
    serial = simulate(setting, seeds=6, seed=7)
    parallel = simulate(setting, seeds=6, seed=7, workers=2)
    np.testing.assert_array_equal(serial.errors, parallel.errors)
    np.testing.assert_array_equal(simulate(setting, seeds=3, seed=7).errors, serial.errors[:3])


@pytest.mark.parametrize("method", ["direct", "sufficient"])
@pytest.mark.parametrize("setting", [
    Setting(d=40, n=300, p2=0.3, c2=1.0),
    Setting(d=40, n=25, p2=0.3, c2=1.0),  # dual form
    Setting(d=40, n=300, p2=0.3, c2=1.0, model="random-projections", m=25),
    Setting(d=40, n=300, p2=0.3, c2=1.0, iterations=3),
])
def test_ridge_path_matches_one_ridge_at_a_time(setting, method):
    ridges = [0.0, 1e-3, 0.1, 1.0]
    path = simulate_ridge_path(setting, ridges, seeds=3, method=method)
    assert path.test_error.shape == (4,) and path.errors.shape == (3, 4)
    for j, lam in enumerate(ridges):
        for i in range(3):
            one = simulate_one(setting.replace(ridge=lam), i, 0, method)
            assert path.errors[i, j] == pytest.approx(one, rel=1e-7)


def test_auto_picks_the_cheaper_sampler():
    assert resolve_method(Setting(d=200, n=10**6, p2=0.1), "auto") == "sufficient"
    assert resolve_method(Setting(d=200, n=50, p2=0.1), "auto") == "direct"
    assert resolve_method(Setting(d=1000, n=100, m=5000, p2=0.1, model="random-projections"),
                          "auto") == "sufficient"
    assert simulate(Setting(d=20, n=10**7, p2=0.1), seeds=2).method == "sufficient"


def test_result_fields_and_dict():
    result = simulate(Setting(d=20, n=100, p2=0.2), seeds=5)
    assert isinstance(result, Result) and result.family == "smc"
    assert result.test_error == pytest.approx(result.errors.mean())
    assert result.sem == pytest.approx(result.errors.std(ddof=1) / np.sqrt(5))
    out = result.to_dict()
    assert {"test_error", "sem", "seeds", "seed", "method", "seconds", "errors"} <= set(out)
    assert np.isnan(simulate(Setting(d=20, n=100), seeds=1).sem)


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"seeds": 0}, "seeds"), ({"seed": -1}, "seed"), ({"method": "exact"}, "method"),
    ({"workers": 0}, "workers"), ({"seeds": 2.5}, "seeds"),
])
def test_bad_arguments_name_the_parameter(kwargs, name):
    with pytest.raises(ValueError, match=f"^{name}"):
        simulate(Setting(d=10, n=20), **kwargs)


def test_bad_ridges_and_empty_weighted_group():
    with pytest.raises(ValueError, match="^ridges"):
        simulate_ridge_path(Setting(d=10, n=20), [-1.0])
    with pytest.raises(ValueError, match="^alpha"):
        simulate(Setting(d=10, n=20, p2=0.0, alpha=1.0))


def test_docstring_example_runs():
    result = doctest.testmod(engine)
    assert result.attempted > 0 and result.failed == 0
