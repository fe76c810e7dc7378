"""Figures of "A Tale of Tails" beyond the Hutter LLM (TG §A.5, §A.6): the tailed bigram
model with Hutter++ and the capacity-limited associative memory.

Neither family has an exact error formula here (TG marks their laws [OPEN]), so the
figures show Monte-Carlo markers joined by thin lines and check the claims the data can
decide: the bigram cut's floor Σ_{j>k} p_j (eq. (A.22) with a top-k cut), and the memory's
error falling with its capacity d, faster with top-d thresholding (eq. (A.24)).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..sweep import Point, Sweep
from ..tails.bigram import BigramSetting
from ..tails.hutter import tail_mass
from ..tails.memory import MemorySetting
from .claims import Check, Claim, Evidence
from .registry import (
    ERROR_BAR_SEMS,
    Drawing,
    Figure,
    describe,
    finish,
    joined_markers,
    new_figure,
    palette,
    register,
    select,
)

BETA = 2.0
BIGRAM: dict[bool, dict[str, Any]] = {
    True: {"base": BigramSetting(beta=BETA, T=1e3, contexts=1 << 14, vocab=1 << 10),
           "T": np.logspace(3, 7, 5), "ks": (None, 10), "seeds": 20},
    False: {"base": BigramSetting(beta=BETA, T=1e3),
            "T": np.logspace(3, 9, 13), "ks": (None, 10, 100), "seeds": 50},
}
MEMORY: dict[bool, dict[str, Any]] = {
    True: {"base": MemorySetting(beta=BETA, T=1e4, d=8, items=1024),
           "d": (8, 16, 32, 64, 128, 256, 512), "storage": ("frequency", "top"), "seeds": 10},
    False: {"base": MemorySetting(beta=BETA, T=1e5, d=8, items=4096),
            "d": (8, 16, 32, 64, 128, 256, 512, 1024, 2048),
            "storage": ("frequency", "seen", "top"), "seeds": 40},
}


def _note(points: list[Point]) -> str:
    seeds = max((q.seeds for q in points), default=0)
    return (f"markers: Monte-Carlo mean ± {ERROR_BAR_SEMS:g} SEM over {seeds} seeds; "
            "thin lines join them (no exact law)")


def _name(name: str, quick: bool) -> str:
    return f"{name}{'-quick' if quick else ''}"


def bigram_sweep(quick: bool) -> Sweep:
    p = BIGRAM[quick]
    settings = tuple(p["base"].replace(T=float(t), k=k) for k in p["ks"] for t in p["T"])
    return Sweep(_name("tails-bigram", quick), settings, seeds=p["seeds"])


def bigram_draw(points: list[Point], quick: bool) -> Drawing:
    p = BIGRAM[quick]
    fig, ax = new_figure(1, 6.8, 4.8)
    for color, k in zip(palette("viridis", len(p["ks"]), 0.8), p["ks"], strict=True):
        joined_markers(ax, select(points, "T", k=k), "T", color=color,
                       label="clean" if k is None else f"top-{k} cut")
        if k is not None:
            ax.axhline(float(tail_mass(BETA, k)), color=color, ls="--", lw=0.9)
    ax.plot([], [], color="0.35", ls="--", lw=0.9, label=r"cut mass $\sum_{j>k} p_j$")
    ax.set_xscale("log")
    ax.set_yscale("log")
    finish(ax, xlabel="training samples T",
           ylabel=r"$\sum_i p_i\,\mathrm{TV}(\hat q(\cdot|i), p(\cdot|i))$",
           title=f"Tailed bigram data, Hutter++ estimator, β = {BETA:g}\n{_note(points)}")
    params = {"beta": BETA, "contexts": p["base"].contexts, "vocab": p["base"].vocab,
              "T": describe(p["T"]), "cuts k": list(p["ks"]), "seeds": p["seeds"],
              "family": "bigram", "theory": "none exact ([OPEN] law); dashed: cut mass"}
    return Drawing(fig, [], params)


def cut_floors_the_error(ev: Evidence) -> Check:
    """A top-k cut of every next-token law floors the error at Σ_{j>k} p_j: the cut curve
    approaches the floor from above as T grows, while clean data fall far below it."""
    held, measured = True, {}
    _, clean, _ = ev.curve("T", k=None)
    for k in sorted({r["k"] for r in ev.rows()} - {None}):
        _, err, sem = ev.curve("T", k=k)
        floor = float(tail_mass(BETA, k))
        held &= bool(np.all(err > floor - 2 * sem)) and bool(np.all(np.diff(err) < 0))
        held &= err[-1] / floor - 1 < 0.03 and clean[-1] < floor / 5
        measured[f"k={k}"] = {"last / floor": err[-1] / floor, "clean last / floor": clean[-1] / floor}
    return held, measured, ("cut curve decreasing and above the floor (2 SEM), within 3% of it at "
                            "the largest T; clean ends 5x below it")


def clean_keeps_falling(ev: Evidence) -> Check:
    """Clean data keep improving at a rate approaching T^(-1/2) (TG §A.5, [OPEN] law
    T^(-min(1 - 1/β, 1/2))): every decade lowers the error, more steeply as T grows."""
    T, err, _ = ev.curve("T", k=None)
    slopes = -np.diff(np.log(err)) / np.diff(np.log(T))
    held = bool(np.all(slopes > 0.3)) and bool(np.all(slopes < 0.55)) and slopes[-1] > slopes[0]
    return held, {"local slopes": slopes}, "every local slope in (0.3, 0.55), the last steeper than the first"


def memory_sweep(quick: bool) -> Sweep:
    p = MEMORY[quick]
    settings = tuple(p["base"].replace(d=d, storage=s) for s in p["storage"] for d in p["d"])
    return Sweep(_name("tails-memory", quick), settings, seeds=p["seeds"])


def memory_draw(points: list[Point], quick: bool) -> Drawing:
    p = MEMORY[quick]
    fig, ax = new_figure(1, 6.8, 4.8)
    for color, storage in zip(palette("plasma", len(p["storage"]), 0.8), p["storage"], strict=True):
        joined_markers(ax, select(points, "d", storage=storage), "d", color=color,
                       label=f"storage: {storage}")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    base = p["base"]
    finish(ax, xlabel="memory capacity d (embedding dimension)", ylabel="test error",
           title=f"Associative memory, β = {BETA:g}, T = {base.T:g}, {base.items} items\n"
                 f"{_note(points)}")
    params = {"beta": BETA, "T": base.T, "items": base.items, "outputs": base.outputs,
              "embedding": base.embedding, "d": list(p["d"]), "storage": list(p["storage"]),
              "seeds": p["seeds"], "family": "memory", "theory": "none ([OPEN] triplet law)"}
    return Drawing(fig, [], params)


def capacity_helps(ev: Evidence) -> Check:
    """The error falls with the capacity d under every storage rule, and storing the top-d
    items uses the capacity better than frequency weighting once d reaches 64."""
    held, measured = True, {}
    for storage in sorted({r["storage"] for r in ev.rows()}):
        d, err, sem = ev.curve("d", storage=storage)
        steps = np.diff(err) < 2 * np.hypot(sem[1:], sem[:-1])
        held &= bool(np.all(steps)) and err[0] / err[-1] > 4
        measured[storage] = {"first / last": err[0] / err[-1]}
    d, freq, _ = ev.curve("d", storage="frequency")
    _, top, _ = ev.curve("d", storage="top")
    ratio = top[d >= 64] / freq[d >= 64]
    held &= bool(np.all(ratio < 0.2))
    measured["top / frequency at d >= 64"] = ratio
    return held, measured, ("non-increasing in d within 2 SEM, first > 4x last; top-d below 0.2x "
                            "frequency for d >= 64")


BIGRAM_FIGURE = register(Figure(
    name="tails-bigram",
    title="Tailed bigram with Hutter++: error vs T, clean and with a top-k cut of every next-token law",
    source="TG §A.5, eqs. (A.21)-(A.22)",
    claim="Clean bigram data keep improving with T while a top-k cut of the next-token laws "
          "floors the error at the cut mass Σ_{j>k} p_j.",
    sweep=bigram_sweep, draw=bigram_draw,
    claims=(Claim("cut-floor", "A top-k cut floors the error at the cut mass.", cut_floors_the_error),
            Claim("clean-falls", "Clean data keep improving, approaching T^(-1/2).",
                  clean_keeps_falling))))
MEMORY_FIGURE = register(Figure(
    name="tails-memory",
    title="Associative memory: error vs capacity d, frequency-weighted and top-d storage",
    source="TG §A.6, eqs. (A.23)-(A.24)",
    claim="A capacity-limited memory's error falls with its capacity d (the d^(-c_q) term of "
          "the triplet law), faster when it stores only its d most frequent items.",
    sweep=memory_sweep, draw=memory_draw,
    claims=(Claim("capacity", "The error falls with d; top-d storage uses capacity better.",
                  capacity_helps),)))
