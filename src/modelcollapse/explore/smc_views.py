"""Strong model collapse: test error against n (one curve per p2, with its floor) and the
random-projections model against its size m. Every number is ``modelcollapse.predict`` of a
:class:`~modelcollapse.config.Setting` (SMC eq. (2.16) and §3); floors are
:func:`~modelcollapse.theory.scaling.floor_value` (SMC eqs. (2.19)-(2.20))."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..config import Setting
from ..simulate.engine import choose_method
from ..theory.scaling import floor_value
from ..verbs import predict
from .figure import Figure, Trace
from .params import BETA, MAX_D, MAX_SIM_D, MAX_SIM_POINTS, POINTS, SPECTRUM, Param, grid, spectrum_text
from .view import SimulationPoint, View

SHARED = (
    Param("sigma", "label noise σ", "1", slider=(0.0, 3.0, False)),
    Param("c2", "synthetic shift c²", "1", slider=(0.0, 4.0, False),
          help="c² = E[(x·(w2* − w1*))²], the quality of the synthetic labels"),
    Param("ridge", "ridge λ", "0", slider=(0.0, 2.0, False), help="0: minimum-norm least squares"),
    SPECTRUM, BETA,
)


def _base(v: dict[str, Any], **fields: Any) -> Setting:
    return Setting(sigma=v["sigma"], c2=v["c2"], ridge=v["ridge"],
                   spectrum=spectrum_text(v["spectrum"], v["beta"]), **fields)


def _label(p2: float) -> str:
    return f"p2 = {p2:g}"


def _read(fig: Figure, base: Setting, p2s: tuple[float, ...], where: str, quantity: str) -> None:
    """The probe point's value per p2: one scalar ``predict`` each, exactly what
    ``modelcollapse predict`` prints for that setting."""
    for p2 in p2s:
        result = predict(base.replace(p2=p2))
        fig.read(_label(p2), where, getattr(result, quantity), result.note)


# -- error against n ----------------------------------------------------------------------
N_PARAMS = (
    Param("d", "dimension d", "100", "whole", slider=(10, 2000, True), cap=MAX_D),
    Param("p2", "synthetic fractions p2", "0,0.001,0.01,0.1", "list",
          help="one curve per value, each in [0, 1]"),
    *SHARED,
    Param("n", "probe n", "10000", "whole", slider=(100, 1e7, True),
          help="the sample size whose errors are printed under the plot"),
    Param("nmin", "smallest n", "1000", "number"),
    Param("nmax", "largest n", "1e7", "number"),
    POINTS,
)


def draw_n(v: dict[str, Any]) -> Figure:
    base = _base(v, d=v["d"], n=v["n"])
    ns = grid("nmin", v["nmin"], v["nmax"], v["points"], log=True)
    p2s = v["p2"]
    errors = predict(base, n=ns, p2=np.array(p2s)[:, None]).test_error
    fig = Figure(f"Test error against n (d = {base.d}, spectrum {base.spectrum})",
                 "n (samples)", "test error")
    for p2, row in zip(p2s, errors, strict=True):
        fig.traces.append(Trace(_label(p2), ns, row, group=_label(p2)))
        if p2 > 0:
            floor = floor_value(base.replace(p2=p2))
            fig.traces.append(Trace(f"floor, {_label(p2)}", ns[[0, -1]], [floor, floor],
                                    kind="floor", group=_label(p2)))
    _read(fig, base, p2s, f"n = {base.n}", "test_error")
    fig.probe = base.n
    fig.notes.append("Curves: SMC eq. (2.16) via modelcollapse.predict; dashed: the floor "
                     "n → ∞ (SMC eqs. (2.19)-(2.20)), p2²c² without ridge.")
    return fig


def simulate_n(v: dict[str, Any]) -> list[SimulationPoint]:
    _check_sim_d(v["d"])
    base = _base(v, d=v["d"], n=v["n"])
    ns = np.unique(np.round(grid("nmin", v["nmin"], v["nmax"], MAX_SIM_POINTS, log=True)))
    points = []
    for p2 in v["p2"]:
        for n in ns:
            setting = base.replace(p2=p2, n=int(n))
            points.append(SimulationPoint(_label(p2), float(n), setting,
                                          choose_method(setting, "auto", "conditional")))
    return points


# -- random projections against model size m ---------------------------------------------
QUANTITIES = ("synthetic_penalty", "test_error")
M_PARAMS = (
    Param("d", "dimension d", "1000", "whole", slider=(10, 4000, True), cap=MAX_D),
    Param("n", "samples n", "500", "whole", slider=(10, 1e5, True)),
    Param("p2", "synthetic fractions p2", "0.05,0.2,0.5", "list",
          help="one curve per value, each in [0, 1]"),
    *SHARED,
    Param("quantity", "plotted", "synthetic_penalty", "choice", options=QUANTITIES),
    Param("m", "probe model size m", "600", "whole", slider=(10, 5000, True),
          help="the model size whose values are printed under the plot"),
    Param("mmin", "smallest m", "10", "number"),
    Param("mmax", "largest m", "5000", "number"),
    POINTS,
)


def draw_m(v: dict[str, Any]) -> Figure:
    base = _base(v, d=v["d"], n=v["n"], model="random-projections", m=v["m"])
    ms = grid("mmin", v["mmin"], v["mmax"], v["points"], log=True)
    p2s = v["p2"]
    values = getattr(predict(base, m=ms, p2=np.array(p2s)[:, None]), v["quantity"])
    what = v["quantity"].replace("_", " ")
    fig = Figure(f"Random projections: {what} against model size m (d = {base.d}, n = {base.n})",
                 "m (model size)", what, y_log=v["quantity"] == "test_error")
    for p2, row in zip(p2s, np.broadcast_to(values, (len(p2s), ms.size)), strict=True):
        fig.traces.append(Trace(_label(p2), ms, row, group=_label(p2)))
    _read(fig, base, p2s, f"m = {base.m}", v["quantity"])
    fig.probe = base.m
    fig.notes.append("Random projections f(x) = v·(Sx), S iid N(0, 1/d), averaged over S "
                     "(SMC §3) via modelcollapse.predict; the synthetic penalty is the part "
                     "of the error due to the synthetic labels.")
    return fig


def simulate_m(v: dict[str, Any]) -> list[SimulationPoint]:
    _check_sim_d(v["d"])
    base = _base(v, d=v["d"], n=v["n"], model="random-projections", m=v["m"])
    if v["quantity"] != "test_error":
        raise ValueError("quantity: Monte-Carlo estimates the test error; choose test_error "
                         "to compare")
    ms = np.unique(np.round(grid("mmin", v["mmin"], v["mmax"], MAX_SIM_POINTS, log=True)))
    points = []
    for p2 in v["p2"]:
        for m in ms:
            setting = base.replace(p2=p2, m=int(m))
            points.append(SimulationPoint(_label(p2), float(m), setting,
                                          choose_method(setting, "auto", "conditional")))
    return points


def _check_sim_d(d: int) -> None:
    if d > MAX_SIM_D:
        raise ValueError(f"d must be <= {MAX_SIM_D} for a simulation in the explorer, got {d}")


VIEWS = (
    View("smc-n", "Strong model collapse: error against n", N_PARAMS, draw_n, simulate_n,
         about="Test error of ridge regression trained on n samples, a fraction p2 of them "
               "synthetic: every p2 > 0 curve stops falling at its floor."),
    View("smc-m", "Random projections: against model size", M_PARAMS, draw_m, simulate_m,
         about="The random-projections model f(x) = v·(Sx) of size m: a larger model can "
               "amplify or mitigate the synthetic penalty."),
)
