"""``modelcollapse simulate``: the Monte-Carlo test error of one setting."""

from __future__ import annotations

import argparse

from ..simulate import METHODS
from ..verbs import simulate
from .common import add_setting_arguments, emit, setting_from_args, whole


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "simulate",
        help="Monte-Carlo: test error of ridge / random projections on a real+synthetic mixture",
        description="Monte-Carlo estimate (spec SMC §8.3) of the test error that `modelcollapse "
                    "predict` computes by theory, with the same arguments and conventions "
                    "(spec SMC §0). The sufficient-statistic sampler draws Wishart Gram "
                    "matrices instead of data, so n = 1e8 costs the same as n = 1e3.",
    )
    add_setting_arguments(parser)
    parser.add_argument("--seeds", type=whole, default=20,
                        help="number of independent draws averaged (default: 20)")
    parser.add_argument("--seed", type=whole, default=0, help="base random seed (default: 0)")
    parser.add_argument("--method", choices=METHODS, default="auto",
                        help="sufficient statistics, direct row sampling, or the cheaper (auto)")
    parser.add_argument("--workers", type=whole, default=1,
                        help="processes running seeds in parallel, one BLAS thread each (default: 1)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    setting = setting_from_args(args)
    result = simulate(setting, seeds=args.seeds, seed=args.seed, method=args.method,
                      progress=not args.json, workers=args.workers)
    out = {**setting.to_dict(), **result.to_dict()}
    if not args.json:
        out.pop("errors")
    emit(out, args.json, f"modelcollapse simulate ({setting.model}, spectrum {setting.spectrum})")
    return 0
