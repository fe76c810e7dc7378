"""The DuckDB results store: round trip, resume, failures, export, one writer per file."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import duckdb
import numpy as np
import pytest

from modelcollapse.sweep import LocalBackend, Store, StoreLockedError, Sweep, run_sweep
from tests.sweep.helpers import Noisy, Picky

BASE = Noisy(d=8, n=40, sigma=0.5)


def _sweep(name="noisy", seeds=3, **axes):
    axes = axes or {"n": [40, 80], "p2": [0.0, 0.3]}
    return Sweep.grid(name, BASE, seeds=seeds, **axes)


def test_round_trip_rows_points_and_resume(tmp_path):
    sweep = _sweep()
    with Store(tmp_path / "r.duckdb") as store:
        first = run_sweep(sweep, store, LocalBackend(2), progress=False)
        assert (first.tasks, first.ran, first.skipped, first.failed) == (12, 12, 0, 0)
        rows = store.rows("noisy")
        assert [(r["setting_index"], r["seed_index"]) for r in rows] == [
            (i, k) for i in range(4) for k in range(3)]
        assert rows[4]["config"] == sweep.settings[1].to_dict()
        assert rows[4]["result"]["p2_seen"] == 0.3 and rows[4]["seconds"] >= 0
        points = store.points("noisy")
        values = np.array([r["test_error"] for r in rows[:3]])
        assert points[0].mean == values.mean()
        assert points[0].sem == pytest.approx(values.std(ddof=1) / np.sqrt(3))
        again = run_sweep(sweep, store, LocalBackend(2), progress=False)
        assert (again.ran, again.skipped) == (0, 12)
        # A bigger study reuses the stored points: only the new seed index runs.
        grown = run_sweep(_sweep(seeds=4), store, LocalBackend(1), progress=False)
        assert (grown.ran, grown.skipped) == (4, 12)
        assert [s["done"] for s in store.studies()] == [16]


def test_failed_tasks_are_reported_not_stored_and_retried(tmp_path):
    sweep = Sweep.grid("picky", Picky(n=40), seeds=4, n=[40])
    with Store(tmp_path / "r.duckdb") as store:
        summary = run_sweep(sweep, store, LocalBackend(1), progress=False)
        assert (summary.ran, summary.failed) == (2, 2)
        assert "seed 1 refused" in summary.errors[0] and "FAILED" in str(summary)
        assert [r["seed_index"] for r in store.rows("picky")] == [0, 2]
        retry = run_sweep(sweep, store, LocalBackend(1), progress=False)
        assert (retry.skipped, retry.ran, retry.failed) == (2, 0, 2)


def test_a_task_names_no_code_so_an_import_path_is_refused_before_any_work():
    for task in ("no_such_module:fn", "os:system"):
        with pytest.raises(ValueError, match=f"^task: '{task}' is not a task; choose from "
                                             "simulate, theory"):
            Sweep.grid("bad", BASE, seeds=1, task=task, n=[40])
    with pytest.raises(ValueError, match="^task: the test-picky family has no theory"):
        Sweep.grid("bad", Picky(n=4), seeds=1, task="theory", n=[40])
    with pytest.raises(ValueError, match="^method: test-noisy offers auto, got 'bogus'"):
        Sweep.grid("bad", BASE, seeds=1, method="bogus", n=[40])


def test_redefining_a_study_replaces_its_membership(tmp_path):
    with Store(tmp_path / "r.duckdb") as store:
        run_sweep(_sweep(n=[40, 80]), store, LocalBackend(1), progress=False)
        run_sweep(_sweep(n=[80]), store, LocalBackend(1), progress=False)
        assert [p.config["n"] for p in store.points("noisy")] == [80]
        assert store.studies()[0]["tasks"] == 3


def test_export_csv_and_parquet(tmp_path):
    with Store(tmp_path / "r.duckdb") as store:
        run_sweep(_sweep(), store, LocalBackend(1), progress=False)
        expected = [r["test_error"] for r in store.rows("noisy")]
        csv_path = store.export("noisy", tmp_path / "out" / "noisy.csv")
        pq_path = store.export("noisy", tmp_path / "noisy.parquet")
        with pytest.raises(ValueError, match="^export: noisy.json must end in"):
            store.export("noisy", tmp_path / "noisy.json")
        with pytest.raises(ValueError, match="^study: no study named 'other'"):
            store.export("other", tmp_path / "x.csv")
    for path in (csv_path, pq_path):
        got = duckdb.sql(f"SELECT test_error FROM '{path}' ORDER BY setting_index, seed_index")
        assert [r[0] for r in got.fetchall()] == expected


def test_a_second_writer_gets_a_clear_message(tmp_path):
    path = tmp_path / "r.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from modelcollapse.sweep import Store
        store = Store({str(path)!r})
        print("ready", flush=True)
        sys.stdin.read()
        """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreLockedError, match=r"^store: .* is in use by another process "
                                                   rf"\(PID {holder.pid}\).*--store"):
            Store(path)
        with pytest.raises(StoreLockedError):
            Store(path, read_only=True)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    with Store(path) as store:  # free again once the holder is gone
        assert store.studies() == []


def test_read_only_store_must_exist(tmp_path):
    with pytest.raises(ValueError, match="^store: .* does not exist"):
        Store(tmp_path / "missing.duckdb", read_only=True)
