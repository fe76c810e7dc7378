"""Figures of "A Tale of Tails" (spec TG §A.7.1): exact curves and Monte-Carlo markers.

Each function draws the exact expected error (:func:`.transforms.test_error`, lines), the
asymptotic law where the spec gives one (dashed), and simulation markers (mean ± 2 SEM); it
returns a matplotlib Figure built without pyplot (no global state, no display).

Markers are either precomputed, ``markers={curve: (x, mean, sem)}`` (e.g. from the results
store, as ``modelcollapse reproduce`` does), or simulated here with ``seeds`` > 0
(:func:`.simulate.simulate`); ``seeds=0`` without ``markers`` gives the theory alone. The
settings behind each curve's markers come from the matching ``*_points`` function, keyed by
the same curve names, so a sweep and the figure agree on what a marker means.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

from . import laws
from .config import TailsSetting
from .hutter import clean_error
from .simulate import simulate
from .transforms import test_error

ERROR_BAR_SEMS = 2.0


def _canvas(width: float = 6.5, height: float = 4.5) -> tuple[Figure, Axes]:
    fig = Figure(figsize=(width, height), layout="constrained")
    ax = fig.subplots()
    return fig, ax


def _colors(count: int) -> np.ndarray:
    return colormaps["viridis"](np.linspace(0.0, 0.85, count))


# curve -> (x, mean, sem) of its Monte-Carlo markers
Markers = Mapping[Any, tuple[Sequence[float], Sequence[float], Sequence[float]]]


def simulated_markers(points: Mapping[Any, Sequence[TailsSetting]], field: str,
                      seeds: int) -> dict[Any, tuple[list[float], list[float], list[float]]]:
    """Markers for ``points`` (curve -> settings) by :func:`.simulate.simulate`, x = ``field``."""
    out = {}
    for curve, settings in points.items():
        runs = [simulate(s, seeds=seeds) for s in settings]
        out[curve] = ([getattr(s, field) for s in settings], [r.test_error for r in runs],
                      [r.sem for r in runs])
    return out


def _resolve(markers: Markers | None, points: Mapping[Any, Sequence[TailsSetting]], field: str,
             seeds: int) -> Markers:
    if markers is not None:
        return markers
    return simulated_markers(points, field, seeds) if seeds > 0 else {}


def _markers(ax: Axes, markers: Markers, curve: Any, color: Any) -> None:
    if curve not in markers:
        return
    x, mean, sem = markers[curve]
    ax.errorbar(x, mean, yerr=ERROR_BAR_SEMS * np.asarray(sem, dtype=float), fmt="o",
                color=color, markersize=4.5, capsize=2.5, elinewidth=1, linestyle="none")


def _loglog(ax: Axes, xlabel: str, title: str) -> None:
    if ax.containers:
        ax.plot([], [], "o", color="0.35", label=f"Monte-Carlo ± {ERROR_BAR_SEMS:g} SEM")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("test error")
    ax.set_title(title)
    ax.legend(fontsize=8)
    ax.grid(True, which="major", alpha=0.3)


def double_scaling_points(beta: float = 2.0, ks: Sequence[int] = (10, 100, 1000),
                          sim_T: Sequence[float] | None = None) -> dict[Any, list[TailsSetting]]:
    """Marker settings of :func:`double_scaling_figure`: curves ``"clean"`` and each k."""
    sim_T = np.logspace(2, 9, 8) if sim_T is None else sim_T
    curves: dict[Any, TailsSetting] = {"clean": TailsSetting(beta=beta, T=1.0)}
    curves.update({int(k): TailsSetting(beta=beta, T=1.0, k=k) for k in ks})
    return {c: [s.replace(T=float(t)) for t in sim_T] for c, s in curves.items()}


def double_scaling_figure(beta: float = 2.0, ks: Sequence[int] = (10, 100, 1000),
                          T: Sequence[float] | None = None, sim_T: Sequence[float] | None = None,
                          seeds: int = 4, markers: Markers | None = None) -> Figure:
    """Error vs T under top-k cuts: clean law, then plateaus at Σ_{i>k} p_i (spec TG eqs. (A.7)–(A.8))."""
    T = np.logspace(2, 10, 120) if T is None else np.asarray(T, dtype=float)
    markers = _resolve(markers, double_scaling_points(beta, ks, sim_T), "T", seeds)
    fig, ax = _canvas()
    ax.plot(T, clean_error(beta, T), color="black", label="clean (exact)")
    ax.plot(T, laws.clean_law(beta, T), color="black", ls=":", label=r"$C_\beta T^{-c}$")
    _markers(ax, markers, "clean", "black")
    for k, color in zip(ks, _colors(len(ks)), strict=True):
        s = TailsSetting(beta=beta, T=1.0, k=k)
        ax.plot(T, test_error(s, T), color=color, label=f"k = {k}")
        ax.plot(T, laws.double_scaling_law(beta, T, k), color=color, ls="--", lw=0.8)
        _markers(ax, markers, int(k), color)
    _loglog(ax, "training samples T", f"Double scaling law, β = {beta:g} (dashed: (A.7))")
    return fig


def narrowing_points(beta: float = 2.0, temperatures: Sequence[float] = (1.0, 0.8, 0.6, 0.4),
                     sim_T: Sequence[float] | None = None) -> dict[Any, list[TailsSetting]]:
    """Marker settings of :func:`narrowing_figure`, one curve per temperature τ."""
    sim_T = np.logspace(2, 8, 7) if sim_T is None else sim_T
    return {float(tau): [TailsSetting(beta=beta, T=float(t), temperature=tau if tau != 1.0 else None)
                         for t in sim_T] for tau in temperatures}


def narrowing_figure(beta: float = 2.0, temperatures: Sequence[float] = (1.0, 0.8, 0.6, 0.4),
                     T: Sequence[float] | None = None, sim_T: Sequence[float] | None = None,
                     seeds: int = 4, markers: Markers | None = None) -> Figure:
    """Error vs T at temperatures τ: slopes −c·τ (spec TG eqs. (A.6), (A.12)–(A.13))."""
    T = np.logspace(2, 10, 120) if T is None else np.asarray(T, dtype=float)
    markers = _resolve(markers, narrowing_points(beta, temperatures, sim_T), "T", seeds)
    fig, ax = _canvas()
    for tau, color in zip(temperatures, _colors(len(temperatures)), strict=True):
        bp = beta / tau
        s = TailsSetting(beta=beta, T=1.0, temperature=tau if tau != 1.0 else None)
        slope = laws.narrowing_exponent(beta, bp)
        ax.plot(T, test_error(s, T), color=color, label=f"τ = {tau:g} (slope −{slope:.3f})")
        ax.plot(T, laws.narrowing_law(beta, bp, T), color=color, ls="--", lw=0.8)
        _markers(ax, markers, float(tau), color)
    _loglog(ax, "training samples T", f"Tail narrowing by temperature, β = {beta:g} (dashed: (A.13))")
    return fig


def mixing_points(beta: float = 2.0, k: int = 100, pis: Sequence[float] = (0.001, 0.01, 0.1),
                  sim_T: Sequence[float] | None = None) -> dict[Any, list[TailsSetting]]:
    """Marker settings of :func:`mixing_figure`, one curve per clean fraction π."""
    sim_T = np.logspace(3, 9, 7) if sim_T is None else sim_T
    return {float(pi): [TailsSetting(beta=beta, T=float(t), k=k, pi=pi) for t in sim_T]
            for pi in pis}


def mixing_figure(beta: float = 2.0, k: int = 100, pis: Sequence[float] = (0.001, 0.01, 0.1),
                  T: Sequence[float] | None = None, sim_T: Sequence[float] | None = None,
                  seeds: int = 4, markers: Markers | None = None) -> Figure:
    """Plateau then recovery ("grokking") with a clean fraction π (spec TG eqs. (A.19)–(A.20))."""
    T = np.logspace(2, 12, 150) if T is None else np.asarray(T, dtype=float)
    markers = _resolve(markers, mixing_points(beta, k, pis, sim_T), "T", seeds)
    fig, ax = _canvas()
    ax.plot(T, clean_error(beta, T), color="black", label="clean")
    ax.plot(T, test_error(TailsSetting(beta=beta, T=1.0, k=k), T), color="gray", label=f"AI only, k = {k}")
    for pi, color in zip(pis, _colors(len(pis)), strict=True):
        s = TailsSetting(beta=beta, T=1.0, k=k, pi=pi)
        ax.plot(T, test_error(s, T), color=color, label=f"π = {pi:g}")
        ax.plot(T, laws.mixing_law(beta, T, k, pi), color=color, ls="--", lw=0.8)
        ax.axvline(float(laws.grokking_onset(beta, k, pi)), color=color, ls=":", lw=0.8)
        _markers(ax, markers, float(pi), color)
    _loglog(ax, "training samples T", f"Mixing clean data, β = {beta:g}, k = {k} (dotted: k^β/π)")
    return fig


def generations_points(beta: float = 2.0, T0: float = 1e4, T: float = 1e8,
                       n: Sequence[int] = (1, 2, 4, 8, 16, 32)) -> dict[Any, list[TailsSetting]]:
    """Marker settings of :func:`generations_figure`, one curve per mechanism A, B, C."""
    return {mech: [TailsSetting(beta=beta, T=T, T0=T0, generations=int(m), mechanism=mech)
                   for m in n] for mech in "ABC"}


def generations_figure(beta: float = 2.0, T0: float = 1e4, T: float = 1e8,
                       n: Sequence[int] = (1, 2, 4, 8, 16, 32), seeds: int = 6,
                       markers: Markers | None = None) -> Figure:
    """Error vs generations n under mechanisms A, B, C, with the union bound (spec TG §A.3)."""
    points = generations_points(beta, T0, T, n)
    markers = _resolve(markers, points, "generations", seeds)
    n = np.asarray(n, dtype=int)
    fig, ax = _canvas()
    for mech, color in zip("ABC", _colors(3), strict=True):
        ax.plot(n, [test_error(s) for s in points[mech]], color=color, label=f"mechanism {mech}")
        _markers(ax, markers, mech, color)
    ax.plot(n, laws.union_bound(beta, T0, n), color="black", ls="--", lw=0.8, label="n·E₁ (union bound)")
    ax.plot(n, laws.mechanism_a_law(beta, T0, n), color="gray", ls=":", lw=0.8, label="drift law (A)")
    _loglog(ax, "generations n", f"Generations, β = {beta:g}, T0 = {T0:g}, T = {T:g}")
    ax.set_xticks(n, [str(m) for m in n])  # generation counts, not 2×10⁰
    ax.xaxis.set_minor_formatter(NullFormatter())
    return fig


def shifted_scaling_points(beta: float = 2.0, n: Sequence[int] = (0, 1, 4, 16),
                           sim_T: Sequence[float] | None = None) -> dict[Any, list[TailsSetting]]:
    """Marker settings of :func:`shifted_scaling_figure`, one curve per n (mechanism C, T0 = T)."""
    sim_T = np.logspace(3, 7, 5) if sim_T is None else sim_T
    out = {}
    for m in n:
        s = (TailsSetting(beta=beta, T=1.0) if m == 0 else
             TailsSetting(beta=beta, T=1.0, generations=int(m), mechanism="C"))
        out[int(m)] = [s.replace(T=float(t)) for t in sim_T]
    return out


def shifted_scaling_figure(beta: float = 2.0, n: Sequence[int] = (0, 1, 4, 16),
                           T: Sequence[float] | None = None, sim_T: Sequence[float] | None = None,
                           seeds: int = 4, markers: Markers | None = None) -> Figure:
    """Mechanism C with T0 = T: same slope, prefactor K_n/K_0 (spec TG eq. (A.16))."""
    T = np.logspace(2, 10, 60) if T is None else np.asarray(T, dtype=float)
    points = shifted_scaling_points(beta, n, sim_T)
    markers = _resolve(markers, points, "T", seeds)
    fig, ax = _canvas()
    ratios = laws.shifted_scaling_ratio(beta, n)
    for m, ratio, color in zip(n, ratios, _colors(len(n)), strict=True):
        ax.plot(T, test_error(points[int(m)][0], T), color=color, label=f"n = {m} (K_n/K_0 = {ratio:.3f})")
        ax.plot(T, ratio * laws.clean_law(beta, T), color=color, ls="--", lw=0.8)
        _markers(ax, markers, int(m), color)
    _loglog(ax, "training samples T (= T0)", f"Shifted scaling over generations, β = {beta:g}")
    return fig
