"""``modelcollapse predict``: the deterministic-equivalent test error of one setting."""

from __future__ import annotations

import argparse

from ..theory import predict
from .common import add_setting_arguments, emit, setting_from_args


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "predict",
        help="theory: test error of ridge / random projections on a real+synthetic mixture",
        description="Deterministic-equivalent test error (spec SMC §2-§3) of ridge regression "
                    "or the random-projections model trained on n samples, a fraction p2 of "
                    "them synthetic. Conventions: spec SMC §0 (isotropic: ||w1||^2 = 1, "
                    "Delta = (c2/d) I; random projections: S iid N(0, 1/d), averaged over S).",
    )
    add_setting_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    setting = setting_from_args(args)
    result = {**setting.to_dict(), **predict(setting).to_dict()}
    title = f"modelcollapse predict ({setting.model}, spectrum {setting.spectrum})"
    emit(result, args.json, title)
    return 0
