"""Advice read off a fitted law: floors, intervals, safe shares, costs, and refusals."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modelcollapse.fitting import CollapseFit, UnsupportedAnswer, as_curves, fit_curves

from .generated import N_GRID, Case

targets = st.floats(1e4, 1e7)
tolerances = st.floats(1e-3, 10.0)


def test_floor_is_p2_squared_c2(exact_fit):
    # SMC eq. (2.19): the error tends to p2² c² (here c² = 1).
    for p2 in (0.0, 0.05, 0.2):
        assert exact_fit.floor(p2) == pytest.approx(p2**2, abs=1e-7)


@given(target_n=targets, tolerance=tolerances)
@settings(max_examples=25, deadline=None)
def test_max_safe_p2_matches_the_theory(exact_case, exact_fit, target_n, tolerance):
    assert exact_fit.max_safe_p2(target_n, tolerance) == pytest.approx(
        exact_case.max_safe_p2(target_n, tolerance), rel=1e-3, abs=1e-6)


@given(target_n=targets, low=tolerances, high=tolerances)
@settings(max_examples=25, deadline=None)
def test_max_safe_p2_is_monotone_in_tolerance(noisy_fit, target_n, low, high):
    _, fit = noisy_fit
    low, high = sorted((low, high))
    assert fit.max_safe_p2(target_n, low) <= fit.max_safe_p2(target_n, high) + 1e-12


@given(e=st.floats(0, 1), a=st.floats(1e-3, 1e3), alpha=st.floats(0.05, 3),
       n_c=st.floats(0, 50), p2=st.floats(0, 1))
@settings(max_examples=50, deadline=None)
def test_predictions_fall_with_n(e, a, alpha, n_c, p2):
    params = {"E": e, "A": a, "alpha": alpha, "F": 0.5, "G": a, "n_c": n_c}
    fit = CollapseFit(params, np.empty((0, 6)), as_curves([100, 200, 400], [0, 0.1, 0.1],
                                                          [1, 1, 1]))
    loss = fit.predict(np.geomspace(100, 1e8, 40), p2)[0]
    assert np.all(np.diff(loss) <= 1e-12 * loss[:-1])


def test_intervals_hold_the_point(noisy_fit):
    _, fit = noisy_fit
    loss, low, high = fit.predict(np.array([1e3, 1e5, 1e7]), 0.1)
    assert np.all((low <= loss) & (loss <= high)) and np.all(high > low)
    f_low, f_high = fit.floor_interval(0.1)
    assert f_low < fit.floor(0.1) < f_high


@pytest.mark.parametrize(("p2", "tolerance"), [(0.05, 0.5), (0.1, 0.1), (0.02, 2.0)])
def test_costly_from_n_is_where_the_excess_crosses(exact_fit, p2, tolerance):
    n_star = exact_fit.costly_from_n(p2, tolerance)
    assert 0 < n_star < math.inf

    def excess(n):
        loss = exact_fit.predict(n, np.array([0.0, p2]))[0]
        return loss[1] / loss[0] - 1

    assert excess(n_star) == pytest.approx(tolerance, rel=1e-6)
    assert excess(1.1 * n_star) > tolerance > excess(n_star / 1.1)


def test_costly_from_n_edges(exact_fit):
    assert exact_fit.costly_from_n(0.0, 0.1) == math.inf  # clean data never costs
    assert exact_fit.costly_from_n(0.5, 0.01) == 0.0  # the cross term alone costs 25 %


def test_cheapest_mix_reaches_the_target_at_least_cost(exact_fit):
    target = 0.01
    mix = exact_fit.cheapest_mix(target, cost_real=1.0, cost_synthetic=0.01)
    assert exact_fit.predict(mix["n"], mix["p2"])[0] == pytest.approx(target, rel=1e-6)
    assert mix["n_real"] + mix["n_synthetic"] == pytest.approx(mix["n"])
    clean = exact_fit.cheapest_mix(target, cost_real=1.0, cost_synthetic=1.0)
    assert clean["p2"] == 0.0  # synthetic data at the same price never pays
    for p2 in np.linspace(0, 0.09, 10):  # the floor p2² must stay below 0.01
        v = (target - p2**2) / (100 + 100 * p2 * (1 - p2))
        n = 1 / v + 100  # the law's inverse at E = 0, alpha = 1, n_c = 100
        assert mix["cost"] <= n * ((1 - p2) + 0.01 * p2) * (1 + 1e-6)
    with pytest.raises(UnsupportedAnswer, match="clean floor"):
        exact_fit.cheapest_mix(0.0 + 1e-30, 1.0, 1.0)


def test_no_synthetic_curve_refuses_the_floor():
    case = Case(noise=0.0)
    n, p2, loss = case.curves(np.random.default_rng(0), shares=(0.0,))
    fit = fit_curves(n, p2, loss, bootstrap=0)
    assert fit.params["F"] == fit.params["G"] == 0.0
    with pytest.raises(UnsupportedAnswer, match="no curve with p2 > 0"):
        fit.max_safe_p2(1e5, 0.1)
    with pytest.raises(UnsupportedAnswer, match="no curve with p2 > 0"):
        fit.predict(1e5, 0.1)
    out = fit.to_json(at=[1e5], target_n=1e5, tolerance=0.1)
    assert out["max_safe_p2"] is None and "no curve with p2 > 0" in out["note"]
    assert out["floor"] == [{"p2": 0.0, "loss": pytest.approx(fit.params["E"]),
                             "low": pytest.approx(fit.params["E"]),
                             "high": pytest.approx(fit.params["E"])}]


def test_curves_that_never_flatten_leave_the_floor_unidentified():
    # p2 = 0.001: the floor p2² c² = 1e-6 sits far below 3 %-noisy losses that end at 0.01.
    case = Case(noise=0.03)
    n, p2, loss = case.curves(np.random.default_rng(2), shares=(0.0, 0.001))
    fit = fit_curves(n, p2, loss, bootstrap=40)
    with pytest.raises(UnsupportedAnswer, match="floor not identified"):
        fit.floor(0.001)
    out = fit.to_json(target_n=16 * max(N_GRID), tolerance=0.1)
    assert out["max_safe_p2"] is None and "floor not identified" in out["note"]


def test_bad_questions_are_refused(exact_fit):
    for call, message in [(lambda: exact_fit.max_safe_p2(1e5, 0.0), "tolerance"),
                          (lambda: exact_fit.max_safe_p2(-1, 0.1), "target_n"),
                          (lambda: exact_fit.max_safe_p2(50, 0.1), "holds for n >"),
                          (lambda: exact_fit.predict(1e5, 1.5), "p2"),
                          (lambda: exact_fit.floor(-0.1), "p2"),
                          (lambda: exact_fit.cheapest_mix(0.01, 0.0, 1.0), "cost_real")]:
        with pytest.raises(ValueError, match=message):
            call()
