"""Your data: loss curves (n, p2, loss) from a CSV file, with the collapse-aware law
fitted to them by :mod:`modelcollapse.fitting` (its bands and the largest safe p2)."""

from __future__ import annotations

import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..fitting import UnsupportedAnswer, fit_curves, read_csv
from .figure import Figure, Trace
from .params import MAX_BOOTSTRAP, Param
from .view import View

# The fitted law is drawn from the smallest n to this multiple of the largest.
EXTEND = 4.0

DATA_PARAMS = (
    Param("target_n", "target n", "1e6", slider=(1e2, 1e9, True),
          help="the sample size the advice is for"),
    Param("tolerance", "tolerance", "0.1", slider=(0.01, 1.0, True),
          help="a share is safe when its loss is at most (1 + tolerance) x the clean loss"),
    Param("bootstrap", "bootstrap replicates", "50", "whole", cap=MAX_BOOTSTRAP,
          help="for the bands (0: none)"),
)


def read_upload(text: str) -> Any:
    """The curves of an uploaded CSV file (header with n, p2 and loss), validated by
    :func:`modelcollapse.fitting.read_csv`."""
    with tempfile.TemporaryDirectory(prefix="modelcollapse-explore-") as folder:
        path = Path(folder) / "upload.csv"
        path.write_text(text, encoding="utf-8")
        return read_csv(path)


@lru_cache(maxsize=4)
def fitted(text: str, bootstrap: int) -> Any:
    """The law fitted to an uploaded file (kept: moving the target n or the tolerance asks
    the same fit a new question)."""
    curves = read_upload(text)
    return fit_curves(curves.n, curves.p2, curves.loss, bootstrap=bootstrap, seed=0)


def _label(p2: float) -> str:
    return f"p2 = {p2:g}"


def draw_data(v: dict[str, Any]) -> Figure:
    fig = Figure("Your data: loss against n", "n (samples)", "loss")
    text = v.get("csv")
    if not text:
        fig.notes.append("Load a CSV file with the columns n, p2 and loss (one row per point; "
                         "other columns are ignored).")
        return fig
    fit = fitted(text, v["bootstrap"])
    curves = fit.curves
    for p2 in curves.shares:
        on = curves.p2 == p2
        fig.traces.append(Trace(_label(p2), curves.n[on], curves.loss[on], kind="data",
                                group=_label(p2)))
    ns = np.geomspace(curves.n.min(), EXTEND * curves.n.max(), 100)
    for p2 in curves.shares:
        loss, low, high = fit.predict(ns, p2)
        fig.traces.append(Trace(f"fit, {_label(p2)}", ns, loss, kind="fit", band=(low, high),
                                group=_label(p2)))
    _advice(fig, fit, v["target_n"], v["tolerance"])
    fig.notes.append("Fitted law L = E + F·p2² + (A + G·p2·(1 − p2))·n^(−α) (the form of SMC "
                     "eq. (2.16)) by modelcollapse.fitting; shaded: its bootstrap interval.")
    return fig


def _advice(fig: Figure, fit: Any, target_n: float, tolerance: float) -> None:
    for p2 in fit.curves.shares:
        try:
            fig.read(f"floor, {_label(p2)}", "n → ∞", fit.floor(float(p2)))
        except UnsupportedAnswer as err:
            fig.notes.append(str(err))
    try:
        safe = fit.max_safe_p2(target_n, tolerance)
    except UnsupportedAnswer as err:
        fig.notes.append(f"max safe p2: {err}")
        return
    fig.read("max safe p2", f"n = {target_n:g}, tolerance {tolerance:g}", safe)


VIEW = View("data", "Your data: fit and advice", DATA_PARAMS, draw_data,
            about="Load measured loss curves (n, p2, loss): the collapse-aware law is fitted "
                  "to them, with its floors and the largest synthetic share that stays within "
                  "a tolerance of clean data at a target n.")
