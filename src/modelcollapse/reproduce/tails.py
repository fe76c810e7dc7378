"""Figures of "A Tale of Tails" (spec TG §A.7.1) in the report: Hutter LLM on Zipf data.

The drawing is :mod:`modelcollapse.tails.figures`; here each figure's Monte-Carlo markers
become a sweep of per-seed tasks of the ``tails`` family in the
results store, so the report compares them with the exact error ``tails.test_error``. The
settings behind the markers come from the figure module's ``*_points`` functions, so the
sweep and the drawing agree on every marker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..sweep import Point, Sweep
from ..tails import figures as F
from ..tails.config import TailsSetting
from .registry import Drawing, Figure, axes_curves, curve_markers, curves_sweep, describe, register

BETA = 2.0

# Quick: every curve, fewer points and seeds; full: the paper's ranges. T = 1e9 costs about
# what T = 1e4 does (multinomial counts over a capped support).
PARAMS: dict[str, dict[bool, dict[str, Any]]] = {
    "tails-double-scaling": {
        True: {"ks": (10, 100), "sim_T": np.logspace(2, 8, 7), "seeds": 20},
        False: {"ks": (10, 100, 1000), "sim_T": np.logspace(2, 9, 15), "seeds": 100}},
    "tails-narrowing": {
        True: {"temperatures": (1.0, 0.8, 0.6), "sim_T": np.logspace(2, 8, 7), "seeds": 20},
        False: {"temperatures": (1.0, 0.8, 0.6, 0.4), "sim_T": np.logspace(2, 9, 15),
                "seeds": 100}},
    "tails-mixing": {
        True: {"k": 100, "pis": (0.01, 0.1), "sim_T": np.logspace(3, 9, 7), "seeds": 20},
        False: {"k": 100, "pis": (0.001, 0.01, 0.1), "sim_T": np.logspace(3, 9, 13),
                "seeds": 100}},
    "tails-generations": {
        True: {"T0": 1e4, "T": 1e8, "n": (1, 2, 4, 8), "seeds": 20},
        False: {"T0": 1e4, "T": 1e8, "n": (1, 2, 4, 8, 16, 32), "seeds": 100}},
}
POINTS = {"tails-double-scaling": F.double_scaling_points, "tails-narrowing": F.narrowing_points,
          "tails-mixing": F.mixing_points, "tails-generations": F.generations_points}
DRAW = {"tails-double-scaling": F.double_scaling_figure, "tails-narrowing": F.narrowing_figure,
        "tails-mixing": F.mixing_figure, "tails-generations": F.generations_figure}


def _curves(name: str, quick: bool) -> dict[Any, list[TailsSetting]]:
    p = {k: v for k, v in PARAMS[name][quick].items() if k != "seeds"}
    return POINTS[name](beta=BETA, **p)


def _sweep_for(name: str) -> Callable[[bool], Sweep]:
    return curves_sweep(name, _curves, lambda quick: PARAMS[name][quick]["seeds"])


def _draw_for(name: str, field: str) -> Callable[[list[Point], bool], Drawing]:
    def draw(points: list[Point], quick: bool) -> Drawing:
        p = {k: v for k, v in PARAMS[name][quick].items() if k != "seeds"}
        markers = curve_markers(_curves(name, quick), points, field)
        fig = DRAW[name](beta=BETA, markers=markers, **p)
        params = {"beta": BETA, **{k: describe(v) for k, v in p.items()},
                  "seeds": PARAMS[name][quick]["seeds"], "family": "tails",
                  "theory": "exact Hutter error tails.test_error (spec TG eq. (A.2)); "
                            "dashed: asymptotic laws"}
        return Drawing(fig, axes_curves(fig, "main", field), params)
    return draw


FIGURES = [
    register(Figure(
        name="tails-double-scaling",
        title="Tail cutting: error vs T, clean and top-k cut training data",
        source="spec TG §A.7.1, eqs. (A.3), (A.7)-(A.8)",
        claim="With the tail cut at rank k the error follows the clean law T^-c until "
              "T ~ k^β, then plateaus at Σ_{i>k} p_i (double scaling law); clean data keeps "
              "falling like T^-c with c = 1 - 1/β.",
        sweep=_sweep_for("tails-double-scaling"), draw=_draw_for("tails-double-scaling", "T"))),
    register(Figure(
        name="tails-narrowing",
        title="Tail narrowing by temperature: error vs T, one curve per τ",
        source="spec TG §A.7.1, eqs. (A.6), (A.12)-(A.13)",
        claim="Training on a Zipf law narrowed to β/τ (temperature τ < 1) slows the scaling "
              "law to T^-cτ: the lower the temperature, the smaller the slope.",
        sweep=_sweep_for("tails-narrowing"), draw=_draw_for("tails-narrowing", "T"))),
    register(Figure(
        name="tails-mixing",
        title="Mixing a clean fraction π into tail-cut data: plateau, then recovery",
        source="spec TG §A.7.1, eqs. (A.19)-(A.20)",
        claim="With a fraction π of clean data the error plateaus like the cut data after "
              "T ~ k^β, then recovers along the clean law once T ≳ k^β/π (grokking).",
        sweep=_sweep_for("tails-mixing"), draw=_draw_for("tails-mixing", "T"))),
    register(Figure(
        name="tails-generations",
        title="Error against generations under mechanisms A, B, C",
        source="spec TG §A.3, §A.7.1",
        claim="Each generation of retraining on the previous generator's T0 samples loses "
              "more of the tail: the error grows with the number of generations n under "
              "every mechanism.",
        sweep=_sweep_for("tails-generations"), draw=_draw_for("tails-generations", "generations"))),
]
