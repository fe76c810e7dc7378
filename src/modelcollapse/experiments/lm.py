"""GPT-2-style language models for the Figure 8 experiment (SMC §7, paper §4.2, App. A.3).

The configuration types (:data:`MODEL_SIZES`, :class:`TrainConfig`, :class:`Sampling`) live in
:mod:`.lm_config`, which needs no PyTorch.

- :func:`build_model`: a randomly initialised ``transformers`` GPT-2 of a named size;
- :func:`train_lm`: AdamW with warm-up and cosine decay (the Memory Mosaics recipe quoted in
  SMC §7), held-out loss logged against training tokens, and atomic checkpoints from
  which a killed run resumes exactly (model, optimiser, step, RNG state);
- :func:`generate`: batched sampling with temperature, top-p and top-k, using the key/value
  cache (``kv_cache=False`` recomputes the whole prefix each step, for the benchmark);
- :func:`synthetic_corpus`: a generated corpus with the optional likelihood filter, cached
  on disk under the hash of the generator's weights and the sampling settings.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from tqdm.auto import tqdm
from transformers import DynamicCache, GPT2Config, GPT2LMHeadModel

from ..config import check_number
from .lm_config import MODEL_SIZES, Sampling, TrainConfig


def build_model(size: str, vocab_size: int, context: int, *, eos: int, dropout: float = 0.0,
                seed: int = 0) -> GPT2LMHeadModel:
    """A randomly initialised GPT-2 of one of :data:`MODEL_SIZES` (seeded)."""
    if size not in MODEL_SIZES:
        raise ValueError(f"size must be one of {', '.join(MODEL_SIZES)}, got {size!r}")
    n_layer, n_embd, n_head = MODEL_SIZES[size]
    config = GPT2Config(vocab_size=vocab_size, n_positions=context, n_embd=n_embd, n_layer=n_layer,
                        n_head=n_head, resid_pdrop=dropout, embd_pdrop=dropout, attn_pdrop=dropout,
                        bos_token_id=eos, eos_token_id=eos)
    torch.manual_seed(seed)
    return GPT2LMHeadModel(config)


def content_digest(*parts: Any) -> str:
    """SHA-256 of arrays (their bytes) and JSON-able values, in order."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.tobytes() if isinstance(part, np.ndarray) else
                 json.dumps(part, sort_keys=True, default=str).encode())
    return h.hexdigest()


def weights_digest(model: torch.nn.Module) -> str:
    """SHA-256 of a model's parameters and buffers (the content hash of a generator)."""
    h = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        h.update(name.encode())
        h.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()


def _lr(step: int, cfg: TrainConfig) -> float:
    """Linear warm-up to ``lr``, then cosine decay to ``min_lr`` at ``steps``."""
    if step < cfg.warmup:
        return cfg.lr * (step + 1) / cfg.warmup
    progress = (step - cfg.warmup) / max(1, cfg.steps - cfg.warmup)
    return cfg.min_lr + 0.5 * (cfg.lr - cfg.min_lr) * (1 + math.cos(math.pi * min(progress, 1.0)))


def _batch_rows(step: int, batch_size: int, n_rows: int, seed: int) -> np.ndarray:
    """Rows of ``step``'s batch: a fresh seeded permutation of the rows for every epoch."""
    positions = np.arange(step * batch_size, (step + 1) * batch_size)
    epochs = positions // n_rows
    rows = np.empty_like(positions)
    for epoch in np.unique(epochs):
        perm = np.random.default_rng([seed, int(epoch)]).permutation(n_rows)
        mask = epochs == epoch
        rows[mask] = perm[positions[mask] % n_rows]
    return rows


@torch.no_grad()
def evaluate(model: GPT2LMHeadModel, blocks: np.ndarray, batch_size: int = 64) -> float:
    """Mean next-token cross-entropy (nats) over ``blocks`` (rows of context + 1 tokens)."""
    was_training = model.training
    model.eval()
    device = model.device
    total, count = 0.0, 0
    for i in range(0, len(blocks), batch_size):
        b = torch.as_tensor(blocks[i:i + batch_size], dtype=torch.long, device=device)
        logits = model(b[:, :-1]).logits
        total += F.cross_entropy(logits.flatten(0, 1).float(), b[:, 1:].flatten(), reduction="sum").item()
        count += b[:, 1:].numel()
    model.train(was_training)
    return total / count


def _save_atomic(obj: dict[str, Any], path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def train_lm(model: GPT2LMHeadModel, train_blocks: np.ndarray, eval_blocks: np.ndarray,
             cfg: TrainConfig, *, seed: int = 0, checkpoint: str | os.PathLike | None = None,
             desc: str | None = None) -> dict[str, Any]:
    """Train ``model`` in place on ``train_blocks`` (rows of context + 1 tokens).

    Each step takes ``batch_size`` rows in a seeded order (a new permutation each epoch);
    the held-out loss on ``eval_blocks`` is recorded every ``eval_every`` steps and at the
    end. With ``checkpoint`` (a file path), state is saved atomically every
    ``checkpoint_every`` steps and at the end, and a run started with an existing
    checkpoint continues from it, giving the same result as an uninterrupted run. A
    finished checkpoint just loads the model. ``desc`` turns the progress bar on.

    Returns ``{"curve": [{"step", "tokens", "eval_loss"}...], "eval_loss", "train_loss",
    "tokens", "tokens_per_second"}``; tokens/s covers the steps run in this call, including
    their evaluations and checkpoints.
    """
    device = model.device
    context = train_blocks.shape[1] - 1
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, betas=(cfg.beta1, cfg.beta2),
                            weight_decay=cfg.weight_decay)
    state: dict[str, Any] = {"step": 0, "curve": [], "train_loss": float("nan")}
    path = None if checkpoint is None else Path(checkpoint)
    if path is not None and path.exists():
        saved = torch.load(path, map_location=device, weights_only=False)
        model.load_state_dict(saved["model"])
        opt.load_state_dict(saved["optimizer"])
        torch.set_rng_state(saved["rng"].cpu())  # RNG states must be CPU byte tensors
        if saved["cuda_rng"] is not None:
            torch.cuda.set_rng_state_all([r.cpu() for r in saved["cuda_rng"]])
        state = saved["state"]
    tokens_per_step = cfg.batch_size * context

    def save() -> None:
        if path is not None:
            _save_atomic({"model": model.state_dict(), "optimizer": opt.state_dict(),
                          "rng": torch.get_rng_state(), "state": state,
                          "cuda_rng": torch.cuda.get_rng_state_all() if device.type == "cuda" else None},
                         path)

    model.train()
    start_step, start = state["step"], time.perf_counter()
    bar = tqdm(range(start_step, cfg.steps), desc=desc, initial=start_step, total=cfg.steps,
               disable=desc is None, leave=False)
    for step in bar:
        for group in opt.param_groups:
            group["lr"] = _lr(step, cfg)
        rows = _batch_rows(step, cfg.batch_size, len(train_blocks), seed)
        b = torch.as_tensor(train_blocks[rows], dtype=torch.long, device=device)
        logits = model(b[:, :-1]).logits
        loss = F.cross_entropy(logits.flatten(0, 1).float(), b[:, 1:].flatten())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
        opt.step()
        state["step"], state["train_loss"] = step + 1, loss.item()
        if (step + 1) % cfg.eval_every == 0 or step + 1 == cfg.steps:
            ev = evaluate(model, eval_blocks)
            state["curve"].append({"step": step + 1, "tokens": (step + 1) * tokens_per_step,
                                   "eval_loss": ev})
            bar.set_postfix(loss=f"{loss.item():.3f}", eval=f"{ev:.3f}", refresh=False)
        elif step % 10 == 0:
            bar.set_postfix(loss=f"{loss.item():.3f}", refresh=False)
        if (step + 1) % cfg.checkpoint_every == 0 or step + 1 == cfg.steps:
            save()
    elapsed = time.perf_counter() - start
    ran = cfg.steps - start_step
    model.eval()
    return {"curve": state["curve"], "eval_loss": state["curve"][-1]["eval_loss"],
            "train_loss": state["train_loss"], "tokens": cfg.steps * tokens_per_step,
            "tokens_per_second": ran * tokens_per_step / elapsed if ran else float("nan")}


def sample_next(logits: torch.Tensor, s: Sampling, generator: torch.Generator) -> torch.Tensor:
    """One token per row from the next-token distribution softmax(logits / temperature),
    cut to the ``top_k`` most likely tokens (0: no cut), then to the nucleus: the most likely
    tokens in order, each kept while the tokens ranked above it hold less than ``top_p`` of
    the remaining mass (TG eq. (A.5): a cut tail), renormalised. Tokens tied with the
    least likely kept one are kept too.

    Drawn by inverse CDF: one uniform per row and a binary search in the cumulative
    probabilities of the kept tokens, exact for the truncated law.
    """
    probs = torch.softmax(logits / s.temperature, dim=-1)
    if s.top_k or s.top_p < 1.0:
        probs = probs * (probs >= smallest_kept(probs, s))
    cum = probs.cumsum(dim=-1)
    total = cum[:, -1:]
    u = torch.rand(total.shape, generator=generator, device=cum.device, dtype=cum.dtype) * total
    # u < total, so the first cumulative probability above u is a kept token's
    u = torch.minimum(u, torch.nextafter(total, torch.zeros_like(total)))
    return torch.searchsorted(cum, u, right=True).squeeze(1)


def smallest_kept(probs: torch.Tensor, s: Sampling) -> torch.Tensor:
    """Each row's smallest probability that survives the top-k and top-p cuts (n × 1)."""
    if probs.device.type == "cpu":
        # NumPy's vectorised sort is ~30x faster than torch.sort on a CPU, which also
        # computes the order; only the sorted values are needed
        ascending = np.sort(probs.detach().numpy(), axis=-1)
        ranked = torch.from_numpy(np.ascontiguousarray(ascending[:, ::-1]))
    else:
        ranked = torch.sort(probs, dim=-1, descending=True).values
    if s.top_k:
        ranked = ranked[:, :s.top_k]
    kept = torch.full((len(ranked), 1), ranked.shape[-1], dtype=torch.long, device=ranked.device)
    if s.top_p < 1.0:
        cum = ranked.cumsum(dim=-1)
        kept = ((cum - ranked) < s.top_p * cum[:, -1:]).sum(dim=-1, keepdim=True).clamp(min=1)
    return ranked.gather(-1, kept - 1)


@torch.no_grad()
def generate(model: GPT2LMHeadModel, n_sequences: int, sampling: Sampling, *, eos: int,
             generator: torch.Generator, kv_cache: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """Sample ``n_sequences`` documents in one batch, each prompted by ``eos`` alone.

    Returns ``(tokens, logprob)``: ``tokens`` (n × T, T ≤ max_new_tokens) holds each
    document followed by ``eos`` and then ``eos`` padding, or is cut at max_new_tokens;
    ``logprob`` is each document's mean log-likelihood per token under the untempered,
    untruncated model (the quality filter's score). With ``kv_cache`` each step feeds one
    token and reuses the cached keys and values; without it the whole prefix is recomputed.
    """
    model.eval()
    device = model.device
    limit = min(sampling.max_new_tokens, model.config.n_positions - 1)
    seq = torch.full((n_sequences, 1), eos, dtype=torch.long, device=device)
    done = torch.zeros(n_sequences, dtype=torch.bool, device=device)
    total_lp = torch.zeros(n_sequences, device=device)
    length = torch.zeros(n_sequences, device=device)
    # the key/value cache is filled in place by each forward call (the Cache API; the
    # ``past_key_values`` argument is deprecated from transformers 5.x on)
    cache = DynamicCache(config=model.config) if kv_cache else None
    for step in range(limit):
        out = model(seq[:, -1:] if kv_cache and step else seq, cache=cache, use_cache=kv_cache)
        logits = out.logits[:, -1, :].float()
        nxt = sample_next(logits, sampling, generator)
        nxt = torch.where(done, torch.full_like(nxt, eos), nxt)
        lp = torch.log_softmax(logits, dim=-1).gather(1, nxt[:, None]).squeeze(1)
        total_lp += torch.where(done, 0.0, lp)
        length += (~done).float()
        seq = torch.cat([seq, nxt[:, None]], dim=1)
        done |= nxt == eos
        if bool(done.all()):
            break
    return seq[:, 1:], total_lp / length.clamp(min=1)


def next_batch(missing: int, per_document: float, batch_size: int) -> int:
    """Documents to sample next for ``missing`` more tokens at ``per_document`` kept tokens
    per sampled document: a quarter more than the estimate, at least 32 (a batch that ends
    every document at once means a broken generator, not bad luck) and at most
    ``batch_size``. A batch costs its longest document's steps, so a last batch sized to
    what is missing, rather than a full one, saves most of its time."""
    if per_document <= 0:
        return batch_size
    return int(min(batch_size, max(32, math.ceil(1.25 * missing / per_document))))


def synthetic_corpus(model: GPT2LMHeadModel, n_tokens: int, sampling: Sampling, *, eos: int,
                     seed: int = 0, batch_size: int = 64, keep_fraction: float = 1.0,
                     cache_dir: str | os.PathLike | None = None,
                     progress: bool = False) -> tuple[np.ndarray, dict[str, Any]]:
    """A token stream of at least ``n_tokens`` generated tokens, documents ending in ``eos``.

    The quality filter (the paper filters poor generations; its criterion is [OPEN],
    SMC §7) keeps the ``keep_fraction`` of documents with the highest mean log-likelihood
    under the generator and drops empty ones. With ``cache_dir`` the stream is stored as
    ``corpus-<hash>.npy``, the hash covering the generator's weights and every argument
    that changes the output, and reused when present. Returns the stream and a summary
    (documents generated and kept, seconds, generated tokens/s, whether it was cached).
    Documents are sampled ``batch_size`` at a time, the last batches sized by
    :func:`next_batch`.
    """
    check_number("n_tokens", n_tokens, low=1, integer=True)
    check_number("keep_fraction", keep_fraction, low=0.0, high=1.0, low_open=True)
    key = content_digest(weights_digest(model), asdict(sampling), n_tokens, eos, seed, batch_size,
                  keep_fraction)
    path = None if cache_dir is None else Path(cache_dir) / f"corpus-{key[:20]}.npy"
    if path is not None and path.exists():
        meta = json.loads(path.with_suffix(".json").read_text())
        return np.load(path), {**meta, "cached": True}
    gen = torch.Generator(device=model.device).manual_seed(seed)
    docs: list[np.ndarray] = []
    scores: list[float] = []
    kept_tokens, generated, rows, start = 0, 0, 0, time.perf_counter()
    size = batch_size
    bar = tqdm(total=n_tokens, desc="sampling synthetic corpus", disable=not progress, leave=False)
    while kept_tokens < n_tokens:
        tokens, logprob = generate(model, size, sampling, eos=eos, generator=gen)
        if bool((tokens[:, 0] == eos).all()):
            raise ValueError(f"the generator ended all {size} documents of a batch at once; "
                             "train it longer before sampling a corpus")
        rows += size
        for row, score in zip(tokens.cpu().numpy(), logprob.cpu().tolist(), strict=True):
            ends = np.flatnonzero(row == eos)
            doc = row[: ends[0]] if len(ends) else row
            generated += len(doc) + 1
            if len(doc):
                docs.append(np.append(doc, eos).astype(np.int32))
                scores.append(score)
        # the filter keeps the top keep_fraction by likelihood; the shortest such share of
        # the documents is a lower bound on the tokens it will keep
        lengths = np.sort(np.array([len(d) for d in docs]))
        kept_tokens = int(np.sum(lengths[: int(len(docs) * keep_fraction)]))
        bar.update(min(kept_tokens, n_tokens) - bar.n)
        size = next_batch(n_tokens - kept_tokens, kept_tokens / rows, batch_size)
    bar.close()
    seconds = time.perf_counter() - start
    order = np.argsort(scores, kind="stable")[::-1][: max(1, int(len(docs) * keep_fraction))]
    stream = np.concatenate([docs[i] for i in sorted(order)])
    meta = {"documents": len(docs), "kept_documents": len(order), "tokens": len(stream),
            "generated_tokens": generated, "seconds": seconds,
            "generated_tokens_per_second": generated / seconds, "key": key}
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path.with_suffix(".tmp.npy"), stream)
        os.replace(path.with_suffix(".tmp.npy"), path)
        path.with_suffix(".json").write_text(json.dumps(meta))
    return stream, {**meta, "cached": False}
