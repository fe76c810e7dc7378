"""What the "A Tale of Tails" figures draw (TG §A.7.1), and the settings behind their markers.

Each ``*_figure`` draws, on log-log axes, the exact expected error of the Hutter LLM
(:func:`modelcollapse.tails.test_error`, TG eq. (A.2); lines), the asymptotic law
where the theory gives one (dashed, or a translucent band where it lies on the exact curve;
:mod:`modelcollapse.tails.laws`) and the stored
Monte-Carlo markers it is given, ``markers={curve: (x, mean, sem)}`` (mean ± 2 SEM, see
:func:`.registry.curve_markers`); without markers it draws the theory alone. The matching
``*_points`` function gives the setting behind every marker, keyed by the same curves, so
a figure's sweep (:mod:`.tails`) and its drawing agree on what a marker means.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

from ..tails import laws
from ..tails.config import TailsSetting
from ..tails.hutter import clean_error
from ..tails.transforms import test_error
from .registry import Markers, band, finish, new_figure, palette, stored_markers


def _loglog(ax: Axes, xlabel: str, title: str, note: str) -> None:
    ax.set_xscale("log")
    ax.set_yscale("log")
    finish(ax, xlabel=xlabel, ylabel="test error", title=f"{title}\n{note}" if note else title)


def double_scaling_points(beta: float = 2.0, ks: Sequence[int] = (10, 100, 1000),
                          sim_T: Sequence[float] | None = None) -> dict[Any, list[TailsSetting]]:
    """Marker settings of :func:`double_scaling_figure`: curves ``"clean"`` and each k."""
    sim_T = np.logspace(2, 9, 8) if sim_T is None else sim_T
    curves: dict[Any, TailsSetting] = {"clean": TailsSetting(beta=beta, T=1.0)}
    curves.update({int(k): TailsSetting(beta=beta, T=1.0, k=k) for k in ks})
    return {c: [s.replace(T=float(t)) for t in sim_T] for c, s in curves.items()}


def double_scaling_figure(beta: float = 2.0, ks: Sequence[int] = (10, 100, 1000),
                          T: Sequence[float] | None = None, markers: Markers | None = None,
                          note: str = "") -> Figure:
    """Error vs T under top-k cuts: clean law, then plateaus at Σ_{i>k} p_i (TG eqs. (A.7)–(A.8))."""
    T = np.logspace(2, 10, 120) if T is None else np.asarray(T, dtype=float)
    fig, ax = new_figure(1, 6.8, 4.8)
    ax.plot(T, clean_error(beta, T), color="black", label="clean (exact)")
    band(ax, T, laws.clean_law(beta, T), color="0.45", label=r"$C_\beta T^{-c}$")
    stored_markers(ax, markers, "clean", color="black")
    for k, color in zip(ks, palette("viridis", len(ks), 0.85), strict=True):
        ax.plot(T, test_error(TailsSetting(beta=beta, T=1.0, k=k), T), color=color, label=f"k = {k}")
        ax.plot(T, laws.double_scaling_law(beta, T, k), color=color, ls="--", lw=0.8)
        stored_markers(ax, markers, int(k), color=color)
    _loglog(ax, "training samples T", f"Double scaling law, β = {beta:g} (dashed: (A.7))", note)
    return fig


def narrowing_points(beta: float = 2.0, temperatures: Sequence[float] = (1.0, 0.8, 0.6, 0.4),
                     sim_T: Sequence[float] | None = None) -> dict[Any, list[TailsSetting]]:
    """Marker settings of :func:`narrowing_figure`, one curve per temperature τ."""
    sim_T = np.logspace(2, 8, 7) if sim_T is None else sim_T
    return {float(tau): [TailsSetting(beta=beta, T=float(t), temperature=tau if tau != 1.0 else None)
                         for t in sim_T] for tau in temperatures}


def narrowing_figure(beta: float = 2.0, temperatures: Sequence[float] = (1.0, 0.8, 0.6, 0.4),
                     T: Sequence[float] | None = None, markers: Markers | None = None,
                     note: str = "") -> Figure:
    """Error vs T at temperatures τ: slopes −c·τ (TG eqs. (A.6), (A.12)–(A.13))."""
    T = np.logspace(2, 10, 120) if T is None else np.asarray(T, dtype=float)
    fig, ax = new_figure(1, 6.8, 4.8)
    for tau, color in zip(temperatures, palette("viridis", len(temperatures), 0.85), strict=True):
        bp = beta / tau
        s = TailsSetting(beta=beta, T=1.0, temperature=tau if tau != 1.0 else None)
        slope = laws.narrowing_exponent(beta, bp)
        ax.plot(T, test_error(s, T), color=color, label=f"τ = {tau:g} (slope −{slope:.3f})")
        band(ax, T, laws.narrowing_law(beta, bp, T), color=color)
        stored_markers(ax, markers, float(tau), color=color)
    _loglog(ax, "training samples T",
            f"Tail narrowing by temperature, β = {beta:g} (bands: (A.13))", note)
    return fig


def mixing_points(beta: float = 2.0, k: int = 100, pis: Sequence[float] = (0.001, 0.01, 0.1),
                  sim_T: Sequence[float] | None = None) -> dict[Any, list[TailsSetting]]:
    """Marker settings of :func:`mixing_figure`, one curve per clean fraction π."""
    sim_T = np.logspace(3, 9, 7) if sim_T is None else sim_T
    return {float(pi): [TailsSetting(beta=beta, T=float(t), k=k, pi=pi) for t in sim_T]
            for pi in pis}


def mixing_figure(beta: float = 2.0, k: int = 100, pis: Sequence[float] = (0.001, 0.01, 0.1),
                  T: Sequence[float] | None = None, markers: Markers | None = None,
                  note: str = "") -> Figure:
    """Plateau then recovery ("grokking") with a clean fraction π (TG eqs. (A.19)–(A.20))."""
    T = np.logspace(2, 12, 150) if T is None else np.asarray(T, dtype=float)
    fig, ax = new_figure(1, 6.8, 4.8)
    ax.plot(T, clean_error(beta, T), color="black", label="clean")
    ax.plot(T, test_error(TailsSetting(beta=beta, T=1.0, k=k), T), color="gray", label=f"AI only, k = {k}")
    for pi, color in zip(pis, palette("viridis", len(pis), 0.85), strict=True):
        s = TailsSetting(beta=beta, T=1.0, k=k, pi=pi)
        ax.plot(T, test_error(s, T), color=color, label=f"π = {pi:g}")
        ax.plot(T, laws.mixing_law(beta, T, k, pi), color=color, ls="--", lw=0.8)
        ax.axvline(float(laws.grokking_onset(beta, k, pi)), color=color, ls=":", lw=0.8)
        stored_markers(ax, markers, float(pi), color=color)
    _loglog(ax, "training samples T",
            f"Mixing clean data, β = {beta:g}, k = {k} (dotted: k^β/π)", note)
    return fig


def generations_points(beta: float = 2.0, T0: float = 1e4, T: float = 1e8,
                       n: Sequence[int] = (1, 2, 4, 8, 16, 32)) -> dict[Any, list[TailsSetting]]:
    """Marker settings of :func:`generations_figure`, one curve per mechanism A, B, C."""
    return {mech: [TailsSetting(beta=beta, T=T, T0=T0, generations=int(m), mechanism=mech)
                   for m in n] for mech in "ABC"}


def generations_figure(beta: float = 2.0, T0: float = 1e4, T: float = 1e8,
                       n: Sequence[int] = (1, 2, 4, 8, 16, 32), markers: Markers | None = None,
                       note: str = "") -> Figure:
    """Error vs generations n under mechanisms A, B, C, with the union bound (TG §A.3)."""
    points = generations_points(beta, T0, T, n)
    n = np.asarray(n, dtype=int)
    fig, ax = new_figure(1, 6.8, 4.8)
    # B and C nearly coincide: B is a band under C's line, and each has its own marker shape
    for mech, color, marker in zip("ABC", palette("viridis", 3, 0.85), "os^", strict=True):
        errors = [test_error(s) for s in points[mech]]
        if mech == "B":
            band(ax, n, errors, color=color, label=f"mechanism {mech}")
        else:
            ax.plot(n, errors, color=color, label=f"mechanism {mech}")
        stored_markers(ax, markers, mech, color=color, marker=marker)
    ax.plot(n, laws.union_bound(beta, T0, n), color="black", ls="--", lw=0.8, label="n·E₁ (union bound)")
    band(ax, n, laws.mechanism_a_law(beta, T0, n), color="0.55", label="drift law (A)")
    _loglog(ax, "generations n", f"Generations, β = {beta:g}, T0 = {T0:g}, T = {T:g}", note)
    ax.set_xticks(n, [str(m) for m in n])  # generation counts, not 2×10⁰
    ax.xaxis.set_minor_formatter(NullFormatter())
    return fig


def _shifted(beta: float, n: int) -> TailsSetting:
    """n generations of mechanism C, each generator trained on T0 = T samples (n = 0: clean)."""
    if n == 0:
        return TailsSetting(beta=beta, T=1.0)
    return TailsSetting(beta=beta, T=1.0, generations=int(n), mechanism="C")


def shifted_scaling_points(beta: float = 2.0, n: Sequence[int] = (0, 1, 4, 16),
                           sim_T: Sequence[float] | None = None) -> dict[Any, list[TailsSetting]]:
    """Marker settings of :func:`shifted_scaling_figure`, one curve per n (mechanism C, T0 = T)."""
    sim_T = np.logspace(3, 7, 5) if sim_T is None else sim_T
    return {int(m): [_shifted(beta, m).replace(T=float(t)) for t in sim_T] for m in n}


def shifted_scaling_figure(beta: float = 2.0, n: Sequence[int] = (0, 1, 4, 16),
                           T: Sequence[float] | None = None, markers: Markers | None = None,
                           note: str = "") -> Figure:
    """Mechanism C with T0 = T: the clean slope, prefactor K_n/K_0 (TG eq. (A.16))."""
    T = np.logspace(2, 10, 60) if T is None else np.asarray(T, dtype=float)
    fig, ax = new_figure(1, 6.8, 4.8)
    ratios = laws.shifted_scaling_ratio(beta, n)
    for m, ratio, color in zip(n, ratios, palette("viridis", len(n), 0.85), strict=True):
        ax.plot(T, test_error(_shifted(beta, m), T), color=color, label=f"n = {m} (K_n/K_0 = {ratio:.3f})")
        ax.plot(T, ratio * laws.clean_law(beta, T), color=color, ls="--", lw=0.8)
        stored_markers(ax, markers, int(m), color=color)
    _loglog(ax, "training samples T (= T0)",
            f"Shifted scaling over generations, β = {beta:g} (dashed: (A.16))", note)
    return fig
