"""Labeller -> synthetic labels -> mixtures -> models, on scikit-learn's digits (SMC §7, Fig. 7)."""

import json

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("sklearn")

from modelcollapse.experiments.data.images import load_image_data
from modelcollapse.experiments.images import ImagesConfig, fit_and_score
from modelcollapse.experiments.images_task import run_images, summarise_images
from modelcollapse.experiments.labeller import train_labeller
from modelcollapse.experiments.two_layer import predict_two_layer, train_two_layer

TINY = ImagesConfig(dataset="digits", n0=60, labeller_width=32, labeller_epochs=20,
                    n_grid=(200, 1300), p2_grid=(0.0, 1.0), seeds=(0,), rf_widths=(300,),
                    mlp_widths=(32,), mlp_epochs=20, mlp_min_steps=50)


def test_labeller_quality_is_measured_as_c2():
    data = load_image_data("digits")
    lab = train_labeller(data.x_train[:60], data.y_train[:60], data.x_test, data.y_test,
                         width=32, epochs=20, seed=0)
    wrong = np.mean(lab.label(data.x_test) != data.y_test)
    assert lab.test_error == pytest.approx(wrong) and lab.c2 == pytest.approx(2 * wrong)
    assert 0.02 < lab.test_error < 0.6  # better than chance (0.9), worse than a full-data model
    assert lab.n0 == 60


def test_two_layer_mse_fit_is_seeded():
    data = load_image_data("digits")
    y = np.eye(10, dtype=np.float32)[data.y_train[:300]]
    a, b, c = (predict_two_layer(train_two_layer(data.x_train[:300], y, width=16, min_steps=30, seed=s),
                                 data.x_test) for s in (4, 4, 5))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_pipeline_rows_counts_effect_and_reproducibility(tmp_path):
    rows = run_images(TINY, tmp_path, device="cpu", progress=False)
    assert len(rows) == 2 * 2 * 2  # n x p2 x (random features, two-layer)
    for r in rows:
        assert r["n_synth"] == round(r["p2"] * r["n"]) and r["n_real"] + r["n_synth"] == r["n"]
    by = {(r["model"], r["n"], r["p2"]): r for r in rows}
    for model in ("random-features", "two-layer"):
        # all-synthetic labels cap the model near the labeller: worse than real labels at large
        # n, by a share of the labeller's c² (seed indices 0-3: 0.13-0.41 c² for the two-layer
        # net, 0.30-0.57 c² for random features)
        gap = by[(model, 1300, 1.0)]["test_mse"] - by[(model, 1300, 0.0)]["test_mse"]
        assert gap > 0.1 * by[(model, 1300, 0.0)]["c2"]
        assert by[(model, 1300, 0.0)]["test_mse"] < by[(model, 200, 0.0)]["test_mse"]
    saved = json.loads((tmp_path / "images.json").read_text())
    assert saved["config"]["n0"] == 60 and len(saved["rows"]) == len(rows)
    assert (tmp_path / "images.csv").read_text().splitlines()[0].startswith("dataset,model,width")
    again = run_images(TINY, None, device="cpu", progress=False)
    assert [r["test_mse"] for r in again] == [r["test_mse"] for r in rows]
    summary = summarise_images(rows)
    assert {(s["model"], s["p2"]) for s in summary} == {(m, p) for m in ("random-features", "two-layer")
                                                        for p in (0.0, 1.0)}
    assert all(s["n"] == 1300 for s in summary)


def test_config_validation_names_the_field():
    with pytest.raises(ValueError, match="^p2_grid"):
        ImagesConfig(p2_grid=(0.0, 1.5))
    with pytest.raises(ValueError, match="^models"):
        ImagesConfig(models=("cnn",))
    with pytest.raises(ValueError, match="^n_grid"):
        ImagesConfig(n_grid=())
    with pytest.raises(ValueError, match="n_grid reaches 5000"):
        run_images(TINY.replace(n_grid=(5000,)), None, device="cpu", progress=False)


def test_fit_and_score_names_an_unknown_model():
    data = load_image_data("digits")
    y = np.eye(10, dtype=np.float32)[data.y_train[:50]]
    with pytest.raises(ValueError, match="^model must be one of random-features, two-layer"):
        fit_and_score("cnn", data.x_train[:50], y, data, width=8, ridge=1e-3, epochs=1,
                      min_steps=0, batch_size=8, lr=1e-3, seed=0)
