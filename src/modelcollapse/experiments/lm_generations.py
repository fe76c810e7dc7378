"""Language models over generations on real text (WF §1; Shumailov et al., Gerstgrasser et al.).

Generation 0 trains a GPT-2-style model on ``blocks`` blocks of real text and samples
``blocks`` blocks of text from it; generation k trains a fresh model on what the workflow
keeps (:mod:`.chains`) and samples in turn. Each generation measures

- ``test_error``: its held-out loss on real text (nats per token);
- ``own_loss``: its loss on the text it generated (low when its text is predictable);
- ``generated_text``: tail statistics of that text (:mod:`.text_stats`), beside
  ``real_text``, the same statistics of as much contiguous real training text.

:func:`lm_generation_one` is the ``lm-generations`` family's per-seed run, one task per
(workflow, generation, seed index). Generation k needs the text of generations 0..k−1: each
generation's result and text are stored under the hash of its chain (every field but the
generation, the seed and the device) in a cache directory, under a file lock, so a chain of G
generations costs G + 1 trainings whichever task asks first, in whichever worker.

Common random numbers: within a seed index, every workflow shares the real split, the order
of the real blocks, and generation k's initialisation, batch order, sampling stream and
subsample; generation 0 is one model for every workflow.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..seeds import seed_integers
from .cache import cache_dir, locked
from .chains import fresh_real_rows, run_chain, training_selection
from .device import resolve_device, task_threads
from .language import TextData, blocks_of, text_data, train_model
from .lm import content_digest, evaluate, synthetic_corpus
from .lm_generations_config import LMGenerationPoint
from .text_stats import tail_statistics, words
from .tokenizer import decode_documents


def real_pool(text: TextData) -> np.ndarray:
    """Every non-test real block (the ``lm`` family's generator share and pool together)."""
    return np.concatenate([text.generator_blocks, text.real_blocks])


def text_statistics(text: TextData, stream: np.ndarray, point: LMGenerationPoint) -> dict[str, float]:
    """Tail statistics of the words of a token stream's documents (:mod:`.text_stats`)."""
    items = words(" ".join(decode_documents(text.tokenizer, stream)))
    if len(items) < point.stats_words:
        raise ValueError(f"stats_words: the tail statistics take {point.stats_words} words but "
                         f"{point.blocks} blocks of this text hold {len(items)}; lower "
                         "stats_words or raise blocks")
    return tail_statistics(items, budget=point.stats_words, ranks=point.zipf_ranks)


class Chain:
    """One seed index's chain of one workflow: its real data, seeds and stored generations."""

    def __init__(self, point: LMGenerationPoint, seed_index: int, base_seed: int,
                 device: torch.device, cache: Path, progress: bool = False) -> None:
        self.point, self.device, self.cache, self.progress = point, device, cache, progress
        self.seed_index, self.base_seed = seed_index, base_seed
        self.text = text_data(point.recipe(), base_seed)  # one split per base seed
        self.pool = real_pool(self.text)
        order_seed, self.chain_seed = seed_integers(base_seed, seed_index, 2)
        self.order = np.random.default_rng(order_seed).permutation(len(self.pool))
        n, fresh = point.blocks, fresh_real_rows(point.workflow, point.pi, point.blocks)
        if n + point.generation * fresh > len(self.pool):
            raise ValueError(f"blocks: {point.generation} generations of {n} blocks with "
                             f"{fresh} fresh real blocks each need {n + point.generation * fresh} "
                             f"real blocks; {point.source} has {len(self.pool)}")

    def seeds(self, k: int) -> tuple[int, int, int]:
        """Generation k's (model, sampling, subsample) seeds: the same under every workflow."""
        model, sampling, subsample = seed_integers(self.chain_seed, k, 3)
        return model, sampling, subsample

    def path(self, k: int) -> Path:
        chain = self.point.replace(generation=k).chain()
        key = content_digest(chain, self.base_seed, self.seed_index, self.device.type)[:20]
        return self.cache / "lm-generations" / key / f"generation-{k}"

    def generation(self, k: int) -> tuple[dict[str, Any], np.ndarray]:
        """Generation k's result and generated blocks, from the cache or computed."""
        path = self.path(k)
        with locked(path):
            if path.with_suffix(".json").exists():
                result = json.loads(path.with_suffix(".json").read_text())
                return {**result, "cached": True}, np.load(path.with_suffix(".npy"))
            result, corpus = self._compute(k)
            path.parent.mkdir(parents=True, exist_ok=True)
            np.save(path.with_suffix(".tmp.npy"), corpus)
            os.replace(path.with_suffix(".tmp.npy"), path.with_suffix(".npy"))
            path.with_suffix(".json").write_text(json.dumps(result))
        return {**result, "cached": False}, corpus

    def block(self, j: int) -> np.ndarray:
        """Block j (:mod:`.chains`): real for j = 0; else generation j−1's text, its first
        round(π·blocks) rows replaced by fresh real blocks under mix."""
        n = self.point.blocks
        if j == 0:
            return self.pool[self.order[:n]]
        fresh = fresh_real_rows(self.point.workflow, self.point.pi, n)
        real = self.pool[self.order[n + (j - 1) * fresh:n + j * fresh]]
        return np.concatenate([real, self.generation(j - 1)[1][:n - fresh]])

    def _compute(self, k: int) -> tuple[dict[str, Any], np.ndarray]:
        p, text = self.point, self.text
        model_seed, sample_seed, subsample_seed = self.seeds(k)
        selection = training_selection(p.workflow, k, p.blocks, np.random.default_rng(subsample_seed))
        fresh = fresh_real_rows(p.workflow, p.pi, p.blocks)
        train = np.concatenate([self.block(j)[rows] for j, rows in enumerate(selection) if len(rows)])
        real_rows = len(selection[0]) + sum(int((rows < fresh).sum()) for rows in selection[1:])
        steps = p.steps(len(train))
        model, run = train_model(p.size, f"generation-{k}", train, text.eval_blocks, p.recipe(), steps,
                            p.eval_every, model_seed, text.eos, self.device, self.cache,
                            self.progress, keep_checkpoint=False)
        stream, sampled = synthetic_corpus(model, p.blocks * (p.context + 1), p.sampling(),
                                           eos=text.eos, seed=sample_seed,
                                           batch_size=p.sample_batch_size, progress=self.progress)
        corpus = blocks_of(stream, p.context)[:p.blocks]
        contiguous_real = self.pool[:p.blocks].ravel()
        result = {
            "test_error": run["eval_loss"], "eval_loss": run["eval_loss"],
            "own_loss": evaluate(model, corpus[:p.eval_blocks]), "train_loss": run["train_loss"],
            "curve": run["curve"], "train_blocks": len(train), "real_blocks": real_rows,
            "synthetic_blocks": len(train) - real_rows, "steps": steps, "tokens": run["tokens"],
            "train_tokens_per_second": run["tokens_per_second"],
            "generated": {k_: sampled[k_] for k_ in ("documents", "generated_tokens", "seconds",
                                                    "generated_tokens_per_second")},
            "generated_text": text_statistics(text, stream, p),
            "real_text": text_statistics(text, contiguous_real, p),
            "seeds": {"model": model_seed, "sampling": sample_seed, "subsample": subsample_seed},
            "device": str(self.device)}
        return result, corpus


def lm_generation_one(point: LMGenerationPoint, seed_index: int, base_seed: int = 0) -> dict[str, Any]:
    """Generation ``point.generation`` of seed index ``seed_index`` as a stored task (see the
    module docstring), cached under :func:`~.cache.cache_dir`; on a GPU when present, else on
    one CPU thread (the sweep runs one task per core)."""
    if not isinstance(point, LMGenerationPoint):
        raise ValueError(f"setting must be an LMGenerationPoint, got {type(point).__name__}")
    device = resolve_device("auto")
    with task_threads(device):
        return generation_result(point, seed_index, base_seed, cache_dir() / "lm", device)


def generation_result(point: LMGenerationPoint, seed_index: int, base_seed: int,
                      cache: str | os.PathLike, device: torch.device,
                      progress: bool = False) -> dict[str, Any]:
    """Generation ``point.generation`` of one seed index's chain, stored in ``cache``."""
    chain = Chain(point, seed_index, base_seed, device, Path(cache), progress)
    return chain.generation(point.generation)[0]


def run_lm_generations(point: LMGenerationPoint, seeds: tuple[int, ...], out_dir: str | Path, *,
                       base_seed: int = 0, device: str = "auto",
                       progress: bool = True) -> list[dict[str, Any]]:
    """Generations 0..``point.generation`` of ``point``'s workflow for every seed index, in
    this process, cached in ``out_dir``: the stored tasks' numbers on the same device.
    Writes ``lm-generations.csv`` / ``.json`` (:func:`~.chains.run_chain`)."""
    dev = resolve_device(device)  # a bad device fails before any training
    meta = {"experiment": "lm-generations", "device": str(dev), "torch": torch.__version__,
            "base_seed": base_seed}
    return run_chain(point, seeds,
                     lambda p, i: generation_result(p, i, base_seed, out_dir, dev, progress),
                     out_dir, "lm-generations", meta, flatten=flat)


def flat(result: dict[str, Any]) -> dict[str, Any]:
    """A generation's result as one table row: numbers only, nested ones prefixed."""
    row = {k: v for k, v in result.items() if not isinstance(v, dict | list)}
    for group in ("generated", "generated_text", "real_text"):
        prefix = "" if group == "generated" else f"{group.split('_')[0]}_"
        row.update({f"{prefix}{k}": v for k, v in result[group].items()})
    return row
