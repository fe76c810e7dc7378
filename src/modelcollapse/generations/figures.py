"""Figures of "Model Collapse Demystified" (spec TG §B.5): theory curves and Monte-Carlo markers.

Each function takes a :class:`GenerationsSetting`, draws the theory with
:func:`predict_generations` and Monte-Carlo markers (mean ± 2 SEM), and returns a matplotlib
Figure built without pyplot (no global state, no display).

Markers are either precomputed, ``markers={curve: (x, mean, sem)}`` (e.g. from the results
store, as ``modelcollapse reproduce`` does; the matching ``*_points`` function gives the
setting behind every marker, keyed by the same curves), or simulated here with
:func:`simulate_generations` when ``seeds`` > 0. ``seeds=0`` without ``markers`` gives the
theory alone, which is how the power-law figure is drawn at the spec's d = 2·10⁴.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
# curve -> (x, mean, sem) of its Monte-Carlo markers
Markers = Mapping[Any, tuple[Sequence[float], Sequence[float], Sequence[float]]]


def _canvas(width: float = 6.5, height: float = 4.5) -> tuple[Figure, Axes]:
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.subplots()


def _colors(count: int) -> np.ndarray:
    return colormaps["viridis"](np.linspace(0.0, 0.85, count))


def _markers(ax: Axes, markers: Markers | None, curve: Any, color: Any) -> None:
    if not markers or curve not in markers:
        return
    x, mean, sem = markers[curve]
    ax.errorbar(x, mean, yerr=ERROR_BAR_SEMS * np.asarray(sem, dtype=float), fmt="o",
                color=color, markersize=4.5, capsize=2.5, elinewidth=1, linestyle="none")


def _note(markers: Markers | None, seeds: int) -> str:
    """Title note on the markers: simulated here with ``seeds`` seeds, or precomputed."""
    if markers is not None:
        return f"; markers: Monte-Carlo ± {ERROR_BAR_SEMS:g} SEM"
    return f"; markers: Monte-Carlo ± {ERROR_BAR_SEMS:g} SEM, {seeds} seeds" if seeds else ""


def truncated(setting: GenerationsSetting, generations: int) -> GenerationsSetting:
    """The chain stopped after ``generations`` generators (per-generation schedules cut)."""
    cut = {k: getattr(setting, k)[:generations] for k in ("T0", "sigma0")
           if isinstance(getattr(setting, k), tuple)}
    return setting.replace(generations=generations, **cut)


def _finish(ax: Axes, setting: GenerationsSetting, xlabel: str, note: str, title: str) -> None:
    ax.set_xlabel(xlabel)
    ax.set_ylabel(r"test error $\|\hat w_{pred} - w_0\|_\Sigma^2$")
    ax.set_title(f"{title}\nd={setting.d}, T={setting.T}, T0={setting.T0}, σ={setting.sigma:g}, "
                 f"σ0={setting.sigma0}{note}", fontsize=9)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, framealpha=0.85)


def error_vs_generations_points(setting: GenerationsSetting, ridges: Sequence[float] = (0.0,)
                                ) -> dict[float, list[GenerationsSetting]]:
    """Marker settings of :func:`error_vs_generations`: per ridge, the chain cut at m = 0..n."""
    return {float(lam): [truncated(setting, m).replace(ridge=float(lam))
                         for m in range(setting.generations + 1)] for lam in ridges}


def error_vs_generations(setting: GenerationsSetting, *, ridges: Sequence[float] = (0.0,),
                         seeds: int = 0, seed: int = 0, markers: Markers | None = None) -> Figure:
    """Test error against the generation m = 0..n for each ridge (spec TG Fig. 1 / eq. (B.10)).

    Lines: theory; dashed: the last generator's own error E||ŵ_m − w0||²_Σ. Linear growth
    for T0 > d (eq. (B.6)), saturation for T0 < d (eq. (B.16)). ``markers`` are keyed by
    ridge with x = m; simulated, one chain serves every m.
    """
    lam = np.asarray(ridges, dtype=float)
    m = np.arange(setting.generations + 1)
    theory = predict_generations(setting, ridge=lam, by_generation=True)
    fig, ax = _canvas()
    note = _note(markers, seeds)
    if markers is None and seeds:
        sim = simulate_generations(setting, seeds, seed=seed, ridge=lam, by_generation=True)
        markers = {float(v): (m, sim.test_error[i], sim.sem[i]) for i, v in enumerate(lam)}
    for i, (value, color) in enumerate(zip(lam, _colors(lam.size), strict=True)):
        ax.plot(m, theory.test_error[i], color=color, lw=1.6, label=f"λ = {value:g}")
        _markers(ax, markers, float(value), color)
    ax.plot(m, theory.generator_error, color="0.4", ls="--", lw=1.0, label="generator ŵ_m itself")
    _finish(ax, setting, "generation m", note, "Error against generations")
    return fig


def _marker_ridges(ridges: Any, marker_ridges: Any) -> tuple[np.ndarray, np.ndarray]:
    lam = np.geomspace(1e-3, 1e1, 80) if ridges is None else np.asarray(ridges, dtype=float)
    at = np.geomspace(lam[0], lam[-1], 6) if marker_ridges is None else np.asarray(marker_ridges)
    return lam, at


def error_vs_ridge_points(setting: GenerationsSetting, *, generations: Sequence[int] = (0, 1, 5, 20),
                          ridges: Any = None, marker_ridges: Any = None
                          ) -> dict[int, list[GenerationsSetting]]:
    """Marker settings of :func:`error_vs_ridge`: per n, the chain cut at n at each marker λ."""
    chain = setting.replace(generations=int(max(generations)))
    at = _marker_ridges(ridges, marker_ridges)[1]
    return {int(n): [truncated(chain, int(n)).replace(ridge=float(v)) for v in at]
            for n in generations}


def error_vs_ridge(setting: GenerationsSetting, *, generations: Sequence[int] = (0, 1, 5, 20),
                   ridges: Any = None, marker_ridges: Any = None, seeds: int = 0,
                   seed: int = 0, markers: Markers | None = None) -> Figure:
    """U-shaped error against λ for several n, with the optimum moving up (spec TG §B.6 claim 6).

    Stars mark :func:`optimal_ridge` for each n. Markers (keyed by n, x = λ) are simulated
    at ``marker_ridges`` (default: 6 points across the grid); one simulation with
    n = max(generations) serves every curve.
    """
    lam, at = _marker_ridges(ridges, marker_ridges)
    gens = np.asarray(generations, dtype=int)
    chain = setting.replace(generations=int(gens.max()))
    curves = predict_generations(chain, ridge=lam, by_generation=True).test_error  # (ridge, m)
    best = optimal_ridge(chain, by_generation=True)
    best_err = predict_generations(chain, ridge=best, by_generation=True).test_error
    note = _note(markers, seeds)
    if markers is None and seeds:
        sim = simulate_generations(chain, seeds, seed=seed, ridge=at, by_generation=True)
        markers = {int(n): (at, sim.test_error[:, n], sim.sem[:, n]) for n in gens}
    fig, ax = _canvas()
    for n, color in zip(gens, _colors(gens.size), strict=True):
        ax.plot(lam, curves[:, n], color=color, lw=1.6, label=f"n = {n}")
        ax.plot(best[n], best_err[n, n], marker="*", markersize=11, color=color, linestyle="none")
        _markers(ax, markers, int(n), color)
    ax.plot([], [], marker="*", color="0.3", linestyle="none", label="optimal λ for n")
    ax.set_xscale("log")
    _finish(ax, chain, "ridge λ", note, "U-shaped error against ridge, optimum moving with n")
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
                   tuning: Literal["optimal", "ell_crit"] = "optimal", seeds: int = 0,
                   seed: int = 0, markers: Markers | None = None) -> Figure:
    """Error against T with a tuned ridge, log-log (spec TG §B.4, eq. (B.20), Fig. 1(b)).

    ``tuning="optimal"``: for each n and T the λ minimising the predicted error
    (:func:`optimal_ridge`); ``"ell_crit"``: λ = T^(-ℓ_crit), the paper's Fig. 1(b) choice
    (an [OPEN] convention, spec TG §B.6 claim 11), which needs ``source``. For a
    ``power:BETA`` spectrum with ``source`` = r, dotted guides show the fast rate T^(-2βr)
    and the slow rate T^(-2βr/(2βr+1)), and with σ = 0 a vertical line marks the crossover
    T* = (nσ0²)^(-1/(2βr)) of the largest n. Markers (keyed by n, x = T) simulate each T
    at its ridge.
    """
    T = np.asarray(T, dtype=float)
    beta, r = setting.beta, setting.source
    _tuned_ridge(setting, T[:1], tuning)  # validate before drawing
    note = _note(markers, seeds)
    if markers is None and seeds:
        points = rate_crossover_points(setting, T=T, generations=generations, tuning=tuning)
        markers = {}
        for n, settings in points.items():
            sims = [simulate_generations(x, seeds, seed=seed) for x in settings]
            markers[n] = (T, [x.test_error for x in sims], [x.sem for x in sims])
    fig, ax = _canvas()
    first = None
    for n, color in zip(generations, _colors(len(generations)), strict=True):
        s = setting.replace(generations=int(n))
        err = predict_generations(s, T=T, ridge=_tuned_ridge(s, T, tuning)).test_error
        first = err if first is None else first
        ax.plot(T, err, color=color, lw=1.6,
                label=f"n = {n}, " + ("tuned λ" if tuning == "optimal" else r"λ = $T^{-\ell_{crit}}$"))
        _markers(ax, markers, int(n), color)
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
    _finish(ax, setting, "downstream samples T", note, "Scaling with a tuned ridge: fast-to-slow rates")
    return fig
