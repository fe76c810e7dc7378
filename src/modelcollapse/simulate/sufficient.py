"""Monte-Carlo from sufficient statistics: one draw costs the same at n = 10³ and n = 10⁸.

Per seed (SMC §8.3, with the data replaced by its sufficient statistics):

1. targets w1*, w2* (:func:`.mixing.draw_targets`);
2. the feature space: x itself for the linear model, or the reduction of the
   random-projections model conditional on S (:mod:`.random_projections`, SMC §3.2);
3. per group, G_k = F_kᵀF_k ~ Wishart(n_k, Σ_F) and F_kᵀ noise by the Bartlett
   decomposition (:mod:`.wishart`; row sampling for groups smaller than the feature count);
4. the ridge fit in residual form and the exact test error (:mod:`.linear`).

Iterative mixing (variant R, SMC §5.2) keeps the real group's statistics and draws a
fresh synthetic group per iteration whose target is the previous fit; in feature space that
target is exact (no residual), so its noise is σ alone.
"""

from __future__ import annotations

import numpy as np

from ..config import Setting
from .linear import linear_features, ridge_deviation
from .mixing import draw_targets, group_weights
from .random_projections import projected_features
from .wishart import draw_group


def sufficient_errors(setting: Setting, rng: np.random.Generator, ridges: np.ndarray) -> np.ndarray:
    """Test error of one seed for each ridge in ``ridges`` (same draws for all)."""
    lam, w1, w2 = draw_targets(setting, rng, sufficient=True)
    if setting.model == "random-projections":
        space = projected_features(rng, lam, setting.m)
    else:
        space = linear_features(lam)
    a1, res1 = space.project(w1)
    a2, res2 = space.project(w2)
    (n1, om1), (n2, om2) = group_weights(setting)
    sigma2 = setting.sigma**2
    real = []
    if n1 and om1:
        real = [(draw_group(rng, n1, space.factor, np.sqrt(sigma2 + res1)), om1, np.zeros_like(a1))]
    offset, noise_sd = a2 - a1, np.sqrt(sigma2 + res2)
    for _ in range(setting.iterations):
        synthetic = []
        if n2 and om2:
            synthetic = [(draw_group(rng, n2, space.factor, noise_sd), om2, offset)]
        offset = ridge_deviation(space, real + synthetic, setting.n, a1, ridges)
        noise_sd = setting.sigma
    return space.sq_norm(offset) + res1
