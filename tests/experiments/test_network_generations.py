"""Networks over generations (WF §1): what each generation trains on, deterministic chains,
common random numbers across workflows, the stored tasks and the command line.

Language models use a story file the test writes and micro models (a few blocks of 17
tokens); image models use digits and 64 random features.
"""

import json

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

import torch

from modelcollapse.cli import main
from modelcollapse.experiments import images_generations
from modelcollapse.experiments.chains import training_selection
from modelcollapse.experiments.images_generations import images_generation_one
from modelcollapse.experiments.images_generations_config import ImagesGenerationPoint
from modelcollapse.experiments.lm_generations import Chain, generation_result
from modelcollapse.experiments.lm_generations_config import LMGenerationPoint
from modelcollapse.family import family_of
from modelcollapse.sweep import Store

from .test_language import story_file

CPU = torch.device("cpu")
# what a rerun must reproduce (timings and the cache flag aside)
SAME = ("test_error", "own_loss", "train_loss", "curve", "generated_text", "real_text", "seeds",
        "train_blocks", "real_blocks", "synthetic_blocks", "steps")


def rng():
    return np.random.default_rng(0)


def test_training_selection_follows_each_workflow():
    assert [list(i) for i in training_selection("replace", 2, 3, rng())] == [[], [], [0, 1, 2]]
    assert [list(i) for i in training_selection("mix", 1, 2, rng())] == [[], [0, 1]]
    assert [list(i) for i in training_selection("accumulate", 1, 2, rng())] == [[0, 1], [0, 1]]
    # generation 0 trains on the real block under every workflow
    assert all([list(i) for i in training_selection(w, 0, 4, rng())] == [[0, 1, 2, 3]]
               for w in ("replace", "accumulate", "accumulate-subsample", "mix"))
    chosen = training_selection("accumulate-subsample", 3, 50, rng())
    flat = np.concatenate([j * 50 + i for j, i in enumerate(chosen)])
    assert len(flat) == 50 == len(set(flat)) and flat.max() < 200  # without replacement
    assert sum(len(i) > 0 for i in chosen) == 4  # from every block
    again = training_selection("accumulate-subsample", 3, 50, rng())
    assert all(np.array_equal(a, b) for a, b in zip(chosen, again, strict=True))
    with pytest.raises(ValueError, match="^workflow must be one of replace, accumulate"):
        training_selection("verify", 1, 2, rng())


@pytest.fixture(scope="module")
def lm_point(tmp_path_factory):
    source = story_file(tmp_path_factory.mktemp("text") / "stories.txt", n=600)
    return LMGenerationPoint(source=str(source), test_fraction=0.1, vocab_size=300, context=16,
                             eval_blocks=8, size="micro", blocks=40, epochs=1.0, batch_size=8,
                             warmup=2, eval_every=5, sample_batch_size=32, stats_words=60,
                             zipf_ranks=(1, 50))


def test_lm_point_validates_and_round_trips(lm_point):
    point = lm_point.replace(workflow="mix", pi=0.25, generation=3)
    assert family_of(point).name == "lm-generations"
    assert LMGenerationPoint.from_dict(point.to_dict()) == point
    assert point.steps(40) == 5 and point.replace(epochs=2.5).steps(40) == 13
    for changes, message in (({"workflow": "verify"}, "^workflow must be one of"),
                             ({"workflow": "mix"}, "^pi: the mix workflow needs"),
                             ({"pi": 0.5}, "^pi: the fraction of fresh real text applies to the "
                                           "mix workflow only"),
                             ({"generation": -1}, "^generation must be >= 0"),
                             ({"size": "huge"}, "^size must be one of"),
                             ({"zipf_ranks": (5, 5)}, "^zipf_ranks must be >= 6"),
                             ({"top_p": 0.0}, "^top_p must be > 0")):
        with pytest.raises(ValueError, match=message):
            lm_point.replace(**changes)


def _same(a, b):
    return all(a[k] == b[k] for k in SAME)


def test_lm_chain_is_deterministic_and_generation_zero_is_shared(lm_point, tmp_path):
    replace = lm_point.replace(generation=2)
    first = generation_result(replace, 0, 0, tmp_path / "a", CPU)
    assert not first["cached"] and np.isfinite(first["test_error"]) and first["own_loss"] > 0
    assert set(first["generated_text"]) == set(first["real_text"]) >= {"distinct_2", "zipf_slope"}
    again = generation_result(replace, 0, 0, tmp_path / "a", CPU)
    assert again["cached"] and _same(first, again)
    rerun = generation_result(replace, 0, 0, tmp_path / "b", CPU)  # from scratch
    assert not rerun["cached"] and _same(first, rerun)
    other_seed = generation_result(replace, 1, 0, tmp_path / "a", CPU)
    assert other_seed["test_error"] != first["test_error"]
    # common random numbers: generation 0 is one model for every workflow (computed afresh
    # for accumulate in a new cache, it is the same number)
    zero = generation_result(lm_point, 0, 0, tmp_path / "a", CPU)
    assert zero["cached"]
    for workflow, pi in (("accumulate", None), ("mix", 0.5)):
        fresh = generation_result(lm_point.replace(workflow=workflow, pi=pi), 0, 0,
                                  tmp_path / workflow, CPU)
        assert not fresh["cached"] and _same(fresh, zero)


def test_lm_workflows_train_on_what_they_keep(lm_point, tmp_path):
    n, k = lm_point.blocks, 2
    counts = {}
    for workflow, pi in (("replace", None), ("accumulate", None),
                         ("accumulate-subsample", None), ("mix", 0.25)):
        point = lm_point.replace(workflow=workflow, pi=pi, generation=k)
        r = generation_result(point, 0, 0, tmp_path, CPU)
        counts[workflow] = (r["train_blocks"], r["real_blocks"], r["steps"])
        chain = Chain(point, 0, 0, CPU, tmp_path)
        previous = chain.generation(k - 1)[1]  # generation k-1's text (cached)
        if workflow in ("replace", "accumulate"):
            assert np.array_equal(chain.block(k), previous)  # its text, all of it
        if workflow == "mix":  # round(0.25 n) fresh real blocks, then its text
            fresh = chain.pool[chain.order[n + (k - 1) * 10:n + k * 10]]
            assert np.array_equal(chain.block(k), np.concatenate([fresh, previous[:n - 10]]))
    assert counts["replace"] == (n, 0, 5)  # only the new generated text
    assert counts["accumulate"] == (3 * n, n, 15)  # all text so far, one pass
    assert counts["accumulate-subsample"][0] == n  # a fixed budget drawn from all of it
    assert 0 < counts["accumulate-subsample"][1] < n
    assert counts["mix"] == (n, 10, 5)  # a fraction pi of fresh real text


def test_lm_chain_refuses_what_it_cannot_measure(lm_point, tmp_path):
    point = lm_point.replace(workflow="mix", pi=1.0, generation=1000)
    with pytest.raises(ValueError, match="^blocks: 1000 generations of 40 blocks with 40 fresh"):
        generation_result(point, 0, 0, tmp_path, CPU)
    with pytest.raises(ValueError, match="^stats_words: the tail statistics take 100000 words"):
        generation_result(lm_point.replace(stats_words=100_000), 0, 0, tmp_path, CPU)


@pytest.fixture
def fresh_chains():
    images_generations._chain.cache_clear()
    yield
    images_generations._chain.cache_clear()


IMAGES = ImagesGenerationPoint(dataset="digits", n=100, width=64, ridge=1e-3)


def test_images_chain_semantics_determinism_and_common_random_numbers(fresh_chains):
    k = 2
    results = {w: images_generation_one(IMAGES.replace(workflow=w, pi=pi, generation=k), 0)
               for w, pi in (("replace", None), ("accumulate", None),
                             ("accumulate-subsample", None), ("mix", 0.3))}
    assert (results["replace"]["train_rows"], results["replace"]["real_rows"]) == (100, 0)
    assert (results["accumulate"]["train_rows"], results["accumulate"]["real_rows"]) == (300, 100)
    assert results["accumulate-subsample"]["train_rows"] == 100
    assert (results["mix"]["train_rows"], results["mix"]["real_rows"]) == (100, 30)
    zeros = [images_generation_one(IMAGES.replace(workflow=w, pi=pi), 0)["test_error"]
             for w, pi in (("replace", None), ("accumulate", None), ("mix", 0.3))]
    assert zeros[0] == zeros[1] == zeros[2]
    images_generations._chain.cache_clear()
    rerun = images_generation_one(IMAGES.replace(workflow="accumulate", generation=k), 0)
    assert rerun == results["accumulate"] | {"seconds": rerun["seconds"]}
    assert images_generation_one(IMAGES.replace(generation=k), 1) != results["replace"]
    with pytest.raises(ValueError, match="^n: generation 2 needs 2100 training images, digits "
                                         "has 1437"):
        images_generation_one(IMAGES.replace(n=700, generation=2), 0)


def test_cli_refuses_bad_chain_input_in_one_line(capsys, tmp_path):
    for args, message in (
            (["lm", "--generations", "3"], "--generations: applies with --workflow only"),
            (["images", "--pi", "0.5"], "--pi: applies with --workflow only"),
            (["images", "--workflow", "nope"], "workflow must be one of replace, accumulate"),
            (["images", "--workflow", "mix"], "pi: the mix workflow needs"),
            (["lm", "--workflow", "replace", "--pi", "0.5"], "pi: the fraction of fresh real "
                                                               "text applies to the mix"),
            (["images", "--workflow", "replace", "--set", "n=0"], "n must be >= 1"),
            (["images", "--workflow", "replace", "--seeds", "0"], "--seeds must be >= 1"),
            (["images", "--workflow", "replace", "--device", "cpu", "--store",
              str(tmp_path / "r.duckdb")], "--device: stored tasks choose their own device")):
        assert main(["experiment", *args, "--out", str(tmp_path / "out")]) == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1 and message in err, err


def test_cli_runs_a_chain_in_process_and_into_the_store(capsys, tmp_path, fresh_chains):
    common = ["experiment", "images", "--quick", "--workflow", "accumulate", "--generations", "2",
              "--seeds", "2", "--set", "n=100", "--set", "width=64", "--no-progress"]
    assert main([*common, "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "generation" in out and "test_error" in out and "label_error" in out
    saved = json.loads((tmp_path / "out" / "images-generations.json").read_text())
    assert saved["config"]["workflow"] == "accumulate" and len(saved["rows"]) == 6
    assert main([*common, "--store", str(tmp_path / "r.duckdb"), "--workers", "1"]) == 0
    with Store(tmp_path / "r.duckdb") as store:
        points = store.points("experiment-images-generations-accumulate")
    stored = {(p.config["generation"], i): v for p in points for i, v in enumerate(p.values)}
    assert {(r["generation"], r["seed_index"]): r["test_error"] for r in saved["rows"]} == stored
