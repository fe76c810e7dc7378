"""`modelcollapse experiment` command-line contract (parsing, overrides, outputs)."""

import csv

import pytest

pytest.importorskip("torch")
pytest.importorskip("sklearn")

from modelcollapse.cli import main
from modelcollapse.cli.common import parse_like, with_overrides
from modelcollapse.experiments import ImagesConfig, LMConfig


def test_overrides_are_parsed_like_the_defaults():
    cfg = with_overrides(ImagesConfig(), ["n_grid=100,2e3", "p2_grid=0, 0.5", "rf-ridge=0.1",
                                          "data_dir=/tmp/x", "n0=50"])
    assert cfg.n_grid == (100, 2000) and cfg.p2_grid == (0.0, 0.5) and cfg.rf_ridge == 0.1
    assert cfg.data_dir == "/tmp/x" and cfg.n0 == 50
    assert with_overrides(LMConfig(), ["sizes=tiny,small"]).sizes == ("tiny", "small")
    assert parse_like("data_dir", "none", None) is None


@pytest.mark.parametrize(("item", "message"), [
    ("n_gird=5", "n_gird is not a setting"),
    ("n0", "expects KEY=VALUE"),
    ("n0=2.5", "n0 must be a int"),
    ("n0=-1", "^n0 must be >= 1"),
    ("p2_grid=0,2", "^p2_grid must be <= 1"),
])
def test_bad_overrides_name_the_field(item, message):
    with pytest.raises(ValueError, match=message):
        with_overrides(ImagesConfig(), [item])


def test_cli_errors_are_one_line(capsys):
    assert main(["experiment", "images", "--set", "models=cnn", "--show-config"]) == 2
    assert "models must be among" in capsys.readouterr().err
    assert main(["experiment", "lm", "--device", "tpu", "--set", "steps=1", "--out", "/nonexistent"]) == 2
    assert "device must be one of" in capsys.readouterr().err
    assert main(["experiment", "images", "--device", "cpu", "--store", "/nonexistent/r.duckdb"]) == 2
    assert "--device: stored tasks choose their own device" in capsys.readouterr().err
    # missing data is one line too, not a traceback
    assert main(["experiment", "images", "--quick", "--set", "dataset=mnist", "--set",
                 "data_dir=/nonexistent", "--out", "/nonexistent/out", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1
    assert err.strip().endswith("/nonexistent has no train-images-idx3-ubyte[.gz]")


def test_show_config(capsys):
    assert main(["experiment", "lm", "--quick", "--show-config", "--set", "steps=7"]) == 0
    out = capsys.readouterr().out
    assert "steps = 7" in out and "source = 'shakespeare'" in out


def test_images_run_writes_results(tmp_path, capsys):
    args = ["experiment", "images", "--quick", "--device", "cpu", "--out", str(tmp_path), "--no-progress",
            "--set", "dataset=digits", "--set", "n0=60", "--set", "n_grid=100,400",
            "--set", "p2_grid=0,1", "--set", "rf_widths=64", "--set", "models=random-features",
            "--set", "labeller_width=16", "--set", "labeller_epochs=5"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "4 fits" in out and "test_mse" in out
    with open(tmp_path / "images.csv") as f:
        rows = list(csv.DictReader(f))
    assert [(r["n"], r["p2"]) for r in rows] == [(n, p2) for n in ("100", "400") for p2 in ("0.0", "1.0")]
