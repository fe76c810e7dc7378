"""``modelcollapse generations``: test error after n generations of fake regression data (TG §B)."""

from __future__ import annotations

import argparse

from ..budget import MAX_CHAIN_DRAWS, check_memory, check_steps
from ..generations import GenerationsSetting, predict_generations
from ..generations.config import ADAPTIVE
from ..generations.simulate import simulate_generations
from .common import add_simulation_arguments, emit, monte_carlo_seeds, number, whole


def ridge_value(text: str) -> float | str:
    """argparse type: a number, or 'adaptive' (the λ minimising the predicted error)."""
    if text == ADAPTIVE:
        return ADAPTIVE
    try:
        return float(number()(text))
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"expected a number or 'adaptive', got {text!r}") from None


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "generations",
        description="Test error ||w_pred - w0||^2_Sigma (TG eq. (B.4)) of ridge regression on "
                    "T samples labelled by the last of n least-squares generators, each fitted on "
                    "T0 samples labelled by its predecessor with noise sigma0 (TG §B.2). "
                    "Exact for OLS (eq. (B.6)), deterministic equivalent for ridge (eqs. "
                    "(B.10)-(B.13)), exact min-norm chains for isotropic T0 < d (eqs. (B.15)-(B.16)). "
                    "--ridge adaptive picks the ridge minimising the predicted error for this n.",
    )
    parser.add_argument("--d", type=whole, required=True, help="input dimension")
    parser.add_argument("--T", type=whole, required=True, help="downstream training samples")
    parser.add_argument("--T0", type=whole, required=True, help="samples per synthetic generator")
    parser.add_argument("--generations", type=whole, required=True,
                        help="number n of synthetic generations (0 = clean data)")
    parser.add_argument("--sigma", type=number(), default=1.0,
                        help="downstream label-noise standard deviation (default: 1)")
    parser.add_argument("--sigma0", type=number(), default=1.0,
                        help="generators' label-noise standard deviation (default: 1)")
    parser.add_argument("--ridge", type=ridge_value, default=0.0,
                        help="downstream ridge lambda >= 0, or 'adaptive' (default: 0)")
    parser.add_argument("--spectrum", default="isotropic",
                        help="input covariance: isotropic or power:BETA (default: isotropic)")
    parser.add_argument("--source", type=number(), default=None,
                        help="source exponent r of w0 under a power:BETA spectrum")
    parser.add_argument("--r2", type=number(), default=None,
                        help="||w0||^2 (default: 1; under --source, sum_j j^(BETA-1-2*BETA*r))")
    # one vectorised draw of every seed at once: no per-seed values, no progress bar
    add_simulation_arguments(parser, seeds=200, what="of the chain instead of the formula",
                             per_seed=False)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    setting = GenerationsSetting(d=args.d, T=args.T, T0=args.T0, generations=args.generations,
                                 sigma=args.sigma, sigma0=args.sigma0, ridge=args.ridge,
                                 spectrum=args.spectrum, source=args.source, r2=args.r2)
    seeds, seed = monte_carlo_seeds(args)
    theory = predict_generations(setting)
    result = {**setting.to_dict(), "r2": setting.norm2, **theory.to_dict()}
    if args.simulate:
        # every seed is drawn at once: a few d x d statistics per seed, generation after generation
        check_memory("seeds", 8.0 * 4 * seeds * setting.d * (setting.d + 1),
                     f"{seeds} chains of {setting.d}x{setting.d} statistics")
        check_steps("generations", float(seeds) * (setting.generations + 1), MAX_CHAIN_DRAWS,
                    "seeds x generations drawn", "lower --seeds or --generations")
        sim = simulate_generations(setting.replace(ridge=theory.ridge), seeds=seeds, seed=seed)
        result["predicted_test_error"] = theory.test_error
        result.update(sim.to_dict())
        for key in ("bias", "variance", "synthetic_variance", "clean_error", "kappa", "df1", "df2"):
            result.pop(key)
        result["method"] = "Monte-Carlo, TG §B.7 (Wishart statistics for fits on >= d samples)"
    emit(result, args.json, f"modelcollapse generations (n = {setting.generations}, "
                            f"spectrum {result['spectrum']})")
    return 0
