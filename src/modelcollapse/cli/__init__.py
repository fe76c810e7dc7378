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

# Subcommands (one module each) and their one-line help, in the order `--help` lists them.
COMMANDS: dict[str, str] = {
    "predict": "theory: test error of ridge / random projections on a real+synthetic mixture, "
               "or of any FAMILY with a theory",
    "simulate": "Monte-Carlo: test error of ridge / random projections on a real+synthetic "
                "mixture, or of any FAMILY",
    "families": "list the model families, their configuration fields and defaults",
    "tails": "theory/simulation: Hutter LLM on Zipf(beta) data with tail cuts, narrowing, "
             "mixing and generations",
    "generations": "theory/simulation: ridge regression trained on the n-th generation of fake "
                   "data",
    "workflow": "theory/simulation: a regression chain over generations under a data workflow",
    "sweep": "run a grid of settings x seeds (a TOML sweep file) into the results store",
    "reproduce": "reproduce the paper's figures (PNG, PDF, CSV and an HTML report)",
    "results": "list stored studies, show one (mean +- SEM per setting) or export it",
    "experiment": "networks on real data: image classifiers (Fig. 7) and language models "
                  "(Fig. 8)",
}


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (the usage is one ``--help`` away)."""

    def error(self, message: str) -> typing.NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; only the subcommand ``argv`` names is built in full (its module imported),
    every other one is listed by its help line, so start-up costs what the command uses."""
    parser = Parser(
        prog="modelcollapse",
        description="Predict, simulate and reproduce model collapse under synthetic data.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    chosen = argv[0] if argv else None
    for name, text in COMMANDS.items():
        if name == chosen:
            importlib.import_module(f"{__name__}.{name}").register(sub)
        else:
            sub.add_parser(name, help=text, description=text)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(argv).parse_args(argv)
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
