"""The language-model experiment as per-seed stored tasks (SMC §7, Figure 8).

A story file the test writes stands in for the real text; models, steps and context are
tiny so every run takes about a second on one CPU thread.
"""

import threading
import time

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from modelcollapse.cli import main
from modelcollapse.experiments import lm_task
from modelcollapse.experiments.cache import CACHE_ENV, cache_dir, locked
from modelcollapse.experiments.language import run_language
from modelcollapse.experiments.lm_config import LMPoint
from modelcollapse.family import family_of
from modelcollapse.sweep import Store

from .test_language import micro, story_file


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    lm_task._prepared.cache_clear()
    yield tmp_path / "cache"
    lm_task._prepared.cache_clear()


@pytest.fixture
def config(tmp_path):
    return micro(story_file(tmp_path / "stories.txt")).replace(sizes=("micro",), seeds=(0, 1))


def test_points_validate_and_round_trip_through_the_sweep_layer(config):
    points = config.points()
    assert [(p.size, p.p2) for p in points] == config.runs()
    point = points[1]
    assert family_of(point).name == "lm" and LMPoint.from_dict(point.to_dict()) == point
    with pytest.raises(ValueError, match="^size must be one of"):
        point.replace(size="huge")
    with pytest.raises(ValueError, match="^p2 must be <= 1"):
        point.replace(p2=1.5)
    with pytest.raises(ValueError, match="^seeds must be a non-empty tuple"):
        config.replace(seeds=(0, 0))


def test_task_is_the_in_process_run_for_the_same_seed_index(config, cache, tmp_path):
    meta = run_language(config.replace(seeds=(1,)), tmp_path / "out", device="cpu", progress=False)
    in_process = {(r["size"], r["p2"]): r["eval_loss"] for r in meta["final"]}
    point = config.points()[2]  # tiny at p2 = 1: needs the generator and its corpus
    stored = lm_task.lm_one(point, 1)
    assert stored["test_error"] == in_process[(point.size, point.p2)]
    assert stored["n_synth_blocks"] == round(point.p2 * point.mixture_blocks)
    assert [c["tokens"] for c in stored["curve"]] == [10 * 4 * 16, 20 * 4 * 16]
    assert stored["device"] == "cpu" and np.isfinite(stored["generator_eval_loss"])
    assert stored["corpus"]["tokens"] >= point.mixture_blocks * (point.context + 1)
    # another seed index is another data split, generator and model
    assert lm_task.lm_one(point, 0)["test_error"] != stored["test_error"]
    # the finished run's checkpoint is dropped (the store keeps the result); the
    # generator's and the corpus stay cached by content hash for the next task
    saved = sorted(p.name.split("-")[0] for p in (cache / "lm" / "checkpoints").glob("*.pt"))
    assert saved == ["generator", "generator"] and len(list((cache / "lm" / "corpora").glob("*.npy"))) == 2


def test_a_new_worker_reuses_the_cached_generator_and_corpus(config, cache):
    point = config.points()[1]
    first = lm_task.lm_one(point, 0)
    lm_task._prepared.cache_clear()  # as a fresh worker process would start
    checkpoint = next((cache / "lm" / "checkpoints").glob("generator-*.pt"))
    stamp = checkpoint.stat().st_mtime_ns
    again = lm_task.lm_one(point, 0)
    assert again["test_error"] == first["test_error"]
    assert checkpoint.stat().st_mtime_ns == stamp  # loaded, not retrained


def test_setting_is_checked(config):
    with pytest.raises(ValueError, match="^setting must be an LMPoint"):
        lm_task.lm_one(config, 0)


def _set_args(config):
    items = [f"{k}={','.join(map(str, v)) if isinstance(v, list) else v}"
             for k, v in config.to_dict().items()]
    return [a for item in items for a in ("--set", item)]


def test_cli_lm_in_process_writes_csv_and_json(config, tmp_path, capsys):
    config = config.replace(seeds=(0,), p2_grid=(0.0, 1.0))  # tiny at 0 and 1, micro at 1
    args = ["experiment", "lm", "--device", "cpu", "--out", str(tmp_path / "out"), "--no-progress"]
    assert main(args + _set_args(config)) == 0
    out = capsys.readouterr().out
    assert "3 runs -> " in out and "seed index 0: generator tiny held-out loss" in out
    assert (tmp_path / "out" / "lm.csv").stat().st_size > 0 and (tmp_path / "out" / "tokenizer.json").exists()


def test_cli_lm_store_runs_every_seed_once(config, cache, tmp_path, capsys):
    store = tmp_path / "r.duckdb"
    args = ["experiment", "lm", "--store", str(store), "--workers", "1", "--no-progress"]
    args += _set_args(config)
    assert main(args) == 0
    out = capsys.readouterr().out
    tasks = 2 * len(config.runs())
    assert f"experiment-lm: {tasks} tasks, 0 already stored, {tasks} ran" in out
    assert "eval_loss" in out and "sem" in out
    with Store(store, read_only=True) as s:
        points = s.points("experiment-lm")
    assert {(p.config["size"], p.config["p2"]) for p in points} == set(config.runs())
    assert {p.seeds for p in points} == {2} and all(np.isfinite(p.mean) for p in points)
    assert main(args) == 0
    assert f"{tasks} already stored, 0 ran" in capsys.readouterr().out


def test_cache_dir_and_lock(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "c"))
    assert cache_dir() == tmp_path / "c"
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "modelcollapse"
    events: list[str] = []
    held = threading.Event()

    def first():
        with locked(tmp_path / "product"):
            held.set()
            time.sleep(0.2)
            events.append("first releases")

    def second():
        held.wait()
        with locked(tmp_path / "product"):
            events.append("second acquires")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert events == ["first releases", "second acquires"]
