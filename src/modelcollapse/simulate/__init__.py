"""Monte-Carlo engine for strong model collapse (spec SMC §8.3).

``simulate(setting)`` answers the same :class:`~modelcollapse.config.Setting` as
``predict(setting)`` by simulation. It draws sufficient statistics (Wishart Gram matrices
by the Bartlett decomposition) instead of data, so a draw costs the same at n = 10³ and
n = 10⁸; direct row sampling is the reference and the fallback. By default each draw of
the design returns the exact expectation of the test error over the targets and the label
noise (the conditional estimator, :mod:`.conditional`); the sampled estimator draws those
too (methods "sufficient" and "direct").
"""

from .engine import (
    ESTIMATORS,
    METHODS,
    SAMPLER_CHOICES,
    choose_method,
    estimated_cost,
    resolve_method,
    simulate_one,
    simulate_ridge_path,
)

__all__ = ["ESTIMATORS", "METHODS", "SAMPLER_CHOICES", "choose_method", "estimated_cost",
           "resolve_method", "simulate_one", "simulate_ridge_path"]
