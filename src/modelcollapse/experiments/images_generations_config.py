"""Configuration of image labellers over generations (the ``images-generations`` family).

An :class:`ImagesGenerationPoint` is one generation k of one workflow's chain (WF §1,
through :mod:`.chains`): generation 0 is fitted on ``n`` real labelled images; generation k
on the workflow's share of images labelled by generations 0..k−1 (argmax one-hot labels,
as the labeller of Figure 7 makes them). One stored task per (workflow, generation, seed
index). A plain dataclass without PyTorch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..config import check_number
from ..configbase import ConfigBase
from .chains import check_chain
from .points import POINT_DATASETS, POINT_MODELS


@dataclass(frozen=True)
class ImagesGenerationPoint(ConfigBase):
    """Generation ``generation`` of a ``workflow`` chain of image models.

    - ``dataset``: fashion-mnist (Debian package), mnist or digits; ``n`` images per
      generation, fresh inputs for every generation (the same inputs under every
      workflow), ``pi`` (``mix`` only) the fraction of them keeping their real label;
    - ``model``: ``"random-features"`` (``width`` random ReLU features, ridge ``ridge``) or
      ``"two-layer"`` (hidden ``width``; Adam at ``lr``, ``max(epochs·⌈rows/batch_size⌉,
      min_steps)`` steps on the MSE to one-hot targets), the two models of Figure 7.

    The defaults are the full Fashion-MNIST run (2,000 images per generation).
    """

    workflow: str = "replace"
    generation: int = 0
    pi: float | None = None
    dataset: str = "fashion-mnist"
    n: int = 2000
    model: str = "random-features"
    width: int = 8192
    ridge: float = 1e-2
    epochs: int = 30
    min_steps: int = 300
    batch_size: int = 128
    lr: float = 1e-3

    def __post_init__(self) -> None:
        k, pi = check_chain(self.workflow, self.generation, self.pi, "labels")
        object.__setattr__(self, "generation", k)
        object.__setattr__(self, "pi", pi)
        if self.dataset not in POINT_DATASETS:
            raise ValueError(f"dataset must be one of {', '.join(POINT_DATASETS)}, got "
                             f"{self.dataset!r}")
        if self.model not in POINT_MODELS:
            raise ValueError(f"model must be one of {', '.join(POINT_MODELS)}, got {self.model!r}")
        for name in ("n", "width", "epochs", "batch_size"):
            check_number(name, getattr(self, name), low=1, integer=True)
        check_number("min_steps", self.min_steps, low=0, integer=True)
        check_number("ridge", self.ridge, low=0.0, low_open=True)
        check_number("lr", self.lr, low=0.0, low_open=True)

    def chain(self) -> dict[str, Any]:
        """The fields that identify the chain (all but the generation)."""
        data = self.to_dict()
        del data["generation"]
        return data


# Quick: scikit-learn's 8x8 digits, 200 images per generation (0..5 fit in its 1,437
# training images), random features of width 2,048 (a second on one core per generation).
QUICK_IMAGES_GENERATIONS: dict[str, Any] = dict(dataset="digits", n=200, width=2048, ridge=1e-3)
