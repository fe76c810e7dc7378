"""Execution backends: where the tasks of a sweep run (SMC §7, §8.3).

Both backends take a list of :class:`~modelcollapse.sweep.spec.Task` and yield batches of
:class:`~modelcollapse.sweep.tasks.Outcome` as tasks finish (a batch is everything that
finished since the last one, so the store commits it in one transaction). Every task runs
through :func:`~modelcollapse.sweep.tasks.execute_chunk` with single-threaded BLAS, so results are
bitwise identical whichever backend and however many workers ran them.

- :class:`LocalBackend` (the default): ``workers`` processes on this machine, nothing to
  start. Workers fork from a clean single-threaded server process ("forkserver"), so the
  parent's threads (progress bars, a Dask client) never leak into them.
- :class:`DaskBackend`: an existing Dask distributed cluster, ``--scheduler tcp://HOST:PORT``.
  Any way of starting the cluster works; the workers need ``modelcollapse`` installed. On a
  Slurm machine, with dask-jobqueue::

      from dask_jobqueue import SLURMCluster
      cluster = SLURMCluster(cores=1, processes=1, memory="4GB", walltime="02:00:00")
      cluster.scale(jobs=50)
      print(cluster.scheduler_address)   # pass it as --scheduler

  On Kubernetes, with dask-kubernetes (operator)::

      from dask_kubernetes.operator import KubeCluster
      cluster = KubeCluster(name="modelcollapse", image="python-with-modelcollapse:latest",
                            n_workers=20)
      print(cluster.scheduler_address)

  or by hand: ``dask scheduler`` on one host and ``dask worker tcp://HOST:8786
  --nthreads 1`` on each of the others. One thread per worker process is best: tasks are
  NumPy-bound and hold the GIL between BLAS calls.
"""

from __future__ import annotations

import atexit
import hashlib
import multiprocessing
import os
import queue
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from .spec import Task
from .tasks import Outcome, alive, execute_chunk

# Tasks travel in chunks of up to this many, and at least CHUNKS_PER_WORKER chunks per
# worker so the last ones still balance: per-task IPC or scheduler overhead (~0.5-10 ms)
# would otherwise dominate millisecond tasks.
MAX_CHUNK = 32
CHUNKS_PER_WORKER = 8
# A Dask run with no worker this long fails (instead of waiting forever); results are polled
# this often.
WORKERLESS_SECONDS = 30.0
POLL_SECONDS = 0.05


def chunked(tasks: Sequence[Task], workers: int) -> list[Sequence[Task]]:
    """Split ``tasks`` into consecutive chunks sized for ``workers`` workers."""
    size = max(1, min(MAX_CHUNK, len(tasks) // (CHUNKS_PER_WORKER * max(1, workers))))
    return [tasks[i:i + size] for i in range(0, len(tasks), size)]


class Backend(Protocol):
    """Runs tasks and yields their outcomes in batches as they finish."""

    name: str

    def run(self, tasks: Sequence[Task]) -> Iterator[list[Outcome]]: ...


class LocalBackend:
    """``workers`` local processes via ProcessPoolExecutor: by default, and at most, one per
    CPU core (a larger request is capped there)."""

    def __init__(self, workers: int | None = None) -> None:
        cores = os.cpu_count() or 1
        if workers is None:
            workers = cores
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise ValueError(f"workers must be a whole number >= 1, got {workers!r}")
        # more processes than cores only add memory and contention (tasks are CPU-bound)
        self.workers = min(workers, cores)
        self.name = f"local:{self.workers}"

    def run(self, tasks: Sequence[Task]) -> Iterator[list[Outcome]]:
        if not tasks:
            return
        _scratch_directory()
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["modelcollapse.sweep.tasks"])
        done: queue.SimpleQueue[Future[list[Outcome]]] = queue.SimpleQueue()
        pool = ProcessPoolExecutor(max_workers=min(self.workers, len(tasks)),
                                   mp_context=context)
        try:
            chunks = chunked(tasks, self.workers)
            for chunk in chunks:
                pool.submit(execute_chunk, chunk, os.getpid()).add_done_callback(done.put)
            remaining = len(chunks)
            while remaining:
                batch = [done.get()]
                while True:
                    try:
                        batch.append(done.get_nowait())
                    except queue.Empty:
                        break
                remaining -= len(batch)
                yield [outcome for f in batch for outcome in f.result()]
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _scratch_directory() -> None:
    """Give multiprocessing a temporary directory named after this process.

    The forkserver's socket lives in a directory that multiprocessing removes at exit, so a
    killed run used to leave an empty ``pymp-*`` behind in the temporary directory; ours is
    ``modelcollapse-mp-PID``, removed at exit, and the next run removes those of processes
    that are gone.
    """
    config = multiprocessing.current_process()._config
    if config.get("tempdir"):
        return
    base = Path(tempfile.gettempdir())
    for stale in base.glob("modelcollapse-mp-*"):
        pid = stale.name.rsplit("-", 1)[1]
        if pid.isdigit() and not alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
    own = base / f"modelcollapse-mp-{os.getpid()}"
    own.mkdir(exist_ok=True)
    config["tempdir"] = str(own)
    atexit.register(shutil.rmtree, own, ignore_errors=True)


class ClusterError(RuntimeError):
    """The Dask cluster stopped running a sweep's tasks (its scheduler or every worker died)."""


class DaskBackend:
    """An existing Dask distributed cluster, by scheduler address or ``Client``.

    The client is created (and closed) here when an address is given; a ``Client`` passed
    in stays open for the caller.
    """

    def __init__(self, scheduler: Any, *, timeout: float = 10.0) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise ValueError("scheduler: Dask is not installed; "
                             "pip install 'modelcollapse[distributed]'") from None
        if isinstance(scheduler, Client):
            self.client, self._owned = scheduler, False
        else:
            if not isinstance(scheduler, str) or "://" not in scheduler:
                raise ValueError(f"scheduler must look like tcp://HOST:PORT, got {scheduler!r}")
            try:
                self.client = Client(scheduler, timeout=timeout)
            except (OSError, TimeoutError) as err:
                raise ValueError(f"scheduler: cannot reach {scheduler}: {err}") from None
            self._owned = True
        self.name = f"dask:{self.client.scheduler.address}"

    def run(self, tasks: Sequence[Task]) -> Iterator[list[Outcome]]:
        if not tasks:
            return
        from distributed import as_completed

        chunks = chunked(tasks, self._workers())
        # A chunk's key hashes its tasks' content keys: equal keys always mean equal results.
        keys = [hashlib.sha256("".join(t.key for t in c).encode()).hexdigest()[:32]
                for c in chunks]
        futures = self.client.map(execute_chunk, chunks, pure=False,
                                  key=[f"modelcollapse-{k}" for k in keys])
        completed = as_completed(futures, with_results=True)
        workerless = None  # since when the cluster has had no worker
        try:
            while not completed.is_empty():
                batch = completed.next_batch(block=False)
                for future, _ in batch:
                    if future.status != "finished":  # cancelled: the scheduler went away
                        raise ClusterError(f"{self.name}: the cluster dropped the work "
                                           f"({future.status}); what finished is stored, run "
                                           "again to resume")
                if batch:
                    yield [outcome for _, outcomes in batch for outcome in outcomes]
                    continue
                if self._workers():
                    workerless = None
                elif workerless is None:
                    workerless = time.monotonic()
                elif time.monotonic() - workerless > WORKERLESS_SECONDS:
                    raise ClusterError(f"{self.name}: no worker for {WORKERLESS_SECONDS:g} s; "
                                       "start workers (or check why they died) and run again "
                                       "to resume")
                time.sleep(POLL_SECONDS)
        finally:
            self.client.cancel(futures)

    def _workers(self) -> int:
        """Workers the scheduler knows of; 0 when the scheduler itself cannot be reached."""
        try:
            return len(self.client.scheduler_info().get("workers", {}))
        except (OSError, TimeoutError):
            return 0

    def close(self) -> None:
        if self._owned:
            self.client.close()


@contextmanager
def open_backend(workers: int | None = None, scheduler: str | None = None) -> Iterator[Backend]:
    """The backend the CLI options ask for: Dask if ``scheduler`` is given, else local."""
    if scheduler is None:
        yield LocalBackend(workers)
        return
    if workers is not None:
        raise ValueError("workers: --workers applies to local runs; a Dask cluster sets its "
                         "own worker count")
    backend = DaskBackend(scheduler)
    try:
        yield backend
    finally:
        backend.close()
