"""``modelcollapse fit``: fit the collapse-aware scaling law to loss curves (a CSV file or a
stored study) and advise how much synthetic data is safe."""

from __future__ import annotations

import argparse
import json
from typing import Any

import numpy as np

from ..fitting import CollapseFit, Curves, as_curves, fit_by, fit_curves, read_csv
from ..fitting.data import MIN_SEEDS
from ..sweep import Store
from .common import number, path, whole
from .results import selected_points, where_filters


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "fit",
        description="Fit L(n, p2) = E + F*p2^2 + (A + G*p2*(1-p2)) * n^-alpha / (1 - (n_c/n)^alpha) "
                    "(SMC eq. (2.16) with the rate of SMC eq. (6.3)) jointly to one loss curve "
                    "per synthetic share p2, with bootstrap intervals; print the floor per p2, "
                    "predictions at --at, and with --target-n the largest safe p2. Answers the "
                    "curves cannot support are null with a note.")
    parser.add_argument("curves", nargs="?", type=path, default=None, metavar="CURVES.csv",
                        help="a CSV file with a header row (or use --store and --study)")
    parser.add_argument("--n-col", default="n", help="column of training-set sizes (default: n)")
    parser.add_argument("--p2-col", default="p2", help="column of synthetic shares (default: p2)")
    parser.add_argument("--loss-col", default="loss", help="column of losses (default: loss)")
    parser.add_argument("--seed-col", default=None,
                        help="column naming each point's seed: the bootstrap resamples seeds")
    parser.add_argument("--by", default=None, metavar="COL",
                        help="fit one law per value of this column (or, with --store, of this "
                             "setting field), e.g. a model size m; the JSON then holds one "
                             "object per value under 'fits'")
    parser.add_argument("--at", type=number(), nargs="+", default=[], metavar="N",
                        help="training-set sizes to predict the loss at, for every p2")
    parser.add_argument("--target-n", type=number(), default=None, metavar="N",
                        help="with --tolerance: the n at which to find the largest safe p2")
    parser.add_argument("--tolerance", type=number(), default=None, metavar="TOL",
                        help="relative loss increase over clean data that is acceptable, > 0")
    parser.add_argument("--costly-p2", type=number(), nargs="+", default=[], metavar="P2",
                        help="with --tolerance: for each share, the n from which it costs more "
                             "than the tolerance relative to clean data (costly_from_n)")
    parser.add_argument("--target-loss", type=number(), default=None, metavar="L",
                        help="with --cost-real and --cost-synthetic: the cheapest mix (p2, n) "
                             "whose predicted loss is L (cheapest_mix)")
    parser.add_argument("--cost-real", type=number(), default=None, metavar="C",
                        help="cost of one real sample (with --target-loss)")
    parser.add_argument("--cost-synthetic", type=number(), default=None, metavar="C",
                        help="cost of one synthetic sample (with --target-loss)")
    parser.add_argument("--bootstrap", type=whole, default=200, metavar="B",
                        help="bootstrap replicates for the intervals (default: 200; 0 = none)")
    parser.add_argument("--seed", type=whole, default=0, help="bootstrap seed (default: 0)")
    parser.add_argument("--plot", type=path, default=None, metavar="OUT.png",
                        help="draw the data, the fitted law and its bands")
    parser.add_argument("--store", type=path, default=None, metavar="PATH",
                        help="fit a stored study instead of a CSV: per-setting means of "
                             "test_error, seeds as the bootstrap unit")
    parser.add_argument("--study", default=None, help="the stored study to fit (with --store)")
    parser.add_argument("--where", action="append", default=[], metavar="FIELD=VALUE",
                        help="with --store: fit only settings with this field value "
                             "(repeatable), e.g. --where model=two-layer")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.target_n is not None and args.tolerance is None:
        raise ValueError("target-n and tolerance go together: give both or neither")
    if args.costly_p2 and args.tolerance is None:
        raise ValueError("costly-p2 needs --tolerance")
    if args.tolerance is not None and args.target_n is None and not args.costly_p2:
        raise ValueError("tolerance applies to --target-n or --costly-p2: give one of them")
    if any(not 0 <= p2 <= 1 for p2 in args.costly_p2):
        raise ValueError("costly-p2: every share must be in [0, 1]")
    mix = (args.target_loss, args.cost_real, args.cost_synthetic)
    if any(v is not None for v in mix) and any(v is None for v in mix):
        raise ValueError("target-loss, cost-real and cost-synthetic go together: give all three")
    if mix[0] is not None and any(v <= 0 for v in mix):
        raise ValueError("target-loss, cost-real and cost-synthetic must be > 0")
    if args.tolerance is not None and args.tolerance <= 0:
        raise ValueError(f"tolerance must be > 0, got {args.tolerance:g}")
    if args.target_n is not None and args.target_n <= 0:
        raise ValueError(f"target-n must be > 0, got {args.target_n:g}")
    if any(n <= 0 for n in args.at):
        raise ValueError("at: every N must be > 0")
    curves = _curves(args)
    options = dict(seed_ids=curves.seed_ids, bootstrap=args.bootstrap, seed=args.seed)
    fits: dict[Any, CollapseFit] = {None: fit_curves(curves.n, curves.p2, curves.loss, **options)} \
        if curves.by is None else fit_by(curves.by, curves.n, curves.p2, curves.loss, **options)
    answers = {label: fit.to_json(at=args.at, target_n=args.target_n, tolerance=args.tolerance,
                                  costly_p2=args.costly_p2, mix=None if mix[0] is None else mix)
               for label, fit in fits.items()}
    out = answers[None] if curves.by is None else {
        "law": next(iter(answers.values()))["law"], "by": args.by,
        "fits": [{"value": label, **answer} for label, answer in answers.items()]}
    if args.plot is not None:
        from ..fitting.plot import plot_fit

        out["plot"] = str(plot_fit(fits, args.plot, at=args.at, by=args.by or "m"))
    if args.json:
        print(json.dumps(out, allow_nan=False))
        return 0
    for label, fit in fits.items():
        if label is not None:
            print(f"== {args.by} = {label}")
        _print(fit, answers[label])
    if "plot" in out and curves.by is not None:
        print(f"plot: {out['plot']}")
    return 0


def _curves(args: argparse.Namespace) -> Curves:
    if args.store is None:
        if args.curves is None:
            raise ValueError("curves: give a CSV file, or --store PATH --study NAME")
        if args.study is not None or args.where:
            raise ValueError("study and where apply with --store only")
        return read_csv(args.curves, n_col=args.n_col, p2_col=args.p2_col,
                        loss_col=args.loss_col, seed_col=args.seed_col, by_col=args.by)
    if args.curves is not None:
        raise ValueError("curves: give a CSV file or --store, not both")
    if args.study is None:
        raise ValueError("study: name the stored study to fit (with --store)")
    return _stored_curves(args.store, args.study, where_filters(args.where), args.by)


def _stored_curves(store_path, study: str, where: dict[str, str], by: str | None) -> Curves:
    """Every seed's test_error of the study's settings (after ``where``), seed index as id,
    grouped by the setting field ``by`` when given."""
    with Store(store_path, read_only=True) as store:
        points = selected_points(store, study, where)
    if not points:
        raise ValueError(f"study: no stored setting of {study!r} matches")
    if any("n" not in p.config or "p2" not in p.config for p in points):
        raise ValueError(f"study: {study!r} has settings without n and p2; it is not a set of "
                         "loss curves")
    if by is not None and any(by not in p.config for p in points):
        raise ValueError(f"by: settings of {study!r} have no field {by!r}")
    varying = sorted(k for k in points[0].config if k not in ("n", "p2", by)
                     and len({json.dumps(p.config.get(k)) for p in points}) > 1)
    if varying:
        raise ValueError(f"study: settings of {study!r} also vary in {', '.join(varying)}; "
                         f"pick one curve family with --where {varying[0]}=VALUE, or fit one "
                         f"law per value with --by {varying[0]}")
    n, p2, loss, seeds, groups = [], [], [], [], []
    for p in points:
        ok = np.isfinite(p.values)
        n += [p.config["n"]] * int(ok.sum())
        p2 += [p.config["p2"]] * int(ok.sum())
        groups += [p.config.get(by)] * int(ok.sum())
        loss += list(p.values[ok])
        seeds += list(np.flatnonzero(ok))
    # Seeds are the bootstrap unit when there are enough of them; else the points are.
    return as_curves(n, p2, loss, seeds if len(set(seeds)) >= MIN_SEEDS else None,
                     None if by is None else groups)


def _print(fit: CollapseFit, out: dict) -> None:
    print(f"modelcollapse fit: {out['law']}  ({out['bootstrap']} bootstrap replicates, "
          f"{out['level']:.0%} intervals)")
    for name, value in fit.params.items():
        low, high = fit.ci[name]
        print(f"  {name:<6} {value:<12.6g} [{low:.6g}, {high:.6g}]")
    for row in out["floor"]:
        text = "not identified" if row["loss"] is None else \
            f"{row['loss']:.6g} [{row['low']:.6g}, {row['high']:.6g}]"
        print(f"  floor at p2 = {row['p2']:g}: {text}")
    for row in out["predictions"]:
        print(f"  loss at n = {row['n']:g}, p2 = {row['p2']:g}: {row['loss']:.6g} "
              f"[{row['low']:.6g}, {row['high']:.6g}]")
    if "target_n" in out:
        value = out["max_safe_p2"]
        text = "no answer" if value is None else \
            f"{value:.4g} [{out['max_safe_p2_ci'][0]:.4g}, {out['max_safe_p2_ci'][1]:.4g}]"
        print(f"  largest p2 within {out['tolerance']:g} of clean loss at n = "
              f"{out['target_n']:g}: {text}")
    for row in out.get("costly_from_n", []):
        text = "never" if row["n"] is None else f"from n = {row['n']:.4g}"
        print(f"  p2 = {row['p2']:g} costs more than {out['tolerance']:g} of clean loss: {text}")
    if "cheapest_mix" in out:
        m = out["cheapest_mix"]
        text = "no answer" if m is None else (f"p2 = {m['p2']:.4g}, n = {m['n']:.4g} "
                                               f"({m['n_real']:.4g} real, {m['n_synthetic']:.4g} "
                                               f"synthetic), cost {m['cost']:.4g}")
        print(f"  cheapest mix reaching loss {out['target_loss']:g}: {text}")
    if "plot" in out:
        print(f"  plot: {out['plot']}")
    if "note" in out:
        print(f"  note: {out['note']}")
