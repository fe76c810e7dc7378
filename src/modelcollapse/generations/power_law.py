"""Scaling laws of the fake-data chain under a power-law spectrum (TG §B.4).

Assumptions (eq. (B.17)): eigenvalues λ_j = j^(-β), β > 1, and a source condition
λ_j c_j² ∝ j^(-1-2βr) on w0 (build it with ``GenerationsSetting(spectrum="power:BETA",
source=r)``). Ridge saturates at r = 1, so rates below use min(r, 1). The exact errors
behind these laws come from :func:`~modelcollapse.generations.exact.predict_generations`;
the functions here are the closed-form rates, the crossover scale and the regularisation
rule that those errors follow.

>>> round(ell_crit(2.0, 0.5), 4), round(slow_rate(2.0, 0.5), 4), fast_rate(2.0, 0.5)
(0.6667, 0.6667, 2.0)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..config import check_number


def _exponents(beta: float, r: float) -> tuple[float, float]:
    beta = check_number("beta", beta, low=0.0, low_open=True)
    r = check_number("r", r, low=0.0, low_open=True)
    return beta, min(r, 1.0)


def fast_rate(beta: float, r: float) -> float:
    """Exponent 2βr of the clean, noise-free error T^(-2βr) with λ -> 0 (TG §B.4)."""
    beta, r = _exponents(beta, r)
    return 2 * beta * r


def slow_rate(beta: float, r: float) -> float:
    """Exponent 2βr/(2βr + 1): noisy labels, or any fake generations (TG eq. (B.18))."""
    beta, r = _exponents(beta, r)
    return 2 * beta * r / (2 * beta * r + 1)


def ell_crit(beta: float, r: float) -> float:
    """Optimal ridge exponent ℓ_crit = β/(2βr + 1), λ = T^(-ℓ_crit) (TG eq. (B.18))."""
    beta, r = _exponents(beta, r)
    return beta / (2 * beta * r + 1)


def effective_noise_approx(generations: Any, sigma: Any, sigma0: Any, T: Any, T0: Any, d: int
                           ) -> np.ndarray | float:
    """σ_eff² ≈ σ² + n·σ0²·(T + d)/(T0 − d), valid when the df's ≪ T, d (TG eq. (B.19)).

    For T0 fixed and T ≫ T0 it grows ∝ T: the scaling law stalls.
    """
    t0 = np.asarray(T0, dtype=float)
    if np.any(t0 <= d):
        raise ValueError(f"T0 must be > d = {d} (under-parameterised generators)")
    out = (np.asarray(sigma, dtype=float) ** 2 + np.asarray(generations, dtype=float)
           * np.asarray(sigma0, dtype=float) ** 2 * (np.asarray(T, dtype=float) + d) / (t0 - d))
    return float(out) if out.ndim == 0 else out


def collapse_prefactor(sigma_eff2: Any, beta: float, r: float) -> np.ndarray | float:
    """Factor (σ_eff²)^(2βr/(2βr + 1)) multiplying the tuned error's T^(-2βr/(2βr+1)) law.

    TG §B.4: with σ_eff² of order one the rate is kept and the prefactor scales as
    σ_eff^(4βr/(2βr+1)); comparing n generations with clean data gives the ratio of errors.
    """
    out = np.asarray(sigma_eff2, dtype=float) ** slow_rate(beta, r)
    return float(out) if out.ndim == 0 else out


def crossover_samples(generations: Any, sigma0: Any, beta: float, r: float) -> np.ndarray | float:
    """T* ≈ (n·σ0²)^(-1/(2βr)), where the fast rate gives way to the slow one (TG eq. (B.20)).

    Noise-free real labels (σ = 0), d ≫ T and T0 ≈ 2d, so that σ_eff² ≈ nσ0²: below T* the
    error falls as T^(-2βr), above it as (nσ0²/T)^(2βr/(2βr+1)).

    >>> round(crossover_samples(1, 1e-2, 2.0, 0.5), 6)
    100.0
    """
    beta, r = _exponents(beta, r)
    noise = np.asarray(generations, dtype=float) * np.asarray(sigma0, dtype=float) ** 2
    if np.any(noise <= 0):
        raise ValueError("generations * sigma0**2 must be > 0 for a crossover")
    out = noise ** (-1.0 / (2 * beta * r))
    return float(out) if out.ndim == 0 else out


def adaptive_ridge(T: Any, beta: float, r: float, sigma_eff2: Any = 1.0) -> np.ndarray | float:
    """Adaptive regularisation λ* = (σ_eff²/T)^(β/(2βr + 1)) (TG eq. (B.21)).

    With σ_eff² = 1 it is the clean-data choice λ = T^(-ℓ_crit); with n fake generations
    σ_eff² (eq. (B.13) or (B.19)) grows with n and so does λ*. The paper's constant is
    [OPEN] (TG §C); this rule takes it to be 1. For the λ that minimises the predicted
    error itself, use :func:`~modelcollapse.generations.exact.optimal_ridge`, which this rule
    tracks up to a constant.
    """
    t = np.asarray(T, dtype=float)
    if np.any(t <= 0):
        raise ValueError("T must be > 0")
    out = (np.asarray(sigma_eff2, dtype=float) / t) ** ell_crit(beta, r)
    return float(out) if out.ndim == 0 else out


def local_slopes(T: Any, error: Any) -> np.ndarray:
    """Slopes d log E / d log T between consecutive points of a scaling curve."""
    t, e = np.asarray(T, dtype=float), np.asarray(error, dtype=float)
    if t.shape != e.shape or t.ndim != 1 or t.size < 2:
        raise ValueError("T and error must be 1-d arrays of equal length >= 2")
    if np.any(t <= 0) or np.any(e <= 0):
        raise ValueError("T and error must be > 0 for log-log slopes")
    return np.diff(np.log(e)) / np.diff(np.log(t))
