"""What a network trains on at each generation of a chain, under a data workflow (WF §1).

A chain's data are blocks of ``rows`` rows (token blocks of a language model, labelled
images of an image model): block 0 is real; block j >= 1 is what generation j − 1 made for
generation j (its generated text, or its labels on fresh inputs), of which, under ``mix``,
the first round(π·rows) rows are fresh real rows instead. Generation k trains on

- ``replace`` and ``mix``: block k alone;
- ``accumulate``: every block 0..k, (k + 1)·rows rows;
- ``accumulate-subsample``: ``rows`` rows drawn without replacement from blocks 0..k.

Generation 0 trains on block 0 under every workflow. Needs no PyTorch.

>>> [len(i) for i in training_selection("accumulate", 2, 4, np.random.default_rng(0))]
[4, 4, 4]
>>> [len(i) for i in training_selection("replace", 2, 4, np.random.default_rng(0))]
[0, 0, 4]
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from ..config import check_choice, check_number, check_pi
from .results import write_results

NETWORK_WORKFLOWS: tuple[str, ...] = ("replace", "accumulate", "accumulate-subsample", "mix")
MAX_NETWORK_GENERATIONS = 1000


def check_chain(workflow: str, generation: Any, pi: Any, items: str) -> tuple[int, float | None]:
    """Validated ``(generation, pi)`` of a network chain: a known workflow, a generation in
    0..MAX_NETWORK_GENERATIONS and π for ``mix`` only (a fraction of fresh real ``items``)."""
    check_choice("workflow", workflow, NETWORK_WORKFLOWS)
    k = int(check_number("generation", generation, low=0, high=MAX_NETWORK_GENERATIONS,
                         integer=True))
    return k, check_pi(workflow, pi, items)


def fresh_real_rows(workflow: str, pi: float | None, rows: int) -> int:
    """Fresh real rows in each block j >= 1: round(π·rows) under ``mix``, else 0."""
    return round(pi * rows) if workflow == "mix" and pi is not None else 0


def training_selection(workflow: str, generation: int, rows: int,
                       rng: np.random.Generator) -> list[np.ndarray]:
    """The rows generation ``generation`` trains on: one index array into each block
    0..generation (see the module docstring). ``rng`` is used by ``accumulate-subsample``
    only."""
    check_choice("workflow", workflow, NETWORK_WORKFLOWS)
    k = generation
    every = [np.arange(rows) for _ in range(k + 1)]
    if workflow == "accumulate":
        return every
    if workflow == "accumulate-subsample":
        chosen = np.sort(rng.choice((k + 1) * rows, size=rows, replace=False))
        return [chosen[(chosen >= j * rows) & (chosen < (j + 1) * rows)] - j * rows
                for j in range(k + 1)]
    return [np.arange(0) for _ in range(k)] + [every[k]]


def run_chain(point: Any, seeds: tuple[int, ...], one: Callable[[Any, int], dict[str, Any]],
              out_dir: str | os.PathLike, name: str, meta: dict[str, Any],
              flatten: Callable[[dict[str, Any]], dict[str, Any]] = dict) -> list[dict[str, Any]]:
    """Generations 0..``point.generation`` of ``point``'s chain for every seed index, in
    this process: ``one(point at generation k, seed index)`` each, in order. Writes
    ``out_dir/name.csv`` (one ``flatten``-ed row per generation and seed index) and
    ``name.json`` (with the configuration and ``meta``) and returns the rows."""
    rows, start = [], time.perf_counter()
    for index in seeds:
        for k in range(point.generation + 1):
            result = one(point.replace(generation=k), index)
            rows.append({"workflow": point.workflow, "pi": point.pi, "generation": k,
                         "seed_index": index, **flatten(result)})
    write_results(out_dir, name, rows, {**meta, "config": point.to_dict(),
                                        "seconds": time.perf_counter() - start})
    return rows
