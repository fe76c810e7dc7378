"""Tails figures (TG §A.7.1): exact lines, law overlays and stored markers are drawn."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from modelcollapse.reproduce import tails_drawing as D
from modelcollapse.tails import TailsSetting, clean_error, laws, test_error


def _line(fig: Figure, label: str):
    return next(line for line in fig.axes[0].get_lines() if line.get_label() == label)


def test_double_scaling_lines_are_the_exact_errors():
    fig = D.double_scaling_figure(ks=(100,), T=np.logspace(2, 8, 7))
    line = _line(fig, "k = 100")
    np.testing.assert_allclose(line.get_ydata(), test_error(TailsSetting(beta=2.0, T=1, k=100),
                                                            line.get_xdata()))
    np.testing.assert_allclose(_line(fig, "clean (exact)").get_ydata(), clean_error(2.0, line.get_xdata()))


@pytest.mark.parametrize("make", [D.narrowing_figure, D.mixing_figure, D.shifted_scaling_figure])
def test_theory_only_figures(make):
    fig = make(T=np.logspace(2, 6, 5))
    assert isinstance(fig, Figure) and len(fig.axes[0].get_lines()) >= 4
    assert not fig.axes[0].containers  # no markers given: theory alone


def test_shifted_scaling_lines_are_the_exact_errors_and_the_a16_law():
    T = np.logspace(3, 8, 6)
    fig = D.shifted_scaling_figure(n=(0, 4), T=T)
    (ratio,) = laws.shifted_scaling_ratio(2.0, [4])
    exact = _line(fig, f"n = 4 (K_n/K_0 = {ratio:.3f})")
    setting = TailsSetting(beta=2.0, T=1, generations=4, mechanism="C")
    np.testing.assert_allclose(exact.get_ydata(), test_error(setting, T))
    dashed = next(line for line in fig.axes[0].get_lines()
                  if line.get_linestyle() == "--" and np.array_equal(line.get_color(), exact.get_color()))
    np.testing.assert_allclose(dashed.get_ydata(), ratio * laws.clean_law(2.0, T))
    np.testing.assert_allclose(exact.get_ydata()[-1], dashed.get_ydata()[-1], rtol=1e-3)


def test_generations_figure_has_the_three_mechanisms():
    fig = D.generations_figure(n=(1, 2))
    labels = {line.get_label() for line in fig.axes[0].get_lines()}
    assert {"mechanism A", "mechanism B", "mechanism C"} <= labels


def test_precomputed_markers_are_drawn_as_given():
    points = D.double_scaling_points(ks=(100,), sim_T=[1e3, 1e5])
    assert set(points) == {"clean", 100} and points[100][1] == TailsSetting(beta=2.0, T=1e5, k=100)
    markers = {100: ([1e3, 1e5], [0.02, 0.006], [0.001, 0.0])}
    fig = D.double_scaling_figure(ks=(100,), T=np.logspace(2, 6, 5), markers=markers,
                                  note="markers: stored")
    (bars,) = fig.axes[0].containers  # only the given curve
    np.testing.assert_array_equal(bars.lines[0].get_ydata(), [0.02, 0.006])
    assert fig.axes[0].get_title().endswith("\nmarkers: stored")


def test_shifted_scaling_points_are_mechanism_c_with_t0_equal_to_t():
    points = D.shifted_scaling_points(n=(0, 4), sim_T=[1e3, 1e5])
    assert points[0][1] == TailsSetting(beta=2.0, T=1e5)
    assert points[4][0] == TailsSetting(beta=2.0, T=1e3, generations=4, mechanism="C")
    assert points[4][0].T0 is None  # every generator trained on T samples
