"""Backends give bitwise-identical results; a SIGKILLed sweep resumes with no loss or dupes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from modelcollapse.sweep import DaskBackend, LocalBackend, Store, Sweep, open_backend, run_sweep
from tests.sweep.helpers import Noisy, Threads

SWEEP = Sweep.grid("bits", Noisy(d=30, n=60, sigma=0.7), seeds=6, n=[60, 120, 240],
                   p2=[0.0, 0.5])


def _values(path, backend):
    with Store(path) as store:
        summary = run_sweep(SWEEP, store, backend, progress=False)
        assert summary.ran == len(SWEEP.tasks()) and summary.failed == 0
        return [(r["key"], r["test_error"], r["result"]) for r in store.rows("bits")]


def test_local_results_do_not_depend_on_worker_count(tmp_path):
    one = _values(tmp_path / "one.duckdb", LocalBackend(1))
    two = _values(tmp_path / "two.duckdb", LocalBackend(2))
    assert one == two  # exact float equality, row by row


def test_workers_run_blas_single_threaded(tmp_path):
    sweep = Sweep.grid("threads", Threads(d=2, n=10), seeds=4, n=[10, 20])
    with Store(tmp_path / "r.duckdb") as store:
        run_sweep(sweep, store, LocalBackend(2), progress=False)
        assert [r["test_error"] for r in store.rows("threads")] == [1.0] * 8


def test_dask_local_cluster_matches_local_bitwise(tmp_path):
    distributed = pytest.importorskip("distributed")
    local = _values(tmp_path / "local.duckdb", LocalBackend(2))
    with distributed.LocalCluster(host="127.0.0.1", n_workers=2, threads_per_worker=1,
                                  processes=True, dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://127.0.0.1:")
        with open_backend(scheduler=address) as backend:
            assert isinstance(backend, DaskBackend) and backend.name == f"dask:{address}"
            remote = _values(tmp_path / "dask.duckdb", backend)
    assert remote == local
    with Store(tmp_path / "dask.duckdb") as store:
        assert {r["backend"] for r in store.rows("bits")} == {f"dask:{address}"}


def test_unreachable_scheduler_and_bad_options_are_value_errors():
    with pytest.raises(ValueError, match="^scheduler: cannot reach tcp://127.0.0.1:9"):
        DaskBackend("tcp://127.0.0.1:9", timeout=1)
    with pytest.raises(ValueError, match="^scheduler must look like"):
        DaskBackend("127.0.0.1:9")
    with pytest.raises(ValueError, match="^workers must be a whole number >= 1"):
        LocalBackend(0)
    with pytest.raises(ValueError, match="^workers: --workers applies to local runs"):
        with open_backend(workers=2, scheduler="tcp://127.0.0.1:9"):
            pass


SLOW = textwrap.dedent("""
    import sys
    from modelcollapse.sweep import LocalBackend, Store, Sweep, run_sweep
    from tests.sweep.helpers import Sleepy
    if __name__ == "__main__":
        sweep = Sweep.grid("slow", Sleepy(d=2, n=10), seeds=40, n=[10, 20, 30])
        with Store(sys.argv[1]) as store:
            print(run_sweep(sweep, store, LocalBackend(2), progress=False), flush=True)
""")


def test_sigkill_mid_sweep_loses_nothing_finished_and_resume_completes(tmp_path):
    script = tmp_path / "slow.py"
    script.write_text(SLOW)
    path = tmp_path / "r.duckdb"
    log = tmp_path / "finished.log"
    scratch = tmp_path / "tmp"  # the runs' temporary directory: nothing may be left in it
    scratch.mkdir()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "SLEEPY_LOG": str(log),
           "TMPDIR": str(scratch)}
    # Own session so the kill takes the parent and its workers at once, like kill -9 of a job.
    proc = subprocess.Popen([sys.executable, str(script), str(path)], env=env,
                            start_new_session=True, stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not (log.exists() and len(log.read_text().splitlines()) >= 30):
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.05)
        time.sleep(0.2)  # let the parent commit what has finished
        assert proc.poll() is None, "the sweep finished before it could be killed"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    with Store(path, read_only=True) as store:
        partial = store.rows("slow")
    assert 0 < len(partial) < 120
    resumed = subprocess.run([sys.executable, str(script), str(path)], env=env, check=True,
                             capture_output=True, text=True, timeout=120)
    assert f"{len(partial)} already stored, {120 - len(partial)} ran" in resumed.stdout
    with Store(path, read_only=True) as store:
        rows = store.rows("slow")
        keys = [r["key"] for r in rows]
        assert len(keys) == len(set(keys)) == 120
        total = store.con.execute("SELECT count(*), count(DISTINCT key) FROM results").fetchone()
    assert total == (120, 120)
    assert sorted((r["config"]["n"], r["seed_index"]) for r in rows) == [
        (n, k) for n in (10, 20, 30) for k in range(40)]
    # Rows finished before the kill are kept unchanged.
    before = {r["key"]: r["test_error"] for r in partial}
    assert all(r["test_error"] == before.get(r["key"], r["test_error"]) for r in rows)
    # The killed run's multiprocessing directory is removed by the next run, its own at exit.
    assert list(scratch.iterdir()) == []


def test_workers_of_a_killed_sweep_stop_after_their_current_task(tmp_path):
    """Killing only the parent (kill -9 PID) leaves its pool's workers orphaned: they must
    not go on computing the chunks they hold (each 32 tasks here) for nobody."""
    script = tmp_path / "slow.py"
    script.write_text(SLOW.replace("seeds=40", "seeds=400"))
    log = tmp_path / "finished.log"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "SLEEPY_LOG": str(log)}
    proc = subprocess.Popen([sys.executable, str(script), str(tmp_path / "r.duckdb")], env=env,
                            start_new_session=True, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not (log.exists() and len(log.read_text().splitlines()) >= 10):
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)  # the parent only
        proc.wait(timeout=30)
        time.sleep(2.0)  # a task takes 0.05 s: every worker has finished its current one
        settled = len(log.read_text().splitlines())
        time.sleep(2.0)
        assert len(log.read_text().splitlines()) == settled
        assert settled < 1200
        deadline = time.monotonic() + 30
        while _session_alive(proc.pid):  # the workers have exited, not just gone idle
            assert time.monotonic() < deadline, "orphaned sweep processes are still running"
            time.sleep(0.1)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # whatever is left of the session
        except ProcessLookupError:
            pass


def _session_alive(session: int) -> bool:
    try:
        os.killpg(session, 0)
    except ProcessLookupError:
        return False
    return True
