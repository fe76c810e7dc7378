"""``modelcollapse sweep FILE.toml``: run a declarative sweep into the results store.

Also holds the execution options shared with ``modelcollapse reproduce`` (--workers,
--scheduler, --store).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..sweep import DEFAULT_STORE, Store, Sweep, open_backend, run_sweep
from .common import add_progress_argument, add_workers_argument, path, show_progress


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    """--workers / --scheduler / --store: where tasks run and where results go."""
    where = parser.add_mutually_exclusive_group()
    add_workers_argument(where)
    where.add_argument("--scheduler", default=None, metavar="ADDR",
                       help="run on an existing Dask cluster, e.g. tcp://10.0.0.5:8786 "
                            "(started by hand, dask-jobqueue or dask-kubernetes)")
    parser.add_argument("--store", type=path, default=DEFAULT_STORE, metavar="PATH",
                        help=f"DuckDB results store (default: {DEFAULT_STORE})")
    add_progress_argument(parser)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "sweep",
        description="Expand a sweep file (a grid over a family's configuration fields; "
                    "every key is described in docs/how-to/sweep-files.md, with examples in "
                    "examples/*.toml) into one task per (setting, seed) and run the "
                    "ones not yet stored. Interrupting (even kill -9) loses only unfinished "
                    "tasks; run the same command again to resume.",
    )
    parser.add_argument("file", type=Path, help="sweep file (.toml)")
    parser.add_argument("--dry-run", action="store_true",
                        help="only count settings, tasks and what is already stored")
    add_run_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    sweep = Sweep.from_toml(args.file)
    if args.dry_run:
        tasks = sweep.tasks()
        stored = 0
        if args.store.exists():
            with Store(args.store, read_only=True) as store:
                stored = store.stored(t.key for t in tasks)
        print(f"{sweep.name}: {len(sweep.settings)} settings x {sweep.seeds} seeds = "
              f"{len(tasks)} tasks ({sweep.task}), {stored} already in {args.store}")
        return 0
    with open_backend(args.workers, args.scheduler) as backend, Store(args.store) as store:
        summary = run_sweep(sweep, store, backend, progress=show_progress(args))
    print(summary)
    return 1 if summary.failed else 0
