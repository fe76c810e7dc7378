"""ImagesPoint (a sweep setting) and its per-seed task images_one (spec SMC §7 Figure 7)."""

import pytest

pytest.importorskip("torch")
pytest.importorskip("sklearn")

from modelcollapse.experiments.points import ImagesPoint
from modelcollapse.experiments.tasks import images_one
from modelcollapse.sweep import Sweep
from modelcollapse.sweep.spec import setting_config, setting_from_config

TINY = ImagesPoint(n=200, p2=0.5, dataset="digits", n0=50, width=256, labeller_epochs=5)


@pytest.mark.parametrize(("change", "message"), [
    ({"dataset": "cifar"}, "dataset must be one of"), ({"model": "two-layer"}, "model must be"),
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
