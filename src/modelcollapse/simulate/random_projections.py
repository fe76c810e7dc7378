"""Random-projections model f(x) = vᵀSx as ridge on Gaussian features (SMC §1.3, §3.2).

S ∈ R^{m×d} has iid N(0, 1/d) entries (SMC §0 item 4). Conditional on S the model is
the linear model in feature space (SMC §3.2), so the sufficient-statistic sampler of
:mod:`.wishart` applies with p = min(m, d) features:

- m < d: features z = Sx with covariance Σ_S = SΣSᵀ (m×m). A target w splits into
  a = Σ_S⁻¹SΣw and an independent Gaussian residual of variance r² (eq. (3.1)), which
  adds to the label noise. Cost O(m²d + m³) instead of O(d³).
- m >= d: write S = U R (thin QR, U orthonormal m×d, R upper triangular d×d). Since
  Zv = X Rᵀ(Uᵀv) and the part of v orthogonal to U only adds to the penalty, ridge in v
  equals ridge in u ∈ R^d on the features R x, and Sᵀv̂ = Rᵀû. The predictor therefore
  depends on S only through R, and RᵀR = SᵀS ~ Wishart(m, I/d): R = Lᵀ/√d with L the
  Bartlett factor. m enters only through the χ² degrees of freedom, so a draw costs
  O(d³) even for m = 10⁵, and at ridge 0 this is the generalised minimum-norm solution
  of SMC §8.4 (penalty wᵀ(SᵀS)⁻¹w).
"""

from __future__ import annotations

import numpy as np
from scipy import linalg

from .linear import FeatureSpace
from .wishart import bartlett_factor


def projected_features(rng: np.random.Generator, lam: np.ndarray, m: int) -> FeatureSpace:
    """Draw S (or, for m >= d, its triangular factor R) and return the feature space."""
    d = lam.size
    if m < d:
        S = rng.standard_normal((m, d)) / np.sqrt(d)
        return FeatureSpace("projection", lam, linalg.cholesky((S * lam) @ S.T, lower=True), S)
    R = bartlett_factor(rng, m, d).T / np.sqrt(d)
    return FeatureSpace("triangular", lam, R * np.sqrt(lam), R)
