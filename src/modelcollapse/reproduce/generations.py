"""Figures of "Model Collapse Demystified" (spec TG §B.5) in the report: regression chains.

The drawing is :mod:`modelcollapse.generations.figures`; here each figure's Monte-Carlo
markers become a sweep of per-seed tasks of the ``generations`` family (one chain and one
downstream fit per task) in the results store, so the report compares them
with ``predict_generations``. The settings behind the markers come from the figure module's
``*_points`` functions. Every marker of a figure uses the same seed indices, so the points of
one curve share their random draws (common random numbers): the shape of a curve, e.g. where
a U has its minimum, is sharper than the error bars of single points suggest.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..generations import GenerationsSetting
from ..generations import figures as F
from ..sweep import Point, Sweep
from .registry import Drawing, Figure, axes_curves, curve_markers, curves_sweep, describe, register

# Under-parameterised OLS chain (T0 > d): linear growth in n, eq. (B.6).
CHAIN = GenerationsSetting(d=40, T=200, T0=100, generations=10, sigma=1.0, sigma0=1.0)
# Small noisy chain whose optimal ridge moves from 0.1 (n = 0) to 3 (n = 10).
RIDGE = GenerationsSetting(d=20, T=50, T0=40, generations=10, sigma=0.5, sigma0=0.5)
# Noise-free real labels, power-law spectrum and source condition (spec TG §B.4): the clean
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
POINTS = {"generations-chain": F.error_vs_generations_points,
          "generations-ridge": F.error_vs_ridge_points,
          "generations-crossover": F.rate_crossover_points}
DRAW = {"generations-chain": F.error_vs_generations, "generations-ridge": F.error_vs_ridge,
        "generations-crossover": F.rate_crossover}
FIELD = {"generations-chain": "generations", "generations-ridge": "ridge",
         "generations-crossover": "T"}


def _args(name: str, quick: bool) -> tuple[GenerationsSetting, dict[str, Any]]:
    p = dict(PARAMS[name][quick])
    p.pop("seeds")
    return p.pop("setting"), p


def _curves(name: str, quick: bool) -> dict[Any, list[GenerationsSetting]]:
    setting, p = _args(name, quick)
    return POINTS[name](setting, **p)


def _sweep_for(name: str) -> Callable[[bool], Sweep]:
    return curves_sweep(name, _curves, lambda quick: PARAMS[name][quick]["seeds"])


def _draw_for(name: str) -> Callable[[list[Point], bool], Drawing]:
    def draw(points: list[Point], quick: bool) -> Drawing:
        setting, p = _args(name, quick)
        markers = curve_markers(_curves(name, quick), points, FIELD[name])
        fig = DRAW[name](setting, markers=markers, **p)
        swept = {"ridge", *p}  # set per marker by the figure's own parameters
        params = {**{k: v for k, v in setting.to_dict().items()
                     if v is not None and k not in swept},
                  **{k: describe(v) for k, v in p.items()},
                  "seeds": PARAMS[name][quick]["seeds"], "family": "generations",
                  "theory": "predict_generations (spec TG eqs. (B.6), (B.10)-(B.16), (B.20))"}
        return Drawing(fig, axes_curves(fig, "main", FIELD[name]), params)
    return draw


FIGURES = [
    register(Figure(
        name="generations-chain",
        title="Regression chain: test error against the number of generations",
        source="spec TG §B.3, eq. (B.6); Model Collapse Demystified Fig. 1(a)",
        claim="Each generation of refitting on the previous model's labels adds "
              "σ0² d/(T0 - d - 1) to the error of OLS: it grows linearly with n; ridge slows "
              "but does not stop the growth.",
        sweep=_sweep_for("generations-chain"), draw=_draw_for("generations-chain"))),
    register(Figure(
        name="generations-ridge",
        title="U-shaped error against ridge λ, optimum moving with the generations",
        source="spec TG §B.6 claim 6, eq. (B.10)",
        claim="The downstream error is U-shaped in λ and its minimiser grows with the number "
              "of synthetic generations n: more synthetic noise calls for more regularisation.",
        sweep=_sweep_for("generations-ridge"), draw=_draw_for("generations-ridge"))),
    register(Figure(
        name="generations-crossover",
        title="Power-law spectrum: fast rate on clean data, slow rate after one generation",
        source="spec TG §B.4, eq. (B.20); Model Collapse Demystified Fig. 1(b)",
        claim="With a tuned ridge, noise-free clean data scale at the fast rate T^-2βr, while "
              "after a synthetic generation the error crosses over near T* to the slow rate "
              "T^-2βr/(2βr+1).",
        sweep=_sweep_for("generations-crossover"), draw=_draw_for("generations-crossover"))),
]
