"""A Dask run whose cluster dies fails with one clear error instead of a traceback or a
silent wait; what finished before is stored (issue 17)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest

from modelcollapse.sweep import Store, Sweep, backends, run_sweep
from tests.sweep.helpers import Sleepy

distributed = pytest.importorskip("distributed")


def _cluster() -> distributed.LocalCluster:
    return distributed.LocalCluster(host="127.0.0.1", n_workers=1, threads_per_worker=1,
                                    processes=True, dashboard_address=None)


def _sweep() -> Sweep:
    return Sweep.grid("dies", Sleepy(d=2, n=10), seeds=40, n=[10, 20])


def test_every_worker_dead_is_a_cluster_error_not_a_silent_wait(tmp_path, monkeypatch):
    monkeypatch.setattr(backends, "WORKERLESS_SECONDS", 1.0)
    with _cluster() as cluster, Store(tmp_path / "r.duckdb") as store:
        backend = backends.DaskBackend(cluster.scheduler_address)
        runs = backend.run(_sweep().tasks())
        first = next(runs)
        cluster.scale(0)
        with pytest.raises(backends.ClusterError, match="no worker for 1 s; start workers"):
            for _ in runs:
                pass
        backend.close()
        assert first and store is not None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow  # 15-40 s: a scheduler and a worker process start from scratch
def test_a_killed_scheduler_is_a_cluster_error_and_keeps_what_finished(tmp_path):
    """The scheduler is SIGKILLed once the first batch is stored (a real `dask scheduler`
    process: an in-process one takes half a minute to tear down after dying)."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    scheduler = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler",
                                  "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                                 env=env, stderr=subprocess.DEVNULL)
    worker = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address,
                               "--nthreads", "1", "--no-nanny", "--no-dashboard"],
                              env=env, stderr=subprocess.DEVNULL)
    try:
        with Store(tmp_path / "r.duckdb") as store:
            backend = backends.DaskBackend(address, timeout=30)
            deadline = time.monotonic() + 60
            while not backend._workers() and time.monotonic() < deadline:
                time.sleep(0.1)
            original = store.add

            def add_then_kill(pairs, name):
                added = original(pairs, name)
                if scheduler.poll() is None:
                    scheduler.kill()
                    scheduler.wait()
                return added

            store.add = add_then_kill
            with pytest.raises(backends.ClusterError, match="the cluster dropped the work"):
                run_sweep(_sweep(), store, backend, progress=False)
            backend.close()
            stored = len(store.done_keys("dies"))
    finally:
        for process in (scheduler, worker):
            process.kill()
            process.wait()
    assert 0 < stored < 80
