"""``modelcollapse predict``: the theory's test error of one setting.

Two shapes: ``predict --d D --n N --p2 P --c2 C ...`` (strong model collapse, as always), and
``predict FAMILY --set KEY=VALUE ...`` for any family with a theory (common.py).
"""

from __future__ import annotations

import argparse

from .. import verbs
from ..theory import predict
from .common import (
    add_family_arguments,
    add_setting_arguments,
    chosen_family,
    emit,
    family_config,
    setting_fields,
    setting_from_args,
)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "predict",
        description="Deterministic-equivalent test error (SMC §2-§3) of ridge regression "
                    "or the random-projections model trained on n samples, a fraction p2 of "
                    "them synthetic. Conventions: SMC §0 (isotropic: ||w1||^2 = 1, "
                    "Delta = (c2/d) I; random projections: S iid N(0, 1/d), averaged over S). "
                    "With a FAMILY (e.g. `predict tails --set beta=2 --set T=1e4`) the "
                    "configuration comes from --set KEY=VALUE instead of the flags.",
    )
    add_family_arguments(parser)
    add_setting_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    family = chosen_family(args)
    if family is None:
        setting = setting_from_args(args)
        result = {**setting_fields(setting), **predict(setting).to_dict()}
        title = f"modelcollapse predict ({setting.model}, spectrum {setting.spectrum})"
        emit(result, args.json, title)
        return 0
    if family.predict is None:
        raise ValueError(f"{family.name}: the {family.name} family has no theory; use "
                         f"`modelcollapse simulate {family.name}` with the same --set pairs")
    config = family_config(family, args.set)
    out = {**config.to_dict(), **verbs.predict(config).to_dict()}
    emit(out, args.json, f"modelcollapse predict {family.name}")
    return 0
