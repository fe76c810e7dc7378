"""Per-seed sweep task of the Figure 7 image experiment (spec SMC §7, paper §4.1).

``task = "modelcollapse.experiments.tasks:images_one"`` runs one :class:`ImagesPoint` (random
features or the trained two-layer net) for one seed index, so network results go to the same
DuckDB store as the Monte-Carlo sweeps and feed ``modelcollapse reproduce`` (figure
``nn-images``). Everything random comes from ``SeedSequence(base_seed, spawn_key=(seed_index,))``:
the order of the training images (so the labeller's n0 images and the pool), the labeller's
initialisation and batches, and the model's randomness (the random features, or the two-layer
net's initialisation and batch order). None of these depends on n, p2 or the model, so the
points of one seed index share the labeller and the first n inputs, and curves differ only in
the labels, as in :func:`~.images.run_images`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from ..sweep import Sweep
from ..sweep.spec import seed_index_count
from .data.images import ImageData, load_image_data
from .device import resolve_device
from .images import ImagesConfig, LabelledPool, fit_and_score, labelled_pool
from .points import ImagesPoint

TASK = "modelcollapse.experiments.tasks:images_one"


@lru_cache(maxsize=2)
def _data(dataset: str) -> ImageData:
    return load_image_data(dataset)


@lru_cache(maxsize=4)
def _pool(dataset: str, n0: int, width: int, epochs: int, order_seed: int,
          labeller_seed: int) -> LabelledPool:
    # a worker runs many points of one seed index in a row: train their labeller once
    data = _data(dataset)
    order = np.random.default_rng(order_seed).permutation(len(data.y_train))
    return labelled_pool(data, order, n0, width=width, epochs=epochs, seed=labeller_seed)


def images_one(setting: ImagesPoint, seed_index: int, base_seed: int = 0,
               method: str = "auto") -> dict[str, Any]:
    """One seed of ``setting``: the test MSE on real test labels as ``test_error``, with the
    misclassification rate, the labeller's quality (``c2``, spec SMC eq. (1.5)) and the
    real/synthetic counts. Only ``method="auto"`` exists.

    The two-layer net trains on a GPU when one is present (``resolve_device("auto")``), else
    on the CPU; the labeller and the random-features solve always run on the CPU (the solve
    is in float64, which MPS lacks). A seed index reproduces its result exactly on one kind
    of device; a GPU's two-layer results may differ from the CPU's in the last digits.
    """
    if method != "auto":
        raise ValueError(f"method must be 'auto' for the image experiment, got {method!r}")
    if not isinstance(setting, ImagesPoint):
        raise ValueError(f"setting must be an ImagesPoint, got {type(setting).__name__}")
    order_seed, labeller_seed, model_seed = (int(s) for s in np.random.SeedSequence(
        base_seed, spawn_key=(seed_index,)).generate_state(3))
    data = _data(setting.dataset)
    pool = _pool(setting.dataset, setting.n0, setting.labeller_width, setting.labeller_epochs,
                 order_seed, labeller_seed)
    x, targets, n_synth = pool.mixture(data, setting.n, setting.p2)
    device = resolve_device("auto") if setting.model == "two-layer" else "cpu"
    errors = fit_and_score(setting.model, x, targets, data, width=setting.width,
                           ridge=setting.ridge, epochs=setting.epochs,
                           min_steps=setting.min_steps, batch_size=setting.batch_size,
                           lr=setting.lr, seed=model_seed, device=device)
    return {"test_error": errors["test_mse"], **errors, **pool.labeller,
            "n_real": setting.n - n_synth, "n_synth": n_synth}


def images_sweep(config: ImagesConfig, name: str = "experiment-images") -> Sweep:
    """Every fit of ``config`` as a sweep of :func:`images_one` tasks: one block per model
    of ``config.models``, in that order, over its widths, ``n_grid`` and ``p2_grid``.

    Seeds become seed indices, so ``config.seeds`` must be 0..K-1; the data set must load
    by name (no ``data_dir``). The points are content-addressed like every stored task, so
    a point also in the ``nn-images`` figure is computed once.
    """
    seeds = seed_index_count(config.seeds)
    if config.data_dir is not None:
        raise ValueError("data_dir: a stored setting names its data set; use fashion-mnist "
                         "(Debian package) or digits")
    fields = dict(n=config.n_grid[0], dataset=config.dataset, n0=config.n0,
                  ridge=config.rf_ridge, labeller_width=config.labeller_width,
                  labeller_epochs=config.labeller_epochs, epochs=config.mlp_epochs,
                  min_steps=config.mlp_min_steps, batch_size=config.mlp_batch_size,
                  lr=config.mlp_lr)
    widths = {"random-features": config.rf_widths, "two-layer": config.mlp_widths}
    # ImagesPoint keeps only its own model's fields, so each block gets its own base
    blocks = [Sweep.grid(name, ImagesPoint(model=model, **fields), width=widths[model],
                         n=config.n_grid, p2=config.p2_grid, seeds=seeds, task=TASK)
              for model in config.models]
    return sum(blocks[1:], blocks[0])
