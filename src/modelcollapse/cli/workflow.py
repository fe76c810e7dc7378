"""``modelcollapse workflow``: the test error of every generation of a regression chain under
replace, accumulate, accumulate-subsample, mix or verify (WF)."""

from __future__ import annotations

import argparse
import math

from ..verbs import predict, simulate
from ..workflows.config import WorkflowSetting
from .common import (
    add_simulation_arguments,
    emit,
    monte_carlo_seeds,
    number,
    show_progress,
    whole,
)


def tolerance(text: str) -> float:
    """argparse type for --tau: a number > 0, or inf (keep every candidate)."""
    if text.strip().lower() in ("inf", "infinity"):
        return math.inf
    return float(number()(text))


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "workflow",
        description="Test error (excess risk, ||w*|| = 1) of generations 0..G of a ridge chain "
                    "in which generation k-1 labels the data of generation k (WF §1). "
                    "Generation 0 fits T real rows. replace: one fresh block labelled by the "
                    "previous fit; accumulate: every block so far; accumulate-subsample: T rows "
                    "drawn from every block so far; mix: round(pi*T) fresh real rows and the "
                    "rest labelled by the previous fit; verify: candidates kept when "
                    "|y - x.w_v| <= tau. Theory: exact least-squares laws (replace, accumulate) "
                    "and the finite-T recursion for mix and ridge replace; other combinations "
                    "exit 2 with the reason (use --simulate).")
    parser.add_argument("--workflow", required=True,
                        help="replace, accumulate, accumulate-subsample, mix or verify")
    parser.add_argument("--d", type=whole, required=True, help="input dimension")
    parser.add_argument("--T", type=whole, required=True, help="rows per block")
    parser.add_argument("--generations", type=whole, required=True,
                        help="G >= 0; generations 0..G are reported")
    parser.add_argument("--pi", type=number(), default=None,
                        help="mix: fraction of fresh real rows per generation, in [0, 1]")
    parser.add_argument("--sigma", type=number(), default=1.0,
                        help="label-noise standard deviation (default: 1)")
    parser.add_argument("--ridge", type=number(), default=0.0,
                        help="ridge lambda >= 0 on the mean squared loss (default: 0)")
    parser.add_argument("--design", default="fresh",
                        help="fresh inputs per block, or one fixed design (default: fresh)")
    parser.add_argument("--spectrum", default="isotropic",
                        help="input covariance: isotropic or power:BETA (default: isotropic)")
    parser.add_argument("--tau", type=tolerance, default=None,
                        help="verify: keep a candidate when |y - x.w_v| <= tau (inf keeps all)")
    parser.add_argument("--verifier", default=None,
                        help="verify: oracle (w_v = w*, default) or learned (ridge on --nv rows)")
    parser.add_argument("--nv", type=whole, default=None,
                        help="verify: real rows the learned verifier is fitted on")
    add_simulation_arguments(parser, seeds=200, what="chains instead of the theory")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    setting = WorkflowSetting(
        d=args.d, T=args.T, generations=args.generations, workflow=args.workflow, pi=args.pi,
        sigma=args.sigma, ridge=args.ridge, design=args.design, spectrum=args.spectrum,
        tau=args.tau, verifier=args.verifier, nv=args.nv)
    seeds, seed = monte_carlo_seeds(args)
    if args.simulate:
        result = simulate(setting, seeds=seeds, seed=seed, progress=show_progress(args))
        out = result.to_dict()
        if not args.per_seed:
            out.pop("errors")
    else:
        out = predict(setting).to_dict()
    emit({**setting.to_dict(), **out}, args.json,
         f"modelcollapse workflow ({setting.workflow}, G = {setting.generations})")
    return 0
