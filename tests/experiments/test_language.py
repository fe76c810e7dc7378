"""The Figure 8 driver end to end on a small local story file (SMC §7, §4.2)."""

import json

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from modelcollapse.experiments.language import blocks_of, run_language
from modelcollapse.experiments.lm_config import LMConfig

WORDS = "the cat dog sat ran on a mat hill and then slept ate".split()


def story_file(path, n=400):
    rng = np.random.default_rng(0)
    stories = [" ".join(rng.choice(WORDS, rng.integers(8, 30))) + "." for _ in range(n)]
    path.write_text("\n<|endoftext|>\n".join(stories))
    return path


def micro(source) -> LMConfig:
    return LMConfig.quick(source=str(source), test_fraction=0.1, generator_fraction=0.2, vocab_size=300,
                          context=16, generator_size="tiny", generator_steps=20, sample_batch_size=32,
                          p2_grid=(0.0, 0.5, 1.0), mixture_size="tiny", sizes=("tiny", "small"),
                          size_p2_grid=(1.0,), steps=20, batch_size=4, warmup=2, eval_every=10,
                          eval_blocks=8, checkpoint_every=10)


def test_runs_every_p2_and_size_and_resumes(tmp_path):
    cfg = micro(story_file(tmp_path / "stories.txt"))
    assert cfg.runs() == [("tiny", 0.0), ("tiny", 0.5), ("tiny", 1.0), ("small", 1.0)]
    meta = run_language(cfg, tmp_path / "out", device="cpu", progress=False)
    finals = {(r["size"], r["p2"]): r for r in meta["final"]}
    assert list(finals) == cfg.runs()
    for (_, p2), r in finals.items():
        assert r["n_synth_blocks"] == round(p2 * 80) and r["n_real_blocks"] + r["n_synth_blocks"] == 80
        assert np.isfinite(r["eval_loss"]) and r["tokens"] == 20 * 4 * 16
    assert finals[("small", 1.0)]["params"] > finals[("tiny", 1.0)]["params"]
    (seed,) = meta["seeds"]
    assert not seed["corpus"]["cached"] and seed["corpus"]["tokens"] >= 80 * 17
    saved = json.loads((tmp_path / "out" / "lm.json").read_text())
    assert saved["config"]["steps"] == 20 and len(saved["final"]) == 4
    header = (tmp_path / "out" / "lm.csv").read_text().splitlines()[0]
    assert header.startswith("seed_index,size,params,p2") and "eval_loss" in header
    # a second run reuses the cached corpus and the finished checkpoints: identical numbers
    again = run_language(cfg, tmp_path / "out", device="cpu", progress=False)
    assert again["seeds"][0]["corpus"]["cached"]
    assert [r["eval_loss"] for r in again["final"]] == [r["eval_loss"] for r in meta["final"]]


def test_blocks_and_validation():
    assert blocks_of(np.arange(10), 2).tolist() == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    with pytest.raises(ValueError, match="^sizes"):
        LMConfig(sizes=("huge",))
    with pytest.raises(ValueError, match="^p2_grid"):
        LMConfig(p2_grid=(2.0,))
    with pytest.raises(ValueError, match="^top_p"):
        LMConfig(top_p=1.5)
