"""Synthetic-data quality c² of a generator fitted on n0 real samples (SMC §4).

The toolkit's ``Setting(n0=...)`` uses these: the synthetic labeller is the OLS fit ŵ0 on
n0 fresh real samples, so δ = ŵ0 − w1* has mean 0 and covariance σ²E[(X0ᵀX0)⁻¹].
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..config import Setting


def ols_generator_c2(d: Any, n0: Any, sigma: Any) -> np.ndarray:
    """c² = σ²d/(n0 − d − 1), exact for an OLS generator (SMC eq. (4.2)).

    Exact inverse-Wishart mean: Δ = σ²Σ⁻¹/(n0 − d − 1), so c² = tr(ΣΔ) does not depend on Σ.
    It equals the generator's own test error. Needs n0 > d + 1 (else the mean is infinite).
    """
    d, n0, sigma = (np.asarray(a, dtype=float) for a in (d, n0, sigma))
    if np.any(n0 <= d + 1):
        raise ValueError("n0 must be > d + 1 for an OLS generator (its error is infinite otherwise)")
    return sigma**2 * d / (n0 - d - 1)


def synthetic_quality(setting: Setting) -> float:
    """c² in force for a setting: its ``c2``, or :func:`ols_generator_c2` with an OLS
    generator fitted on ``n0`` real samples (SMC §4)."""
    if setting.n0 is None:
        return setting.c2
    return float(ols_generator_c2(setting.d, setting.n0, setting.sigma))


def ols_generator_c2_asymptotic(phi0: Any, sigma: Any) -> np.ndarray:
    """c² ≈ σ²φ0/(1 − φ0), φ0 = d/n0 < 1 (SMC eq. (4.2), proportional limit)."""
    phi0, sigma = np.asarray(phi0, dtype=float), np.asarray(sigma, dtype=float)
    return sigma**2 * phi0 / (1 - phi0)


def generator_floor(p2: Any, d: Any, n0: Any, sigma: Any) -> np.ndarray:
    """Downstream floor p2²c² with the generator's c² (SMC eq. (4.3))."""
    return np.asarray(p2, dtype=float) ** 2 * ols_generator_c2(d, n0, sigma)
