"""Argument types and output helpers shared by the subcommands."""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

import numpy as np

from ..config import MODELS, Setting


def number(kind: type = float):
    """argparse type: a finite number, with a message naming the value on failure."""

    def parse(text: str) -> float | int:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if isinstance(value, float) and not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
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
    return int(value)


def add_setting_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments that define a :class:`~modelcollapse.config.Setting` (predict, simulate)."""
    parser.add_argument("--model", choices=MODELS, default="linear",
                        help="linear ridge or random projections f(x) = v.(Sx) (default: linear)")
    parser.add_argument("--d", type=whole, required=True, help="input dimension")
    parser.add_argument("--n", type=whole, required=True, help="number of training samples")
    parser.add_argument("--m", type=whole, default=None,
                        help="model size (random projections only)")
    parser.add_argument("--p2", type=number(), required=True,
                        help="fraction of synthetic training samples, in [0, 1]")
    parser.add_argument("--c2", type=number(), required=True,
                        help="synthetic-label quality c^2 = E[(x.(w2 - w1))^2]")
    parser.add_argument("--sigma", type=number(), default=1.0,
                        help="label-noise standard deviation (default: 1)")
    parser.add_argument("--ridge", type=number(), default=0.0,
                        help="ridge penalty lambda; 0 = minimum-norm least squares (default: 0)")
    parser.add_argument("--spectrum", default="isotropic",
                        help="input covariance: isotropic or power:BETA (default: isotropic)")
    parser.add_argument("--n0", type=whole, default=None,
                        help="synthetic labels from an OLS generator fitted on N0 real samples "
                             "(c2 is then derived: sigma^2 d/(N0-d-1))")
    parser.add_argument("--alpha", type=number(), default=None,
                        help="weighted mixing: weight alpha on the synthetic part of the loss")
    parser.add_argument("--iterations", type=whole, default=1,
                        help="iterative mixing (variant R): rounds of relabelling (default: 1)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def setting_from_args(args: argparse.Namespace) -> Setting:
    """Build and validate the Setting (raises ValueError naming the bad parameter)."""
    return Setting(d=args.d, n=args.n, m=args.m, p2=args.p2, c2=args.c2, sigma=args.sigma,
                   ridge=args.ridge, model=args.model, spectrum=args.spectrum, n0=args.n0,
                   alpha=args.alpha, iterations=args.iterations)


def _plain(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no inf; the result's "note" says why the value is missing
    return value


def emit(result: dict[str, Any], as_json: bool, title: str) -> None:
    """Print a result as one JSON object or as a short aligned table."""
    if as_json:
        print(json.dumps({k: _plain(v) for k, v in result.items()}, allow_nan=False))
        return
    print(title)
    width = max(len(k) for k in result)
    for key, value in result.items():
        if value is None:
            continue
        if isinstance(value, float | np.floating):
            text = f"{value:.6g}"
        else:
            text = str(_plain(value))
        print(f"  {key:<{width}}  {text}")
