"""``modelcollapse experiment lm|images --workflow W --generations G [--pi PI]``: networks
over generations (the ``lm-generations`` and ``images-generations`` families, WF §1).

Generation 0 trains on real data; generation k on what the workflow keeps of the data made
by generations 0..k−1. ``--seeds K`` seed indices 0..K−1; in this process the results go to
``--out`` (CSV/JSON, and the cache of each generation's text), with ``--store`` to the
results store as one task per (generation, seed index), study
``experiment-lm-generations-WORKFLOW`` (or ``images``; ``-piPI`` appended under mix).
Either way a table of the seed mean ± SEM per generation is printed.
"""

from __future__ import annotations

import argparse
from typing import Any

from .common import whole

# The seed-mean columns of the summary table, per experiment.
COLUMNS = {"lm": ("own_loss", "generated_distinct_2", "generated_zipf_slope",
                  "generated_tokens_per_second", "train_tokens_per_second"),
           "images": ("test_misclassification", "label_error")}


def add_chain_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workflow", default=None,
                        help="train generations on their predecessors' data: replace, "
                             "accumulate, accumulate-subsample or mix (WF §1); without it, "
                             "the real/synthetic mixtures of SMC §7")
    parser.add_argument("--generations", type=whole, default=None, metavar="G",
                        help="with --workflow: generations 0..G (default 5)")
    parser.add_argument("--pi", type=float, default=None,
                        help="with --workflow mix: the fraction of fresh real data per generation")
    parser.add_argument("--seeds", type=whole, default=None, metavar="K",
                        help="with --workflow: seed indices 0..K-1 (default 3)")


def chain_config(args: argparse.Namespace) -> Any:
    """The generation-G point of ``--workflow`` (quick or full, with ``--set``), or None
    when ``--workflow`` is absent (then ``--generations``, ``--pi`` and ``--seeds`` are
    refused)."""
    from .common import with_overrides

    if args.workflow is None:
        for name in ("generations", "pi", "seeds"):
            if getattr(args, name) is not None:
                raise ValueError(f"--{name}: applies with --workflow only")
        return None
    if args.seeds is not None and args.seeds < 1:
        raise ValueError(f"--seeds must be >= 1, got {args.seeds}")
    if args.experiment == "lm":
        from ..experiments.lm_generations_config import QUICK_GENERATIONS as QUICK
        from ..experiments.lm_generations_config import LMGenerationPoint as Point
    else:
        from ..experiments.images_generations_config import QUICK_IMAGES_GENERATIONS as QUICK
        from ..experiments.images_generations_config import ImagesGenerationPoint as Point
    generations = 5 if args.generations is None else args.generations
    base = Point(**(QUICK if args.quick else {}), workflow=args.workflow, pi=args.pi,
                 generation=generations)
    return with_overrides(base, args.set)


def run_chain(point: Any, args: argparse.Namespace,
              progress: bool) -> tuple[list[dict[str, Any]], tuple[str, ...]]:
    """Run generations 0..G for every seed index; return the summary table (rows, columns)."""
    seeds = tuple(range(3 if args.seeds is None else args.seeds))
    if args.store is not None:
        if args.device != "auto":
            raise ValueError("--device: stored tasks choose their own device (a GPU when "
                             "present); leave out --device with --store")
        per_generation = _stored(point, args, len(seeds), progress)
    elif args.experiment == "lm":
        from ..experiments.lm_generations import run_lm_generations

        rows = run_lm_generations(point, seeds, args.out, device=args.device, progress=progress)
        per_generation = _by_generation(rows)
        print(f"modelcollapse experiment lm: {len(rows)} generations -> "
              f"{args.out}/lm-generations.csv, lm-generations.json")
    else:
        from ..experiments.images_generations import run_images_generations

        rows = run_images_generations(point, seeds, args.out)
        per_generation = _by_generation(rows)
        print(f"modelcollapse experiment images: {len(rows)} generations -> "
              f"{args.out}/images-generations.csv, images-generations.json")
    return summary(per_generation, COLUMNS[args.experiment])


def _by_generation(rows: list[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        out.setdefault(row["generation"], []).append(row)
    return out


def _stored(point: Any, args: argparse.Namespace, seeds: int,
            progress: bool) -> dict[int, list[dict[str, Any]]]:
    from ..sweep import LocalBackend, Store, Sweep, run_sweep

    settings = tuple(point.replace(generation=k) for k in range(point.generation + 1))
    mix = "" if point.pi is None else f"-pi{point.pi:g}"
    sweep = Sweep(f"experiment-{args.experiment}-generations-{point.workflow}{mix}", settings,
                  seeds=seeds)
    with Store(args.store) as store:
        result = run_sweep(sweep, store, LocalBackend(args.workers), progress=progress)
        points = [p for p in store.points(sweep.name)
                  if any(p.config == s.to_dict() for s in settings)]
    print(result)
    if result.failed:
        raise ValueError(f"{result.failed} tasks failed: {result.errors[0] if result.errors else ''}")
    flatten = dict
    if args.experiment == "lm":
        from ..experiments.lm_generations import flat as flatten
    return {p.config["generation"]: [flatten(r) for r in p.results] for p in points}


def summary(per_generation: dict[int, list[dict[str, Any]]],
            columns: tuple[str, ...]) -> tuple[list[dict[str, Any]], tuple[str, ...]]:
    """Per generation: seeds, the mean ± SEM of ``test_error`` and the means of ``columns``."""
    from ..result import mean_sem

    rows = []
    for k in sorted(per_generation):
        results = per_generation[k]
        mean, sem = mean_sem([r["test_error"] for r in results])
        row = {"generation": k, "seeds": len(results), "test_error": float(mean),
               "sem": float(sem)}
        row.update({c: float(mean_sem([r.get(c, float("nan")) for r in results])[0])
                    for c in columns})
        rows.append(row)
    return rows, ("generation", "seeds", "test_error", "sem", *columns)
