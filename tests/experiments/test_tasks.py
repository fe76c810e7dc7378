"""ImagesPoint (the images family's configuration), its per-seed run images_one, and image
results in the store (``modelcollapse experiment images --store``), SMC §7 Figure 7."""

import pytest

pytest.importorskip("torch")
pytest.importorskip("sklearn")

from modelcollapse.cli import main
from modelcollapse.experiments import ImagesConfig
from modelcollapse.experiments.images_task import images_one, run_images
from modelcollapse.experiments.points import ImagesPoint
from modelcollapse.sweep import Store, Sweep
from modelcollapse.sweep.spec import Task

TINY = ImagesPoint(n=200, p2=0.5, dataset="digits", n0=50, width=256, labeller_epochs=5)
TINY_NET = TINY.replace(model="two-layer", width=32, epochs=5, min_steps=50, batch_size=64)


@pytest.mark.parametrize(("change", "message"), [
    ({"dataset": "cifar"}, "dataset must be one of fashion-mnist, mnist, digits"),
    ({"model": "cnn"}, "model must be one of random-features, two-layer"),
    ({"p2": 1.5}, "p2"), ({"n": 0}, "n"), ({"width": 2.5}, "width"), ({"ridge": 0.0}, "ridge"),
    ({"epochs": 0}, "^epochs must be >= 1"), ({"min_steps": -1}, "^min_steps must be >= 0"),
    ({"batch_size": 1.5}, "^batch_size"), ({"lr": 0.0}, "^lr must be > 0")])
def test_point_validates_its_fields(change, message):
    for point in (TINY, TINY_NET):  # a field the model does not read is still checked
        with pytest.raises(ValueError, match=message):
            point.replace(**change)


def test_fields_a_model_does_not_read_are_reset_so_equal_points_share_a_key():
    net = TINY_NET.replace(ridge=0.3)
    assert net == TINY_NET and net.ridge == ImagesPoint(n=1).ridge
    assert Task(net, 0).key == Task(TINY_NET, 0).key
    rf = TINY.replace(epochs=2, min_steps=7, batch_size=9, lr=0.5)
    assert rf == TINY and Task(rf, 0).key == Task(TINY, 0).key
    # the fields a model reads still tell points apart
    assert TINY_NET.replace(lr=0.01) != TINY_NET and TINY.replace(ridge=0.3) != TINY
    assert TINY_NET.epochs == 5 and ImagesPoint.from_dict(TINY_NET.to_dict()) == TINY_NET


def test_point_round_trips_through_the_sweep_layer():
    task = Task(TINY, 0)
    assert task.family.name == "images" and task.family.from_dict(task.config) == TINY
    sweep = Sweep.from_dict({"setting": "images", "seeds": 2,
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


def test_two_layer_task_is_deterministic_in_setting_and_seed_index():
    first = images_one(TINY_NET, 0)
    assert images_one(TINY_NET, 0) == first
    assert images_one(TINY_NET, 1)["test_error"] != first["test_error"]
    assert images_one(TINY_NET.replace(lr=3e-3), 0)["test_error"] != first["test_error"]
    assert (first["n_real"], first["n_synth"]) == (100, 100)
    assert first["test_error"] == first["test_mse"] and 0 < first["test_error"] < 2
    # one seed index: the same labeller for both models, so the curves differ only in the fit
    assert first["c2"] == images_one(TINY, 0)["c2"]


def test_config_points_cover_both_models_and_the_store_needs_seed_indices_and_a_named_data_set(
        tmp_path, capsys):
    config = ImagesConfig.quick(dataset="digits", n_grid=(100, 400), rf_widths=(64, 128),
                                mlp_widths=(32,), mlp_epochs=3, mlp_lr=0.01, rf_ridge=0.02)
    points = config.points()
    assert len(points) == (2 + 1) * 2 * 6
    rf, net = points[:24], points[24:]
    assert {(s.model, s.width, s.ridge) for s in rf} == {("random-features", w, 0.02) for w in (64, 128)}
    assert {(s.model, s.width, s.epochs, s.lr, s.ridge) for s in net} == {
        ("two-layer", 32, 3, 0.01, ImagesPoint(n=1).ridge)}
    assert config.replace(models=("two-layer",)).points() == net
    base = ["experiment", "images", "--quick", "--store", str(tmp_path / "r.duckdb")]
    for change, message in (("seeds=3", "seed indices"), ("data_dir=/x", "data_dir")):
        assert main([*base, "--set", change]) == 2
        assert message in capsys.readouterr().err


def test_in_process_run_equals_the_stored_sweep_bitwise(tmp_path):
    """One seed rule: ``experiment images`` and ``experiment images --store`` make the same
    images_one calls for seed indices 0..K-1."""
    settings = ["--set", "dataset=digits", "--set", "n0=50", "--set", "n_grid=100,200",
                "--set", "p2_grid=0,1", "--set", "rf_widths=64", "--set", "mlp_widths=16",
                "--set", "mlp_epochs=2", "--set", "mlp_min_steps=20", "--set", "seeds=0,1",
                "--set", "labeller_width=16", "--set", "labeller_epochs=5"]
    common = ["experiment", "images", "--quick", "--no-progress", *settings]
    assert main([*common, "--out", str(tmp_path / "out"), "--device", "cpu"]) == 0
    assert main([*common, "--store", str(tmp_path / "r.duckdb"), "--workers", "2"]) == 0
    import json
    rows = json.loads((tmp_path / "out" / "images.json").read_text())["rows"]
    with Store(tmp_path / "r.duckdb", read_only=True) as store:
        stored = {(tuple(sorted(r["config"].items())), r["seed_index"]): r["test_error"]
                  for r in store.rows("experiment-images")}
    config = ImagesConfig.quick(dataset="digits", n0=50, n_grid=(100, 200), p2_grid=(0.0, 1.0),
                                rf_widths=(64,), mlp_widths=(16,), mlp_epochs=2,
                                mlp_min_steps=20, seeds=(0, 1), labeller_width=16,
                                labeller_epochs=5)
    expected = [(tuple(sorted(p.to_dict().items())), i) for i in (0, 1) for p in config.points()]
    assert [r["test_error"] for r in rows] == [stored[k] for k in expected]
    assert run_images(config, None, device="cpu", progress=False)[0]["test_error"] == rows[0]["test_error"]


def test_cli_images_store_writes_both_models_to_the_store(tmp_path, capsys):
    args = ["experiment", "images", "--quick", "--out", str(tmp_path / "out"), "--no-progress",
            "--store", str(tmp_path / "r.duckdb"), "--workers", "1",
            "--set", "dataset=digits", "--set", "n0=50", "--set", "n_grid=100,200",
            "--set", "p2_grid=0,1", "--set", "rf_widths=64", "--set", "mlp_widths=16",
            "--set", "mlp_epochs=2", "--set", "mlp_min_steps=20",
            "--set", "labeller_width=16", "--set", "labeller_epochs=5"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "8 tasks" in out and not (tmp_path / "out").exists()
    table = [line.split() for line in out.splitlines() if line.split()[-1:] == ["1"]]
    assert [(row[0], row[3]) for row in table] == [("random-features", "200"), ("random-features", "200"),
                                                   ("two-layer", "200"), ("two-layer", "200")]
    with Store(tmp_path / "r.duckdb", read_only=True) as store:
        points = store.points("experiment-images")
    grid = [(n, p2) for n in (100, 200) for p2 in (0.0, 1.0)]
    assert [(p.config["model"], p.config["n"], p.config["p2"]) for p in points] == [
        (m, n, p2) for m in ("random-features", "two-layer") for n, p2 in grid]
    assert all(p.seeds == 1 and 0 < p.mean < 2 for p in points)
    assert main(args) == 0 and "8 already stored, 0 ran" in capsys.readouterr().out  # resumable
