"""The next-token sampler of the language models: the current one against the previous one.

Run: ``python benchmarks/bench_sampler.py [--rows 512] [--vocab 512] [--repeats 50]``
(a few seconds). On one CPU thread, with random logits of the quick LM's shape (512
documents sampled at once, a vocabulary of 512), it times side by side, alternating:

- ``sample_next`` (``modelcollapse.experiments.lm``): the cut from NumPy-sorted values and
  an inverse-CDF draw;
- BASELINE: the previous sampler, copied below (top-k and top-p masks on logits sorted by
  ``torch.sort``, then ``torch.multinomial``);
- the two sorts on their own: ``torch.sort`` (values and order) and NumPy's (values).

for top-p 0.9 and for no cut, and prints the medians and the ratios baseline / current.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import median_seconds

from modelcollapse.experiments.lm import sample_next
from modelcollapse.experiments.lm_config import Sampling


# ------------------------------------ BASELINE -------------------------------------------
def baseline_filter_logits(logits: torch.Tensor, s: Sampling) -> torch.Tensor:
    logits = logits / s.temperature
    if s.top_k:
        kth = torch.topk(logits, min(s.top_k, logits.shape[-1]), dim=-1).values[:, -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    if s.top_p < 1.0:
        sorted_logits, order = torch.sort(logits, descending=True, dim=-1)
        cum = torch.softmax(sorted_logits, dim=-1).cumsum(dim=-1)
        drop = (cum - torch.softmax(sorted_logits, dim=-1)) >= s.top_p
        logits = logits.masked_fill(drop.scatter(-1, order, drop), float("-inf"))
    return logits


def baseline_sample(logits: torch.Tensor, s: Sampling, generator: torch.Generator) -> torch.Tensor:
    probs = torch.softmax(baseline_filter_logits(logits, s), dim=-1)
    return torch.multinomial(probs, 1, generator=generator).squeeze(1)
# ------------------------------------ end of BASELINE ------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=512)
    parser.add_argument("--vocab", type=int, default=512)
    parser.add_argument("--repeats", type=int, default=50)
    args = parser.parse_args()
    torch.set_num_threads(1)
    logits = 2.0 * torch.randn(args.rows, args.vocab, generator=torch.Generator().manual_seed(0))
    gen = torch.Generator().manual_seed(1)
    print(f"{args.rows} rows x {args.vocab} tokens, one thread, median of {args.repeats}")
    for name, sampling in (("top-p 0.9", Sampling(top_p=0.9)), ("no cut", Sampling())):
        times = {label: [] for label in ("current", "baseline")}
        for _ in range(3):  # alternate, so drift on a shared machine hits both alike
            times["current"].append(median_seconds(
                lambda _i, s=sampling: sample_next(logits, s, gen), args.repeats))
            times["baseline"].append(median_seconds(
                lambda _i, s=sampling: baseline_sample(logits, s, gen), args.repeats))
        current, baseline = (1e3 * float(np.median(times[k])) for k in ("current", "baseline"))
        print(f"  {name:>9}: sample_next {current:.2f} ms, baseline {baseline:.2f} ms "
              f"(ratio {baseline / current:.1f}x)")
    probs = torch.softmax(logits, dim=-1)
    torch_sort = 1e3 * median_seconds(lambda _i: torch.sort(probs, dim=-1, descending=True),
                                      args.repeats)
    numpy_sort = 1e3 * median_seconds(lambda _i: np.sort(probs.numpy(), axis=-1), args.repeats)
    print(f"  sorts: torch.sort {torch_sort:.2f} ms, NumPy {numpy_sort:.2f} ms "
          f"(ratio {torch_sort / numpy_sort:.1f}x)")


if __name__ == "__main__":
    main()
