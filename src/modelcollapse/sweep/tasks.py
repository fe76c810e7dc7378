"""What a task computes, and the wrapper every backend runs it through.

A task runs its configuration's family (:mod:`modelcollapse.family`): ``"simulate"`` calls
the family's ``run_one(config, seed_index, base_seed)`` (with ``method=`` for a family that
offers several samplers), ``"theory"`` its ``predict(config)`` (the seed is ignored, which
makes it a cheap way to exercise a sweep). Either returns a number (the test error), a dict
holding at least ``test_error``, or an object whose ``to_dict()`` gives such a dict. The
family is found by the configuration's type in the worker, so a task names no code and
works on local processes and remote Dask workers alike.

:func:`execute_chunk`, which every backend runs, limits BLAS to one thread in the worker
(threadpoolctl): a worker count or a cluster must never change the arithmetic, so results
are bitwise identical whichever backend ran them.
"""

from __future__ import annotations

import os
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from threadpoolctl import threadpool_limits

from ..family import families
from ..result import result_dict
from .spec import Task


def compute(task: Task) -> Any:
    """The raw result of ``task``: its family's ``run_one`` or ``predict``."""
    family = task.family
    if task.kind == "theory":
        return family.theory(task.setting)
    return family.run(task.setting, task.seed_index, task.base_seed, task.method)


@dataclass(frozen=True)
class Outcome:
    """What a worker sends back: the result (or the error text) and the compute time."""

    key: str
    result: dict[str, Any] | None
    seconds: float
    error: str | None = None


def execute_chunk(tasks: Sequence[Task], owner: int | None = None) -> list[Outcome]:
    """Run several tasks in one round trip with single-threaded BLAS (what backends call).

    The families are registered (their modules imported) first, so the limit also covers the
    BLAS libraries they load (threadpoolctl only reaches libraries already loaded). Limiting
    costs a few ms, so it is done once per chunk rather than per task.

    ``owner`` is the process id of the local sweep that submitted the chunk. If that process
    is gone (the run was killed), the worker process exits: an orphaned worker stops after
    its current task instead of computing results nobody will store, or waiting forever for
    work that will not come.
    """
    families()
    threadpool_limits(limits=1)
    outcomes = []
    for task in tasks:
        if owner is not None and not alive(owner):
            os._exit(0)  # a pool worker whose run was killed: nobody reads its results
        outcomes.append(execute(task))
    return outcomes


def alive(pid: int) -> bool:
    """Whether process ``pid`` exists (owned by anyone)."""
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
        return Outcome(task.key, result_dict(compute(task)), time.perf_counter() - start)
    except Exception as err:  # a failed task is reported and retried on resume, not fatal
        text = "".join(traceback.format_exception_only(err)).strip()
        return Outcome(task.key, None, time.perf_counter() - start, text)
