"""Generations and tails: the regression chain's error against generation under each data
workflow (family ``workflow``, WF), and the Hutter LLM's error against T under tail cuts,
narrowing and mixing (family ``tails``, TG §A). Every number is ``modelcollapse.predict`` of
the family's configuration; a combination without a theory says so and can be simulated."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..family import family_of
from ..tails import TailsSetting
from ..tails.transforms import plateau
from ..verbs import predict
from ..workflows.config import WORKFLOWS, WorkflowSetting
from .figure import Figure, Trace
from .params import (
    BETA,
    MAX_D,
    MAX_GENERATIONS,
    MAX_ROWS,
    MAX_SIM_D,
    MAX_SIM_POINTS,
    MAX_SIM_T,
    POINTS,
    SPECTRUM,
    Param,
    grid,
    spectrum_text,
)
from .view import SimulationPoint, View

# -- regression chain under a workflow ------------------------------------------------------
WORKFLOW_PARAMS = (
    Param("workflows", "workflows", "replace,accumulate,mix,verify", "choices", options=WORKFLOWS,
          help="one curve per workflow"),
    Param("d", "dimension d", "20", "whole", slider=(2, 500, True), cap=MAX_D),
    Param("T", "rows per block T", "50", "whole", slider=(2, 5000, True), cap=MAX_ROWS),
    Param("generations", "generations G", "10", "whole", slider=(1, MAX_GENERATIONS, False),
          cap=MAX_GENERATIONS),
    Param("pi", "mix: fresh real fraction π", "0.4", slider=(0.0, 1.0, False)),
    Param("tau", "verify: tolerance τ", "1", slider=(0.05, 5.0, True),
          help="a candidate is kept when |y − x·w*| <= τ"),
    Param("sigma", "label noise σ", "1", slider=(0.0, 3.0, False)),
    Param("ridge", "ridge λ", "0", slider=(0.0, 2.0, False)),
    Param("design", "design", "fresh", "choice", options=("fresh", "fixed")),
    SPECTRUM, BETA,
)


def _workflow_settings(v: dict[str, Any]) -> dict[str, WorkflowSetting]:
    return {w: WorkflowSetting(
        d=v["d"], T=v["T"], generations=v["generations"], workflow=w,
        pi=v["pi"] if w == "mix" else None, tau=v["tau"] if w == "verify" else None,
        sigma=v["sigma"], ridge=v["ridge"], design=v["design"],
        spectrum=spectrum_text(v["spectrum"], v["beta"])) for w in v["workflows"]}


def _workflow_label(setting: WorkflowSetting) -> str:
    if setting.workflow == "mix":
        return f"mix (π = {setting.pi:g})"
    if setting.workflow == "verify":
        return f"verify (τ = {setting.tau:g})"
    return setting.workflow


def draw_workflows(v: dict[str, Any]) -> Figure:
    settings = _workflow_settings(v)
    G = v["generations"]
    fig = Figure(f"Test error against generation (d = {v['d']}, T = {v['T']})",
                 "generation", "test error", x_log=False, y_log=False)
    for setting in settings.values():
        label = _workflow_label(setting)
        try:
            result = predict(setting)
        except ValueError as err:  # no law for this combination: the simulation answers
            fig.notes.append(f"{label}: no law for this combination ({err}); its Monte-Carlo "
                             "markers are one press of Simulate away")
            continue
        fig.traces.append(Trace(label, list(range(G + 1)), result.by_generation, group=label))
        fig.read(label, f"generation {G}", result.test_error, result.note)
    fig.probe = G
    fig.notes.append("Theory: the exact least-squares laws and the finite-T recursion of WF "
                     "via modelcollapse.predict (family workflow).")
    return fig


def simulate_workflows(v: dict[str, Any]) -> list[SimulationPoint]:
    if v["d"] > MAX_SIM_D:
        raise ValueError(f"d must be <= {MAX_SIM_D} for a simulation in the explorer, "
                         f"got {v['d']}")
    return [SimulationPoint(_workflow_label(s), list(range(v["generations"] + 1)), s,
                            curve="by_generation") for s in _workflow_settings(v).values()]


# -- Hutter LLM against T ---------------------------------------------------------------------
TAILS_PARAMS = (
    Param("beta", "Zipf exponent β", "2", slider=(1.05, 4.0, False), help="β > 1"),
    Param("cuts", "tail cuts k", "100,1000", "list", optional=True,
          help="top-k cuts, one curve each (empty: none)"),
    Param("temperature", "narrowing: temperature τ", "0.8", slider=(0.3, 1.0, False),
          optional=True, help="train on Zipf(β/τ) (empty: no curve)"),
    Param("pi", "mixing: clean fraction π", "0.1", slider=(0.0, 0.5, False),
          help="the first cut mixed with a fraction π of clean data (0: no curve)"),
    Param("T", "probe T", "1e5", slider=(1e2, 1e9, True),
          help="the sample count whose errors are printed under the plot"),
    Param("Tmin", "smallest T", "100"),
    Param("Tmax", "largest T", "1e8"),
    Param("points", "points per curve", "60", "whole", cap=POINTS.cap, help=POINTS.help),
)


def _tails_settings(v: dict[str, Any]) -> dict[str, TailsSetting]:
    beta, T = v["beta"], v["T"]
    out = {"clean": TailsSetting(beta=beta, T=T)}
    cuts = v["cuts"] or ()
    for k in cuts:
        out[f"top-k, k = {k:g}"] = TailsSetting(beta=beta, T=T, k=k)
    if v["temperature"] is not None:
        out[f"narrowed, τ = {v['temperature']:g}"] = TailsSetting(beta=beta, T=T,
                                                                 temperature=v["temperature"])
    if v["pi"] > 0:
        if not cuts:
            raise ValueError("pi: mixing is drawn for the first tail cut; give cuts")
        out[f"k = {cuts[0]:g} + π = {v['pi']:g} clean"] = TailsSetting(beta=beta, T=T, k=cuts[0],
                                                                      pi=v["pi"])
    return out


def draw_tails(v: dict[str, Any]) -> Figure:
    settings = _tails_settings(v)
    Ts = grid("Tmin", v["Tmin"], v["Tmax"], v["points"], log=True)
    fig = Figure(f"Hutter LLM on Zipf(β = {v['beta']:g}) data: test error against T",
                 "T (training samples)", "test error", probe=v["T"])
    for label, setting in settings.items():
        curve = family_of(setting).theory(setting, T=Ts)  # the family's theory over a grid of T
        fig.traces.append(Trace(label, Ts, curve, group=label))
        if setting.transform in ("k", "top_p") and setting.pi == 0:
            level = plateau(setting)
            fig.traces.append(Trace(f"plateau, {label}", Ts[[0, -1]], [level, level],
                                    kind="floor", group=label))
        result = predict(setting)
        fig.read(label, f"T = {setting.T:g}", result.test_error, result.note)
    fig.notes.append("Exact expected error of the Hutter LLM (TG eq. (A.2)) via "
                     "modelcollapse.predict (family tails): cuts TG eqs. (A.5), (A.8); "
                     "narrowing (A.6); mixing (A.19).")
    return fig


def simulate_tails(v: dict[str, Any]) -> list[SimulationPoint]:
    if v["Tmax"] > MAX_SIM_T:
        raise ValueError(f"Tmax must be <= {MAX_SIM_T:g} for a simulation in the explorer, "
                         f"got {v['Tmax']:g}")
    Ts = np.unique(np.round(grid("Tmin", v["Tmin"], v["Tmax"], MAX_SIM_POINTS, log=True)))
    return [SimulationPoint(label, float(T), setting.replace(T=float(T)))
            for label, setting in _tails_settings(v).items() for T in Ts]


VIEWS = (
    View("workflows", "Generations: data workflows", WORKFLOW_PARAMS, draw_workflows,
         simulate_workflows,
         about="A regression chain in which generation k − 1 labels the data of generation "
               "k: replacing the data collapses, accumulating it does not, mixing in fresh "
               "real data or verifying the labels holds the error."),
    View("tails", "Tails: cuts, narrowing, mixing", TAILS_PARAMS, draw_tails, simulate_tails,
         about="A model that memorises what it saw, trained on Zipf data whose tail a "
               "generator cut or narrowed: the scaling law stops, or slows."),
)
