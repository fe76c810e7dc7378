"""Figure 8 driver: language models trained on real/synthetic mixtures (spec SMC §7, §4.2).

1. Real documents are split with a seed into held-out test text, a small share for the
   generator, and the real pool; a BPE tokenizer is trained on the non-test text.
2. A generator GPT-2 is trained on its share and samples a synthetic corpus (cached by
   content hash, optionally filtered by likelihood).
3. For every p2 and model size, a fresh model is trained for ``steps`` steps on exactly
   ``steps·batch_size`` blocks of ``context + 1`` tokens, round(p2·N) of them synthetic
   (spec SMC §0 item 6), each block seen once; the held-out real loss is logged against
   training tokens (Figure 8's axes).

Runs checkpoint to ``out/checkpoints``; re-running the same command resumes a killed run
and skips finished ones.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..config import check_number
from .data.text import load_documents
from .device import resolve_device
from .lm import MODEL_SIZES, Sampling, TrainConfig, build_model, content_digest, synthetic_corpus, train_lm
from .mixing import mixture_rows
from .results import write_results
from .tokenizer import encode_documents, eos_id, train_tokenizer


@dataclass(frozen=True)
class LMConfig:
    """Hyper-parameters of the Figure 8 experiment; the defaults are the full (GPU) run.

    Architecture and optimiser follow spec SMC §7 (App. A.3): width 768, 12 heads, context
    512, lr 5e-3 with 2,000 warm-up steps and cosine decay to 1e-4, weight decay 0.1,
    dropout 0.05, AdamW(0.9, 0.95). :meth:`quick` shrinks everything to CPU minutes.
    """

    # -- data -------------------------------------------------------------------------------
    source: str = "tinystories"  # shakespeare | tinystories | hf:OWNER/REPO/FILE | a text file
    test_fraction: float = 0.01  # held-out real documents (the test loss)
    generator_fraction: float = 0.1  # share of the real documents the generator learns from
    vocab_size: int = 8192
    context: int = 512
    # -- generator and synthetic corpus ---------------------------------------------------------
    generator_size: str = "gpt2-12L"
    generator_steps: int = 20000
    temperature: float = 1.0
    top_p: float = 1.0
    top_k: int = 0
    keep_fraction: float = 0.9  # likelihood filter: share of generated documents kept
    sample_batch_size: int = 64
    # -- mixtures -----------------------------------------------------------------------------
    p2_grid: tuple[float, ...] = (0.0, 0.01, 0.1, 0.5, 1.0)
    mixture_size: str = "gpt2-12L"  # the model trained on every p2
    sizes: tuple[str, ...] = ("gpt2-12L", "gpt2-18L", "gpt2-24L")  # the model-size study ...
    size_p2_grid: tuple[float, ...] = (0.0, 1.0)  # ... at these p2 (the paper: p2 = 1)
    # -- optimisation (each mixture run and the generator): TrainConfig's defaults ----------
    steps: int = TrainConfig.steps
    batch_size: int = TrainConfig.batch_size
    lr: float = TrainConfig.lr
    min_lr: float = TrainConfig.min_lr
    warmup: int = TrainConfig.warmup
    weight_decay: float = TrainConfig.weight_decay
    dropout: float = TrainConfig.dropout
    eval_every: int = TrainConfig.eval_every
    eval_blocks: int = 512  # held-out blocks of context + 1 tokens
    checkpoint_every: int = TrainConfig.checkpoint_every
    seed: int = 0

    @classmethod
    def quick(cls, **overrides: Any) -> LMConfig:
        """A few CPU minutes on Shakespeare: tiny models, short context, 200 steps each."""
        small = dict(source="shakespeare", test_fraction=0.05, vocab_size=512, context=64,
                     generator_size="tiny", generator_steps=200, sample_batch_size=512,
                     mixture_size="tiny", sizes=("tiny", "small"), steps=200, batch_size=16,
                     lr=3e-3, warmup=30, dropout=0.0, eval_every=50, eval_blocks=128,
                     checkpoint_every=100)
        return cls(**{**small, **overrides})

    def __post_init__(self) -> None:
        for name in ("context", "generator_steps", "sample_batch_size", "steps", "batch_size",
                     "eval_every", "eval_blocks", "checkpoint_every"):
            check_number(name, getattr(self, name), low=1, integer=True)
        check_number("vocab_size", self.vocab_size, low=257, integer=True)
        check_number("seed", self.seed, low=0, integer=True)
        check_number("test_fraction", self.test_fraction, low=0.0, high=0.5, low_open=True)
        check_number("generator_fraction", self.generator_fraction, low=0.0, high=0.5, low_open=True)
        named = [("generator_size", self.generator_size), ("mixture_size", self.mixture_size),
                 *(("sizes", size) for size in self.sizes)]
        for name, value in named:
            if value not in MODEL_SIZES:
                raise ValueError(f"{name} must be one of {', '.join(MODEL_SIZES)}, got {value!r}")
        for name in ("p2_grid", "size_p2_grid"):
            for value in getattr(self, name):
                check_number(name, value, low=0.0, high=1.0)
        self.train_config()
        self.sampling()

    def train_config(self, steps: int | None = None) -> TrainConfig:
        return TrainConfig(steps=steps or self.steps, batch_size=self.batch_size, lr=self.lr,
                           min_lr=min(self.min_lr, self.lr), warmup=self.warmup,
                           weight_decay=self.weight_decay, dropout=self.dropout,
                           eval_every=self.eval_every, checkpoint_every=self.checkpoint_every)

    def sampling(self) -> Sampling:
        return Sampling(temperature=self.temperature, top_p=self.top_p, top_k=self.top_k,
                        max_new_tokens=self.context)

    def replace(self, **changes: Any) -> LMConfig:
        return replace(self, **changes)

    def runs(self) -> list[tuple[str, float]]:
        """The (size, p2) pairs trained: the p2 grid on ``mixture_size``, then the size study."""
        pairs = [(self.mixture_size, p2) for p2 in self.p2_grid]
        pairs += [(s, p2) for s in self.sizes for p2 in self.size_p2_grid]
        return list(dict.fromkeys(pairs))


def blocks_of(stream: np.ndarray, context: int) -> np.ndarray:
    """Cut a token stream into non-overlapping rows of ``context + 1`` tokens."""
    n = len(stream) // (context + 1)
    return stream[: n * (context + 1)].reshape(n, context + 1)


def _split_documents(docs: list[str], cfg: LMConfig) -> tuple[list[str], list[str], list[str]]:
    order = np.random.default_rng(cfg.seed).permutation(len(docs))
    n_test = max(1, round(cfg.test_fraction * len(docs)))
    n_gen = max(1, round(cfg.generator_fraction * len(docs)))
    pick = lambda idx: [docs[i] for i in idx]  # noqa: E731
    return pick(order[:n_test]), pick(order[n_test:n_test + n_gen]), pick(order[n_test + n_gen:])


def _train(size: str, name: str, blocks: np.ndarray, eval_blocks: np.ndarray, cfg: LMConfig,
           tc: TrainConfig, eos: int, device: torch.device, ckpt_dir: Path,
           progress: bool) -> tuple[torch.nn.Module, dict[str, Any]]:
    model = build_model(size, cfg.vocab_size, cfg.context, eos=eos, dropout=cfg.dropout,
                        seed=cfg.seed).to(device)
    key = content_digest(size, asdict(tc), cfg.seed, blocks, eval_blocks)[:16]
    result = train_lm(model, blocks, eval_blocks, tc, seed=cfg.seed,
                      checkpoint=ckpt_dir / f"{name}-{key}.pt", desc=name if progress else None)
    return model, result


def run_language(config: LMConfig, out_dir: str | Path, *, device: str = "auto",
                 progress: bool = True) -> dict[str, Any]:
    """Run the Figure 8 experiment; write ``lm.csv`` (one row per evaluation point of every
    run) and ``lm.json`` (configuration, generator and corpus summaries, final losses)."""
    dev = resolve_device(device)
    out = Path(out_dir)
    ckpt_dir = out / "checkpoints"
    ckpt_dir.mkdir(parents=True, exist_ok=True)
    test_docs, gen_docs, pool_docs = _split_documents(load_documents(config.source), config)
    tok = train_tokenizer(gen_docs + pool_docs, config.vocab_size)
    tok.save(str(out / "tokenizer.json"))
    eos = eos_id(tok)
    ctx = config.context
    eval_blocks = blocks_of(encode_documents(tok, test_docs), ctx)[: config.eval_blocks]
    gen_blocks = blocks_of(encode_documents(tok, gen_docs), ctx)
    real_blocks = blocks_of(encode_documents(tok, pool_docs), ctx)

    generator, gen_result = _train(config.generator_size, "generator", gen_blocks, eval_blocks,
                                   config, config.train_config(config.generator_steps), eos, dev,
                                   ckpt_dir, progress)
    n_rows = config.steps * config.batch_size
    need_synth = max(round(p2 * n_rows) for _, p2 in config.runs())
    synth_blocks = np.empty((0, ctx + 1), dtype=np.int32)
    corpus: dict[str, Any] = {}
    if need_synth:
        stream, corpus = synthetic_corpus(
            generator, need_synth * (ctx + 1), config.sampling(), eos=eos, seed=config.seed,
            batch_size=config.sample_batch_size, keep_fraction=config.keep_fraction,
            cache_dir=out / "corpora", progress=progress)
        synth_blocks = blocks_of(stream, ctx)

    rows: list[dict[str, Any]] = []
    finals: list[dict[str, Any]] = []
    for size, p2 in config.runs():
        rng = np.random.default_rng([config.seed, round(p2 * 1e6)])
        real_idx, synth_idx = mixture_rows(n_rows, p2, len(real_blocks), len(synth_blocks), rng)
        blocks = np.concatenate([real_blocks[real_idx], synth_blocks[synth_idx]])
        start = time.perf_counter()
        model, result = _train(size, f"{size}-p2={p2:g}", blocks, eval_blocks, config,
                           config.train_config(), eos, dev, ckpt_dir, progress)
        base = {"size": size, "params": sum(p.numel() for p in model.parameters()), "p2": p2,
                "n_real_blocks": len(real_idx), "n_synth_blocks": len(synth_idx), "seed": config.seed}
        rows += [{**base, **point} for point in result["curve"]]
        finals.append({**base, "eval_loss": result["eval_loss"], "train_loss": result["train_loss"],
                       "tokens": result["tokens"], "train_tokens_per_second": result["tokens_per_second"],
                       "seconds": time.perf_counter() - start})
    meta = {"experiment": "lm", "spec": "spec SMC §7 Figure 8", "device": str(dev),
            "torch": torch.__version__, "config": asdict(config),
            "documents": {"test": len(test_docs), "generator": len(gen_docs), "pool": len(pool_docs)},
            "tokens": {"test_eval": int(eval_blocks.size), "generator": int(gen_blocks.size),
                       "real_pool": int(real_blocks.size), "synthetic": int(synth_blocks.size)},
            "generator": {"size": config.generator_size, **{k: v for k, v in gen_result.items()
                                                           if k != "curve"}},
            "corpus": corpus, "final": finals}
    write_results(out, "lm", rows, meta)
    return meta

