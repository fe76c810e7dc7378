"""What the workflow figures draw (WF), and the laws behind their lines.

A stored configuration at generation G keeps every seed's whole chain (``by_generation``
= E_0..E_G and, for ``verify``, the acceptance rate per generation), so ONE point gives the
markers of every generation 0..G: :func:`per_generation` (mean ± SEM over seeds, per
generation). The lines are the theory where a law exists (:func:`reference`): the exact
least-squares laws (WF.1)-(WF.3), the finite-T mix recursion, the T ≫ d mix formula and the
Gaussian-fitting laws. Each ``draw_*`` function takes the stored points of its figure and
its parameters and returns the matplotlib figure and the theory lines as
:class:`~.registry.Curve` data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter
from scipy.stats import norm

from ..result import mean_sem
from ..sweep import Point
from ..verbs import predict
from ..workflows.config import WorkflowSetting
from ..workflows.gaussian import GaussianSetting, gaussian_law
from ..workflows.gaussian import accumulate_limit as gaussian_accumulate_limit
from ..workflows.theory import EXACT_LS, law, mix_large_T, v
from .registry import ERROR_BAR_SEMS, Curve, finish, markers, monte_carlo_note, new_figure, palette

BASEL = np.pi**2 / 6
# The deterministic-equivalent mix recursion is off by O(1/d) from the chain's mean: 0.6/d
# (1.2% at d = 50, 0.3% at d = 200, WF §3 and the workflows tests).
RECURSION_OFFSET = 0.6


def per_generation(results: Sequence[Mapping[str, Any]], key: str = "by_generation"
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(generations 0..G, mean, SEM) over the seeds' ``key`` lists (one chain per seed)."""
    values = seed_curves(results, key)
    mean, sem = mean_sem(values)
    return np.arange(values.shape[1]), mean, sem


def seed_curves(results: Sequence[Mapping[str, Any]], key: str = "by_generation") -> np.ndarray:
    """seeds × generations array of the seeds' ``key`` lists."""
    return np.array([r[key] for r in results], dtype=float)


def reference(setting: Any) -> tuple[np.ndarray, float, str] | None:
    """The theory of every generation of ``setting``'s chain: (E_0..E_G, relative allowance,
    how it was computed), or None where there is none (accumulate-subsample, verify...).

    The exact laws (least squares (WF.1)-(WF.3), Gaussian fitting) get no allowance beyond
    Monte-Carlo error; the deterministic-equivalent mix recursion gets its O(1/d) offset."""
    if isinstance(setting, WorkflowSetting):
        try:
            errors, method = law(setting)
        except ValueError:
            return None
        rel = 0.0 if method.startswith(EXACT_LS) else RECURSION_OFFSET / setting.d
        return np.asarray(errors, dtype=float), rel, method
    try:
        theory = predict(setting)
    except ValueError:
        return None
    return np.asarray(theory.by_generation, dtype=float), 0.0, theory.method


def accumulate_limit(setting: WorkflowSetting) -> float:
    """E_∞ of least-squares accumulate with a fresh design: (WF.3) summed over 10^5
    generations (the tail beyond is below σ²d/(10^5 T)); (π²/6)σ²d/T for T ≫ d."""
    errors, _ = law(setting.replace(workflow="accumulate", pi=None, generations=100_000))
    return float(errors[-1])


def _title(s: WorkflowSetting, what: str) -> str:
    ridge = "least squares" if s.ridge == 0 else f"ridge λ = {s.ridge:g}"
    spectrum = "" if s.spectrum == "isotropic" else f", Σ {s.spectrum}"
    return f"{what}\nd = {s.d}, T = {s.T}, σ = {s.sigma:g}, {ridge}{spectrum}"


def _chain(ax: Axes, point: Point | None, *, color: Any, label: str, marker: str = "o",
           join: bool = False) -> None:
    if point is None:
        return
    k, mean, sem = per_generation(point.results)
    markers(ax, k, y=mean, yerr=ERROR_BAR_SEMS * sem, color=color, marker=marker,
            label=label)
    if join:
        ax.plot(k, mean, color=color, lw=0.8, alpha=0.6, label="_join")


def _line(ax: Axes, curves: list[Curve], panel: str, label: str, y: np.ndarray, *,
          color: Any, ls: str = "-", lw: float = 1.6) -> None:
    k = np.arange(y.size, dtype=float)
    ax.plot(k, y, color=color, ls=ls, lw=lw, label=label)
    curves.append(Curve(panel, label, "generation", k, "test_error", np.asarray(y, dtype=float)))


def _hline(ax: Axes, curves: list[Curve], panel: str, label: str, value: float, generations: int,
           *, color: Any, ls: str) -> None:
    ax.axhline(value, color=color, ls=ls, lw=1.1, label=label)
    k = np.array([0.0, float(generations)])
    curves.append(Curve(panel, label, "generation", k, "test_error", np.full(2, value)))


def find(points: Sequence[Point], setting: Any) -> Point | None:
    """The stored point of ``setting`` (None if it is not stored)."""
    wanted = setting.to_dict()
    return next((p for p in points if p.config == wanted), None)


WORKFLOW_STYLE = {"replace": ("tab:red", "o"), "accumulate": ("tab:blue", "s"),
                  "accumulate-subsample": ("tab:purple", "D"), "mix": ("tab:green", "^")}


def chain_settings(setting: WorkflowSetting, mix_pi: float
                   ) -> dict[str, list[tuple[str, WorkflowSetting]]]:
    """The configurations behind :func:`draw_chain`: per design panel, (workflow, setting)."""
    fresh = [(w, setting.replace(workflow=w, design="fresh",
                                 pi=mix_pi if w == "mix" else None)) for w in WORKFLOW_STYLE]
    fixed = [(w, setting.replace(workflow=w, design="fixed"))
             for w in ("replace", "accumulate", "accumulate-subsample")]
    return {"fresh": fresh, "fixed": fixed}


def draw_chain(points: Sequence[Point], setting: WorkflowSetting, mix_pi: float
               ) -> tuple[Figure, list[Curve]]:
    """Error against generation per workflow; left a fresh design (lines (WF.1), (WF.3) and
    the mix recursion; the accumulate limit as G → ∞), right a fixed design (lines (WF.1),
    (WF.2) and the bound (π²/6)E_0 of accumulate)."""
    fig, axes = new_figure(2, 13.0, 5.2)
    curves: list[Curve] = []
    G = setting.generations
    for ax, (design, chosen) in zip(axes, chain_settings(setting, mix_pi).items(), strict=True):
        for workflow, s in chosen:
            color, marker = WORKFLOW_STYLE[workflow]
            name = f"mix π = {mix_pi:g}" if workflow == "mix" else workflow
            theory = reference(s)
            if theory is not None:
                errors, _, method = theory
                _line(ax, curves, design, f"{name}, law {_method(method)}", errors, color=color)
            _chain(ax, find(points, s), color=color, marker=marker,
                   label=f"{name} (Monte Carlo)" if theory is None else None,
                   join=theory is None)
        e0 = float(v(setting.T, setting.d)) * setting.sigma**2
        if design == "fresh":
            _hline(ax, curves, design, f"accumulate as G → ∞ (WF.3) = {accumulate_limit(setting):.3g}",
                   accumulate_limit(setting), G, color="tab:blue", ls="--")
            _hline(ax, curves, design, f"(π²/6)σ²d/T = {BASEL * setting.sigma**2 * setting.d / setting.T:.3g}"
                   " (its T ≫ d value)", BASEL * setting.sigma**2 * setting.d / setting.T, G,
                   color="tab:blue", ls=":")
        else:
            _hline(ax, curves, design, f"bound (π²/6)E_0 = {BASEL * e0:.3g} on accumulate",
                   BASEL * e0, G, color="0.3", ls="--")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_yscale("log")
        _plain_ticks(ax)
        finish(ax, xlabel="generation k", ylabel=r"test error $E_k = \|\hat w_k - w^*\|_\Sigma^2$",
               title=_title(setting, f"{design} design: every block " +
                            ("has new inputs" if design == "fresh" else "reuses one T×d design"))
               + (f"\n{monte_carlo_note(points)}" if design == "fresh" and points else ""),
               loc="upper left")
    return fig, curves


def _method(method: str) -> str:
    if "(WF." in method:
        return method[method.index("(WF."):]
    return "finite-T recursion" if "recursion" in method else method


def mix_settings(setting: WorkflowSetting, pis: Sequence[float], ridged: Mapping[str, Any] | None
                 ) -> dict[str, list[WorkflowSetting]]:
    """The configurations behind :func:`draw_mix`: per panel, one mix chain per π."""
    out = {"least squares": [setting.replace(workflow="mix", pi=float(p)) for p in pis]}
    if ridged:
        out["ridge"] = [setting.replace(workflow="mix", pi=float(p), ridge=ridged["ridge"],
                                        spectrum=ridged["spectrum"]) for p in ridged["pis"]]
    return out


def draw_mix(points: Sequence[Point], setting: WorkflowSetting, pis: Sequence[float],
             ridged: Mapping[str, Any] | None) -> tuple[Figure, list[Curve]]:
    """Mix chains against generation for several π: the finite-T recursion (solid) against
    the T ≫ d formula E_k = (1 − π)²E_{k−1} + σ²v(T) (dashed); right, ridge and a power-law
    spectrum (recursion only)."""
    panels = mix_settings(setting, pis, ridged)
    fig, axes = new_figure(len(panels), 6.6 * len(panels), 5.2)
    axes = np.atleast_1d(axes)
    curves: list[Curve] = []
    for ax, (panel, chosen) in zip(axes, panels.items(), strict=True):
        for s, color in zip(chosen, palette("viridis", len(chosen), 0.85), strict=True):
            errors, _, _ = reference(s)
            _line(ax, curves, panel, f"π = {s.pi:g}: finite-T recursion", errors, color=color)
            if s.ridge == 0:
                _line(ax, curves, panel, f"π = {s.pi:g}: T ≫ d formula", mix_large_T(s),
                      color=color, ls="--", lw=1.1)
            _chain(ax, find(points, s), color=color, label=None)
        s = chosen[0]
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        what = ("Mix: finite-T recursion (solid) vs T ≫ d formula (dashed)" if s.ridge == 0
                else "Mix with ridge and a power-law spectrum: finite-T recursion")
        finish(ax, xlabel="generation k", ylabel=r"test error $E_k$",
               title=_title(s, what) + (f"\n{monte_carlo_note(points)}"
                                        if panel == "least squares" and points else ""),
               loc="upper left")
    return fig, curves


def verify_settings(setting: WorkflowSetting, taus: Sequence[float],
                    learned: Mapping[str, Any]) -> list[tuple[str, WorkflowSetting]]:
    """The configurations behind :func:`draw_verify`: the unverified chain (replace, τ = ∞),
    the oracle verifier at each finite τ and the learned verifier at one τ."""
    base = setting.replace(workflow="verify", tau=float(taus[0]), verifier="oracle", nv=None)
    out = [("τ = ∞ (replace, unverified)", setting.replace(workflow="replace", tau=None,
                                                           verifier=None, nv=None))]
    out += [(f"oracle, τ = {t:g}", base.replace(tau=float(t))) for t in taus]
    out.append((f"learned (nv = {learned['nv']}), τ = {learned['tau']:g}",
                base.replace(tau=float(learned["tau"]), verifier="learned", nv=learned["nv"])))
    return out


def oracle_acceptance(tau: float, sigma: float, previous: np.ndarray) -> np.ndarray:
    """P(|x·(ŵ − w*) + σε| <= τ) for a fresh x at E||ŵ − w*||²_Σ = ``previous``: the
    oracle's acceptance 2Φ(τ/√(σ² + E_{k−1})) − 1 (Jensen over the chains neglected)."""
    return 2.0 * norm.cdf(tau / np.sqrt(sigma**2 + previous)) - 1.0


def draw_verify(points: Sequence[Point], setting: WorkflowSetting, taus: Sequence[float],
                learned: Mapping[str, Any]) -> tuple[Figure, list[Curve]]:
    """Left: error against generation per verifier and τ (markers) with the unverified replace
    law (WF.1). Right: the acceptance rate per generation k >= 1, with the oracle's
    2Φ(τ/√(σ² + E_{k−1})) − 1 at the measured E_{k−1} as a guide."""
    fig, (ax, ax_acc) = new_figure(2, 13.0, 5.2)
    curves: list[Curve] = []
    chosen = verify_settings(setting, taus, learned)
    colors = palette("plasma", len(chosen), 0.85)
    for (label, s), color in zip(chosen, colors, strict=True):
        point = find(points, s)
        if s.workflow == "replace":
            errors, _, method = reference(s)
            _line(ax, curves, "error", f"unverified replace, law {_method(method)}", errors,
                  color="0.2", ls="--", lw=1.2)
        learned_one = s.verifier == "learned"
        _chain(ax, point, color=color, label=label, marker="s" if learned_one else "o",
               join=s.workflow != "replace")
        if point is None or s.workflow == "replace":
            continue
        k, rate, sem = per_generation(point.results, "acceptance")
        markers(ax_acc, k[1:], y=rate[1:], yerr=ERROR_BAR_SEMS * sem[1:], color=color,
                marker="s" if learned_one else "o", label=label)
        if not learned_one:
            _, err, _ = per_generation(point.results)
            guide = oracle_acceptance(float(s.tau), s.sigma, err[:-1])
            ax_acc.plot(k[1:], guide, color=color, lw=1.0, ls=":", label="_guide")
            curves.append(Curve("acceptance", f"oracle τ = {s.tau:g}: 2Φ(τ/√(σ²+E_k-1))-1 at the "
                                "measured E_k-1", "generation", k[1:].astype(float),
                                "acceptance", guide))
    ax_acc.plot([], [], color="0.3", lw=1.0, ls=":",
                label=r"oracle: $2\Phi(\tau/\sqrt{\sigma^2 + E_{k-1}}) - 1$")
    ax.set_yscale("log")
    low, high = ax.get_ylim()
    ax.set_ylim(low, high * 8)  # headroom: the legend sits above the unverified chain
    _plain_ticks(ax)
    for a in (ax, ax_acc):
        a.xaxis.set_major_locator(MaxNLocator(integer=True))
    finish(ax, xlabel="generation k", ylabel=r"test error $E_k$",
           title=_title(setting, "Verification: candidates kept iff |ỹ − x·w_v| <= τ")
           + (f"\n{monte_carlo_note(points)}" if points else ""), loc="upper left")
    ax_acc.set_ylim(0, 1.05)
    finish(ax_acc, xlabel="generation k", ylabel="acceptance rate (kept / drawn candidates)",
           title="Acceptance per generation: falls as τ shrinks", loc="lower right")
    return fig, curves


GAUSSIAN_WORKFLOWS = ("replace", "accumulate", "accumulate-subsample", "mix")


def gaussian_settings(setting: GaussianSetting, mix_pi: float) -> list[tuple[str, GaussianSetting]]:
    """The configurations behind :func:`draw_gaussian`: one chain per workflow."""
    return [(w, setting.replace(workflow=w, pi=mix_pi if w == "mix" else None))
            for w in GAUSSIAN_WORKFLOWS]


def draw_gaussian(points: Sequence[Point], setting: GaussianSetting, mix_pi: float
                  ) -> tuple[Figure, list[Curve]]:
    """Gaussian fitting: the variance ratio v_k = tr Σ̂_k / tr Σ (left, log scale) and the mean
    error e_k = ||μ̂_k − μ||²/tr Σ (right) against generation per workflow; lines the exact
    laws (GF.1)-(GF.4), dashed the accumulate limit sin(π/√T)/(π/√T)."""
    fig, (ax_v, ax_e) = new_figure(2, 13.0, 5.2)
    curves: list[Curve] = []
    G = setting.generations
    for workflow, s in gaussian_settings(setting, mix_pi):
        color, marker = WORKFLOW_STYLE[workflow]
        name = f"mix π = {mix_pi:g}" if workflow == "mix" else workflow
        point = find(points, s)
        try:
            v_law, e_law, method = gaussian_law(s)
        except ValueError:
            v_law = e_law = None
        for ax, key, y, panel in ((ax_v, "by_generation", v_law, "variance"),
                                  (ax_e, "mean_error", e_law, "mean error")):
            if y is not None:
                label = f"{name}, law {method[method.index('(GF.'):]}"
                ax.plot(np.arange(G + 1), y, color=color, lw=1.6, label=label)
                curves.append(Curve(panel, label, "generation", np.arange(G + 1.0),
                                    "variance_ratio" if key == "by_generation" else "mean_error",
                                    np.asarray(y, dtype=float)))
            if point is not None:
                k, mean, sem = per_generation(point.results, key)
                markers(ax, k, y=mean, yerr=ERROR_BAR_SEMS * sem, color=color, marker=marker,
                        label=None if y is not None else f"{name} (Monte Carlo)")
                if y is None:
                    ax.plot(k, mean, color=color, lw=0.8, alpha=0.6, label="_join")
    limit = gaussian_accumulate_limit(setting.T)
    label = f"accumulate as k → ∞: sin(π/√T)/(π/√T) = {limit:.3g}"
    ax_v.axhline(limit, color="tab:blue", ls="--", lw=1.1, label=label)
    curves.append(Curve("variance", label, "generation", np.array([0.0, G]), "variance_ratio",
                        np.full(2, limit)))
    ax_v.set_yscale("log")
    _plain_ticks(ax_v)
    for ax in (ax_v, ax_e):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    dims = f"p = {setting.p}, Σ {setting.spectrum}, T = {setting.T} samples per block"
    finish(ax_v, xlabel="generation k (generation 0 fits the real data)",
           ylabel=r"variance ratio $v_k = \mathrm{tr}\,\hat\Sigma_k / \mathrm{tr}\,\Sigma$",
           title=f"Gaussian fitting: the fitted variance over generations\n{dims}"
                 + (f"\n{monte_carlo_note(points)}" if points else ""), loc="lower left")
    finish(ax_e, xlabel="generation k",
           ylabel=r"mean error $e_k = \|\hat\mu_k - \mu\|^2 / \mathrm{tr}\,\Sigma$",
           title="The fitted mean's error (E[v_k + e_k] = 1, (GF.0))", loc="upper left")
    return fig, curves


def _plain_ticks(ax: Axes) -> None:
    """Ticks of a log axis at 1, 2, 5 x 10^n, labelled as plain numbers (0.5, 1, 2)."""
    ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{y:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())
