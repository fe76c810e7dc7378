"""ImagesPoint (a sweep setting), its per-seed task images_one, and image results in the
store (``images_sweep``, ``modelcollapse experiment images --store``), spec SMC §7 Figure 7."""

import pytest

pytest.importorskip("torch")
pytest.importorskip("sklearn")

from modelcollapse.cli import main
from modelcollapse.experiments import ImagesConfig
from modelcollapse.experiments.points import ImagesPoint
from modelcollapse.experiments.tasks import images_one, images_sweep
from modelcollapse.sweep import Store, Sweep
from modelcollapse.sweep.spec import setting_config, setting_from_config

TINY = ImagesPoint(n=200, p2=0.5, dataset="digits", n0=50, width=256, labeller_epochs=5)


@pytest.mark.parametrize(("change", "message"), [
    ({"dataset": "cifar"}, "dataset must be one of"), ({"dataset": "mnist"}, "fashion-mnist, digits"),
    ({"model": "two-layer"}, "model must be"),
    ({"p2": 1.5}, "p2"), ({"n": 0}, "n"), ({"width": 2.5}, "width"), ({"ridge": 0.0}, "ridge")])
def test_point_validates_its_fields(change, message):
    with pytest.raises(ValueError, match=message):
        TINY.replace(**change)


def test_point_round_trips_through_the_sweep_layer():
    config = setting_config(TINY)
    assert config["setting_type"] == "images" and setting_from_config(config) == TINY
    sweep = Sweep.from_dict({"setting": "images", "seeds": 2,
                             "task": "modelcollapse.experiments.tasks:images_one",
                             "base": {"dataset": "digits", "n0": 50},
                             "grid": {"n": {"start": 100, "stop": 400, "num": 3, "log": True},
                                      "p2": [0.0, 1.0]}})
    assert [s.n for s in sweep.settings[::2]] == [100, 200, 400] and len(sweep.tasks()) == 12


def test_task_is_deterministic_in_setting_and_seed_index():
    first = images_one(TINY, 0)
    assert images_one(TINY, 0) == first
    assert images_one(TINY, 1)["test_error"] != first["test_error"]
    assert (first["n_real"], first["n_synth"]) == (100, 100)
    assert first["test_error"] == first["test_mse"] and 0 < first["test_error"] < 2
    with pytest.raises(ValueError, match="method"):
        images_one(TINY, 0, method="exact")


def test_images_sweep_needs_seed_indices_and_a_named_data_set():
    config = ImagesConfig.quick(dataset="digits", n_grid=(100, 400), rf_widths=(64, 128))
    sweep = images_sweep(config)
    assert len(sweep.settings) == 2 * 2 * 6 and sweep.seeds == 1
    for change, message in (({"seeds": (3,)}, "seed indices"), ({"data_dir": "/x"}, "data_dir"),
                            ({"models": ("two-layer",)}, "random-features")):
        with pytest.raises(ValueError, match=message):
            images_sweep(config.replace(**change))


def test_cli_images_store_writes_random_features_to_the_store(tmp_path, capsys):
    args = ["experiment", "images", "--quick", "--out", str(tmp_path / "out"), "--no-progress",
            "--store", str(tmp_path / "r.duckdb"), "--workers", "1",
            "--set", "dataset=digits", "--set", "n0=50", "--set", "n_grid=100,200",
            "--set", "p2_grid=0,1", "--set", "rf_widths=64", "--set", "models=random-features",
            "--set", "labeller_width=16", "--set", "labeller_epochs=5"]
    assert main(args) == 0
    assert "4 tasks" in capsys.readouterr().out and not (tmp_path / "out").exists()
    with Store(tmp_path / "r.duckdb", read_only=True) as store:
        points = store.points("experiment-images")
    assert [(p.config["n"], p.config["p2"]) for p in points] == [(100, 0.0), (100, 1.0),
                                                                  (200, 0.0), (200, 1.0)]
