"""Figures of "A Tale of Tails" (spec TG §A.7.1): exact curves and Monte-Carlo markers.

Each function draws the exact expected error (:func:`.transforms.test_error`, lines), the
asymptotic law where the spec gives one (dashed), and, when ``seeds`` > 0, simulation markers
(mean ± 2 SEM, :func:`.simulate.simulate`); it returns a matplotlib Figure built without
pyplot (no global state, no display). ``seeds=0`` gives the theory alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure

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


def _markers(ax: Axes, setting: TailsSetting, x: Sequence[float], seeds: int, color: Any,
             field: str = "T") -> None:
    if seeds <= 0:
        return
    runs = [simulate(setting.replace(**{field: v}), seeds=seeds) for v in x]
    ax.errorbar(x, [r.test_error for r in runs], yerr=[ERROR_BAR_SEMS * r.sem for r in runs],
                fmt="o", color=color, markersize=4.5, capsize=2.5, elinewidth=1, linestyle="none")


def _loglog(ax: Axes, xlabel: str, title: str) -> None:
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("test error")
    ax.set_title(title)
    ax.legend(fontsize=8)
    ax.grid(True, which="major", alpha=0.3)


def double_scaling_figure(beta: float = 2.0, ks: Sequence[int] = (10, 100, 1000),
                          T: Sequence[float] | None = None, sim_T: Sequence[float] | None = None,
                          seeds: int = 4) -> Figure:
    """Error vs T under top-k cuts: clean law, then plateaus at Σ_{i>k} p_i (spec TG eqs. (A.7)–(A.8))."""
    T = np.logspace(2, 10, 120) if T is None else np.asarray(T, dtype=float)
    sim_T = np.logspace(2, 9, 8) if sim_T is None else sim_T
    fig, ax = _canvas()
    ax.plot(T, clean_error(beta, T), color="black", label="clean (exact)")
    ax.plot(T, laws.clean_law(beta, T), color="black", ls=":", label=r"$C_\beta T^{-c}$")
    for k, color in zip(ks, _colors(len(ks)), strict=True):
        s = TailsSetting(beta=beta, T=1.0, k=k)
        ax.plot(T, test_error(s, T), color=color, label=f"k = {k}")
        ax.plot(T, laws.double_scaling_law(beta, T, k), color=color, ls="--", lw=0.8)
        _markers(ax, s, sim_T, seeds, color)
    _loglog(ax, "training samples T", f"Double scaling law, β = {beta:g} (dashed: (A.7))")
    return fig


def narrowing_figure(beta: float = 2.0, temperatures: Sequence[float] = (1.0, 0.8, 0.6, 0.4),
                     T: Sequence[float] | None = None, sim_T: Sequence[float] | None = None,
                     seeds: int = 4) -> Figure:
    """Error vs T at temperatures τ: slopes −c·τ (spec TG eqs. (A.6), (A.12)–(A.13))."""
    T = np.logspace(2, 10, 120) if T is None else np.asarray(T, dtype=float)
    sim_T = np.logspace(2, 8, 7) if sim_T is None else sim_T
    fig, ax = _canvas()
    for tau, color in zip(temperatures, _colors(len(temperatures)), strict=True):
        bp = beta / tau
        s = TailsSetting(beta=beta, T=1.0, temperature=tau if tau != 1.0 else None)
        slope = laws.narrowing_exponent(beta, bp)
        ax.plot(T, test_error(s, T), color=color, label=f"τ = {tau:g} (slope −{slope:.3f})")
        ax.plot(T, laws.narrowing_law(beta, bp, T), color=color, ls="--", lw=0.8)
        _markers(ax, s, sim_T, seeds, color)
    _loglog(ax, "training samples T", f"Tail narrowing by temperature, β = {beta:g} (dashed: (A.13))")
    return fig


def mixing_figure(beta: float = 2.0, k: int = 100, pis: Sequence[float] = (0.001, 0.01, 0.1),
                  T: Sequence[float] | None = None, sim_T: Sequence[float] | None = None,
                  seeds: int = 4) -> Figure:
    """Plateau then recovery ("grokking") with a clean fraction π (spec TG eqs. (A.19)–(A.20))."""
    T = np.logspace(2, 12, 150) if T is None else np.asarray(T, dtype=float)
    sim_T = np.logspace(3, 9, 7) if sim_T is None else sim_T
    fig, ax = _canvas()
    ax.plot(T, clean_error(beta, T), color="black", label="clean")
    ax.plot(T, test_error(TailsSetting(beta=beta, T=1.0, k=k), T), color="gray", label=f"AI only, k = {k}")
    for pi, color in zip(pis, _colors(len(pis)), strict=True):
        s = TailsSetting(beta=beta, T=1.0, k=k, pi=pi)
        ax.plot(T, test_error(s, T), color=color, label=f"π = {pi:g}")
        ax.plot(T, laws.mixing_law(beta, T, k, pi), color=color, ls="--", lw=0.8)
        ax.axvline(float(laws.grokking_onset(beta, k, pi)), color=color, ls=":", lw=0.8)
        _markers(ax, s, sim_T, seeds, color)
    _loglog(ax, "training samples T", f"Mixing clean data, β = {beta:g}, k = {k} (dotted: k^β/π)")
    return fig


def generations_figure(beta: float = 2.0, T0: float = 1e4, T: float = 1e8,
                       n: Sequence[int] = (1, 2, 4, 8, 16, 32), seeds: int = 6) -> Figure:
    """Error vs generations n under mechanisms A, B, C, with the union bound (spec TG §A.3)."""
    n = np.asarray(n, dtype=int)
    fig, ax = _canvas()
    for mech, color in zip("ABC", _colors(3), strict=True):
        s = TailsSetting(beta=beta, T=T, T0=T0, generations=1, mechanism=mech)
        exact = [test_error(s.replace(generations=int(m))) for m in n]
        ax.plot(n, exact, color=color, label=f"mechanism {mech}")
        _markers(ax, s, [int(m) for m in n], seeds, color, field="generations")
    ax.plot(n, laws.union_bound(beta, T0, n), color="black", ls="--", lw=0.8, label="n·E₁ (union bound)")
    ax.plot(n, laws.mechanism_a_law(beta, T0, n), color="gray", ls=":", lw=0.8, label="drift law (A)")
    _loglog(ax, "generations n", f"Generations, β = {beta:g}, T0 = {T0:g}, T = {T:g}")
    return fig


def shifted_scaling_figure(beta: float = 2.0, n: Sequence[int] = (0, 1, 4, 16),
                           T: Sequence[float] | None = None, sim_T: Sequence[float] | None = None,
                           seeds: int = 4) -> Figure:
    """Mechanism C with T0 = T: same slope, prefactor K_n/K_0 (spec TG eq. (A.16))."""
    T = np.logspace(2, 10, 60) if T is None else np.asarray(T, dtype=float)
    sim_T = np.logspace(3, 7, 5) if sim_T is None else sim_T
    fig, ax = _canvas()
    ratios = laws.shifted_scaling_ratio(beta, n)
    for m, ratio, color in zip(n, ratios, _colors(len(n)), strict=True):
        if m == 0:
            s = TailsSetting(beta=beta, T=1.0)
        else:
            s = TailsSetting(beta=beta, T=1.0, generations=int(m), mechanism="C")
        ax.plot(T, test_error(s, T), color=color, label=f"n = {m} (K_n/K_0 = {ratio:.3f})")
        ax.plot(T, ratio * laws.clean_law(beta, T), color=color, ls="--", lw=0.8)
        _markers(ax, s, sim_T, seeds, color)
    _loglog(ax, "training samples T (= T0)", f"Shifted scaling over generations, β = {beta:g}")
    return fig
