"""Figure 7 of "Strong Model Collapse" in the report: networks on real images (spec SMC §7).

Each marker is an :class:`~modelcollapse.experiments.points.ImagesPoint` run for several
seeds by the per-seed task ``modelcollapse.experiments.tasks:images_one`` (random-features
ridge on images whose labels come, for a fraction p2, from a labeller network trained on n0
real images), stored in the results store like every Monte-Carlo sweep. There is no theory
curve: the closed forms of spec SMC §2-§5 are for Gaussian data, so the report shows the
markers without a comparison.

Quick mode uses scikit-learn's 8x8 digits (under a minute on 2 cores); full mode uses
Fashion-MNIST from Debian's ``dataset-fashion-mnist`` and refuses to run without it rather
than fall back to other data.
"""

from __future__ import annotations

from typing import Any

from ..experiments.data.images import DEBIAN_FASHION_MNIST
from ..experiments.points import ImagesPoint
from ..sweep import Point, Sweep
from .registry import (
    ERROR_BAR_SEMS,
    Drawing,
    Figure,
    describe,
    finish,
    markers,
    new_figure,
    palette,
    register,
    select,
)

NAME = "nn-images"
TASK = "modelcollapse.experiments.tasks:images_one"

# Quick: a labeller trained on 60 digits (about 12% wrong) labels the rest of the 1,437
# training digits; 4,096 random features exceed every n, so clean data keeps improving.
# Full: the p2 grid on Fashion-MNIST with 8,192 features (paper: 100,000); its
# harder classes need more ridge (at n = 4,000 and p2 = 0, λ = 1e-4 gives MSE 0.52, 1e-2 0.30).
# About 10 s per task at n = 4,000 on one core, several minutes at n = 16,000.
PARAMS: dict[bool, dict[str, Any]] = {
    True: {"base": ImagesPoint(n=100, dataset="digits", n0=60, width=4096, ridge=1e-4),
           "n": (100, 200, 400, 800, 1300), "p2": (0.0, 0.2, 0.5, 1.0), "seeds": 3},
    False: {"base": ImagesPoint(n=500, dataset="fashion-mnist", n0=1000, width=8192,
                                ridge=1e-2),
            "n": (500, 1000, 2000, 4000, 8000, 16000),
            "p2": (0.0, 0.01, 0.05, 0.2, 0.5, 1.0), "seeds": 3},
}


def sweep(quick: bool) -> Sweep:
    p = PARAMS[quick]
    if p["base"].dataset == "fashion-mnist" and not DEBIAN_FASHION_MNIST.is_dir():
        raise ValueError(f"figure {NAME}: full mode trains on Fashion-MNIST, which is not at "
                         f"{DEBIAN_FASHION_MNIST} (apt-get install dataset-fashion-mnist); "
                         "--quick uses scikit-learn's digits instead")
    return Sweep.grid(f"{NAME}{'-quick' if quick else ''}", p["base"], n=p["n"], p2=p["p2"],
                      seeds=p["seeds"], task=TASK)


def draw(points: list[Point], quick: bool) -> Drawing:
    p = PARAMS[quick]
    base = p["base"]
    fig, ax = new_figure(1, 6.4, 4.6)
    for color, p2 in zip(palette("viridis", len(p["p2"])), p["p2"], strict=True):
        curve = select(points, "n", p2=float(p2))
        n = [q.config["n"] for q in curve]
        markers(ax, n, curve, color=color, label=f"$p_2$ = {p2:g}")
        ax.plot(n, [q.mean for q in curve], color=color, lw=0.8, alpha=0.6, label="_join")
    ax.set_xscale("log")
    ax.set_yscale("log")
    seeds = sorted({q.seeds for q in points}) or [p["seeds"]]
    finish(ax, xlabel="training-set size $n$ (real + labeller-labelled images)",
           ylabel="test MSE on real labels  $E\\|f(x) - \\mathrm{onehot}(y)\\|^2$",
           title=f"{base.dataset}: random features (m = {base.width}), labeller on "
                 f"n0 = {base.n0} real images\nmarkers: mean ± {ERROR_BAR_SEMS:g} SEM over "
                 f"{seeds[-1]} seeds; thin lines join them (no theory)",
           legend_title="synthetic fraction")
    params = {**{k: v for k, v in base.to_dict().items() if k not in ("n", "p2")},
              "n": describe(p["n"]), "p2": describe(p["p2"]), "seeds": p["seeds"],
              "task": TASK, "error": "test MSE on the real test set (test_error); the store "
                                     "also keeps misclassification and the labeller's c2",
              "theory": "none: the closed forms (spec SMC §2-§5) do not cover networks on "
                        "real images; markers only"}
    return Drawing(fig, [], params)


FIGURE = register(Figure(
    name=NAME,
    title="Networks on real images: test error vs n, one curve per synthetic fraction p2",
    source="spec SMC §7 Figure 7 (paper §4.1)",
    claim="Replacing a fraction p2 of the real labels by a labeller network's labels raises "
          "the test error on real labels, and the larger p2 the sooner it stops improving "
          "with n (flat at p2 = 1) while clean data (p2 = 0) keeps scaling; no theory curve "
          "(networks on real data).",
    sweep=sweep, draw=draw, requires=("torch", "sklearn"), extra="nn"))

__all__ = ["FIGURE", "PARAMS", "draw", "sweep"]
