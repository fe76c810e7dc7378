"""``modelcollapse reproduce``: the paper's regression figures, theory + Monte-Carlo (SMC §7)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .common import path, show_progress
from .sweep import add_run_arguments


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "reproduce",
        description="Run each figure's Monte-Carlo sweep (results are stored and reused), "
                    "draw theory curves and simulation markers on the same axes, and write "
                    "FIGURE.png/.pdf/.csv plus DIR/index.html comparing simulation with "
                    "theory. `modelcollapse reproduce --list` names the figures. Each "
                    "figure's claims are checked on the data as it finishes and printed "
                    "(PASS/FAIL with the numbers measured); --check turns a failure into "
                    "exit status 1.",
    )
    parser.add_argument("figures", nargs="*", metavar="FIGURE",
                        help="figure names, or 'all' (see --list)")
    parser.add_argument("--list", action="store_true",
                        help="print the figure names, one line each with what it shows, and exit")
    parser.add_argument("--quick", action="store_true",
                        help="small grids: each figure in under a minute on 2 cores")
    parser.add_argument("--out", type=path, default=Path("report"), metavar="DIR",
                        help="output directory (default: report)")
    parser.add_argument("--check", action="store_true",
                        help="exit with status 1 if any figure's claim fails on this run's data")
    add_run_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: matplotlib and the figure modules cost a second the other commands skip.
    from ..reproduce import FIGURES, reproduce
    from ..reproduce.run import check_out, figure_names
    from ..sweep import Store, open_backend

    if args.list:
        width = max(map(len, FIGURES))
        print("\n".join(f"{name:<{width}}  {fig.title}" for name, fig in FIGURES.items()))
        return 0
    if not args.figures:
        raise ValueError("figure: name one or more figures, 'all', or use --list")
    # the whole plan, before starting workers: names, what can run here, the output directory
    names = figure_names(args.figures, args.quick)
    check_out(args.out, names)  # reproduce() says which files of a previous run it replaces
    entries: list[Any] = []

    def finished(entry: Any) -> None:
        entries.append(entry)
        _print_entry(entry, args.out)

    try:
        with open_backend(args.workers, args.scheduler) as backend, Store(args.store) as store:
            reproduce(names, args.out, quick=args.quick, store=store, backend=backend,
                      progress=show_progress(args), on_entry=finished)
    except RuntimeError as err:  # failed tasks: the finished ones are stored, re-run to retry
        print(f"modelcollapse reproduce: error: {err}", file=sys.stderr)
        return 1
    finally:  # also when a later figure fails or the run is interrupted
        _print_summary(entries, len(names), args.out)
    failed = [v for e in entries for v in e.failed]
    return 1 if failed and args.check else 0


def _print_summary(entries: list[Any], planned: int, out: Path) -> None:
    """The claims over the figures that finished, and where the report is."""
    failed = [(e.name, v["name"]) for e in entries for v in e.failed]
    held = sum(len(e.verdicts) for e in entries) - len(failed)
    unfinished = (f" ({len(entries)} of {planned} figures finished)"
                  if len(entries) < planned else "")
    print(f"claims: {held} held, {len(failed)} failed{unfinished}"
          + (": " + ", ".join(f"{fig}/{claim}" for fig, claim in failed) if failed else ""))
    if entries:
        print(f"report: {out / 'index.html'}")
    sys.stdout.flush()


def _print_entry(entry: Any, out: Path) -> None:
    """One figure's summary and its claims' verdicts, printed (and flushed) as it finishes."""
    from ..reproduce import Verdict

    c = entry.comparison
    agreement = (f"theory vs markers: max rel. error {c['max_rel_error']:.1%} (median "
                 f"{c['median_rel_error']:.1%}), {c['within_error_bar']:.0%} within the 2-SEM "
                 "Monte-Carlo bars" if c.get("points") else "no comparable point")
    print(f"{entry.name}: {entry.tasks} tasks ({entry.computed} computed) in "
          f"{entry.seconds:.0f} s; {agreement} -> {out / entry.files['png']}")
    for v in entry.verdicts:
        print(f"  {Verdict(**v).line()}")
    sys.stdout.flush()
