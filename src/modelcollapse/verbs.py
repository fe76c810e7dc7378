"""The two verbs every family answers: ``predict`` (theory) and ``simulate`` (Monte-Carlo or
training over seeds), one word apart and returning one :class:`~modelcollapse.result.Result`.

``simulate(config, seeds=K, seed=s)`` is the loop over seed indices 0..K-1 of the family's
``run_one`` with base seed s: the very calls a stored sweep of K seeds makes, so the two give
the same numbers bit for bit (:mod:`modelcollapse.seeds`).

>>> from modelcollapse import Setting
>>> from modelcollapse.tails import TailsSetting
>>> round(predict(Setting(d=100, n=10_000, p2=0.01)).test_error, 5)
0.0103
>>> setting = TailsSetting(beta=2.0, T=1e4)
>>> result = simulate(setting, seeds=20)
>>> result.family, result.seeds, abs(result.test_error - predict(setting).test_error) < 4 * result.sem
('tails', 20, True)
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits
from tqdm import tqdm

from .config import check_number
from .family import family_of
from .result import Result, as_result, mean_sem, result_dict

# The progress bar appears once a run has taken this long (seconds).
PROGRESS_DELAY = 2.0
# The most seeds one in-process run holds (their outputs are kept); a stored sweep's
# budget (sweep.spec.MAX_TASKS) is the same.
MAX_SEEDS = 1_000_000


def predict(config: Any, **axes: Any) -> Result:
    """The theory's answer for ``config`` (any family with a theory).

    ``axes`` override numeric fields with arrays for a whole grid at once, where the
    family's theory supports it (the strong-model-collapse ``predict`` does).
    """
    family = family_of(config)
    return as_result(family.theory(config, **axes), family.name)


def simulate(config: Any, seeds: int = 20, seed: int = 0, method: str = "auto",
             progress: bool | None = None, workers: int = 1, blas_threads: int = 1) -> Result:
    """Seed indices 0..``seeds``-1 of base seed ``seed`` of the family's ``run_one``.

    ``method`` picks a sampler where the family offers several ("auto": the family's
    choice, reported in the result). ``progress``: a bar on stderr once the run passes 2 s
    (None: only on a terminal). ``workers`` > 1 runs seeds in that many processes, each (or
    this one) with ``blas_threads`` BLAS threads: the results do not depend on either.
    """
    family = family_of(config)
    seeds = int(check_number("seeds", seeds, low=1, high=MAX_SEEDS, integer=True))
    seed = int(check_number("seed", seed, low=0, integer=True))
    family.check(config)
    family.check_method(method)
    processes = min(int(check_number("workers", workers, low=1, integer=True)), seeds,
                    os.cpu_count() or 1)
    family.check_budget(config, method, processes)
    chosen = family.resolve(config, method) if family.resolve else method
    start = time.perf_counter()
    outputs = run_seeds(partial(_run_seed, config, base_seed=seed, method=chosen), seeds,
                        workers=workers, blas_threads=blas_threads, progress=progress,
                        desc=f"simulate {family.name} ({chosen})")
    return seed_summary(family.name, [result_dict(o) for o in outputs], seed, chosen,
                        time.perf_counter() - start)


def _run_seed(config: Any, seed_index: int, base_seed: int, method: str) -> Any:
    # module level, so a worker process can unpickle it; it finds the family itself
    return family_of(config).run(config, seed_index, base_seed, method)


def seed_summary(family: str, outputs: Sequence[dict[str, Any]], seed: int, method: str,
                 seconds: float) -> Result:
    """Mean and standard error of the per-seed test errors; the other numbers every seed
    returned become parts (their seed means, or the value itself where all seeds agree), and
    so do curves (a list of numbers per seed, e.g. the error of every generation): their
    pointwise seed means, with the standard errors as ``<name>_sem``."""
    errors = np.array([np.nan if o["test_error"] is None else o["test_error"] for o in outputs],
                      dtype=float)
    mean, sem = mean_sem(errors)
    shared = [key for key in outputs[0] if key != "test_error" and all(
        isinstance(o.get(key), int | float) and not isinstance(o.get(key), bool) for o in outputs)]
    parts: dict[str, Any] = {}
    for key in shared:  # a value every seed shares (a support size, a count) is kept as it is
        values = [o[key] for o in outputs]
        parts[key] = values[0] if len(set(values)) == 1 else float(np.mean(values))
    for key in _curves(outputs):  # a curve every seed returns: its mean and standard error
        mean_curve, sem_curve = mean_sem([o[key] for o in outputs])
        parts[key], parts[f"{key}_sem"] = mean_curve.tolist(), sem_curve.tolist()
    return Result(float(mean), family, float(sem), errors.size, parts, errors, seed, method,
                  seconds)


def _curves(outputs: Sequence[dict[str, Any]]) -> list[str]:
    """Keys whose value is, for every seed, a list of numbers of one common length."""
    first = outputs[0]
    return [key for key, value in first.items() if isinstance(value, list) and value and all(
        isinstance(o.get(key), list) and len(o[key]) == len(value)
        and all(isinstance(x, int | float) and not isinstance(x, bool) for x in o[key])
        for o in outputs)]


def run_seeds(job: Callable[[int], Any], seeds: int, *, workers: int = 1, blas_threads: int = 1,
              progress: bool | None = None, desc: str = "seeds") -> list[Any]:
    """``[job(0), ..., job(seeds - 1)]``, in this process or in ``workers`` processes (at most
    one per CPU core), each with ``blas_threads`` BLAS threads (``job`` must pickle for
    workers > 1)."""
    workers = min(int(check_number("workers", workers, low=1, integer=True)), os.cpu_count() or 1)
    blas_threads = int(check_number("blas_threads", blas_threads, low=1, integer=True))
    bar = tqdm(total=seeds, desc=desc, unit="seed", file=sys.stderr, delay=PROGRESS_DELAY,
               disable=None if progress is None else not progress)
    out = []
    with bar:
        if workers == 1 or seeds == 1:
            with threadpool_limits(limits=blas_threads):
                for i in range(seeds):
                    out.append(job(i))
                    bar.update()
        else:
            with ProcessPoolExecutor(min(workers, seeds), initializer=_limit_blas,
                                     initargs=(blas_threads,)) as pool:
                for value in pool.map(job, range(seeds),
                                      chunksize=max(1, seeds // (8 * workers))):
                    out.append(value)
                    bar.update()
    return out


def _limit_blas(threads: int) -> None:
    # Worker initialiser; the limit stays in force for the worker's lifetime.
    threadpool_limits(limits=threads)
