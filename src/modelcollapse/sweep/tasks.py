"""What a task computes, and the wrapper every backend runs it through.

A task kind is a function ``(setting, seed_index, base_seed, method)`` whose result depends
only on its arguments: a number (the test error), a dict holding at least ``test_error``, or
an object with ``to_dict()``/a dataclass giving such a dict. Built in:

- ``"simulate"``: one Monte-Carlo seed, ``modelcollapse.simulate.simulate_one`` (spec SMC
  §8.3), with the seed's generator ``SeedSequence(base_seed, spawn_key=(seed_index,))``;
- ``"theory"``: the deterministic equivalent ``modelcollapse.predict`` (spec SMC §2–§5); the
  seed is ignored, which makes it a cheap way to exercise a sweep.

Any other kind is an import path ``"package.module:function"``, resolved inside the worker,
so it works on local processes and on remote Dask workers alike; it receives the task's
setting, of any type in :data:`~.spec.SETTING_TYPES` (e.g.
``"modelcollapse.tails.simulate:simulate_one"`` takes a ``TailsSetting``).

:func:`execute_chunk`, which every backend runs, limits BLAS to one thread in the worker
(threadpoolctl): a worker count or a cluster must never change the arithmetic, so results
are bitwise identical whichever backend ran them.
"""

from __future__ import annotations

import importlib
import math
import os
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, is_dataclass
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from ..config import Setting
from ..theory import predict
from .spec import AnySetting, Task

TaskFunction = Callable[[AnySetting, int, int, str], Any]


def theory_task(setting: Setting, seed_index: int, base_seed: int, method: str) -> dict[str, Any]:
    """The "theory" kind: ``predict(setting)``; seed and method do not matter."""
    return predict(setting).to_dict()


# Built-in kinds, as import paths so that resolving one imports everything it needs.
BUILTIN_KINDS: dict[str, str] = {"simulate": "modelcollapse.simulate:simulate_one",
                                 "theory": "modelcollapse.sweep.tasks:theory_task"}


def resolve(kind: str) -> TaskFunction:
    """The function behind a task kind (a built-in name or ``"module:function"``)."""
    module, sep, name = BUILTIN_KINDS.get(kind, kind).partition(":")
    if not sep or not module or not name:
        raise ValueError(f"task: {kind!r} is neither {' nor '.join(BUILTIN_KINDS)} "
                         "nor a 'package.module:function' path")
    try:
        fn = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as err:
        raise ValueError(f"task: cannot import {kind!r}: {err}") from None
    if not callable(fn):
        raise ValueError(f"task: {kind!r} is not callable")
    return fn


def _as_dict(result: Any) -> dict[str, Any]:
    """A task's return value as plain JSON data (dicts, dataclasses with to_dict, numbers)."""
    if isinstance(result, int | float | np.floating):
        return {"test_error": float(result)}
    if hasattr(result, "to_dict"):
        result = result.to_dict()
    elif is_dataclass(result):
        result = asdict(result)
    if not isinstance(result, dict) or "test_error" not in result:
        raise TypeError(f"a task must return a number or a dict with test_error, got {result!r}")
    return {k: _json_value(v) for k, v in result.items()}


def _json_value(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return [_json_value(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return value


@dataclass(frozen=True)
class Outcome:
    """What a worker sends back: the result (or the error text) and the compute time."""

    key: str
    result: dict[str, Any] | None
    seconds: float
    error: str | None = None


def execute_chunk(tasks: Sequence[Task], owner: int | None = None) -> list[Outcome]:
    """Run several tasks in one round trip with single-threaded BLAS (what backends call).

    The task modules are imported first, so the limit also covers the BLAS libraries they
    load (threadpoolctl only reaches libraries already loaded). Limiting costs a few ms, so
    it is done once per chunk rather than per task.

    ``owner`` is the process id of the local sweep that submitted the chunk. If that process
    is gone (the run was killed), the worker process exits: an orphaned worker stops after
    its current task instead of computing results nobody will store, or waiting forever for
    work that will not come.
    """
    for kind in {t.kind for t in tasks}:
        try:
            resolve(kind)
        except ValueError:
            continue  # reported by execute, task by task
    threadpool_limits(limits=1)
    outcomes = []
    for task in tasks:
        if owner is not None and not _alive(owner):
            os._exit(0)  # a pool worker whose run was killed: nobody reads its results
        outcomes.append(execute(task))
    return outcomes


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def execute(task: Task) -> Outcome:
    """Run one task in the current process as it is configured; never raises."""
    start = time.perf_counter()
    try:
        fn = resolve(task.kind)
        result = fn(task.setting, task.seed_index, task.base_seed, task.method)
        return Outcome(task.key, _as_dict(result), time.perf_counter() - start)
    except Exception as err:  # a failed task is reported and retried on resume, not fatal
        text = "".join(traceback.format_exception_only(err)).strip()
        return Outcome(task.key, None, time.perf_counter() - start, text)
