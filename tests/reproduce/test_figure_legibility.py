"""What a reader sees: titles that match the axes, reference laws visible where they lie on an
exact curve, legends off the data and text readable at the report's width."""

from __future__ import annotations

import numpy as np

from modelcollapse.generations import GenerationsSetting
from modelcollapse.reproduce import pareto
from modelcollapse.reproduce import tails_drawing as D
from modelcollapse.reproduce.generations_drawing import error_vs_generations, rate_crossover

REPORT_WIDTH_PX = 1100  # index.html shows a figure at most this wide
DPI = 150  # the PNG's resolution (reproduce.run)


def _lines(fig):
    return {line.get_label(): line for line in fig.axes[0].get_lines()}


def _visible_around(law, exact) -> bool:
    """A law drawn under an exact curve shows around it: wider and below it."""
    return law.get_linewidth() >= 3 * exact.get_linewidth() and law.get_zorder() < exact.get_zorder()


def test_a_swept_T_is_not_stated_as_one_value_in_the_title():
    s = GenerationsSetting(d=300, T=100, T0=600, generations=1, sigma=0.0, sigma0=3e-2,
                           spectrum="power:2", source=0.5)
    title = rate_crossover(s, T=np.geomspace(10, 250, 5), generations=(0, 1)).axes[0].get_title()
    assert "T=10 to 250" in title and "T=100" not in title


def test_the_generation_axis_is_called_n_in_every_figure():
    s = GenerationsSetting(d=20, T=50, T0=40, generations=3)
    assert error_vs_generations(s).axes[0].get_xlabel() == "generation n"
    assert D.generations_figure(n=(1, 2)).axes[0].get_xlabel() == "generations n"


def test_reference_laws_on_an_exact_curve_are_visible():
    clean = _lines(D.double_scaling_figure(ks=(100,), T=np.logspace(2, 6, 5)))
    assert _visible_around(clean[r"$C_\beta T^{-c}$"], clean["clean (exact)"])
    mechanisms = _lines(D.generations_figure(n=(1, 2, 4)))
    assert _visible_around(mechanisms["mechanism B"], mechanisms["mechanism C"])
    assert _visible_around(mechanisms["drift law (A)"], mechanisms["mechanism A"])
    narrowing = D.narrowing_figure(temperatures=(1.0, 0.6), T=np.logspace(2, 6, 5)).axes[0]
    exact = [line for line in narrowing.get_lines() if line.get_label().startswith("τ")]
    laws = [line for line in narrowing.get_lines() if line.get_label().startswith("_")]
    assert len(laws) == 2 and all(map(_visible_around, laws, exact))


def test_the_pareto_panels_keep_their_legend_off_the_data_and_their_text_readable():
    fig = pareto.draw([], quick=True).figure
    assert all(ax.get_legend() is None for ax in fig.axes) and len(fig.legends) == 1
    scale = min(1.0, REPORT_WIDTH_PX / (fig.get_figwidth() * DPI))
    texts = [t for ax in fig.axes for t in (ax.xaxis.label, ax.yaxis.label, ax.title,
                                            *ax.get_xticklabels(), *ax.get_yticklabels())]
    texts += list(fig.legends[0].get_texts())
    smallest_px = min(t.get_fontsize() for t in texts) * DPI / 72 * scale
    assert smallest_px >= 11, smallest_px
