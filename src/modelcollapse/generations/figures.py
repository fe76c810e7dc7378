"""Figures of "Model Collapse Demystified" (spec TG §B.5): theory curves and Monte-Carlo markers.

Each function takes a :class:`GenerationsSetting`, draws the theory with
:func:`predict_generations` and, when ``seeds`` > 0, Monte-Carlo markers (mean ± 2 SEM) with
:func:`simulate_generations`, and returns a matplotlib Figure built without pyplot (no global
state, no display). ``seeds=0`` gives the theory alone, which is how the power-law figure
is drawn at the spec's d = 2·10⁴.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .config import GenerationsSetting
from .exact import optimal_ridge, predict_generations
from .power_law import adaptive_ridge, crossover_samples, fast_rate, slow_rate
from .simulate import simulate_generations

ERROR_BAR_SEMS = 2.0


def _canvas(width: float = 6.5, height: float = 4.5) -> tuple[Figure, Axes]:
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.subplots()


def _colors(count: int) -> np.ndarray:
    return colormaps["viridis"](np.linspace(0.0, 0.85, count))


def _markers(ax: Axes, x: Any, mean: Any, sem: Any, color: Any, label: str | None = None) -> None:
    ax.errorbar(x, mean, yerr=ERROR_BAR_SEMS * np.asarray(sem), fmt="o", color=color,
                markersize=4.5, capsize=2.5, elinewidth=1, linestyle="none", label=label)


def _finish(ax: Axes, setting: GenerationsSetting, xlabel: str, seeds: int, title: str) -> None:
    ax.set_xlabel(xlabel)
    ax.set_ylabel(r"test error $\|\hat w_{pred} - w_0\|_\Sigma^2$")
    note = f"; markers: Monte-Carlo ± {ERROR_BAR_SEMS:g} SEM, {seeds} seeds" if seeds else ""
    ax.set_title(f"{title}\nd={setting.d}, T={setting.T}, T0={setting.T0}, σ={setting.sigma:g}, "
                 f"σ0={setting.sigma0}{note}", fontsize=9)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, framealpha=0.85)


def error_vs_generations(setting: GenerationsSetting, *, ridges: Sequence[float] = (0.0,),
                         seeds: int = 0, seed: int = 0) -> Figure:
    """Test error against the generation m = 0..n for each ridge (spec TG Fig. 1 / eq. (B.10)).

    Lines: theory; dashed: the last generator's own error E||ŵ_m − w0||²_Σ. Linear growth
    for T0 > d (eq. (B.6)), saturation for T0 < d (eq. (B.16)).
    """
    lam = np.asarray(ridges, dtype=float)
    m = np.arange(setting.generations + 1)
    theory = predict_generations(setting, ridge=lam, by_generation=True)
    fig, ax = _canvas()
    sim = simulate_generations(setting, seeds, seed=seed, ridge=lam, by_generation=True) if seeds else None
    for i, (value, color) in enumerate(zip(lam, _colors(lam.size), strict=True)):
        ax.plot(m, theory.test_error[i], color=color, lw=1.6, label=f"λ = {value:g}")
        if sim is not None:
            _markers(ax, m, sim.test_error[i], sim.sem[i], color)
    ax.plot(m, theory.generator_error, color="0.4", ls="--", lw=1.0, label="generator ŵ_m itself")
    _finish(ax, setting, "generation m", seeds, "Error against generations")
    return fig


def error_vs_ridge(setting: GenerationsSetting, *, generations: Sequence[int] = (0, 1, 5, 20),
                   ridges: Any = None, marker_ridges: Any = None, seeds: int = 0,
                   seed: int = 0) -> Figure:
    """U-shaped error against λ for several n, with the optimum moving up (spec TG §B.6 claim 6).

    Stars mark :func:`optimal_ridge` for each n. Markers are simulated at ``marker_ridges``
    (default: 6 points across the grid); one simulation with n = max(generations) serves
    every curve.
    """
    lam = np.geomspace(1e-3, 1e1, 80) if ridges is None else np.asarray(ridges, dtype=float)
    at = np.geomspace(lam[0], lam[-1], 6) if marker_ridges is None else np.asarray(marker_ridges)
    gens = np.asarray(generations, dtype=int)
    chain = setting.replace(generations=int(gens.max()))
    curves = predict_generations(chain, ridge=lam, by_generation=True).test_error  # (ridge, m)
    best = optimal_ridge(chain, by_generation=True)
    best_err = predict_generations(chain, ridge=best, by_generation=True).test_error
    sim = simulate_generations(chain, seeds, seed=seed, ridge=at, by_generation=True) if seeds else None
    fig, ax = _canvas()
    for n, color in zip(gens, _colors(gens.size), strict=True):
        ax.plot(lam, curves[:, n], color=color, lw=1.6, label=f"n = {n}")
        ax.plot(best[n], best_err[n, n], marker="*", markersize=11, color=color, linestyle="none")
        if sim is not None:
            _markers(ax, at, sim.test_error[:, n], sim.sem[:, n], color)
    ax.plot([], [], marker="*", color="0.3", linestyle="none", label="optimal λ for n")
    ax.set_xscale("log")
    _finish(ax, chain, "ridge λ", seeds, "U-shaped error against ridge, optimum moving with n")
    return fig


def rate_crossover(setting: GenerationsSetting, *, T: Any, generations: Sequence[int] = (0, 1),
                   tuning: Literal["optimal", "ell_crit"] = "optimal", seeds: int = 0,
                   seed: int = 0) -> Figure:
    """Error against T with a tuned ridge, log-log (spec TG §B.4, eq. (B.20), Fig. 1(b)).

    ``tuning="optimal"``: for each n and T the λ minimising the predicted error
    (:func:`optimal_ridge`); ``"ell_crit"``: λ = T^(-ℓ_crit), the paper's Fig. 1(b) choice
    (an [OPEN] convention, spec TG §B.6 claim 11), which needs ``source``. For a
    ``power:BETA`` spectrum with ``source`` = r, dotted guides show the fast rate T^(-2βr)
    and the slow rate T^(-2βr/(2βr+1)), and with σ = 0 a vertical line marks the crossover
    T* = (nσ0²)^(-1/(2βr)) of the largest n. Markers simulate each T at its ridge.
    """
    T = np.asarray(T, dtype=float)
    beta, r = setting.beta, setting.source
    if tuning not in ("optimal", "ell_crit"):
        raise ValueError(f"tuning must be 'optimal' or 'ell_crit', got {tuning!r}")
    if tuning == "ell_crit" and (beta is None or r is None):
        raise ValueError("tuning 'ell_crit' needs a 'power:BETA' spectrum and a source exponent")
    fig, ax = _canvas()
    first = None
    for n, color in zip(generations, _colors(len(generations)), strict=True):
        s = setting.replace(generations=int(n))
        lam = optimal_ridge(s, T=T) if tuning == "optimal" else adaptive_ridge(T, beta, r)
        err = predict_generations(s, T=T, ridge=lam).test_error
        first = err if first is None else first
        ax.plot(T, err, color=color, lw=1.6,
                label=f"n = {n}, " + ("tuned λ" if tuning == "optimal" else r"λ = $T^{-\ell_{crit}}$"))
        if seeds:
            sims = [simulate_generations(s.replace(T=int(t), ridge=float(value)), seeds, seed=seed)
                    for t, value in zip(T, lam, strict=True)]
            _markers(ax, T, [x.test_error for x in sims], [x.sem for x in sims], color)
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
    _finish(ax, setting, "downstream samples T", seeds, "Scaling with a tuned ridge: fast-to-slow rates")
    return fig
