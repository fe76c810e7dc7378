"""Per-seed run of the Figure 7 image experiment (SMC §7, paper §4.1): the ``images``
family's ``run_one``, and the loop ``modelcollapse experiment images`` runs in-process.

:func:`images_one` runs one :class:`ImagesPoint` (random features or the trained two-layer
net) for one seed index. Everything random comes from that seed index
(:mod:`modelcollapse.seeds`): the order of the training images (so the labeller's n0 images
and the pool), the labeller's initialisation and batches, and the model's randomness (the
random features, or the two-layer net's initialisation and batch order). None of these
depends on n, p2 or the model, so the points of one seed index share the labeller and the
first n inputs, and curves differ only in the labels.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from ..seeds import seed_integers
from .data.images import ImageData, load_image_data
from .device import resolve_device
from .images import ImagesConfig, LabelledPool, fit_and_score, labelled_pool
from .points import ImagesPoint
from .results import write_results


@lru_cache(maxsize=2)
def image_data(dataset: str, data_dir: str | None) -> ImageData:
    """The dataset, loaded once per process (tasks of one worker share it)."""
    return load_image_data(dataset, data_dir)


@lru_cache(maxsize=4)
def _pool(dataset: str, data_dir: str | None, n0: int, width: int, epochs: int,
          base_seed: int, seed_index: int) -> LabelledPool:
    # a worker runs many points of one seed index in a row: train their labeller once
    data = image_data(dataset, data_dir)
    order_seed, labeller_seed, _ = seed_integers(base_seed, seed_index, 3)
    order = np.random.default_rng(order_seed).permutation(len(data.y_train))
    return labelled_pool(data, order, n0, width=width, epochs=epochs, seed=labeller_seed)


def images_one(setting: ImagesPoint, seed_index: int, base_seed: int = 0, *,
               data_dir: str | None = None, device: str = "auto") -> dict[str, Any]:
    """One seed of ``setting``: the test MSE on real test labels as ``test_error``, with the
    misclassification rate, the labeller's quality (``c2``, SMC eq. (1.5)) and the
    real/synthetic counts.

    The two-layer net trains on ``device`` (``"auto"``: a GPU when one is present, else the
    CPU); the labeller and the random-features solve always run on the CPU (the solve is in
    float64, which MPS lacks). A seed index reproduces its result exactly on one kind of
    device; a GPU's two-layer results may differ from the CPU's in the last digits.
    ``data_dir`` reads the data set from a directory of IDX files (in-process runs only: a
    stored point names its data set).
    """
    if not isinstance(setting, ImagesPoint):
        raise ValueError(f"setting must be an ImagesPoint, got {type(setting).__name__}")
    model_seed = seed_integers(base_seed, seed_index, 3)[2]
    data = image_data(setting.dataset, data_dir)
    pool = _pool(setting.dataset, data_dir, setting.n0, setting.labeller_width,
                 setting.labeller_epochs, base_seed, seed_index)
    x, targets, n_synth = pool.mixture(data, setting.n, setting.p2)
    chosen = resolve_device(device) if setting.model == "two-layer" else "cpu"
    errors = fit_and_score(setting.model, x, targets, data, width=setting.width,
                           ridge=setting.ridge, epochs=setting.epochs,
                           min_steps=setting.min_steps, batch_size=setting.batch_size,
                           lr=setting.lr, seed=model_seed, device=chosen)
    return {"test_error": errors["test_mse"], **errors, **pool.labeller,
            "n_real": setting.n - n_synth, "n_synth": n_synth}


def run_images(config: ImagesConfig, out_dir: str | Path | None = None, *,
               device: str = "auto", progress: bool = True) -> list[dict[str, Any]]:
    """Every fit of ``config``: one row per (seed index, point of ``config.points()``), each
    the same :func:`images_one` call a stored sweep makes, so ``experiment images`` and
    ``experiment images --store`` give the same numbers for the same seed indices.

    With ``out_dir`` the rows are also written to ``images.csv`` and ``images.json`` (the
    latter with the full configuration).
    """
    resolve_device(device)  # a bad device fails before any training
    data = image_data(config.dataset, config.data_dir)
    pool_size = len(data.y_train) - config.n0
    if max(config.n_grid) > pool_size:
        raise ValueError(f"n_grid reaches {max(config.n_grid)} but only {pool_size} training "
                         f"images remain after the labeller's n0={config.n0}")
    jobs = [(i, p) for i in config.seeds for p in config.points()]
    rows: list[dict[str, Any]] = []
    bar = tqdm(jobs, desc="images", disable=not progress)
    for seed_index, point in bar:
        result = images_one(point, seed_index, config.base_seed, data_dir=config.data_dir,
                            device=device)
        rows.append({"dataset": data.name, "model": point.model, "width": point.width,
                     "n": point.n, "p2": point.p2, "seed": seed_index, **result})
        bar.set_postfix(model=point.model, n=point.n, p2=point.p2,
                        mse=f"{result['test_mse']:.4f}", refresh=False)
    if out_dir is not None:
        import torch

        meta = {"experiment": "images", "spec": "SMC §7 Figure 7", "device": device,
                "torch": torch.__version__, "config": config.to_dict()}
        write_results(out_dir, "images", rows, meta)
    return rows


def summarise_images(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Seed-averaged test errors at the largest n, per (model, width, p2).

    ``p2sq_c2`` = p2²·c² is the plateau of the linear theory (SMC §2.5, c² as in §4),
    given as a scale to compare with: a network's soft outputs can fall below it, since c²
    is measured on the labeller's hard labels.
    """
    n_max = max(r["n"] for r in rows)
    keys = sorted({(r["model"], r["width"], r["p2"]) for r in rows})
    out = []
    for model, width, p2 in keys:
        sel = [r for r in rows if (r["model"], r["width"], r["p2"], r["n"]) == (model, width, p2, n_max)]
        c2 = float(np.mean([r["c2"] for r in sel]))
        out.append({"model": model, "width": width, "p2": p2, "n": n_max,
                    "test_mse": float(np.mean([r["test_mse"] for r in sel])),
                    "test_misclassification": float(np.mean([r["test_misclassification"] for r in sel])),
                    "p2sq_c2": p2**2 * c2})
    return out
