"""One point of the Figure 7 image experiment as a sweep setting (SMC §7, paper §4.1).

An :class:`ImagesPoint` is everything one (n, p2) test error depends on apart from the seed,
so the sweep layer can hash, store and rebuild it (``setting = "images"`` in a sweep file);
:func:`modelcollapse.experiments.tasks.images_one` computes it for one seed. This module
needs no PyTorch, so the sweep layer can know the type without the ``[nn]`` extra.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from ..config import check_number
from ..configbase import ConfigBase

# The fields only one model reads; a point of the other model keeps them at their defaults.
MODEL_FIELDS: dict[str, tuple[str, ...]] = {
    "random-features": ("ridge",),
    "two-layer": ("epochs", "min_steps", "batch_size", "lr"),
}
POINT_MODELS: tuple[str, ...] = tuple(MODEL_FIELDS)
# Data sets a point may name. A stored task loads its data set by name alone, so a stored
# MNIST point needs MNIST in its default place (an in-process run may give a directory).
POINT_DATASETS: tuple[str, ...] = ("fashion-mnist", "mnist", "digits")


@dataclass(frozen=True)
class ImagesPoint(ConfigBase):
    """Test error of a model trained on n images, a fraction p2 of them labeller-labelled.

    The labeller is a two-layer network trained on ``n0`` real images (``labeller_width``,
    ``labeller_epochs``). The model, of hidden width ``width``, is either

    - ``"random-features"``: ridge regression (``ridge``, SMC §0 item 1) on ``width``
      random ReLU features, or
    - ``"two-layer"``: a two-layer ReLU network trained with Adam on the MSE
      (:func:`~.two_layer.train_two_layer`: ``max(epochs·⌈n/batch_size⌉, min_steps)``
      steps at learning rate ``lr``).

    ``ridge`` is read by random features only, ``epochs``, ``min_steps``, ``batch_size``
    and ``lr`` by the two-layer net only. Every field is validated, then the ones the model
    does not read are reset to their defaults, so two points that compute the same thing are
    equal and share one key in the results store (a grid over ``model`` may share one base).
    Defaults are the full Fashion-MNIST run.

    >>> ImagesPoint(dataset="digits", n=400, p2=0.5, n0=60).to_dict()["p2"]
    0.5
    >>> ImagesPoint(n=400, model="two-layer", ridge=0.1) == ImagesPoint(n=400, model="two-layer")
    True
    """

    n: int
    p2: float = 0.0
    dataset: str = "fashion-mnist"
    model: str = "random-features"
    n0: int = 1000
    width: int = 4096
    ridge: float = 1e-4  # random-features only
    labeller_width: int = 256
    labeller_epochs: int = 30
    epochs: int = 30  # two-layer only, as are min_steps, batch_size and lr
    min_steps: int = 300
    batch_size: int = 128
    lr: float = 1e-3

    def __post_init__(self) -> None:
        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731
        if self.dataset not in POINT_DATASETS:
            raise ValueError(f"dataset must be one of {', '.join(POINT_DATASETS)}, got "
                             f"{self.dataset!r}")
        if self.model not in POINT_MODELS:
            raise ValueError(f"model must be one of {', '.join(POINT_MODELS)}, got {self.model!r}")
        for name in ("n", "n0", "width", "labeller_width", "labeller_epochs", "epochs",
                     "batch_size"):
            set_(name, int(check_number(name, getattr(self, name), low=1, integer=True)))
        set_("min_steps", int(check_number("min_steps", self.min_steps, low=0, integer=True)))
        set_("p2", check_number("p2", self.p2, low=0.0, high=1.0))
        for name in ("ridge", "lr"):
            set_(name, check_number(name, getattr(self, name), low=0.0, low_open=True))
        defaults = {f.name: f.default for f in fields(self)}
        for model, names in MODEL_FIELDS.items():
            if model != self.model:
                for name in names:
                    set_(name, defaults[name])
