"""Figures (spec TG §A.7.1): exact lines, law overlays and simulation markers are drawn."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from modelcollapse.tails import TailsSetting, clean_error, test_error
from modelcollapse.tails import figures as F


def _line(fig: Figure, label: str):
    return next(line for line in fig.axes[0].get_lines() if line.get_label() == label)


def test_double_scaling_lines_are_the_exact_errors():
    fig = F.double_scaling_figure(ks=(100,), T=np.logspace(2, 8, 7), seeds=0)
    line = _line(fig, "k = 100")
    np.testing.assert_allclose(line.get_ydata(), test_error(TailsSetting(beta=2.0, T=1, k=100),
                                                            line.get_xdata()))
    np.testing.assert_allclose(_line(fig, "clean (exact)").get_ydata(), clean_error(2.0, line.get_xdata()))


@pytest.mark.parametrize("make", [F.narrowing_figure, F.mixing_figure, F.shifted_scaling_figure])
def test_theory_only_figures(make):
    fig = make(T=np.logspace(2, 6, 5), seeds=0)
    assert isinstance(fig, Figure) and len(fig.axes[0].get_lines()) >= 4
    assert not fig.axes[0].containers  # seeds = 0: no markers


def test_markers_come_from_simulation():
    fig = F.mixing_figure(pis=(0.1,), T=np.logspace(2, 6, 5), sim_T=[1e3, 1e5], seeds=2)
    (bars,) = fig.axes[0].containers
    y = np.asarray(bars.lines[0].get_ydata(), dtype=float)
    exact = test_error(TailsSetting(beta=2.0, T=1, k=100, pi=0.1), [1e3, 1e5])
    np.testing.assert_allclose(y, exact, rtol=0.2)


def test_generations_figure_has_the_three_mechanisms():
    fig = F.generations_figure(n=(1, 2), seeds=0)
    labels = {line.get_label() for line in fig.axes[0].get_lines()}
    assert {"mechanism A", "mechanism B", "mechanism C"} <= labels


def test_precomputed_markers_are_drawn_as_given():
    points = F.double_scaling_points(ks=(100,), sim_T=[1e3, 1e5])
    assert set(points) == {"clean", 100} and points[100][1] == TailsSetting(beta=2.0, T=1e5, k=100)
    markers = {100: ([1e3, 1e5], [0.02, 0.006], [0.001, 0.0])}
    fig = F.double_scaling_figure(ks=(100,), T=np.logspace(2, 6, 5), markers=markers, seeds=4)
    (bars,) = fig.axes[0].containers  # only the given curve; seeds ignored
    np.testing.assert_array_equal(bars.lines[0].get_ydata(), [0.02, 0.006])
