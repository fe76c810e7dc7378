"""Generation and training throughput of the Figure 8 language models (SMC §7).

Measures, side by side in one process and with the same seeds:

- sampling tokens/s of the KV-cached sampler against naive recomputation of the whole
  prefix at every step (``modelcollapse.experiments.lm.generate`` with ``kv_cache`` on and
  off, same seed, so up to rounding the same tokens), alternating the two and reporting
  medians;
- training tokens/s of ``train_lm`` (AdamW steps on random token blocks).

Weights are random: throughput does not depend on what the model has learnt.

    python benchmarks/bench_generation.py                    # small model, CPU-sized: ~1.5 min
    python benchmarks/bench_generation.py --size gpt2-12L --context 512 --device auto
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np
import torch

from modelcollapse.experiments.device import resolve_device
from modelcollapse.experiments.lm import build_model, generate, train_lm
from modelcollapse.experiments.lm_config import MODEL_SIZES, Sampling, TrainConfig


def sampling_rate(model, batch: int, new_tokens: int, kv_cache: bool, eos: int) -> float:
    gen = torch.Generator(device=model.device).manual_seed(0)
    start = time.perf_counter()
    tokens, _ = generate(model, batch, Sampling(max_new_tokens=new_tokens), eos=eos, generator=gen,
                         kv_cache=kv_cache)
    if model.device.type == "cuda":
        torch.cuda.synchronize()
    return tokens.numel() / (time.perf_counter() - start)


def training_rate(args, device: torch.device, eos: int) -> float:
    rng = np.random.default_rng(0)
    blocks = rng.integers(1, args.vocab, (args.train_steps * args.batch, args.context + 1)).astype(np.int32)
    cfg = TrainConfig(steps=args.train_steps, batch_size=args.batch, lr=1e-3, warmup=1,
                      eval_every=10**9, checkpoint_every=10**9, dropout=0.0)
    model = build_model(args.size, args.vocab, args.context, eos=eos).to(device)
    return train_lm(model, blocks, blocks[:1], cfg)["tokens_per_second"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=MODEL_SIZES, default="small")
    parser.add_argument("--vocab", type=int, default=2048)
    parser.add_argument("--context", type=int, default=256)
    parser.add_argument("--batch", type=int, default=32, help="sequences sampled / trained per batch")
    parser.add_argument("--new-tokens", type=int, default=128, help="tokens sampled per sequence")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--train-steps", type=int, default=10, help="steps per training measurement")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    device = resolve_device(args.device)
    eos = args.vocab - 1
    model = build_model(args.size, args.vocab, args.context, eos=eos).to(device).eval()
    sampling_rate(model, 2, 4, True, eos)  # warm-up
    kv, naive = [], []
    for _ in range(args.repeats):
        kv.append(sampling_rate(model, args.batch, args.new_tokens, True, eos))
        naive.append(sampling_rate(model, args.batch, args.new_tokens, False, eos))
    train = [training_rate(args, device, eos) for _ in range(args.repeats)]
    result = {
        "size": args.size, "params": sum(p.numel() for p in model.parameters()),
        "device": str(device), "threads": torch.get_num_threads(), "vocab": args.vocab,
        "context": args.context, "batch": args.batch, "new_tokens": args.new_tokens,
        "repeats": args.repeats,
        "kv_cache_tokens_per_s": statistics.median(kv),
        "naive_tokens_per_s": statistics.median(naive),
        "speedup": statistics.median(kv) / statistics.median(naive),
        "train_tokens_per_s": statistics.median(train),
    }
    if args.json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        print(f"{key:>24}  {value:.4g}" if isinstance(value, float) else f"{key:>24}  {value}")


if __name__ == "__main__":
    main()
