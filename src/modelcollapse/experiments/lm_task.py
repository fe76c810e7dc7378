"""Per-seed sweep task of the Figure 8 language-model experiment (SMC §7, paper §4.2).

:func:`lm_one`, the ``lm`` family's per-seed run, trains one
:class:`~.lm_config.LMPoint` (a model size and a synthetic fraction p2) for one seed index,
so language-model results go to the same DuckDB store as the Monte-Carlo sweeps and feed
``modelcollapse reproduce`` (figure ``nn-lm``). The stored ``test_error`` is the final
held-out real loss (nats per token); the result also keeps the loss curve against training
tokens.

A worker splits and tokenizes the text once per base seed (every seed index meets the same
held-out text) and trains each seed's generator once (:func:`~.language.prepare`), keeping
both for the next points; generators and
corpora also go to the on-disk cache (:func:`~.cache.cache_dir`), where a file lock makes
two workers that need the same generator train it once. A task runs on the GPU when one is
present, else on one CPU thread (the sweep runs one task per core).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import torch

from .cache import cache_dir
from .device import resolve_device, task_threads
from .language import Prepared, prepare, run_seed, train_run
from .lm_config import LMPoint, LMRecipe


@lru_cache(maxsize=3)
def _prepared(recipe: LMRecipe, base_seed: int, seed_index: int, device: str, cache: str) -> Prepared:
    return prepare(recipe, run_seed(base_seed, seed_index), cache, split_seed=base_seed,
                   device=torch.device(device))


def lm_one(setting: LMPoint, seed_index: int, base_seed: int = 0) -> dict[str, Any]:
    """One seed of ``setting``: ``test_error`` is the final held-out loss; the result adds
    the run summary of :func:`~.language.train_run` (curve, counts, tokens/s), the
    generator's own held-out loss and, for p2 > 0, the synthetic corpus's summary
    (documents generated and kept, generated tokens/s, whether it came from the cache)."""
    if not isinstance(setting, LMPoint):
        raise ValueError(f"setting must be an LMPoint, got {type(setting).__name__}")
    device = resolve_device("auto")
    with task_threads(device):
        prep = _prepared(setting.recipe(), base_seed, seed_index, str(device),
                         str(cache_dir() / "lm"))
        run = train_run(prep, setting.size, setting.p2, device=device, keep_checkpoint=False)
    corpus = {k: v for k, v in prep.corpus.items() if k != "key"} if setting.p2 > 0 else {}
    return {"test_error": run["eval_loss"], **run,
            "generator_eval_loss": prep.generator_result["eval_loss"], "corpus": corpus,
            "device": str(device)}
