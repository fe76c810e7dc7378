"""The networks-over-generations figures without training: their sweeps, full mode refused
without a GPU, drawing, and claims that hold on collapsing chains and fail on flat ones."""

import numpy as np
import pytest

from modelcollapse.experiments.chains import NETWORK_WORKFLOWS
from modelcollapse.reproduce.claims import Evidence
from modelcollapse.reproduce.networks_generations import (
    IMAGES_FIGURE,
    IMAGES_PARAMS,
    LM_FIGURE,
    LM_PARAMS,
)
from modelcollapse.sweep import Point

torch = pytest.importorskip("torch")
SEEDS = 3


def test_quick_sweeps_hold_one_task_per_workflow_generation_and_seed():
    lm = LM_FIGURE.sweep(True)
    g = LM_PARAMS[True]["generations"]
    assert lm.seeds == SEEDS and len(lm.settings) == len(NETWORK_WORKFLOWS) * (g + 1)
    assert {(s.workflow, s.generation) for s in lm.settings} == {
        (w, k) for w in NETWORK_WORKFLOWS for k in range(g + 1)}
    assert {s.pi for s in lm.settings if s.workflow == "mix"} == {0.5}
    assert {s.source for s in lm.settings} == {"shakespeare"}
    images = IMAGES_FIGURE.sweep(True)
    assert {s.dataset for s in images.settings} == {"digits"}
    assert len(images.settings) == 2 * len(NETWORK_WORKFLOWS) * (IMAGES_PARAMS[True]["generations"] + 1)


def test_full_mode_is_refused_without_a_gpu_before_any_work(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ValueError, match="^figure nn-lm-generations: full mode .* needs a GPU"):
        LM_FIGURE.sweep(False)
    with pytest.raises(ValueError, match="^figure nn-images-generations: full mode"):
        IMAGES_FIGURE.sweep(False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    full = LM_FIGURE.sweep(False)
    assert {s.source for s in full.settings} == {"tinystories"}
    assert {s.size for s in full.settings} == {"gpt2-12L"}


def _lm_result(loss, distinct, slope):
    text = {"distinct_2": distinct, "zipf_slope": slope}
    return {"test_error": loss, "own_loss": loss - 0.5, "generated_text": text,
            "real_text": {"distinct_2": 0.9, "zipf_slope": -0.9}}


def _points(pattern, **fields):
    """Stored points of every (workflow, generation): ``pattern(workflow, k, seed)`` gives a
    seed's result."""
    g = LM_PARAMS[True]["generations"]
    out = []
    for w in NETWORK_WORKFLOWS:
        for k in range(g + 1):
            results = tuple(pattern(w, k, s) for s in range(SEEDS))
            values = np.array([r["test_error"] for r in results])
            out.append(Point({"workflow": w, "generation": k, **fields}, float(values.mean()),
                             float(values.std(ddof=1) / np.sqrt(SEEDS)), SEEDS, values, results))
    return out


def collapsing(w, k, s):
    """Replace drifts up and loses its tail; accumulate stays near generation 0."""
    rise = {"replace": 0.3, "mix": 0.1, "accumulate-subsample": 0.15, "accumulate": 0.02}[w]
    return _lm_result(4.0 + 0.01 * s + rise * k, 0.9 - 0.02 * k * (w == "replace"),
                      -0.5 - 0.03 * k * (w == "replace"))


def flat(w, k, s):
    return _lm_result(4.0 + 0.01 * s, 0.9, -0.5)


def _verdicts(figure, points):
    evidence = Evidence(points, np.full(len(points), np.nan), quick=True)
    return {c.name: c.evaluate(evidence) for c in figure.claims}


def test_lm_claims_hold_on_a_collapsing_chain_and_fail_on_a_flat_one():
    held = _verdicts(LM_FIGURE, _points(collapsing))
    assert all(v.passed for v in held.values()), [v.line() for v in held.values()]
    assert held["replace-rises"].measured["last minus first generation, per seed"] == \
        pytest.approx([1.2] * SEEDS)
    failed = _verdicts(LM_FIGURE, _points(flat))
    assert not any(v.passed for v in failed.values())


def test_images_claims_read_each_model():
    points = [p for model in ("random-features", "two-layer")
              for p in _points(collapsing, model=model)]
    assert all(v.passed for v in _verdicts(IMAGES_FIGURE, points).values())
    mixed = [p for model, pattern in (("random-features", collapsing), ("two-layer", flat))
             for p in _points(pattern, model=model)]
    verdicts = _verdicts(IMAGES_FIGURE, mixed)
    assert verdicts["replace-rises-random-features"].passed
    assert not verdicts["replace-rises-two-layer"].passed


def test_figures_draw_every_workflow():
    drawing = LM_FIGURE.draw(_points(collapsing), True)
    axes = drawing.figure.axes
    assert len(axes) == 4
    labels = [t.get_text() for t in axes[2].get_legend().get_texts()]
    assert labels == ["real text", "replace", "accumulate", "accumulate-subsample", "mix (π = 0.5)"]
    assert drawing.parameters["family"] == "lm-generations" and drawing.parameters["top_p"] == 0.9
    points = [p for model in ("random-features", "two-layer") for p in _points(collapsing, model=model)]
    assert len(IMAGES_FIGURE.draw(points, True).figure.axes) == 2
