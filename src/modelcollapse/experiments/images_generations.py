"""Image models over generations: each generation labels the next one's images (WF §1).

Generation 0 is fitted on ``n`` real labelled training images; it labels ``n`` fresh
training images (its argmax as a one-hot target, as Figure 7's labeller), which with the
workflow's share of earlier blocks (:mod:`.chains`) train generation 1, and so on. Each
generation reports its test MSE on real test labels (``test_error``), its
misclassification, and the error rate of the labels it hands on.

Common random numbers: within a seed index every workflow sees the same images in every
block, and generation k the same random features or initialisation and batch order; only
the labels differ. A chain is a few seconds of fitting at the quick size, so a worker keeps
each chain it computed (:func:`_chain`) and a task recomputes the generations before its own
only the first time (no disk cache).

:func:`images_generation_one` is the ``images-generations`` family's per-seed run.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np

from ..seeds import seed_integers
from .chains import fresh_real_rows, run_chain, training_selection
from .data.images import ImageData
from .device import resolve_device
from .images import score
from .images_generations_config import ImagesGenerationPoint
from .images_task import image_data
from .random_features import RandomFeatureRidge
from .two_layer import predict_two_layer, train_two_layer


def fit(point: ImagesGenerationPoint, x: np.ndarray, targets: np.ndarray,
        seed: int) -> Callable[[np.ndarray], np.ndarray]:
    """Fit ``point.model`` on inputs ``x`` and one-hot ``targets``; return its predictor."""
    if point.model == "random-features":
        rf = RandomFeatureRidge(x.shape[1], point.width, point.ridge, seed=seed).fit(x, targets)
        return rf.predict
    net = train_two_layer(x, targets, width=point.width, epochs=point.epochs,
                          min_steps=point.min_steps, batch_size=point.batch_size, lr=point.lr,
                          seed=seed, device=resolve_device("auto"))
    return lambda inputs: predict_two_layer(net, inputs)


class ImagesChain:
    """One seed index's chain of one workflow; generations are computed on demand, in order."""

    def __init__(self, point: ImagesGenerationPoint, seed_index: int, base_seed: int) -> None:
        self.point = point.replace(generation=0)
        self.data: ImageData = image_data(point.dataset, None)  # one copy per worker
        order_seed, self.chain_seed = seed_integers(base_seed, seed_index, 2)
        self.order = np.random.default_rng(order_seed).permutation(len(self.data.y_train))
        self.labels: list[np.ndarray] = []  # block j's labels, for j <= generations computed
        self.results: list[dict[str, Any]] = []

    def rows(self, j: int) -> np.ndarray:
        """Training-set rows of block j: fresh images for every block."""
        n = self.point.n
        if (j + 1) * n > len(self.order):
            raise ValueError(f"n: generation {j} needs {(j + 1) * n} training images, "
                             f"{self.point.dataset} has {len(self.order)}")
        return self.order[j * n:(j + 1) * n]

    def generation(self, k: int) -> dict[str, Any]:
        """Generation k's result, computing generations up to k first."""
        if not self.labels:
            self.labels.append(self.data.y_train[self.rows(0)])
        while len(self.results) <= k:
            self.results.append(self._next(len(self.results)))
        return self.results[k]

    def _next(self, k: int) -> dict[str, Any]:
        p, data = self.point, self.data
        start = time.perf_counter()
        model_seed, subsample_seed = seed_integers(self.chain_seed, k, 2)
        selection = training_selection(p.workflow, k, p.n, np.random.default_rng(subsample_seed))
        fresh = fresh_real_rows(p.workflow, p.pi, p.n)
        x = np.concatenate([data.x_train[self.rows(j)[i]] for j, i in enumerate(selection)])
        y = np.concatenate([self.labels[j][i] for j, i in enumerate(selection)])
        predict = fit(p, x, np.eye(data.n_classes, dtype=np.float32)[y], model_seed)
        real = len(selection[0]) + sum(int((i < fresh).sum()) for i in selection[1:])
        result = {**_score(predict, data), "train_rows": len(y), "real_rows": real,
                  "synthetic_rows": len(y) - real, "model_seed": model_seed}
        # the labels it hands on: block k + 1, its first `fresh` rows real under mix
        if (k + 2) * p.n <= len(self.order):
            nxt = self.rows(k + 1)
            made = predict(data.x_train[nxt]).argmax(axis=1)
            result["label_error"] = float(np.mean(made != data.y_train[nxt]))
            made[:fresh] = data.y_train[nxt[:fresh]]
            self.labels.append(made)
        result["seconds"] = time.perf_counter() - start
        return result


def _score(predict: Callable[[np.ndarray], np.ndarray], data: ImageData) -> dict[str, float]:
    errors = score(predict(data.x_test), data)
    return {"test_error": errors["test_mse"], **errors}


@lru_cache(maxsize=256)  # a figure's chains, each a few label arrays
def _chain(point: ImagesGenerationPoint, seed_index: int, base_seed: int) -> ImagesChain:
    return ImagesChain(point, seed_index, base_seed)


def images_generation_one(point: ImagesGenerationPoint, seed_index: int,
                          base_seed: int = 0) -> dict[str, Any]:
    """Generation ``point.generation`` of seed index ``seed_index`` (the module docstring)."""
    if not isinstance(point, ImagesGenerationPoint):
        raise ValueError(f"setting must be an ImagesGenerationPoint, got {type(point).__name__}")
    return dict(_chain(point.replace(generation=0), seed_index, base_seed).generation(point.generation))


def run_images_generations(point: ImagesGenerationPoint, seeds: tuple[int, ...],
                           out_dir: str | os.PathLike, *, base_seed: int = 0) -> list[dict[str, Any]]:
    """Generations 0..``point.generation`` for every seed index, in this process (the stored
    tasks' numbers); writes ``images-generations.csv`` / ``.json``."""
    import torch

    meta = {"experiment": "images-generations", "torch": torch.__version__,
            "base_seed": base_seed}
    return run_chain(point, seeds, lambda p, i: images_generation_one(p, i, base_seed), out_dir,
                     "images-generations", meta)
