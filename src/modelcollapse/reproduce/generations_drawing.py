"""What the "Model Collapse Demystified" figures draw (TG §B.5), and the settings behind
their markers.

Each figure takes a :class:`~modelcollapse.generations.GenerationsSetting` and draws the
theory of the regression fake-data chain (:func:`~modelcollapse.generations.predict_generations`:
TG eqs. (B.6), (B.10), (B.16), (B.20); lines) with the stored Monte-Carlo markers it is
given, ``markers={curve: (x, mean, sem)}`` (mean ± 2 SEM, see :func:`.registry.curve_markers`);
without markers it draws the theory alone. The matching ``*_points`` function gives the
setting behind every marker, keyed by the same curves, so a figure's sweep
(:mod:`.generations`) and its drawing agree on what a marker means.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..generations.config import GenerationsSetting
from ..generations.exact import optimal_ridge, predict_generations
from ..generations.power_law import adaptive_ridge, crossover_samples, fast_rate, slow_rate
from .registry import Markers, finish, new_figure, palette, stored_markers


def truncated(setting: GenerationsSetting, generations: int) -> GenerationsSetting:
    """The chain stopped after ``generations`` generators (per-generation schedules cut)."""
    cut = {k: getattr(setting, k)[:generations] for k in ("T0", "sigma0")
           if isinstance(getattr(setting, k), tuple)}
    return setting.replace(generations=generations, **cut)


def _finish(ax: Axes, setting: GenerationsSetting, xlabel: str, title: str, note: str,
            T: str | None = None) -> None:
    """Axis labels and a title naming the setting; ``T`` replaces the setting's T where the
    figure sweeps it (the x-axis), so the title never states one T for the whole plot."""
    title = (f"{title}\nd={setting.d}, T={setting.T if T is None else T}, T0={setting.T0}, "
             f"σ={setting.sigma:g}, σ0={setting.sigma0}")
    finish(ax, xlabel=xlabel, ylabel=r"test error $\|\hat w_{pred} - w_0\|_\Sigma^2$",
           title=f"{title}\n{note}" if note else title)


def error_vs_generations_points(setting: GenerationsSetting, ridges: Sequence[float] = (0.0,)
                                ) -> dict[float, list[GenerationsSetting]]:
    """Marker settings of :func:`error_vs_generations`: per ridge, the chain cut after each
    generation 0..n."""
    return {float(lam): [truncated(setting, m).replace(ridge=float(lam))
                         for m in range(setting.generations + 1)] for lam in ridges}


def error_vs_generations(setting: GenerationsSetting, *, ridges: Sequence[float] = (0.0,),
                         markers: Markers | None = None, note: str = "") -> Figure:
    """Test error against the generation n = 0..N (N = ``setting.generations``) for each
    ridge (TG Fig. 1 / eq. (B.10)).

    Lines: theory; dashed: the last generator's own error E||ŵ_n − w0||²_Σ. Linear growth
    for T0 > d (eq. (B.6)), saturation for T0 < d (eq. (B.16)). ``markers`` are keyed by
    ridge with x = n.
    """
    lam = np.asarray(ridges, dtype=float)
    n = np.arange(setting.generations + 1)
    theory = predict_generations(setting, ridge=lam, by_generation=True)
    fig, ax = new_figure(1, 6.8, 4.8)
    for i, (value, color) in enumerate(zip(lam, palette("viridis", lam.size, 0.85), strict=True)):
        ax.plot(n, theory.test_error[i], color=color, lw=1.6, label=f"λ = {value:g}")
        stored_markers(ax, markers, float(value), color=color)
    ax.plot(n, theory.generator_error, color="0.4", ls="--", lw=1.0, label=r"generator $\hat w_n$ itself")
    _finish(ax, setting, "generation n", "Error against generations", note)
    return fig


def _ridge_grid(ridges: Any) -> np.ndarray:
    return np.geomspace(1e-3, 1e1, 80) if ridges is None else np.asarray(ridges, dtype=float)


def error_vs_ridge_points(setting: GenerationsSetting, *, generations: Sequence[int] = (0, 1, 5, 20),
                          ridges: Any = None, marker_ridges: Any = None
                          ) -> dict[int, list[GenerationsSetting]]:
    """Marker settings of :func:`error_vs_ridge`: per n, the chain cut at n at each marker λ
    (default: 6 points across the ridge grid)."""
    chain = setting.replace(generations=int(max(generations)))
    lam = _ridge_grid(ridges)
    at = np.geomspace(lam[0], lam[-1], 6) if marker_ridges is None else np.asarray(marker_ridges)
    return {int(n): [truncated(chain, int(n)).replace(ridge=float(v)) for v in at]
            for n in generations}


def error_vs_ridge(setting: GenerationsSetting, *, generations: Sequence[int] = (0, 1, 5, 20),
                   ridges: Any = None, markers: Markers | None = None, note: str = "") -> Figure:
    """U-shaped error against λ for several n, with the optimum moving up (TG §B.6 claim 6).

    Stars mark :func:`optimal_ridge` for each n; ``markers`` are keyed by n with x = λ.
    """
    lam = _ridge_grid(ridges)
    gens = np.asarray(generations, dtype=int)
    chain = setting.replace(generations=int(gens.max()))
    curves = predict_generations(chain, ridge=lam, by_generation=True).test_error  # (ridge, m)
    best = optimal_ridge(chain, by_generation=True)
    best_err = predict_generations(chain, ridge=best, by_generation=True).test_error
    fig, ax = new_figure(1, 6.8, 4.8)
    for n, color in zip(gens, palette("viridis", gens.size, 0.85), strict=True):
        ax.plot(lam, curves[:, n], color=color, lw=1.6, label=f"n = {n}")
        ax.plot(best[n], best_err[n, n], marker="*", markersize=11, color=color, linestyle="none")
        stored_markers(ax, markers, int(n), color=color)
    ax.plot([], [], marker="*", color="0.3", linestyle="none", label="optimal λ for n")
    ax.set_xscale("log")
    _finish(ax, chain, "ridge λ", "U-shaped error against ridge, optimum moving with n", note)
    return fig


def _tuned_ridge(s: GenerationsSetting, T: np.ndarray, tuning: str) -> np.ndarray:
    if tuning not in ("optimal", "ell_crit"):
        raise ValueError(f"tuning must be 'optimal' or 'ell_crit', got {tuning!r}")
    if tuning == "ell_crit" and (s.beta is None or s.source is None):
        raise ValueError("tuning 'ell_crit' needs a 'power:BETA' spectrum and a source exponent")
    return optimal_ridge(s, T=T) if tuning == "optimal" else adaptive_ridge(T, s.beta, s.source)


def rate_crossover_points(setting: GenerationsSetting, *, T: Any, generations: Sequence[int] = (0, 1),
                          tuning: Literal["optimal", "ell_crit"] = "optimal"
                          ) -> dict[int, list[GenerationsSetting]]:
    """Marker settings of :func:`rate_crossover`: per n, each T at its tuned ridge."""
    T = np.asarray(T, dtype=float)
    out = {}
    for n in generations:
        s = setting.replace(generations=int(n))
        lam = _tuned_ridge(s, T, tuning)
        out[int(n)] = [s.replace(T=int(t), ridge=float(v)) for t, v in zip(T, lam, strict=True)]
    return out


def rate_crossover(setting: GenerationsSetting, *, T: Any, generations: Sequence[int] = (0, 1),
                   tuning: Literal["optimal", "ell_crit"] = "optimal",
                   markers: Markers | None = None, note: str = "") -> Figure:
    """Error against T with a tuned ridge, log-log (TG §B.4, eq. (B.20), Fig. 1(b)).

    ``tuning="optimal"``: for each n and T the λ minimising the predicted error
    (:func:`optimal_ridge`); ``"ell_crit"``: λ = T^(-ℓ_crit), the paper's Fig. 1(b) choice
    (an [OPEN] convention, TG §B.6 claim 11), which needs ``source``. For a
    ``power:BETA`` spectrum with ``source`` = r, dotted guides show the fast rate T^(-2βr)
    and the slow rate T^(-2βr/(2βr+1)), and with σ = 0 a vertical line marks the crossover
    T* = (nσ0²)^(-1/(2βr)) of the largest n. ``markers`` are keyed by n with x = T.
    """
    T = np.asarray(T, dtype=float)
    beta, r = setting.beta, setting.source
    _tuned_ridge(setting, T[:1], tuning)  # validate before drawing
    fig, ax = new_figure(1, 6.8, 4.8)
    first = None
    for n, color in zip(generations, palette("viridis", len(generations), 0.85), strict=True):
        s = setting.replace(generations=int(n))
        err = predict_generations(s, T=T, ridge=_tuned_ridge(s, T, tuning)).test_error
        first = err if first is None else first
        ax.plot(T, err, color=color, lw=1.6,
                label=f"n = {n}, " + ("tuned λ" if tuning == "optimal" else r"λ = $T^{-\ell_{crit}}$"))
        stored_markers(ax, markers, int(n), color=color)
    if beta is not None and r is not None:
        for rate, style, name in ((fast_rate(beta, r), ":", "fast"), (slow_rate(beta, r), "-.", "slow")):
            ax.plot(T, first[0] * (T / T[0]) ** -rate, color="0.35", ls=style, lw=1.0,
                    label=f"{name} rate $T^{{-{rate:.3g}}}$")
        top = max(generations)
        sigma0 = setting.replace(generations=top).schedule[1]
        if top > 0 and setting.sigma == 0 and sigma0[0] > 0:
            ax.axvline(crossover_samples(top, sigma0[0], beta, r), color="0.5", lw=0.8,
                       label="T* (eq. B.20)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    _finish(ax, setting, "downstream samples T", "Scaling with a tuned ridge: fast-to-slow rates",
            note, T=f"{T.min():g} to {T.max():g}")
    return fig
