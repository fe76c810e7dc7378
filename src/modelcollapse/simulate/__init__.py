"""Monte-Carlo engine for strong model collapse (spec SMC §8.3).

``simulate(setting)`` answers the same :class:`~modelcollapse.config.Setting` as
``predict(setting)`` by simulation. Its default sampler draws sufficient statistics
(Wishart Gram matrices by the Bartlett decomposition) instead of data, so a draw costs the
same at n = 10³ and n = 10⁸; direct row sampling is the reference and the fallback.
"""

from .engine import (
    METHODS,
    estimated_cost,
    resolve_method,
    simulate_one,
    simulate_ridge_path,
)

__all__ = ["METHODS", "estimated_cost", "resolve_method",
           "simulate_one", "simulate_ridge_path"]
