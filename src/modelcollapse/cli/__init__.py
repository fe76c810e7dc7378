"""Command-line interface: parses and validates arguments, then calls the library.

Each subcommand lives in its own module exposing ``register(subparsers)``, which adds a
parser whose ``handler`` default takes the parsed namespace and returns an exit code.
Errors: a ``ValueError`` raised while validating or running becomes one line on stderr
and exit status 2, and so does a malformed argument (:class:`Parser`).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import typing
from collections.abc import Sequence

# Subcommand modules, in the order `modelcollapse --help` lists them.
COMMANDS: tuple[str, ...] = ("predict", "simulate", "families", "tails", "generations", "workflow",
                             "sweep", "reproduce", "results", "experiment")


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (the usage is one ``--help`` away)."""

    def error(self, message: str) -> typing.NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="modelcollapse",
        description="Predict, simulate and reproduce model collapse under synthetic data.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except (ValueError, FileNotFoundError) as err:  # bad input, or data that is not there
        print(f"modelcollapse {args.command}: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"modelcollapse {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (e.g. `| head`): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
