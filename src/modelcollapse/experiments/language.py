"""Figure 8 driver: language models trained on real/synthetic mixtures (SMC §7, §4.2).

Once per base seed (:func:`text_data`): real documents are split into held-out test text,
a small share for the generator and the real pool, and a BPE tokenizer is trained on the
non-test text. Every seed index of a study therefore meets the same test text, and seeds
differ only in training randomness.

For one seed (:func:`prepare`): a generator GPT-2 is trained on its share; when a mixture
needs synthetic text it samples one corpus of ``steps·batch_size`` blocks (what p2 = 1
needs), optionally filtered by likelihood; every p2 draws its synthetic rows from it.

For every (model size, p2) (:func:`train_run`): a fresh model is trained for ``steps`` steps
on exactly ``steps·batch_size`` blocks of ``context + 1`` tokens, round(p2·N) of them
synthetic (SMC §0 item 6), each block seen once; the held-out real loss is logged
against training tokens (Figure 8's axes). Within a seed, every run starts from the same
initialisation, sees its blocks in the same order and draws nested mixtures
(:func:`~.mixing.mixture_rows`): raising p2 only swaps real blocks for synthetic ones, so the
difference between two p2 (or two sizes) is measured with common random numbers. The
generator uses an independent stream of the seed (:func:`stream_seed`).

Two ways to run it, one computation: :func:`run_language` runs a whole
:class:`~.lm_config.LMConfig` in this process (any device) and writes CSV/JSON;
:func:`~.lm_task.lm_one` runs one :class:`~.lm_config.LMPoint` for one seed index as a
stored sweep task. Seed index i with base seed b means the split of base seed b and the
integer seed :func:`run_seed` (b, i) in both, so a point computed either way is the same
number on the same device.

Generators, corpora and unfinished runs are stored under content hashes in a cache
directory (``out`` for :func:`run_language`), so a killed run resumes from its last
checkpoint and nothing finished is recomputed.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tokenizers import Tokenizer
from transformers import GPT2LMHeadModel

from ..seeds import seed_integers
from .cache import locked
from .data.text import load_documents
from .device import resolve_device
from .lm import build_model, content_digest, synthetic_corpus, train_lm
from .lm_config import LMConfig, LMRecipe
from .mixing import mixture_rows
from .results import write_results
from .tokenizer import encode_documents, eos_id, train_tokenizer


def run_seed(base_seed: int, seed_index: int) -> int:
    """The integer seed of seed index ``seed_index`` (independent streams per index)."""
    return seed_integers(base_seed, seed_index, 1)[0]


GENERATOR, MIXTURE = 0, 1  # the two streams of one seed: the generator's and the mixtures'


def stream_seed(seed: int, stream: int) -> int:
    """Seed of one of a seed's independent streams, so the generator and the models trained
    on mixtures never share an initialisation or a batch order."""
    return seed_integers(seed, stream, 1)[0]


def blocks_of(stream: np.ndarray, context: int) -> np.ndarray:
    """Cut a token stream into non-overlapping rows of ``context + 1`` tokens."""
    n = len(stream) // (context + 1)
    return stream[: n * (context + 1)].reshape(n, context + 1)


@lru_cache(maxsize=2)
def _documents(source: str) -> tuple[str, ...]:
    return tuple(load_documents(source))


def split_documents(docs: tuple[str, ...], test_fraction: float, generator_fraction: float,
                    seed: int) -> tuple[list[str], list[str], list[str]]:
    """Held-out test, generator and real-pool documents: a seeded permutation cut in three."""
    order = np.random.default_rng(seed).permutation(len(docs))
    n_test = max(1, round(test_fraction * len(docs)))
    n_gen = max(1, round(generator_fraction * len(docs)))
    pick = lambda idx: [docs[i] for i in idx]  # noqa: E731
    return pick(order[:n_test]), pick(order[n_test:n_test + n_gen]), pick(order[n_test + n_gen:])


@dataclass(frozen=True)
class TextData:
    """The split real text of one base seed as blocks of ``context + 1`` tokens."""

    tokenizer: Tokenizer
    eval_blocks: np.ndarray
    generator_blocks: np.ndarray
    real_blocks: np.ndarray
    documents: dict[str, int]

    @property
    def eos(self) -> int:
        return eos_id(self.tokenizer)


def text_data(recipe: LMRecipe, split_seed: int) -> TextData:
    """Split, tokenizer and blocks of ``recipe``'s text for ``split_seed`` (cached per process)."""
    return _text_data(recipe.source, recipe.test_fraction, recipe.generator_fraction,
                      recipe.vocab_size, recipe.context, recipe.eval_blocks, split_seed)


@lru_cache(maxsize=2)
def _text_data(source: str, test_fraction: float, generator_fraction: float, vocab_size: int,
               context: int, eval_blocks: int, split_seed: int) -> TextData:
    test_docs, gen_docs, pool_docs = split_documents(_documents(source), test_fraction,
                                                     generator_fraction, split_seed)
    tok = train_tokenizer(gen_docs + pool_docs, vocab_size)
    blocks = lambda docs: blocks_of(encode_documents(tok, docs), context)  # noqa: E731
    return TextData(tok, blocks(test_docs)[:eval_blocks], blocks(gen_docs), blocks(pool_docs),
                    {"test": len(test_docs), "generator": len(gen_docs), "pool": len(pool_docs)})


def train_model(size: str, name: str, blocks: np.ndarray, eval_blocks: np.ndarray,
                recipe: LMRecipe, steps: int, checkpoint_every: int, seed: int, eos: int,
                device: torch.device, cache: Path, progress: bool, keep_checkpoint: bool = True,
                ) -> tuple[GPT2LMHeadModel, dict[str, Any]]:
    """Train one model, checkpointing under ``cache/checkpoints`` by content hash; with
    ``keep_checkpoint=False`` the finished run's checkpoint is removed."""
    tc = recipe.train_config(steps, checkpoint_every)
    model = build_model(size, recipe.vocab_size, recipe.context, eos=eos, dropout=recipe.dropout,
                        seed=seed).to(device)
    key = content_digest(size, {**asdict(tc), "checkpoint_every": None}, seed, blocks,
                         eval_blocks)[:16]
    path = cache / "checkpoints" / f"{name}-{key}.pt"
    path.parent.mkdir(parents=True, exist_ok=True)
    with locked(path):
        result = train_lm(model, blocks, eval_blocks, tc, seed=seed, checkpoint=path,
                          desc=name if progress else None)
        if not keep_checkpoint:
            path.unlink(missing_ok=True)
    return model, result


@dataclass
class Prepared:
    """One seed's text and trained generator; the synthetic corpus on demand."""

    recipe: LMRecipe
    seed: int
    text: TextData
    generator: GPT2LMHeadModel
    generator_result: dict[str, Any]
    cache: Path
    corpus: dict[str, Any] = field(default_factory=dict)
    _synthetic: np.ndarray | None = None

    @property
    def synthetic_tokens(self) -> int:
        """Tokens of the synthetic corpus sampled so far (0 before any p2 > 0 run)."""
        return 0 if self._synthetic is None else int(self._synthetic.size)

    def synthetic_blocks(self, progress: bool = False) -> np.ndarray:
        """``steps·batch_size`` generated blocks (sampled once, cached by content hash)."""
        if self._synthetic is None:
            r = self.recipe
            corpora = self.cache / "corpora"
            with locked(corpora / f"sampling-seed{self.seed}"):
                stream, self.corpus = synthetic_corpus(
                    self.generator, r.mixture_blocks * (r.context + 1), r.sampling(),
                    eos=self.text.eos, seed=self.seed, batch_size=r.sample_batch_size,
                    keep_fraction=r.keep_fraction, cache_dir=corpora, progress=progress)
            self._synthetic = blocks_of(stream, r.context)
        return self._synthetic


def prepare(recipe: LMRecipe, seed: int, cache: str | Path, *, split_seed: int = 0,
            device: torch.device, progress: bool = False,
            checkpoint_every: int | None = None) -> Prepared:
    """The text of ``split_seed`` and a generator trained with integer ``seed`` (the corpus
    is sampled lazily)."""
    recipe = recipe.recipe()
    text = text_data(recipe, split_seed)
    generator, gen_result = train_model(recipe.generator_size, "generator", text.generator_blocks,
                                   text.eval_blocks, recipe, recipe.generator_steps,
                                   checkpoint_every or recipe.eval_every,
                                   stream_seed(seed, GENERATOR), text.eos, device,
                                   Path(cache), progress)
    return Prepared(recipe, seed, text, generator, gen_result, Path(cache))


def train_run(prep: Prepared, size: str, p2: float, *, device: torch.device, progress: bool = False,
              checkpoint_every: int | None = None, keep_checkpoint: bool = True) -> dict[str, Any]:
    """Train a ``size`` model on a mixture with synthetic fraction ``p2`` (exact counts).

    Returns the run's summary (size, parameters, p2, real and synthetic block counts, seed,
    final held-out and training loss, tokens, training tokens/s, seconds) with its held-out
    loss ``curve`` (a list of ``{"step", "tokens", "eval_loss"}``).
    """
    recipe, n_rows = prep.recipe, prep.recipe.mixture_blocks
    synth = (prep.synthetic_blocks(progress) if p2 > 0
             else np.empty((0, recipe.context + 1), dtype=np.int32))
    seed = stream_seed(prep.seed, MIXTURE)
    rng = np.random.default_rng(seed)  # the same for every p2 and size: nested mixtures
    real_idx, synth_idx = mixture_rows(n_rows, p2, len(prep.text.real_blocks), len(synth), rng)
    blocks = np.concatenate([prep.text.real_blocks[real_idx], synth[synth_idx]])
    start = time.perf_counter()
    model, result = train_model(size, f"{size}-p2={p2:g}", blocks, prep.text.eval_blocks, recipe,
                           recipe.steps, checkpoint_every or recipe.eval_every, seed, prep.text.eos,
                           device, prep.cache, progress, keep_checkpoint)
    return {"size": size, "params": sum(p.numel() for p in model.parameters()), "p2": p2,
            "n_real_blocks": len(real_idx), "n_synth_blocks": len(synth_idx), "seed": prep.seed,
            "eval_loss": result["eval_loss"], "train_loss": result["train_loss"],
            "tokens": result["tokens"], "train_tokens_per_second": result["tokens_per_second"],
            "seconds": time.perf_counter() - start, "curve": result["curve"]}


def run_language(config: LMConfig, out_dir: str | Path, *, device: str = "auto",
                 progress: bool = True) -> dict[str, Any]:
    """Run the Figure 8 experiment in this process for every seed index of ``config``; write
    ``lm.csv`` (one row per evaluation point of every run) and ``lm.json`` (configuration,
    generator and corpus summaries per seed, final losses)."""
    dev = resolve_device(device)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    finals: list[dict[str, Any]] = []
    seeds: list[dict[str, Any]] = []
    for index in config.seeds:
        seed = run_seed(config.base_seed, index)
        prep = prepare(config, seed, out, split_seed=config.base_seed, device=dev,
                       progress=progress, checkpoint_every=config.checkpoint_every)
        for size, p2 in config.runs():
            run = train_run(prep, size, p2, device=dev, progress=progress,
                            checkpoint_every=config.checkpoint_every)
            curve = run.pop("curve")
            run = {"seed_index": index, **run}
            rows += [{**{k: run[k] for k in ("seed_index", "size", "params", "p2", "n_real_blocks",
                                              "n_synth_blocks", "seed")}, **point} for point in curve]
            finals.append(run)
        text = prep.text
        seeds.append({"seed_index": index, "seed": seed,
                      "tokens": {"test_eval": int(text.eval_blocks.size),
                                 "generator": int(text.generator_blocks.size),
                                 "real_pool": int(text.real_blocks.size),
                                 "synthetic": prep.synthetic_tokens},
                      "generator": {"size": config.generator_size,
                                    **{k: v for k, v in prep.generator_result.items() if k != "curve"}},
                      "corpus": prep.corpus})
    text = text_data(config, config.base_seed)
    text.tokenizer.save(str(out / "tokenizer.json"))
    meta = {"experiment": "lm", "spec": "SMC §7 Figure 8", "device": str(dev),
            "torch": torch.__version__, "config": asdict(config), "documents": text.documents,
            "seeds": seeds, "final": finals}
    write_results(out, "lm", rows, meta)
    return meta
