"""``modelcollapse simulate``: the Monte-Carlo test error of one setting.

Two shapes: ``simulate --d D --n N --p2 P --c2 C ...`` (strong model collapse, as always),
and ``simulate FAMILY --set KEY=VALUE ...`` for any family (common.py). Both run seed
indices 0..K-1 of base seed ``--seed`` of the family's per-seed function, the very calls a
stored sweep with ``seeds = K`` and ``base_seed = S`` makes, so the numbers agree bit for bit.

For smc, ``--estimator`` (conditional, the default, or sampled) and ``--method`` (auto,
direct, sufficient) name the engine's method (``simulate.choose_method``): conditional +
sufficient is "conditional", conditional + direct "direct-conditional", conditional + auto
the cheaper of those two, sampled + auto is "auto" (the cheaper of "sufficient" and "direct",
the method stored results and sweeps have always used). A family whose methods include
"conditional" and "sampled" (generations) takes ``--estimator`` the same way, conditional by
default; its method "auto" stays the sampled estimator of its stored results.
"""

from __future__ import annotations

import argparse

from ..simulate.methods import ESTIMATORS, SAMPLER_CHOICES
from ..verbs import simulate
from .common import (
    add_family_arguments,
    add_progress_argument,
    add_setting_arguments,
    add_workers_argument,
    chosen_family,
    emit,
    family_config,
    require_installed,
    setting_fields,
    setting_from_args,
    show_progress,
    whole,
    worker_count,
)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "simulate",
        description="Monte-Carlo estimate (SMC §8.3) of the test error that `modelcollapse "
                    "predict` computes by theory, with the same arguments and conventions "
                    "(SMC §0). The sufficient-statistic sampler draws Wishart Gram "
                    "matrices instead of data, so n = 1e8 costs the same as n = 1e3, and by "
                    "default each draw of the data returns the exact expectation of the test "
                    "error over the targets and the label noise (--estimator conditional: "
                    "same mean, a far smaller spread). With a "
                    "FAMILY (e.g. `simulate bigram --set beta=2 --set T=1e5 --seeds 4`) the "
                    "configuration comes from --set KEY=VALUE and the family's own per-seed "
                    "run is averaged.",
    )
    add_family_arguments(parser)
    add_setting_arguments(parser)
    parser.add_argument("--seeds", type=whole, default=20,
                        help="number of independent draws averaged (default: 20)")
    parser.add_argument("--seed", type=whole, default=0, help="base random seed (default: 0)")
    # Every built-in family offers "auto"; smc also offers direct and sufficient.
    parser.add_argument("--method", choices=SAMPLER_CHOICES, default="auto",
                        help="smc: sufficient statistics, direct row sampling, or the cheaper "
                             "(auto); other families: auto")
    parser.add_argument("--estimator", choices=ESTIMATORS, default=None,
                        help="smc and generations: the exact expectation over targets and "
                             "noise per draw of the data (conditional, the default) or one "
                             "draw of everything (sampled)")
    add_workers_argument(parser, "processes running seeds in parallel")
    add_progress_argument(parser)
    parser.add_argument("--per-seed", action="store_true",
                        help="also print every seed's test error (errors)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    family = chosen_family(args)
    if family is None:
        setting = setting_from_args(args)
        title = f"modelcollapse simulate ({setting.model}, spectrum {setting.spectrum})"
    else:
        require_installed(family)
        setting = family_config(family, args.set)
        title = f"modelcollapse simulate {family.name}"
    if family is None or family.name == "smc":
        from ..simulate.engine import choose_method

        method = choose_method(setting, args.method, args.estimator or "conditional")
    elif set(ESTIMATORS) <= set(family.methods) and args.method == "auto":
        method = args.estimator or "conditional"  # the command line's default estimator
    elif args.estimator is not None:
        raise ValueError(f"--estimator: the {family.name} family offers no estimators; its "
                         f"methods are {', '.join(family.methods)}")
    else:
        method = args.method
    result = simulate(setting, seeds=args.seeds, seed=args.seed, method=method,
                      progress=show_progress(args), workers=worker_count(args.workers))
    out = {**setting_fields(setting), **result.to_dict()}
    if not args.per_seed:
        out.pop("errors")
    emit(out, args.json, title)
    return 0
