"""Command-line interface: parses and validates arguments, then calls the library.

Each subcommand lives in its own module exposing ``register(subparsers)``, which adds a
parser whose ``handler`` default takes the parsed namespace and returns an exit code.
Errors: a ``ValueError`` raised while validating or running becomes one line on stderr
and exit status 2, and so do a malformed argument (:class:`Parser`) and a path that cannot
be used (``OSError``); any other failure is one line and exit status 1, with the traceback
under the global ``--debug``. Ctrl-C is one line and exit status 130.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import os
import sys
import typing
from collections.abc import Sequence

from .. import budget

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
    "fit": "fit a collapse-aware scaling law to loss curves; advise how much synthetic "
           "data is safe",
    "explore": "interactive explorer in the browser: move a slider, see the scaling law change",
}


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (the usage is one ``--help`` away)."""

    def error(self, message: str) -> typing.NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def version() -> str:
    """The installed distribution's version (package metadata); the source tree's
    ``__version__`` when running from a checkout that is not installed."""
    try:
        return importlib.metadata.version("modelcollapse")
    except importlib.metadata.PackageNotFoundError:
        from .. import __version__

        return __version__


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; only the subcommand ``argv`` names is built in full (its module imported),
    every other one is listed by its help line, so start-up costs what the command uses."""
    parser = Parser(
        prog="modelcollapse",
        description="Predict, simulate and reproduce model collapse under synthetic data.",
        epilog="Formulas are cited as SMC eq. (2.16), TG eq. (A.13) or WF (WF.2): the "
               "project's own labels, defined on the theory pages of its documentation "
               "(docs/theory/ in the repository).",
    )
    parser.add_argument("--version", action="version", version=f"modelcollapse {version()}")
    # Global flags, accepted anywhere on the line (main takes them out before parsing).
    parser.add_argument("--debug", action="store_true",
                        help="show the traceback of an unexpected failure")
    parser.add_argument("--max-memory", metavar="SIZE",
                        help="refuse work whose arrays would exceed SIZE, or whose largest array "
                             "would exceed an eighth of it (e.g. 8G; default: half of this "
                             "machine's memory)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    chosen = argv[0] if argv else None
    for name, text in COMMANDS.items():
        if name == chosen:
            importlib.import_module(f"{__name__}.{name}").register(sub)
        else:
            sub.add_parser(name, help=text, description=text)
    return parser


def split_global(argv: list[str]) -> tuple[list[str], bool, str | None]:
    """``argv`` without the global flags, which may stand anywhere on the line, and their
    values: (rest, --debug, --max-memory SIZE or None). A negative number after a flag is
    joined to it (``--tau -inf`` reads as ``--tau=-inf``)."""
    rest, debug, memory = [], False, None
    items = iter(argv)
    for item in items:
        if item == "--debug":
            debug = True
        elif item == "--max-memory":
            memory = next(items, "")
        elif item.startswith("--max-memory="):
            memory = item.partition("=")[2]
        elif rest and rest[-1].startswith("--") and "=" not in rest[-1] and _negative(item):
            rest[-1] += f"={item}"  # argparse would read -inf or -1e5 as a flag
        else:
            rest.append(item)
    return rest, debug, memory


def _negative(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.startswith("-")


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    argv, debug, memory = split_global(argv)
    args = build_parser(argv).parse_args(argv)
    previous = os.environ.get(budget.MEMORY_ENV)
    try:
        if memory is not None:  # the environment carries it into worker processes too
            os.environ[budget.MEMORY_ENV] = str(budget.parse_size(memory))
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        return interrupted(args)
    except BrokenPipeError:  # the reader went away (e.g. `| head`): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as err:
        if isinstance(err, RuntimeError) and str(err) == DUCKDB_INTERRUPTED:
            return interrupted(args)
        if debug:
            raise
        code, text = failure(err)
        print(f"modelcollapse {args.command}: error: {text}", file=sys.stderr)
        return code
    finally:  # main called in-process (tests, notebooks) leaves the environment as it was
        if previous is None:
            os.environ.pop(budget.MEMORY_ENV, None)
        else:
            os.environ[budget.MEMORY_ENV] = previous


# What DuckDB raises (a RuntimeError) when Ctrl-C arrives while it runs a query.
DUCKDB_INTERRUPTED = "Query interrupted"


def interrupted(args: argparse.Namespace) -> int:
    """Ctrl-C: one line, exit status 130; a command with a store says what it kept."""
    store = getattr(args, "store", None)
    kept = f"; what finished is in {store}, run the same command to resume" if store else ""
    print(f"modelcollapse {args.command}: interrupted{kept}", file=sys.stderr)
    return 130


def failure(err: Exception) -> tuple[int, str]:
    """(exit status, one line) for an exception: 2 for bad input or a path that cannot be
    used (ValueError, OSError), 1 for a genuine runtime failure (with the --debug hint)."""
    if isinstance(err, ValueError | FileNotFoundError):
        return 2, str(err)
    if isinstance(err, OSError):
        where = f"{err.filename}: " if err.filename else ""
        return 2, f"{where}{err.strerror or err}"
    if isinstance(err, OverflowError):  # arithmetic on a number too large for a float
        return 2, f"a value is too large to compute with ({err}); use smaller numbers"
    if isinstance(err, MemoryError):
        return 1, ("out of memory; lower the sizes, or --max-memory SIZE to be refused "
                   "before the work starts (--debug shows the traceback)")
    text = " ".join(str(err).split())[:300]
    return 1, f"{type(err).__name__}: {text} (--debug shows the traceback)"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
