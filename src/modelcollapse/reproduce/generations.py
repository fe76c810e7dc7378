"""Figures of "Model Collapse Demystified" (TG §B.5) in the report: regression chains.

Linear growth of the error over generations (eq. (B.6)), the U in the ridge λ with its
optimum moving up (eq. (B.10)) and the fast-to-slow rate crossover (eq. (B.20)).
:mod:`.generations_drawing` draws them; here each figure's Monte-Carlo markers become a
sweep of per-seed tasks of the ``generations`` family (one chain and one downstream fit per
task) in the results store, so the report compares them with ``predict_generations``, and
each figure declares its claims as checks over that data. The settings behind the markers
come from the drawing module's ``*_points`` functions. Every marker of a figure uses the
same seed indices, so the points of one curve share their random draws (common random
numbers): the shape of a curve, e.g. where a U has its minimum, is sharper than the error
bars of single points suggest.

The chain and ridge figures' markers use the conditional estimator (per draw of the
designs, the exact expectation over the label noises: :mod:`modelcollapse.generations.conditional`),
40-200x less variance per second than sampling the noises there. The crossover figure's
markers keep the sampled estimator: with noise-free real labels its spread is the designs'
(the bias of a fit on T < d samples), which conditioning cannot remove, and at d = 600 the
conditional draw costs 3-5x more (measured: variance x time 3x better at T = 300, 5x worse
at T = 10).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from ..generations import GenerationsSetting
from ..generations.exact import ols_increment, optimal_ridge
from ..generations.power_law import fast_rate, slow_rate
from ..result import mean_sem
from . import generations_drawing as D
from .claims import Check, Claim, Evidence, agrees_with_theory
from .registry import CONDITIONAL, Figure, curves_figure, register

# Under-parameterised OLS chain (T0 > d): linear growth in n, eq. (B.6).
CHAIN = GenerationsSetting(d=40, T=200, T0=100, generations=10, sigma=1.0, sigma0=1.0)
# Small noisy chain whose optimal ridge moves from 0.1 (n = 0) to 3 (n = 10).
RIDGE = GenerationsSetting(d=20, T=50, T0=40, generations=10, sigma=0.5, sigma0=0.5)
# Noise-free real labels, power-law spectrum and source condition (TG §B.4): the clean
# chain scales at the fast rate T^-2βr, one synthetic generation at the slow rate.
RATES = GenerationsSetting(d=600, T=100, T0=1200, generations=1, sigma=0.0, sigma0=3e-2,
                           spectrum="power:2", source=0.5)

PARAMS: dict[str, dict[bool, dict[str, Any]]] = {
    "generations-chain": {
        True: {"setting": CHAIN, "ridges": (0.0, 0.5), "seeds": 40},
        False: {"setting": CHAIN.replace(generations=20), "ridges": (0.0, 0.1, 0.5, 2.0),
                "seeds": 400}},
    "generations-ridge": {
        True: {"setting": RIDGE, "generations": (0, 2, 10),
               "ridges": np.geomspace(1e-2, 10, 60), "marker_ridges": np.geomspace(1e-2, 10, 7),
               "seeds": 60},
        False: {"setting": RIDGE.replace(generations=20), "generations": (0, 1, 5, 20),
                "ridges": np.geomspace(1e-3, 30, 80), "marker_ridges": np.geomspace(1e-3, 30, 13),
                "seeds": 400}},
    "generations-crossover": {
        True: {"setting": RATES, "T": np.geomspace(10, 300, 6), "generations": (0, 1),
               "tuning": "optimal", "seeds": 20},
        False: {"setting": RATES.replace(d=2000, T0=4000), "T": np.geomspace(10, 1000, 12),
                "generations": (0, 1, 4),
                "tuning": "optimal", "seeds": 50}},
}
THEORY = "predict_generations (TG eqs. (B.6), (B.10)-(B.16), (B.20))"


def chain_grows_linearly(ev: Evidence) -> Check:
    """OLS: each generation adds σ0² d/(T0 − d − 1) (eq. (B.6)); ridge slows the growth."""
    rows = ev.rows()
    ridges = sorted({r["ridge"] for r in rows})
    slopes, rises = {}, {}
    for lam in ridges:
        m, err, sem = ev.curve("generations", ridge=lam)
        rises[f"ridge={lam:g}"] = (err[-1] - err[0]) / np.hypot(sem[0], sem[-1])
        slopes[lam] = float(np.polyfit(m, err, 1)[0])
    r0 = next(r for r in rows if r["ridge"] == 0.0)
    increment = ols_increment(r0["d"], int(r0["T0"]), float(r0["sigma0"]))
    ridged = max(slopes[lam] for lam in ridges if lam > 0)
    held = (all(v > 5 for v in rises.values()) and abs(slopes[0.0] / increment - 1) < 0.10
            and ridged < 0.8 * slopes[0.0])
    # the fitted OLS slope's standard error is about sem/(spread of n) ≈ 3%
    return held, {"rise (SEM)": rises, "OLS slope / (B.6) increment": slopes[0.0] / increment,
                  "largest ridge slope / OLS slope": ridged / slopes[0.0]}, \
        "last - first > 5 SEM; OLS slope within 10% of (B.6); every ridge slope < 0.8x OLS"


def ridge_u_shape(ev: Evidence) -> Check:
    """The error is U-shaped in λ, its minimiser at the marker nearest the theory's optimal
    λ, and that minimiser grows with the generations (eq. (B.10)). Every marker of the
    figure uses the same seed indices, so the ends are compared with the minimum by paired
    per-seed differences."""
    held, best, measured = True, [], {}
    for n in sorted({r["generations"] for r in ev.rows()}):
        lam, err, _ = ev.curve("ridge", generations=n)
        i = int(np.argmin(err))
        held &= 0 < i < lam.size - 1
        at = ev.values(generations=n, ridge=lam[i])
        margins = []
        for j in (0, lam.size - 1):
            mean, sem = mean_sem(ev.values(generations=n, ridge=lam[j]) - at)
            margins.append(float(mean / sem))
        held &= min(margins) > 4
        setting = GenerationsSetting.from_dict(
            {k: v for k, v in ev.rows(generations=n, ridge=lam[i])[0].items()
             if k in GenerationsSetting.field_names()})
        optimum = float(optimal_ridge(setting))
        held &= bool(lam[np.argmin(np.abs(np.log(lam / optimum)))] == lam[i])
        best.append(lam[i])
        measured[f"n={n}"] = {"minimiser": lam[i], "theory optimum": optimum,
                              "ends above minimum (paired SEM)": margins}
    held &= bool(np.all(np.diff(best) >= 0)) and best[-1] > best[0]
    return held, measured, ("interior minimum at the marker nearest the optimal λ; both ends "
                            "> 4 paired SEM above it; minimiser non-decreasing in n, rising overall")


def rates_cross_over(ev: Evidence) -> Check:
    """Clean data near the fast rate 2βr; after one generation a far smaller local slope,
    on its way to 2βr/(2βr+1); both agree with the theory's slopes (eq. (B.20))."""
    beta, r = 2.0, 0.5
    slopes, theory = {}, {}
    for n in (0, 1):
        chosen = sorted(ev.rows(generations=n), key=lambda x: x["T"])[-3:]
        logT = np.log([x["T"] for x in chosen])
        slopes[n] = float(-np.polyfit(logT, np.log([x["mean"] for x in chosen]), 1)[0])
        theory[n] = float(-np.polyfit(logT, np.log([x["theory"] for x in chosen]), 1)[0])
    _, clean, _ = ev.curve("T", generations=0)
    _, synth, _ = ev.curve("T", generations=1)
    held = (all(abs(slopes[n] - theory[n]) < 0.15 for n in (0, 1))
            and abs(slopes[0] - fast_rate(beta, r)) < 0.3
            and slow_rate(beta, r) - 0.1 < slopes[1] < 1.0 < slopes[0] - 0.7
            and synth[-1] > 5 * clean[-1] and abs(synth[0] / clean[0] - 1) < 0.3)
    return held, {"clean slope": slopes[0], "synthetic slope": slopes[1],
                  "theory slopes": [theory[0], theory[1]], "fast rate": fast_rate(beta, r),
                  "slow rate": slow_rate(beta, r), "last synthetic / clean": synth[-1] / clean[-1],
                  "first synthetic / clean": synth[0] / clean[0]}, \
        ("slopes within 0.15 of the theory's; clean within 0.3 of the fast rate; synthetic "
         "between slow rate - 0.1 and 1; synthetic 5x above clean at the largest T, within 30% "
         "at the smallest")


CROSSOVER_AGREES = agrees_with_theory(z=4.0)
# The deterministic equivalents' finite-size offsets, which the conditional markers resolve
# (measured with 1000-2000 seeds): the chain's ridge fits at d = 40, T = 200 are within
# 0.35% (n = 0, λ = 0.1); in the U of λ at d = 20, T = 50 the clean (n = 0) error is 3.1%
# above the equivalent at λ = 0.01, which near λ = 0 has d/(T − d) for the exact
# d/(T − d − 1) (3.4% at T − d = 30), and within 1.2% from n = 2 on.
CHAIN_AGREES = agrees_with_theory(z=4.0, relative=0.005)
RIDGE_AGREES = agrees_with_theory(z=4.0, relative=0.03)


def conditional_markers(figure: Figure) -> Figure:
    """``figure`` with its markers from the conditional estimator (the family's method
    "conditional"; seed for seed the same designs as the sampled one)."""
    return replace(figure, sweep=lambda quick: replace(figure.sweep(quick), method=CONDITIONAL))


FIGURES = [
    register(conditional_markers(curves_figure(
        "generations-chain", params=PARAMS["generations-chain"], field="generations",
        points=D.error_vs_generations_points, draw=D.error_vs_generations,
        family="generations", theory=THEORY, marker_only=("marker_ridges",), hidden=("ridge",),
        title="Regression chain: test error against the number of generations",
        source="TG §B.3, eq. (B.6); Model Collapse Demystified Fig. 1(a)",
        claim="Each generation of refitting on the previous model's labels adds "
              "σ0² d/(T0 - d - 1) to the error of OLS: it grows linearly with n; ridge slows "
              "but does not stop the growth.",
        claims=(Claim("linear-growth", "OLS error grows linearly with the generations at the "
                      "rate of eq. (B.6); ridge slows the growth.", chain_grows_linearly),
                CHAIN_AGREES)))),
    register(conditional_markers(curves_figure(
        "generations-ridge", params=PARAMS["generations-ridge"], field="ridge",
        points=D.error_vs_ridge_points, draw=D.error_vs_ridge,
        family="generations", theory=THEORY, marker_only=("marker_ridges",), hidden=("ridge",),
        title="U-shaped error against ridge λ, optimum moving with the generations",
        source="TG §B.6 claim 6, eq. (B.10)",
        claim="The downstream error is U-shaped in λ and its minimiser grows with the number "
              "of synthetic generations n: more synthetic noise calls for more regularisation.",
        claims=(Claim("u-shape", "The error is U-shaped in λ and its minimiser grows with the "
                      "generations.", ridge_u_shape), RIDGE_AGREES)))),
    register(curves_figure(
        "generations-crossover", params=PARAMS["generations-crossover"], field="T",
        points=D.rate_crossover_points, draw=D.rate_crossover,
        family="generations", theory=THEORY, marker_only=("marker_ridges",), hidden=("ridge",),
        title="Power-law spectrum: fast rate on clean data, slow rate after one generation",
        source="TG §B.4, eq. (B.20); Model Collapse Demystified Fig. 1(b)",
        claim="With a tuned ridge, noise-free clean data scale at the fast rate T^-2βr, while "
              "after a synthetic generation the error crosses over near T* to the slow rate "
              "T^-2βr/(2βr+1).",
        claims=(Claim("rate-crossover", "Clean data scale at the fast rate; after a synthetic "
                      "generation the rate crosses over towards the slow one.", rates_cross_over),
                CROSSOVER_AGREES))),
]
