"""Regression-chain figures (TG §B.5): theory lines carry the predicted values,
markers the stored ones."""

import io

import numpy as np
import pytest
from matplotlib.figure import Figure

from modelcollapse.generations import GenerationsSetting, optimal_ridge, predict_generations
from modelcollapse.reproduce.generations_drawing import (
    error_vs_generations,
    error_vs_generations_points,
    error_vs_ridge,
    error_vs_ridge_points,
    rate_crossover,
    truncated,
)

SMALL = GenerationsSetting(d=20, T=50, T0=40, generations=4, sigma=0.5, sigma0=0.5)


def lines(fig):
    return {line.get_label(): line for line in fig.axes[0].get_lines()}


def test_error_vs_generations_draws_theory_and_markers():
    markers = {0.0: ([0, 4], [1.0, 2.0], [0.1, 0.1]), 0.2: ([0, 4], [0.9, 1.5], [0.1, 0.1])}
    fig = error_vs_generations(SMALL, ridges=(0.0, 0.2), markers=markers)
    assert isinstance(fig, Figure)
    drawn = lines(fig)
    expected = predict_generations(SMALL, ridge=0.2, by_generation=True).test_error
    assert drawn["λ = 0.2"].get_ydata() == pytest.approx(expected)
    assert len(fig.axes[0].containers) == 2  # one errorbar set per ridge
    fig.savefig(io.BytesIO(), format="png")


def test_error_vs_ridge_marks_the_moving_optimum():
    fig = error_vs_ridge(SMALL, generations=(0, 4), ridges=np.geomspace(1e-2, 10, 30))
    stars = [line for line in fig.axes[0].get_lines() if line.get_marker() == "*" and len(line.get_xdata())]
    best = optimal_ridge(SMALL, by_generation=True)
    assert sorted(float(s.get_xdata()[0]) for s in stars) == pytest.approx([best[0], best[4]])
    assert best[4] > best[0]
    assert not fig.axes[0].containers  # no markers given: theory alone


def test_rate_crossover_has_rate_guides_and_crossover():
    s = GenerationsSetting(d=300, T=100, T0=600, generations=1, sigma=0.0, sigma0=3e-2,
                           spectrum="power:2", source=0.5)
    T = np.geomspace(10, 250, 5)
    fig = rate_crossover(s, T=T, generations=(0, 1))
    drawn = lines(fig)
    assert {"fast rate $T^{-2}$", "slow rate $T^{-0.667}$", "T* (eq. B.20)"} <= set(drawn)
    assert drawn["T* (eq. B.20)"].get_xdata()[0] == pytest.approx(1 / 3e-2)
    tuned = predict_generations(s, T=T, ridge="adaptive").test_error
    assert drawn["n = 1, tuned λ"].get_ydata() == pytest.approx(tuned)


def test_rate_crossover_with_the_ell_crit_rule():
    s = GenerationsSetting(d=300, T=100, T0=600, generations=1, sigma=1.0, sigma0=1.0,
                           spectrum="power:2", source=0.5)
    T = np.geomspace(10, 250, 4)
    drawn = lines(rate_crossover(s, T=T, generations=(0, 1), tuning="ell_crit"))
    rule = predict_generations(s, T=T, ridge=T ** (-2 / 3)).test_error
    assert drawn["n = 1, λ = $T^{-\\ell_{crit}}$"].get_ydata() == pytest.approx(rule)
    assert "T* (eq. B.20)" not in drawn  # noisy real labels: no fast regime
    with pytest.raises(ValueError, match="^tuning"):
        rate_crossover(SMALL, T=T, tuning="ell_crit")


def test_precomputed_markers_and_their_settings():
    points = error_vs_ridge_points(SMALL, generations=(0, 4), marker_ridges=[0.1, 1.0])
    assert points[4][1] == SMALL.replace(ridge=1.0) and points[0][0].generations == 0
    chain = error_vs_generations_points(SMALL, ridges=(0.2,))
    assert [s.generations for s in chain[0.2]] == [0, 1, 2, 3, 4]
    fig = error_vs_ridge(SMALL, generations=(0, 4),
                         markers={4: ([0.1, 1.0], [0.9, 0.8], [0.05, 0.05])}, note="stored")
    (bars,) = fig.axes[0].containers
    assert list(bars.lines[0].get_ydata()) == [0.9, 0.8]
    assert fig.axes[0].get_title().endswith("\nstored")


def test_truncated_cuts_per_generation_schedules():
    s = GenerationsSetting(d=20, T=50, T0=(40, 60, 80), generations=3, sigma=0.5,
                           sigma0=(0.5, 0.4, 0.3))
    cut = truncated(s, 2)
    assert cut.generations == 2 and cut.T0 == (40, 60) and cut.sigma0 == (0.5, 0.4)
    assert truncated(SMALL, 1) == SMALL.replace(generations=1)
