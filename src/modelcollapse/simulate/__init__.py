"""Monte-Carlo engine for strong model collapse (SMC §8.3).

``simulate(setting)`` answers the same :class:`~modelcollapse.config.Setting` as
``predict(setting)`` by simulation. It draws sufficient statistics (Wishart Gram matrices
by the Bartlett decomposition) instead of data, so a draw costs the same at n = 10³ and
n = 10⁸; direct row sampling is the reference and the fallback. By default each draw of
the design returns the exact expectation of the test error over the targets and the label
noise (the conditional estimator, :mod:`.conditional`); the sampled estimator draws those
too (methods "sufficient" and "direct").
"""

import importlib
from typing import Any

# The engine's names, imported on first use: `import modelcollapse` (and the command line's
# predict) need not load the samplers and scipy.linalg.
__all__ = ["ESTIMATORS", "METHODS", "SAMPLER_CHOICES", "choose_method", "estimated_cost",
           "resolve_method", "simulate_one", "simulate_ridge_path"]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(".engine", __name__), name)
