"""``modelcollapse reproduce``: the paper's regression figures, theory + Monte-Carlo (spec SMC §7)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .sweep import add_run_arguments


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "reproduce",
        help="reproduce the paper's regression figures (PNG, PDF, CSV and an HTML report)",
        description="Run each figure's Monte-Carlo sweep (results are stored and reused), "
                    "draw theory curves and simulation markers on the same axes, and write "
                    "FIGURE.png/.pdf/.csv plus DIR/index.html comparing simulation with "
                    "theory. `modelcollapse reproduce --list` names the figures.",
    )
    parser.add_argument("figures", nargs="*", metavar="FIGURE",
                        help="figure names, or 'all' (see --list)")
    parser.add_argument("--list", action="store_true", help="print the figure names and exit")
    parser.add_argument("--quick", action="store_true",
                        help="small grids: each figure in under a minute on 2 cores")
    parser.add_argument("--out", type=Path, default=Path("report"), metavar="DIR",
                        help="output directory (default: report)")
    add_run_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: matplotlib and the figure modules cost a second the other commands skip.
    from ..reproduce import FIGURES, reproduce
    from ..reproduce.run import figure_names
    from ..sweep import Store, open_backend

    if args.list:
        print("\n".join(FIGURES))
        return 0
    if not args.figures:
        raise ValueError("figure: name one or more figures, 'all', or use --list")
    names = figure_names(args.figures)  # fail on a typo before starting workers
    with open_backend(args.workers, args.scheduler) as backend, Store(args.store) as store:
        try:
            entries = reproduce(names, args.out, quick=args.quick, store=store,
                                backend=backend, progress=False if args.no_progress else None)
        except RuntimeError as err:  # failed tasks: the finished ones are stored, re-run to retry
            print(f"modelcollapse reproduce: error: {err}", file=sys.stderr)
            return 1
    for e in entries:
        c = e.comparison
        agreement = (f"max rel. error {c['max_rel_error']:.1%}, "
                     f"{c['within_error_bar']:.0%} within error bars" if c.get("points")
                     else "no comparable point")
        print(f"{e.name}: {e.tasks} tasks ({e.computed} computed) in {e.seconds:.0f} s; "
              f"{agreement} -> {args.out / e.files['png']}")
    print(f"report: {args.out / 'index.html'}")
    return 0
