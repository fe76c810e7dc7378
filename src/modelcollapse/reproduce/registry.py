"""The figure registry and the pieces every figure shares (SMC §7).

A :class:`Figure` is two functions: ``sweep(quick)`` returns the Monte-Carlo
:class:`~modelcollapse.sweep.Sweep` behind its markers, and ``draw(points, quick)`` turns the
stored Monte-Carlo points into a :class:`Drawing` (the matplotlib figure with theory curves
and markers on the same axes, the theory curves as data, and the parameters to report).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure as MplFigure

from ..family import install_hint
from ..sweep import Point, Sweep
from .claims import Claim

# Monte-Carlo error bars span this many standard errors of the mean (≈95% coverage).
ERROR_BAR_SEMS = 2.0
# The method of the strong-model-collapse figures' markers: per draw of the design, the exact
# expectation over targets and noise (100-10^4x less variance per second than sampling them).
CONDITIONAL = "conditional"


@dataclass(frozen=True)
class Curve:
    """One theory curve as data: written to ``NAME-theory.csv`` next to the figure."""

    panel: str
    label: str
    x_name: str
    x: np.ndarray
    y_name: str
    y: np.ndarray


@dataclass(frozen=True)
class Drawing:
    """What ``Figure.draw`` returns."""

    figure: MplFigure
    curves: list[Curve]
    parameters: dict[str, Any]


@dataclass(frozen=True)
class Figure:
    """A reproducible figure: its Monte-Carlo sweep and how to draw it.

    ``name`` is the CLI name (``modelcollapse reproduce NAME``); ``source`` cites the theory
    section (SMC, TG or WF label); ``claim`` is the paper's statement the figure shows, one sentence, and
    ``claims`` the checks that decide it on the figure's data in every run
    (:mod:`.claims`). ``requires`` names the optional modules its tasks import, with the
    extra that installs them; ``blocker(quick)`` says why the figure cannot run on this
    machine in that mode (no GPU, a data set not installed), or returns "" when it can.
    """

    name: str
    title: str
    source: str
    claim: str
    sweep: Callable[[bool], Sweep]
    draw: Callable[[list[Point], bool], Drawing]
    claims: tuple[Claim, ...] = ()
    requires: tuple[str, ...] = ()
    extra: str = ""
    blocker: Callable[[bool], str] | None = None

    def missing(self) -> list[str]:
        """The modules of ``requires`` that cannot be imported here."""
        return [m for m in self.requires if importlib.util.find_spec(m) is None]

    def unavailable(self, quick: bool) -> str:
        """Why the figure cannot run here in this mode, with what would fix it ("" if it
        can): missing optional modules first, then the figure's own ``blocker``."""
        missing = self.missing()
        if missing:
            return f"needs {', '.join(missing)}; {install_hint(self.extra)}"
        return self.blocker(quick) if self.blocker is not None else ""


FIGURES: dict[str, Figure] = {}


def register(figure: Figure) -> Figure:
    """Add a figure to the registry (``modelcollapse reproduce --list`` shows it)."""
    if not figure.name or any(c.isspace() for c in figure.name) or figure.name == "all":
        raise ValueError(f"figure name must be one word other than 'all', got {figure.name!r}")
    if figure.name in FIGURES and FIGURES[figure.name] is not figure:
        raise ValueError(f"figure {figure.name!r} is already registered")
    FIGURES[figure.name] = figure
    return figure


def curves_figure(name: str, *, params: Mapping[bool, Mapping[str, Any]],
                  points: Callable[..., Mapping[Any, Sequence[Any]]],
                  draw: Callable[..., MplFigure], field: str, family: str, theory: str,
                  marker_only: tuple[str, ...] = (), hidden: tuple[str, ...] = (),
                  **figure: Any) -> Figure:
    """A figure declared as data: theory curves with Monte-Carlo markers at the settings of
    ``points``.

    - ``params[quick]``: the figure's parameters in quick and full mode, with ``seeds``;
    - ``points(**params)``: the settings behind each curve's markers (curve -> settings),
      which are the figure's sweep;
    - ``draw(markers=..., note=..., **params)``: the figure (theory curves and the stored
      markers ``{curve: (x, mean, sem)}`` at x = the settings' ``field``), called without the
      ``marker_only`` parameters (which only say where the markers are);
    - the report lists the parameters, a configuration among them by its fields (less the
      ``hidden`` ones, set per marker), the seeds, the ``family`` and the ``theory``;
    - ``figure``: the rest of :class:`Figure` (title, source, claim, claims...).
    """
    def args(quick: bool) -> dict[str, Any]:
        return {k: v for k, v in params[quick].items() if k != "seeds"}

    def curves(quick: bool) -> Mapping[Any, Sequence[Any]]:
        return points(**args(quick))

    def sweep(quick: bool) -> Sweep:
        settings = tuple(s for group in curves(quick).values() for s in group)
        return Sweep(f"{name}{'-quick' if quick else ''}", settings, seeds=params[quick]["seeds"])

    def drawing(stored: list[Point], quick: bool) -> Drawing:
        p = args(quick)
        fig = draw(markers=curve_markers(curves(quick), stored, field),
                   note=monte_carlo_note(stored) if stored else "",
                   **{k: v for k, v in p.items() if k not in marker_only})
        report: dict[str, Any] = {}
        for key, value in p.items():
            if hasattr(value, "to_dict"):
                report.update({k: v for k, v in value.to_dict().items()
                               if v is not None and k not in (*p, *hidden)})
            else:
                report[key] = describe(value)
        report.update(seeds=params[quick]["seeds"], family=family, theory=theory)
        return Drawing(fig, axes_curves(fig, "main", field), report)

    return Figure(name=name, sweep=sweep, draw=drawing, **figure)


# -- helpers for draw functions --------------------------------------------------------------
def new_figure(ncols: int, width: float, height: float = 5.0) -> tuple[MplFigure, Any]:
    """A figure with ``ncols`` panels, built without pyplot (no global state, no display)."""
    fig = MplFigure(figsize=(width, height), layout="constrained")
    return fig, fig.subplots(1, ncols)


def palette(name: str, count: int, stop: float = 0.9) -> np.ndarray:
    """``count`` colours from a matplotlib colormap."""
    return colormaps[name](np.linspace(0, stop, count))


def select(points: Sequence[Point], order: str, **fields: Any) -> list[Point]:
    """The points whose configuration matches ``fields``, sorted by the field ``order``."""
    chosen = [p for p in points
              if all(np.isclose(p.config[k], v) if isinstance(v, float) else p.config[k] == v
                     for k, v in fields.items())]
    return sorted(chosen, key=lambda p: p.config[order])


def markers(ax: Axes, x: Any, points: Sequence[Point] = (), *, color: Any, marker: str = "o",
            label: str | None = None, y: Any = None, yerr: Any = None, **kw: Any) -> None:
    """Monte-Carlo means with ±ERROR_BAR_SEMS standard-error bars: of ``points``, or the
    means ``y`` with half-widths ``yerr`` when given. Every figure draws its markers here."""
    if not len(x):
        return
    y = np.array([p.mean for p in points]) if y is None else np.asarray(y)
    if yerr is None:
        yerr = ERROR_BAR_SEMS * np.array([p.sem for p in points])
    ax.errorbar(x, y, yerr=yerr, fmt=marker, color=color, markersize=4.5, capsize=2.5,
                elinewidth=1, linestyle="none", label=label, **kw)


def joined_markers(ax: Axes, points: Sequence[Point], field: str, *, color: Any,
                   label: str) -> None:
    """Markers of ``points`` at x = their ``field``, joined by a thin line: a figure without a
    theory curve (networks, the [OPEN] laws of the bigram and memory models)."""
    x = [p.config[field] for p in points]
    markers(ax, x, points, color=color, label=label)
    ax.plot(x, [p.mean for p in points], color=color, lw=0.8, alpha=0.6, label="_join")


# curve -> (x, mean, sem) of its Monte-Carlo markers, as :func:`curve_markers` gives them
Markers = Mapping[Any, tuple[Sequence[float], Sequence[float], Sequence[float]]]


def curve_markers(curves: Mapping[Any, Sequence[Any]], points: Sequence[Point],
                  field: str) -> dict[Any, tuple[list[Any], list[float], list[float]]]:
    """Markers ``{curve: (x, mean, sem)}`` from stored points, for figure functions that take
    precomputed markers: each curve's settings are matched to their point by configuration
    and x is the setting's ``field``; settings without a stored point are left out."""
    out = {}
    for curve, settings in curves.items():
        found = [(getattr(s, field), p) for s in settings
                 for p in points if p.config == s.to_dict()]
        out[curve] = ([x for x, _ in found], [p.mean for _, p in found],
                      [p.sem for _, p in found])
    return out


def stored_markers(ax: Axes, found: Markers | None, curve: Any, *, color: Any,
                   marker: str = "o") -> None:
    """The markers of ``curve`` in ``found`` (see :func:`curve_markers`), if it has any."""
    if found and curve in found:
        x, mean, sem = found[curve]
        markers(ax, x, y=mean, yerr=ERROR_BAR_SEMS * np.asarray(sem, dtype=float), color=color,
                marker=marker)


def band(ax: Axes, x: Any, y: Any, *, color: Any, label: str | None = None) -> None:
    """A curve that may lie exactly on another one (a reference law on the exact error, two
    mechanisms that agree) drawn as a wide translucent band under the thin lines: it stays
    visible where they coincide, which a thin line drawn underneath does not."""
    ax.plot(x, y, color=color, lw=6, alpha=0.35, solid_capstyle="butt", zorder=1.5,
            label=label)


def axes_curves(fig: MplFigure, panel: str, x_name: str, y_name: str = "test_error") -> list[Curve]:
    """The labelled curves of a figure's first axes as :class:`Curve` data: labels starting
    with "_" are matplotlib's unlabelled lines, and vertical markers (axvline) are no curves."""
    lines = [(line.get_label(), np.asarray(line.get_xdata(), dtype=float),
              np.asarray(line.get_ydata(), dtype=float)) for line in fig.axes[0].get_lines()]
    return [Curve(panel, label, x_name, x, y_name, y) for label, x, y in lines
            if not label.startswith("_") and x.size > 1 and np.ptp(x) > 0]


def describe(value: Any) -> Any:
    """A figure parameter as the report shows it: a grid by its range, a tuple as a list."""
    if isinstance(value, np.ndarray):
        return f"{value[0]:.3g} to {value[-1]:.3g}, {value.size} log-spaced"
    return list(value) if isinstance(value, tuple) else value


def monte_carlo_note(points: Sequence[Point]) -> str:
    """Legend/caption text: how many seeds stand behind each marker."""
    seeds = sorted({p.seeds for p in points})
    if not seeds:
        return "lines: theory (no Monte-Carlo markers stored)"
    counts = f"{seeds[0]}" if len(seeds) == 1 else f"{seeds[0]}-{seeds[-1]}"
    return f"markers: Monte-Carlo mean ± {ERROR_BAR_SEMS:g} SEM over {counts} seeds; lines: theory"


def finish(ax: Axes, *, xlabel: str, ylabel: str, title: str | None = None,
           legend_title: str | None = None, loc: str = "best") -> None:
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title, fontsize=10)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(title=legend_title, fontsize=8, title_fontsize=8, loc=loc, framealpha=0.85)
