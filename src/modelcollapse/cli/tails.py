"""``modelcollapse tails``: Hutter-LLM test error on Zipf data under AI data (TG §A)."""

from __future__ import annotations

import argparse

from .common import (
    add_simulation_arguments,
    emit,
    monte_carlo_seeds,
    number,
    show_progress,
    whole,
)

# The tails package is imported by the handler: its scipy special functions would slow the
# start-up of every other subcommand.
MECHANISMS = ("A", "B", "C")  # TG §A.3; tests check it equals tails.config.MECHANISMS


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "tails",
        description="Exact expected test error (TG eq. (A.2)) of the infinite-memory "
                    "Hutter LLM trained on T samples of AI data and tested on Zipf(beta). "
                    "Transforms: top-k cut, top-p cut, temperature narrowing, or a finite-sample "
                    "generator of T0 samples (mechanism B unless --mechanism says otherwise). "
                    "--generations chains generators under mechanism A (resample), B (support "
                    "shrinks) or C (relabel fresh inputs); T0 defaults to T. --simulate --seeds K "
                    "--seed S gives the numbers of `modelcollapse simulate tails --set ... "
                    "--seeds K --seed S`.",
    )
    parser.add_argument("--beta", type=number(), required=True, help="Zipf exponent, > 1")
    parser.add_argument("--T", type=number(), required=True, help="downstream training samples")
    cut = parser.add_mutually_exclusive_group()
    cut.add_argument("--k", type=whole, default=None, help="top-k tail cut")
    cut.add_argument("--top-p", type=number(), default=None, help="nucleus (top-p) cut, in (0, 1)")
    cut.add_argument("--temperature", type=number(), default=None,
                     help="sampling temperature tau < beta: Zipf(beta/tau) training data")
    cut.add_argument("--T0", type=number(), default=None,
                     help="samples seen by each synthetic generator")
    parser.add_argument("--pi", type=number(), default=0.0,
                        help="fraction of clean samples mixed into the T (default: 0)")
    parser.add_argument("--generations", type=whole, default=0,
                        help="number of synthetic generators in the chain (default: 0)")
    parser.add_argument("--mechanism", choices=MECHANISMS, default=None,
                        help="A: resample, B: support shrinks, C: inputs from p relabelled")
    add_simulation_arguments(parser, seeds=8, what="by multinomial counts instead of the "
                                                  "exact formula")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..budget import MAX_CHAIN_DRAWS, check_steps
    from ..config import check_number
    from ..tails import TailsSetting, test_error
    from ..tails.laws import asymptotic_law, clean_law
    from ..verbs import simulate

    setting = TailsSetting(beta=args.beta, T=args.T, k=args.k, top_p=args.top_p,
                           temperature=args.temperature, T0=args.T0, pi=args.pi,
                           generations=args.generations, mechanism=args.mechanism)
    result = {**setting.to_dict(), "transform": setting.transform}
    seeds, seed = monte_carlo_seeds(args)
    if args.simulate:
        check_number("seeds", seeds, low=2, integer=True)  # a standard error needs two
        # seed indices 0..K-1 of base seed --seed of the family's per-seed run: the numbers of
        # `simulate tails` and of a stored sweep, bit for bit
        result.update(simulate(setting, seeds=seeds, seed=seed,
                               progress=show_progress(args)).to_dict())
        if not args.per_seed:
            result.pop("errors")
        result["exact"] = False
    else:
        if setting.mechanism == "B":  # each generation's kept mass sums over all earlier ones
            check_steps("generations", setting.generations**2 / 2, MAX_CHAIN_DRAWS / 100,
                        "the exact mechanism-B chain's pairs of generations",
                        "--simulate is linear in the generations")
        result["test_error"] = test_error(setting)
        result["exact"] = True
    result["clean_law"] = float(clean_law(setting.beta, setting.T))
    result["asymptotic_law"] = asymptotic_law(setting)  # None where the theory page gives no law
    emit(result, args.json, f"modelcollapse tails (beta {setting.beta:g}, {setting.transform})")
    return 0
