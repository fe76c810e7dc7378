"""Figure 7 driver: image classifiers trained on real/synthetic mixtures (SMC §7, §4.1).

For each seed: a labeller is trained on n0 real training images (:mod:`.labeller`); the
remaining training images form a pool of fresh real inputs, each carrying its true label
and the labeller's label. A mixture of size n with synthetic fraction p2 takes the first n
pool inputs (in a seeded random order) and uses the labeller's one-hot label on exactly
round(p2·n) of them (SMC §0 item 6), the true one-hot label on the rest. Each model is
fitted with MSE on the one-hot targets and scored on the real test set:

- ``test_mse`` = E||f(x) − onehot(y)||², the regression test error the theory speaks of
  (the plateau for p2 > 0 is about p2²·c², SMC §2.5, §4);
- ``test_misclassification`` = P(argmax f(x) ≠ y).

Using the same first n inputs for every p2 makes the curves differ only in the labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from ..budget import check_memory
from ..config import check_number
from ..configbase import ConfigBase
from .data.images import DATASETS, ImageData
from .labeller import train_labeller
from .mixing import mixture_counts
from .points import ImagesPoint
from .random_features import RandomFeatureRidge
from .two_layer import predict_two_layer, train_two_layer

# Inputs per image of the largest data set (28 x 28 pixels).
MAX_PIXELS = 784

IMAGE_MODELS: tuple[str, ...] = ("random-features", "two-layer")


@dataclass(frozen=True)
class ImagesConfig(ConfigBase):
    """Hyper-parameters of the Figure 7 experiment; the defaults are the full run.

    Suggested values of SMC §7 (Figure 7) where the paper is silent; :meth:`quick`
    shrinks them to a few CPU minutes that still show the plateaus.
    """

    # -- data -------------------------------------------------------------------------------
    dataset: str = "fashion-mnist"  # fashion-mnist (Debian package) | mnist | digits
    data_dir: str | None = None  # directory of MNIST-layout IDX files (None: the default place)
    # -- labeller (synthetic labels) ----------------------------------------------------------
    n0: int = 1000  # real images the labeller is trained on
    labeller_width: int = 256
    labeller_epochs: int = 30
    # -- mixtures -----------------------------------------------------------------------------
    n_grid: tuple[int, ...] = (1000, 2000, 4000, 8000, 16000, 32000, 58000)
    p2_grid: tuple[float, ...] = (0.0, 0.01, 0.05, 0.2, 0.5, 1.0)
    seeds: tuple[int, ...] = (0, 1, 2)  # seed indices (modelcollapse.seeds)
    base_seed: int = 0
    # -- models -------------------------------------------------------------------------------
    models: tuple[str, ...] = IMAGE_MODELS
    rf_widths: tuple[int, ...] = (4096, 16384)  # random features m (paper: 100,000)
    rf_ridge: float = 1e-3  # λ in SMC §0 item 1's normalisation
    mlp_widths: tuple[int, ...] = (500, 2000)  # two-layer hidden width (paper: 2,000)
    mlp_epochs: int = 30
    mlp_min_steps: int = 300
    mlp_batch_size: int = 128
    mlp_lr: float = 1e-3

    @classmethod
    def quick(cls, **overrides: Any) -> ImagesConfig:
        """A few CPU minutes: smaller n grid, one seed, one width per model."""
        small = dict(n0=200, n_grid=(500, 1000, 2000, 4000, 8000), seeds=(0,),
                     rf_widths=(2048,), mlp_widths=(256,), mlp_epochs=10, mlp_min_steps=200)
        return cls(**{**small, **overrides})

    def __post_init__(self) -> None:
        if self.dataset not in DATASETS:
            raise ValueError(f"dataset must be one of {', '.join(DATASETS)}, got {self.dataset!r}")
        for name in ("n0", "labeller_width", "labeller_epochs", "mlp_epochs", "mlp_batch_size"):
            check_number(name, getattr(self, name), low=1, integer=True)
        check_number("mlp_min_steps", self.mlp_min_steps, low=0, integer=True)
        check_number("rf_ridge", self.rf_ridge, low=0.0, low_open=True)
        check_number("mlp_lr", self.mlp_lr, low=0.0, low_open=True)
        for name in ("n_grid", "rf_widths", "mlp_widths"):
            for value in _nonempty(name, getattr(self, name)):
                check_number(name, value, low=1, integer=True)
        for value in _nonempty("p2_grid", self.p2_grid):
            check_number("p2_grid", value, low=0.0, high=1.0)
        for value in _nonempty("seeds", self.seeds):
            check_number("seeds", value, low=0, integer=True)
        check_number("base_seed", self.base_seed, low=0, integer=True)
        for model in _nonempty("models", self.models):
            if model not in IMAGE_MODELS:
                raise ValueError(f"models must be among {', '.join(IMAGE_MODELS)}, got {model!r}")
        if "random-features" in self.models:  # two min(n, m)^2 Gram matrices and S (m x pixels)
            width = float(max(self.rf_widths))
            side = min(float(max(self.n_grid)), width)
            check_memory("rf_widths", 16 * side**2 + 4 * width * MAX_PIXELS,
                         f"{width:.3g} random features")

    def points(self) -> list[ImagesPoint]:
        """One :class:`ImagesPoint` per fit, model by model (in ``models`` order), then width,
        n and p2: what one seed index runs."""
        shared = dict(dataset=self.dataset, n0=self.n0, ridge=self.rf_ridge,
                      labeller_width=self.labeller_width, labeller_epochs=self.labeller_epochs,
                      epochs=self.mlp_epochs, min_steps=self.mlp_min_steps,
                      batch_size=self.mlp_batch_size, lr=self.mlp_lr)
        widths = {"random-features": self.rf_widths, "two-layer": self.mlp_widths}
        return [ImagesPoint(model=model, width=w, n=n, p2=p2, **shared)
                for model in self.models for w in widths[model]
                for n in self.n_grid for p2 in self.p2_grid]


def _nonempty(name: str, values: tuple) -> tuple:
    if not isinstance(values, tuple) or not values:
        raise ValueError(f"{name} must be a non-empty tuple, got {values!r}")
    return values


def _one_hot(labels: np.ndarray, k: int) -> np.ndarray:
    return np.eye(k, dtype=np.float32)[labels]


@dataclass(frozen=True)
class LabelledPool:
    """One seed's training inputs beyond the labeller's n0, each with its true label and the
    labeller's label, in the seed's random order; ``labeller`` holds n0, its test error and
    c² (SMC eq. (1.5))."""

    rows: np.ndarray  # indices into the training set
    true_labels: np.ndarray
    synth_labels: np.ndarray
    labeller: dict[str, float]

    def mixture(self, data: ImageData, n: int, p2: float) -> tuple[np.ndarray, np.ndarray, int]:
        """Inputs, one-hot targets and n_synth of the first n pool rows with the labeller's
        label on exactly round(p2·n) of them (SMC §0 item 6)."""
        if n > len(self.rows):
            raise ValueError(f"n={n} exceeds the {len(self.rows)} training images left after "
                             f"the labeller's n0={int(self.labeller['n0'])}")
        _, n_synth = mixture_counts(n, p2)
        labels = np.concatenate([self.synth_labels[:n_synth], self.true_labels[n_synth:n]])
        return data.x_train[self.rows[:n]], _one_hot(labels, data.n_classes), n_synth


def labelled_pool(data: ImageData, order: np.ndarray, n0: int, *, width: int, epochs: int,
                  seed: int, device: torch.device | str = "cpu",
                  progress: bool = False) -> LabelledPool:
    """Train the labeller on the training rows ``order[:n0]`` and label ``order[n0:]``."""
    first, rows = order[:n0], order[n0:]
    lab = train_labeller(data.x_train[first], data.y_train[first], data.x_test, data.y_test,
                         width=width, epochs=epochs, seed=seed, device=device, progress=progress)
    return LabelledPool(rows, data.y_train[rows], lab.label(data.x_train[rows]),
                        {"n0": lab.n0, "labeller_error": lab.test_error, "c2": lab.c2})


def score(pred: np.ndarray, data: ImageData) -> dict[str, float]:
    """``test_mse`` = E||f(x) − onehot(y)||² and ``test_misclassification`` on real test data."""
    y_test = _one_hot(data.y_test, data.n_classes)
    return {"test_mse": float(np.mean(np.sum((pred - y_test) ** 2, axis=1))),
            "test_misclassification": float(np.mean(pred.argmax(axis=1) != data.y_test))}


def fit_and_score(model: str, x: np.ndarray, targets: np.ndarray, data: ImageData, *,
                  width: int, ridge: float, epochs: int, min_steps: int, batch_size: int,
                  lr: float, seed: int, device: torch.device | str = "cpu",
                  desc: str | None = None) -> dict[str, float]:
    """Fit one Figure 7 model on inputs ``x`` and one-hot ``targets``; :func:`score` it.

    ``"random-features"`` reads ``ridge``; ``"two-layer"`` reads ``epochs``, ``min_steps``,
    ``batch_size``, ``lr`` and shows a progress bar titled ``desc`` (none if None). ``seed``
    fixes the random features, or the network's initialisation and batch order.
    """
    if model == "random-features":
        rf = RandomFeatureRidge(data.d, width, ridge, seed=seed, device=device).fit(x, targets)
        pred = rf.predict(data.x_test)
    elif model == "two-layer":
        net = train_two_layer(x, targets, width=width, epochs=epochs, min_steps=min_steps,
                              batch_size=batch_size, lr=lr, seed=seed, device=device, desc=desc)
        pred = predict_two_layer(net, data.x_test)
    else:
        raise ValueError(f"model must be one of {', '.join(IMAGE_MODELS)}, got {model!r}")
    return score(pred, data)
