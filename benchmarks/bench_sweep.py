"""Sweep throughput (tasks/s): 1 and 2 local workers and a Dask LocalCluster, side by side.

Run: ``python benchmarks/bench_sweep.py [--tasks N] [--repeats R]`` (about half a minute on 2
cores with the defaults). Each run is a fresh
sweep into a fresh store, so it includes what a user waits for: starting the workers,
shipping tasks, computing, and committing every result to DuckDB. Two workloads:

- "theory": one ``predict`` call per task (≈1 ms): measures the machinery's overhead;
- "sim d=50" and "sim d=200": one Monte-Carlo seed of a classical setting (n = 2000,
  sufficient statistics, ≈1 ms and ≈10 ms per task), when ``modelcollapse.simulate`` is
  installed: realistic tasks, the second compute-bound.

The Dask cluster is a ``LocalCluster`` bound to 127.0.0.1 with 2 single-threaded worker
processes, started once (its start-up is not counted). Medians over repeats; the machine
is shared, so read the ratios.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from modelcollapse import Setting
from modelcollapse.sweep import Backend, DaskBackend, LocalBackend, Store, Sweep, run_sweep


def workload(kind: str, d: int, tasks: int) -> Sweep:
    base = Setting(d=d, n=2000, c2=1.0)
    seeds = 10
    ns = [2000 + 10 * i for i in range(max(1, tasks // seeds))]
    return Sweep.grid(f"bench-{kind}-{d}", base, seeds=seeds, task=kind, n=ns, p2=[0.2])


def throughput(sweep: Sweep, backend: Backend, repeats: int) -> float:
    rates = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "b.duckdb") as store:
            summary = run_sweep(sweep, store, backend, progress=False)
            assert summary.failed == 0, summary
            rates.append(summary.tasks_per_second)
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=400, help="tasks per sweep (default 400)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per cell (default 3)")
    args = parser.parse_args()
    from distributed import LocalCluster

    workloads = [("theory", "theory", 50)]
    try:
        from modelcollapse.simulate import simulate_one  # noqa: F401
        workloads += [("sim d=50", "simulate", 50), ("sim d=200", "simulate", 200)]
    except ImportError:
        print("(modelcollapse.simulate not installed: theory workload only)")
    with LocalCluster(host="127.0.0.1", n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        dask = DaskBackend(cluster.scheduler_address)
        try:
            backends = [("local, 1 worker", LocalBackend(1)),
                        ("local, 2 workers", LocalBackend(2)),
                        ("dask LocalCluster, 2 workers", dask)]
            print(f"sweep throughput, tasks/s (median of {args.repeats}; {args.tasks} tasks/run)")
            print(f"{'workload':<10}" + "".join(f"{name:>30}" for name, _ in backends))
            for label, kind, d in workloads:
                sweep = workload(kind, d, args.tasks)
                rates = [throughput(sweep, backend, args.repeats) for _, backend in backends]
                print(f"{label:<10}" + "".join(f"{r:>30.1f}" for r in rates))
        finally:
            dask.close()


if __name__ == "__main__":
    main()
