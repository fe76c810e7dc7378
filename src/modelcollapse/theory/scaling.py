"""Scaling-law consequences: error-vs-n curves, their floor and power-law rates (SMC §6).

``scaling_curve`` evaluates the deterministic equivalent along n for any Setting;
``floor_value`` is its n -> infinity limit at fixed d; the rate helpers give the exponents
of eqs. (6.2)–(6.3).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..config import Setting
from .generator import synthetic_quality
from .predict import predict


def scaling_curve(setting: Setting, n: Any) -> np.ndarray:
    """Test error at each n (other fields from ``setting``): one vectorised theory call."""
    return np.asarray(predict(setting, n=np.asarray(n, dtype=float)).test_error)


def floor_value(setting: Setting) -> float:
    """lim_{n->inf} E_test at fixed d for the linear model (SMC eqs. (2.19)–(2.20)).

    As n -> infinity, κ -> λ and D2 -> 0, so E -> λ²·w1*ᵀΣ(Σ+λ)⁻²w1* + p2²·tr(ΔΣ³(Σ+λ)⁻²);
    at λ = 0 this is p2²c² ("strong model collapse": no amount of data removes it).
    """
    if setting.model != "linear":
        raise ValueError("model: the floor is implemented for the linear model")
    spec = setting.covariance
    lam, ridge = spec.eigenvalues, setting.ridge
    f = lam / (lam + ridge)
    bias = setting.r2 * float(np.sum(lam * spec.signal * (1 - f) ** 2))
    shift = synthetic_quality(setting) * float(np.sum(spec.shift * f**2))
    return bias + setting.p2**2 * shift


def clean_rate(beta: float, source: float) -> float:
    """Exponent of the tuned-ridge clean error n^(-2βr/(2βr+1)) (SMC §6, eq. (6.2))."""
    return 2 * beta * source / (2 * beta * source + 1)


def fit_power_law(n: Any, error: Any) -> tuple[float, float]:
    """Least-squares fit error ≈ C·n^(-a) in log-log; returns (a, C)."""
    n, error = np.asarray(n, dtype=float), np.asarray(error, dtype=float)
    if n.size < 2 or np.any(n <= 0) or np.any(error <= 0):
        raise ValueError("fit_power_law needs at least two positive (n, error) pairs")
    slope, intercept = np.polyfit(np.log(n), np.log(error), 1)
    return float(-slope), float(np.exp(intercept))
