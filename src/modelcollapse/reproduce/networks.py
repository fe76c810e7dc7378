"""Figure 7 of "Strong Model Collapse" in the report: networks on real images (SMC §7).

Each marker is an :class:`~modelcollapse.experiments.points.ImagesPoint` run for several
seeds by the ``images`` family's per-seed run (``experiments.images_task.images_one``: a model trained
on images whose labels come, for a fraction p2, from a labeller network trained on n0 real
images), stored in the results store like every Monte-Carlo sweep. One panel per model, as
in the paper: random-features ridge and a trained two-layer network. There is no theory
curve: the closed forms of SMC §2-§5 are for Gaussian data, so the report shows the
markers without a comparison.

Quick mode uses scikit-learn's 8x8 digits (under a minute on 2 cores); full mode uses
Fashion-MNIST from Debian's ``dataset-fashion-mnist`` and refuses to run without it rather
than fall back to other data.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..experiments.data.images import DEBIAN_FASHION_MNIST
from ..experiments.points import MODEL_FIELDS, ImagesPoint
from ..sweep import Point, Sweep
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

NAME = "nn-images"

# Quick: a labeller trained on 60 digits (about 12% wrong) labels the rest of the 1,437
# training digits; 4,096 random features exceed every n, so clean data keeps improving; the
# two-layer net (width 1,024) takes about a second per fit.
# Full: the p2 grid on Fashion-MNIST with 8,192 features (paper: 100,000); its
# harder classes need more ridge (at n = 4,000 and p2 = 0, λ = 1e-4 gives MSE 0.52, 1e-2 0.30);
# the paper's two-layer width 2,000. About 10 s per random-features task at n = 4,000 on one
# core, a minute at n = 16,000; the two-layer fits want a GPU at that scale.
PARAMS: dict[bool, dict[str, Any]] = {
    True: {"models": (ImagesPoint(n=100, dataset="digits", n0=60, width=4096, ridge=1e-4),
                      ImagesPoint(n=100, dataset="digits", n0=60, width=1024, model="two-layer")),
           "n": (100, 200, 400, 800, 1300), "p2": (0.0, 0.2, 0.5, 1.0), "seeds": 3},
    False: {"models": (ImagesPoint(n=500, dataset="fashion-mnist", n0=1000, width=8192,
                                   ridge=1e-2),
                       ImagesPoint(n=500, dataset="fashion-mnist", n0=1000, width=2000,
                                   model="two-layer")),
            "n": (500, 1000, 2000, 4000, 8000, 16000),
            "p2": (0.0, 0.01, 0.05, 0.2, 0.5, 1.0), "seeds": 3},
}
TITLES = {"random-features": "random features (m = {width}), ridge λ = {ridge:g}",
          "two-layer": "two-layer ReLU net (width {width}), Adam on the MSE"}


def blocker(quick: bool) -> str:
    """Full mode needs Fashion-MNIST from Debian; quick mode's digits ship with scikit-learn
    (checked before any work)."""
    if PARAMS[quick]["models"][0].dataset != "fashion-mnist" or DEBIAN_FASHION_MNIST.is_dir():
        return ""
    return (f"needs Fashion-MNIST in full mode, which is not at {DEBIAN_FASHION_MNIST} "
            "(apt-get install dataset-fashion-mnist); --quick uses scikit-learn's digits "
            "instead")


def sweep(quick: bool) -> Sweep:
    p = PARAMS[quick]
    reason = blocker(quick)
    if reason:
        raise ValueError(f"figure {NAME}: {reason}")
    name = f"{NAME}{'-quick' if quick else ''}"
    blocks = [Sweep.grid(name, base, n=p["n"], p2=p["p2"], seeds=p["seeds"])
              for base in p["models"]]
    return sum(blocks[1:], blocks[0])


def draw(points: list[Point], quick: bool) -> Drawing:
    p = PARAMS[quick]
    fig, axes = new_figure(len(p["models"]), 5.6 * len(p["models"]), 4.6)
    seeds = sorted({q.seeds for q in points}) or [p["seeds"]]
    for ax, base in zip(axes, p["models"], strict=True):
        for color, p2 in zip(palette("viridis", len(p["p2"])), p["p2"], strict=True):
            joined_markers(ax, select(points, "n", p2=float(p2), model=base.model), "n",
                           color=color, label=f"$p_2$ = {p2:g}")
        ax.set_xscale("log")
        ax.set_yscale("log")
        finish(ax, xlabel="training-set size $n$ (real + labeller-labelled images)",
               ylabel="test MSE on real labels  $E\\|f(x) - \\mathrm{onehot}(y)\\|^2$",
               title=f"{base.dataset}: {TITLES[base.model].format(**base.to_dict())}\n"
                     f"labeller on n0 = {base.n0} real images; mean ± {ERROR_BAR_SEMS:g} SEM "
                     f"over {seeds[-1]} seeds", legend_title="synthetic fraction")
    own = {"n", "p2", "model", "width", *(f for fs in MODEL_FIELDS.values() for f in fs)}
    params = {**{k: v for k, v in p["models"][0].to_dict().items() if k not in own},
              "models": [{k: getattr(b, k) for k in ("model", "width", *MODEL_FIELDS[b.model])}
                         for b in p["models"]],
              "n": describe(p["n"]), "p2": describe(p["p2"]), "seeds": p["seeds"],
              "family": "images", "error": "test MSE on the real test set (test_error); the store "
                                     "also keeps misclassification and the labeller's c2",
              "theory": "none: the closed forms (SMC §2-§5) do not cover networks on "
                        "real images; markers only (thin lines join them)"}
    return Drawing(fig, [], params)


def rises_with_p2(ev: Evidence) -> Check:
    """At the largest n the error increases with p2 for both models, all-synthetic labels
    clearly above real ones."""
    held, measured = True, {}
    for model in MODEL_FIELDS:
        at_max = [ev.curve("n", p2=float(p2), model=model)[1][-1] for p2 in sorted(
            {r["p2"] for r in ev.rows(model=model)})]
        _, clean, clean_sem = ev.curve("n", p2=0.0, model=model)
        _, synth, synth_sem = ev.curve("n", p2=1.0, model=model)
        gap = (synth[-1] - clean[-1]) / np.hypot(synth_sem[-1], clean_sem[-1])
        held &= gap > ERROR_BAR_SEMS and bool(np.all(np.diff(at_max) > 0))
        measured[model] = {"error at the largest n, by p2": at_max, "p2 = 1 above clean (SEM)": gap}
    return held, measured, f"increasing in p2; p2 = 1 above p2 = 0 by > {ERROR_BAR_SEMS:g} SEM"


def synthetic_stops_scaling(ev: Evidence) -> Check:
    """Clean data keep improving with n while all-synthetic labels flatten: random features
    over the last step of n, the two-layer net over the second half of the n grid."""
    n, clean, clean_sem = ev.curve("n", p2=0.0, model="random-features")
    _, synth, synth_sem = ev.curve("n", p2=1.0, model="random-features")
    clean_drop = (clean[-2] - clean[-1]) / clean[-2]
    synth_change = abs(synth[-2] - synth[-1]) / synth[-2]
    rf = (clean[-2] - clean[-1] > ERROR_BAR_SEMS * np.hypot(clean_sem[-2], clean_sem[-1])
          and (abs(synth[-2] - synth[-1]) <= ERROR_BAR_SEMS * np.hypot(synth_sem[-2], synth_sem[-1])
               or synth_change < 0.25 * clean_drop))
    _, net_clean, _ = ev.curve("n", p2=0.0, model="two-layer")
    _, net_synth, _ = ev.curve("n", p2=1.0, model="two-layer")
    i = len(n) // 2
    clean_gain = (net_clean[i] - net_clean[-1]) / net_clean[i]
    synth_gain = (net_synth[i] - net_synth[-1]) / net_synth[i]
    return bool(rf) and synth_gain < 0.5 * clean_gain, \
        {"random features: clean drop, last step": clean_drop,
         "random features: synthetic change, last step": synth_change,
         "two-layer: clean gain, second half": clean_gain,
         "two-layer: synthetic gain, second half": synth_gain}, \
        (f"random features: clean falls by > {ERROR_BAR_SEMS:g} SEM while synthetic moves "
         "< that or < a quarter as much; two-layer: synthetic gains < half the clean gain")


FIGURE = register(Figure(
    name=NAME,
    title="Networks on real images: test error vs n, one curve per synthetic fraction p2, "
          "for random features and a trained two-layer net",
    source="SMC §7 Figure 7 (paper §4.1)",
    claim="Replacing a fraction p2 of the real labels by a labeller network's labels raises "
          "the test error on real labels, and the larger p2 the sooner it stops improving "
          "with n (flat at p2 = 1) while clean data (p2 = 0) keeps scaling; no theory curve "
          "(networks on real data).",
    sweep=sweep, draw=draw, requires=("torch", "sklearn"), extra="nn", blocker=blocker,
    claims=(Claim("rises-with-p2", "At the largest n the error rises with the synthetic "
                  "fraction p2, for both models.", rises_with_p2),
            Claim("stops-scaling", "Clean data keep improving with n while all-synthetic "
                  "labels stop improving.", synthetic_stops_scaling))))

__all__ = ["FIGURE", "PARAMS", "blocker", "draw", "sweep"]
