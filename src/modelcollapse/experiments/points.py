"""One point of the Figure 7 image experiment as a sweep setting (spec SMC §7, paper §4.1).

An :class:`ImagesPoint` is everything one (n, p2) test error depends on apart from the seed,
so the sweep layer can hash, store and rebuild it (``setting = "images"`` in a sweep file);
:func:`modelcollapse.experiments.tasks.images_one` computes it for one seed. This module
needs no PyTorch, so the sweep layer can know the type without the ``[nn]`` extra.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from ..config import check_number

# Models a per-seed task fits; the trained two-layer net runs in ``run_images`` only.
POINT_MODELS: tuple[str, ...] = ("random-features",)
# Data sets a task loads by name alone (MNIST needs a directory, which a stored setting
# does not carry).
POINT_DATASETS: tuple[str, ...] = ("fashion-mnist", "digits")


@dataclass(frozen=True)
class ImagesPoint:
    """Test error of a model trained on n images, a fraction p2 of them labeller-labelled.

    The labeller is a two-layer network trained on ``n0`` real images (``labeller_width``,
    ``labeller_epochs``); the model is ridge regression (``ridge``, spec SMC §0 item 1) on
    ``width`` random ReLU features. Defaults are the full Fashion-MNIST run.

    >>> ImagesPoint(dataset="digits", n=400, p2=0.5, n0=60).to_dict()["p2"]
    0.5
    """

    n: int
    p2: float = 0.0
    dataset: str = "fashion-mnist"
    model: str = "random-features"
    n0: int = 1000
    width: int = 4096
    ridge: float = 1e-4
    labeller_width: int = 256
    labeller_epochs: int = 30

    def __post_init__(self) -> None:
        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731
        if self.dataset not in POINT_DATASETS:
            raise ValueError(f"dataset must be one of {', '.join(POINT_DATASETS)}, got "
                             f"{self.dataset!r}")
        if self.model not in POINT_MODELS:
            raise ValueError(f"model must be one of {', '.join(POINT_MODELS)}, got {self.model!r}")
        for name in ("n", "n0", "width", "labeller_width", "labeller_epochs"):
            set_(name, int(check_number(name, getattr(self, name), low=1, integer=True)))
        set_("p2", check_number("p2", self.p2, low=0.0, high=1.0))
        set_("ridge", check_number("ridge", self.ridge, low=0.0, low_open=True))

    def replace(self, **changes: Any) -> ImagesPoint:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form, for JSON output and the results store."""
        return asdict(self)
