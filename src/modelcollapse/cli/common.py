"""Argument types and output helpers shared by the subcommands.

Also the "one face" of ``predict`` and ``simulate``: an optional FAMILY (a registered
family's name) whose configuration is built from ``--set KEY=VALUE`` pairs, each value
parsed like the field's default where it has one (:func:`parse_like`) and otherwise read
like a value of a sweep file's ``[base]`` table (:func:`infer_value`).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from dataclasses import MISSING, fields
from pathlib import Path
from typing import Any

import numpy as np

from ..budget import MAX_INPUT
from ..config import MODELS, Setting
from ..family import Family, get, install_hint
from ..result import json_value

# The Setting flags of the smc shape (``predict --d D --n N ...``); with a FAMILY, --set
# takes their place. The first four are required when no FAMILY is named.
SMC_FLAGS: tuple[str, ...] = ("d", "n", "p2", "c2", "model", "m", "sigma", "ridge", "spectrum",
                              "n0", "alpha", "iterations")
SMC_REQUIRED: tuple[str, ...] = ("d", "n", "p2", "c2")


def number(kind: type = float):
    """argparse type: a finite number, with a message naming the value on failure."""

    def parse(text: str) -> float | int:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if isinstance(value, float) and not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
        _check_magnitude(text, value)
        return value

    parse.__name__ = kind.__name__
    return parse


def whole(text: str) -> int:
    """argparse type: a whole number; accepts 1e6-style input when it is exact."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not math.isfinite(value) or value != int(value):
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}")
    _check_magnitude(text, value)
    return int(value)


def _check_magnitude(text: str, value: float) -> None:
    if abs(value) > MAX_INPUT:
        raise argparse.ArgumentTypeError(f"expected a number of magnitude at most "
                                         f"{MAX_INPUT:g}, got {text!r}")


def bounded(key: str, value: Any) -> Any:
    """A ``--set`` value, after checking its numbers (tuple items too) are at most MAX_INPUT
    in magnitude (a ValueError naming ``key``)."""
    for item in value if isinstance(value, tuple) else (value,):
        if isinstance(item, int | float) and not isinstance(item, bool) and abs(item) > MAX_INPUT:
            raise ValueError(f"{key} must be of magnitude at most {MAX_INPUT:g}, got {item!r}")
    return value


def path(text: str) -> Path:
    """argparse type for a file or directory argument: an empty path (which would silently
    mean the current directory) is refused."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty path; give a file or directory name")
    return Path(text)


def add_progress_argument(parser: argparse.ArgumentParser) -> None:
    """--no-progress. Every command follows one rule (:func:`show_progress`): progress bars
    go to stderr, and only when it is a terminal (never into a log file, nohup or Slurm)."""
    parser.add_argument("--no-progress", action="store_true",
                        help="hide the progress bars (shown on stderr only when it is a terminal)")


def show_progress(args: argparse.Namespace) -> bool:
    """Whether to draw progress bars: stderr is a terminal and --no-progress was not given."""
    return not args.no_progress and sys.stderr.isatty()


def add_workers_argument(parser: Any, what: str = "local worker processes") -> None:
    """--workers, with one default for every command: all CPU cores (:func:`worker_count`).

    ``parser`` may be a mutually exclusive group (reproduce, sweep: --workers or --scheduler)."""
    parser.add_argument("--workers", type=whole, default=None,
                        help=f"{what}, one BLAS thread each; results do not depend on it "
                             "(default: all CPU cores; more is capped there)")


def worker_count(workers: int | None) -> int:
    """--workers as a count: all CPU cores when not given; a request above them is capped
    (processes beyond the cores only add memory and contention)."""
    cores = os.cpu_count() or 1
    return cores if workers is None else min(workers, cores)


def add_setting_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments that define a :class:`~modelcollapse.config.Setting` (predict, simulate).

    Every one defaults to None (the Setting's own default applies), so that
    :func:`chosen_family` can tell a flag given with a FAMILY; --d, --n, --p2 and --c2 are
    required there when no FAMILY is named.
    """
    parser.add_argument("--model", choices=MODELS, default=None,
                        help="linear ridge or random projections f(x) = v.(Sx) (default: linear)")
    parser.add_argument("--d", type=whole, default=None, help="input dimension (required)")
    parser.add_argument("--n", type=whole, default=None,
                        help="number of training samples (required)")
    parser.add_argument("--m", type=whole, default=None,
                        help="model size (random projections only)")
    parser.add_argument("--p2", type=number(), default=None,
                        help="fraction of synthetic training samples, in [0, 1] (required)")
    parser.add_argument("--c2", type=number(), default=None,
                        help="synthetic-label quality c^2 = E[(x.(w2 - w1))^2] (required unless --n0, "
                             "which derives it)")
    parser.add_argument("--sigma", type=number(), default=None,
                        help="label-noise standard deviation (default: 1)")
    parser.add_argument("--ridge", type=number(), default=None,
                        help="ridge penalty lambda; 0 = minimum-norm least squares (default: 0)")
    parser.add_argument("--spectrum", default=None,
                        help="input covariance: isotropic or power:BETA (default: isotropic)")
    parser.add_argument("--n0", type=whole, default=None,
                        help="synthetic labels from an OLS generator fitted on N0 real samples "
                             "(c2 is then derived, sigma^2 d/(N0-d-1), and printed; "
                             "not with --c2)")
    parser.add_argument("--alpha", type=number(), default=None,
                        help="weighted mixing: weight alpha on the synthetic part of the loss")
    parser.add_argument("--iterations", type=whole, default=None,
                        help="iterative mixing (variant R): rounds of relabelling (default: 1)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def setting_from_args(args: argparse.Namespace) -> Setting:
    """Build and validate the Setting (raises ValueError naming the bad parameter); flags
    left out take the Setting's defaults."""
    given = {name: getattr(args, name) for name in SMC_FLAGS if getattr(args, name) is not None}
    return Setting(**given)


def setting_fields(setting: Any) -> dict[str, Any]:
    """A configuration as printed; for a :class:`Setting` with an OLS generator (``n0``),
    ``c2`` is the derived c² the answer used (SMC eq. (4.2)), not the unused field."""
    out = setting.to_dict()
    if isinstance(setting, Setting) and setting.n0 is not None:
        from ..theory.generator import synthetic_quality  # the theory loads only when needed

        out["c2"] = synthetic_quality(setting)
    return out


def add_family_arguments(parser: argparse.ArgumentParser) -> None:
    """The optional FAMILY and its ``--set KEY=VALUE`` pairs (predict, simulate)."""
    parser.add_argument("family", nargs="?", default=None, metavar="FAMILY",
                        help="a model family (`modelcollapse families` lists them); its "
                             "configuration comes from --set. Without it: the smc setting "
                             "given by --d --n --p2 --c2 ...")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="a field of the FAMILY's configuration, e.g. --set beta=2 "
                             "(repeatable; comma lists are tuples, 'none' is None)")


def chosen_family(args: argparse.Namespace) -> Family | None:
    """The family named by FAMILY, or None for the smc flags shape (checked complete).

    A FAMILY with smc flags, or --set without a FAMILY, is a ValueError naming the flag."""
    given = [f"--{name}" for name in SMC_FLAGS if getattr(args, name) is not None]
    if args.family is None:
        if args.set:
            raise ValueError("--set: name a FAMILY before it, e.g. "
                             f"`modelcollapse {args.command} tails --set beta=2 --set T=1e4` "
                             "(`modelcollapse families` lists them)")
        if args.n0 is not None and args.c2 is not None:
            raise ValueError("--c2: with --n0 the synthetic-label quality is derived from the "
                             "OLS generator (c2 = sigma^2 d/(n0 - d - 1)); give one of them")
        derived = {"c2"} if args.n0 is not None else set()  # an OLS generator's c² is derived
        missing = [f"--{name}" for name in SMC_REQUIRED
                   if getattr(args, name) is None and name not in derived]
        if missing:
            raise ValueError(f"the following arguments are required: {', '.join(missing)} "
                             "(or name a FAMILY and give --set KEY=VALUE)")
        return None
    family = get(args.family)
    if given:
        raise ValueError(f"{given[0]}: the smc flags do not mix with a FAMILY; give "
                         f"--set {given[0][2:]}=VALUE instead")
    return family


def require_installed(family: Family) -> None:
    """A ValueError naming the extra to install if the family's optional modules are missing."""
    missing = family.missing()
    if missing:
        fix = (f"install the [{family.extra}] extra: {install_hint(family.extra)}"
               if family.extra else f"install {', '.join(missing)}")
        raise ValueError(f"{family.name}: needs {', '.join(missing)}, which is not installed; "
                         f"{fix}")


def split_set(item: str) -> tuple[str, str]:
    """``KEY=VALUE`` as (key, text); dashes in the key read as underscores."""
    key, sep, text = item.partition("=")
    key = key.strip().replace("-", "_")
    if not sep or not key:
        raise ValueError(f"--set expects KEY=VALUE, got {item!r}")
    return key, text.strip()


def parse_like(key: str, text: str, current: Any) -> Any:
    """Parse ``text`` as a value of the same type as ``current`` (the field's default)."""
    if isinstance(current, tuple):
        if not current:
            raise ValueError(f"{key} has no default element to infer a type from")
        return tuple(parse_like(key, part.strip(), current[0]) for part in text.split(",") if part.strip())
    if current is None or isinstance(current, str):
        return None if current is None and text.lower() in ("", "none") else text
    kind = type(current)
    try:
        return kind(float(text)) if kind is int and float(text).is_integer() else kind(text)
    except ValueError:
        raise ValueError(f"{key} must be a {kind.__name__}, got {text!r}") from None


def infer_value(text: str) -> Any:
    """A value read as a sweep file reads it, for a field with no default to follow: a comma
    list is a tuple, ``none`` is None, then an int, a float, or else the text itself."""
    if "," in text:
        return tuple(infer_value(part.strip()) for part in text.split(",") if part.strip())
    if text.lower() in ("", "none"):
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def with_overrides(config: Any, items: list[str]) -> Any:
    """``config`` with ``KEY=VALUE`` overrides applied (validated by the config type)."""
    names = [f.name for f in fields(config)]
    changes = {}
    for item in items:
        key, text = split_set(item)
        if key not in names:
            raise ValueError(f"{key} is not a setting; choose from {', '.join(names)}")
        changes[key] = parse_like(key, text, getattr(config, key))
    replaced = config.replace(**changes)  # its own messages first (e.g. "beta must be <= 64")
    for key, value in changes.items():
        bounded(key, value)
    return replaced


def family_config(family: Family, items: list[str]) -> Any:
    """The family's configuration from ``KEY=VALUE`` items, validated by its type.

    A value is parsed like the field's default (:func:`parse_like`) where that works, and
    otherwise (no default, a None default, or a value of another type the field allows,
    such as ``ridge=adaptive`` or ``sigma0=0.5,0.7``) by :func:`infer_value`.
    """
    defaults = {f.name: f.default if f.default_factory is MISSING else f.default_factory()
                for f in fields(family.config)}
    data: dict[str, Any] = {}
    for item in items:
        key, text = split_set(item)
        current = defaults.get(key, MISSING)
        value = MISSING
        if current is not MISSING and current is not None:
            try:
                value = parse_like(key, text, current)
            except ValueError:
                pass
        data[key] = infer_value(text) if value is MISSING else value
    missing = [name for name, default in defaults.items()
               if default is MISSING and name not in data]
    if missing and all(key in defaults for key in data):
        raise ValueError(f"{missing[0]}: the {family.name} family needs "
                         f"{', '.join(missing)}; give --set {missing[0]}=VALUE")
    try:
        config = family.from_dict(data)  # unknown keys: "KEY: not a field of ..."
    except TypeError as err:  # a value of a type the configuration cannot even compare
        raise ValueError(f"{family.name}: {err}") from None
    for key, value in data.items():  # after the configuration's own, more precise, messages
        bounded(key, value)
    return config


def add_simulation_arguments(parser: argparse.ArgumentParser, *, seeds: int, what: str,
                             per_seed: bool = True) -> None:
    """--simulate (Monte-Carlo ``what`` instead of the theory), --seeds K and --seed S; with
    ``per_seed`` (a simulation run seed by seed, with a progress bar) also --per-seed and
    --no-progress."""
    parser.add_argument("--simulate", action="store_true", help=f"Monte-Carlo {what}")
    parser.add_argument("--seeds", type=whole, default=None,
                        help=f"with --simulate: seed indices 0..K-1 are run (default: {seeds})")
    parser.add_argument("--seed", type=whole, default=None,
                        help="with --simulate: the base seed; run i is seed index i of it, as in "
                             "`modelcollapse simulate FAMILY` and a stored sweep (default: 0)")
    if per_seed:
        parser.add_argument("--per-seed", action="store_true",
                            help="with --simulate: also print every seed's test error (errors)")
        add_progress_argument(parser)
    parser.set_defaults(default_seeds=seeds)


def monte_carlo_seeds(args: argparse.Namespace) -> tuple[int, int]:
    """(seeds, base seed) of a --simulate run; --seeds, --seed or --per-seed without
    --simulate is an error rather than silently ignored."""
    if not args.simulate:
        given = [f"--{flag}" for flag in ("seeds", "seed") if getattr(args, flag) is not None]
        given += ["--per-seed"] if getattr(args, "per_seed", False) else []
        if given:
            raise ValueError(f"{given[0]}: applies with --simulate only")
    seeds = args.default_seeds if args.seeds is None else args.seeds
    return seeds, 0 if args.seed is None else args.seed


def emit(result: dict[str, Any], as_json: bool, title: str) -> None:
    """Print a result as one JSON object or as a short aligned table."""
    if as_json:
        print(json.dumps({k: json_value(v) for k, v in result.items()}, allow_nan=False))
        return
    print(title)
    width = max(len(k) for k in result)
    for key, value in result.items():
        if value is None:
            continue
        if isinstance(value, float | np.floating):
            text = f"{value:.6g}"
        else:
            text = str(json_value(value))
        print(f"  {key:<{width}}  {text}")
