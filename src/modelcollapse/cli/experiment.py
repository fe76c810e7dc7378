"""``modelcollapse experiment images|lm``: the network experiments of SMC §7.

``--quick`` runs the laptop-scale configuration (a few CPU minutes), otherwise the full one;
``--set KEY=VALUE`` overrides any field of the configuration, parsed like the field's
default (tuples as comma-separated lists), so a misspelt key or a bad value fails with a
message naming it. Results go to ``--out`` as CSV and JSON; ``--store PATH`` sends every
fit or training run instead to the DuckDB results store, one per-seed task of the
``images`` or ``lm`` family each, where ``modelcollapse reproduce`` (figures ``nn-images``,
``nn-lm``) and ``results`` see them. Both run the same per-seed function for the same seed
indices, so they give the same numbers. ``--workflow W --generations G [--pi PI]`` trains
networks over generations instead (:mod:`.experiment_generations`).
"""

from __future__ import annotations

import argparse
from dataclasses import fields
from pathlib import Path
from typing import Any

from ..config import check_directory, check_number
from .common import (
    add_progress_argument,
    add_workers_argument,
    path,
    show_progress,
    whole,
    with_overrides,
)
from .experiment_generations import add_chain_arguments, chain_config, run_chain


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "experiment",
        description="Train networks on real/synthetic mixtures (SMC §7): image models "
                    "with labeller-made synthetic labels (Figure 7) and GPT-2-style language "
                    "models with generated text (Figure 8). Needs the [nn] extra.",
    )
    kinds = parser.add_subparsers(dest="experiment", metavar="EXPERIMENT", required=True)
    for name, help_text in (("images", "Figure 7: random features and two-layer nets on "
                                       "Fashion-MNIST/MNIST/digits"),
                            ("lm", "Figure 8: GPT-2-style models on Shakespeare/TinyStories")):
        p = kinds.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--quick", action="store_true",
                       help="laptop-scale configuration: a few minutes on 2 CPU cores")
        p.add_argument("--device", default="auto",
                       help="auto (GPU when present), cpu, cuda, cuda:N or mps (default: auto)")
        p.add_argument("--out", type=path, default=Path("results") / f"experiment-{name}",
                       help=f"output directory (default: results/experiment-{name})")
        p.add_argument("--threads", type=whole, default=None,
                       help="CPU threads for torch (default: torch's choice)")
        p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                       help="override a configuration field, e.g. --set n_grid=500,1000 "
                            "(repeatable); --show-config lists the fields")
        p.add_argument("--show-config", action="store_true",
                       help="print the configuration that would run, and exit")
        add_progress_argument(p)
        p.add_argument("--store", type=path, default=None, metavar="PATH",
                       help="run every fit as a per-seed task into this DuckDB results store "
                            f"instead of --out (resumable, shared with modelcollapse reproduce "
                            f"nn-{name if name == 'lm' else 'images'}); tasks train on a GPU "
                            "when present")
        add_workers_argument(p, "with --store: local worker processes")
        add_chain_arguments(p)
        p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        import torch

        from ..experiments import images, images_task, language
        from ..experiments.lm_config import LMConfig
    except ImportError as err:
        from ..family import install_hint

        raise ValueError(f"experiments need the [nn] extra: {err}; {install_hint('nn')}") from None
    if args.threads is not None:
        check_number("threads", args.threads, low=1)
        torch.set_num_threads(args.threads)
    module, config_type = ((images, images.ImagesConfig) if args.experiment == "images"
                           else (language, LMConfig))
    chain = chain_config(args)  # None without --workflow
    config = chain or with_overrides(config_type.quick() if args.quick else config_type(), args.set)
    if args.show_config:
        for f in fields(config):
            print(f"{f.name} = {getattr(config, f.name)!r}")
        return 0
    progress = show_progress(args)
    if args.store is None:  # before any training: where the results go can be written
        check_directory("--out", args.out)
    if chain is not None:
        _table(*run_chain(chain, args, progress))
        return 0
    if args.store is not None:
        if args.device != "auto":
            raise ValueError("--device: stored tasks choose their own device (a GPU when "
                             "present); leave out --device with --store")
        _to_store(args.experiment, config, args.store, args.workers, progress)
    elif args.experiment == "images":
        rows = images_task.run_images(config, args.out, device=args.device, progress=progress)
        print(f"modelcollapse experiment images: {len(rows)} fits -> {args.out}/images.csv, images.json")
        _table(images_task.summarise_images(rows),
               ("model", "width", "p2", "n", "test_mse", "p2sq_c2", "test_misclassification"))
    else:
        meta = module.run_language(config, args.out, device=args.device, progress=progress)
        print(f"modelcollapse experiment lm: {len(meta['final'])} runs -> {args.out}/lm.csv, lm.json")
        for seed in meta["seeds"]:
            gen, corpus = seed["generator"], seed["corpus"]
            print(f"seed index {seed['seed_index']}: generator {gen['size']} held-out loss "
                  f"{gen['eval_loss']:.4f}; corpus {corpus.get('tokens', 0)} tokens "
                  f"(cached: {corpus.get('cached')})")
        _table(meta["final"], ("seed_index", "size", "params", "p2", "tokens", "eval_loss",
                               "train_tokens_per_second"))
    return 0


def _to_store(experiment: str, config: Any, path: Path, workers: int | None, progress: bool) -> None:
    """Run every fit of ``config`` into the store as per-seed tasks; print the seed means
    (images: at the largest n; language models: the final held-out loss of each run)."""
    from ..sweep import LocalBackend, Store, Sweep, run_sweep
    from ..sweep.spec import seed_index_count

    if experiment == "images" and config.data_dir is not None:
        raise ValueError("data_dir: a stored point names its data set; use fashion-mnist "
                         "(Debian package) or digits with --store")
    sweep = Sweep(f"experiment-{experiment}", tuple(config.points()),
                  seeds=seed_index_count(config.seeds), base_seed=config.base_seed)
    with Store(path) as store:
        summary = run_sweep(sweep, store, LocalBackend(workers), progress=progress)
        points = store.points(sweep.name)
    print(summary)
    if summary.failed:
        raise ValueError(f"{summary.failed} tasks failed: {summary.errors[0] if summary.errors else ''}")
    if experiment == "images":
        n_max = max(config.n_grid)
        columns, error = ("model", "width", "p2", "n"), "test_mse"
        points = [p for p in points if p.config["n"] == n_max]
    else:
        columns, error = ("size", "p2", "steps"), "eval_loss"
    _table([{**{c: p.config[c] for c in columns}, error: p.mean, "sem": p.sem, "seeds": p.seeds}
            for p in points], (*columns, error, "sem", "seeds"))


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return "-" if value != value else f"{value:.4g}"  # NaN: the SEM of one seed
    return str(value)


def _table(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> None:
    cells = [[_cell(r[c]) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    print("  ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True)))
    for row in cells:
        print("  ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)))
