"""Isotropic closed forms for the classical model (SMC §2.4–§2.6).

Σ = I, ||w1*||² = r², Δ = (c²/d)·I, φ = d/n; σ is the noise standard deviation. All
functions broadcast their array arguments. They are the fast path of ``predict`` for
isotropic settings and are cross-checked against the general solver in the tests.
"""

from __future__ import annotations

import numpy as np


def isotropic_kappa(phi: np.ndarray, ridge: np.ndarray) -> np.ndarray:
    """κ = [(λ + φ − 1) + sqrt((λ + φ − 1)² + 4λ)]/2 (SMC eq. (2.13)).

    Written in the cancellation-free form 2λ/(sqrt(...) − (λ + φ − 1)) when λ + φ − 1 < 0.
    """
    phi, lam = np.broadcast_arrays(np.asarray(phi, dtype=float), np.asarray(ridge, dtype=float))
    b = lam + phi - 1
    root = np.sqrt(b * b + 4 * lam)
    with np.errstate(divide="ignore", invalid="ignore"):
        small = np.where(root - b > 0, 2 * lam / (root - b), 0.0)
    return np.where(b >= 0, 0.5 * (b + root), small)


def isotropic_ridge(phi: np.ndarray, ridge: np.ndarray, p2: np.ndarray, c2: np.ndarray,
                    sigma: np.ndarray, r2: np.ndarray) -> dict[str, np.ndarray]:
    """Bias, variance, synthetic penalty and total (SMC eqs. (2.13)–(2.15)).

    Valid for any λ >= 0 (λ = 0 gives the ridgeless forms (2.16) and (2.18));
    +inf at φ = 1, λ = 0.
    """
    phi, lam, p2, c2, sigma, r2 = np.broadcast_arrays(
        *(np.asarray(a, dtype=float) for a in (phi, ridge, p2, c2, sigma, r2)))
    k = isotropic_kappa(phi, lam)
    D2 = phi / (1 + k) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        amp = np.where(D2 < 1, 1 / (1 - D2), np.inf)
        ratio = np.where(D2 < 1, D2 * amp, np.inf)
        bias = np.where(k * r2 > 0, k**2 * r2 * amp / (1 + k) ** 2, 0.0)
        variance = np.where(sigma > 0, sigma**2 * ratio, 0.0)
        pull = p2**2 * c2 / (1 + k) ** 2
        zeta = (np.where(pull > 0, pull * (1 + np.where(k > 0, k**2 * ratio, 0.0)), 0.0)
                + np.where(p2 * (1 - p2) * c2 > 0, (1 - p2) * p2 * c2 * ratio, 0.0))
    return {"test_error": bias + variance + zeta, "bias": bias, "variance": variance,
            "synthetic_penalty": zeta, "kappa": k, "D2": D2}


def ridgeless_underparameterised(phi: np.ndarray, p2: np.ndarray, c2: np.ndarray,
                                 sigma: np.ndarray) -> np.ndarray:
    """σ²φ/(1 − φ) + (p2² + p2p1φ/(1 − φ))c², φ < 1 (SMC eq. (2.16), paper Eq. 11)."""
    phi, p2, c2, sigma = (np.asarray(a, dtype=float) for a in (phi, p2, c2, sigma))
    a = phi / (1 - phi)
    return sigma**2 * a + (p2**2 + p2 * (1 - p2) * a) * c2


def small_phi(phi: np.ndarray, p2: np.ndarray, c2: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """σ²d/n + p2²c², the leading order of (2.16) as φ -> 0 (SMC eq. (2.17), Eq. 12)."""
    phi, p2, c2, sigma = (np.asarray(a, dtype=float) for a in (phi, p2, c2, sigma))
    return sigma**2 * phi + p2**2 * c2


def ridgeless_overparameterised(phi: np.ndarray, p2: np.ndarray, c2: np.ndarray,
                                sigma: np.ndarray, r2: np.ndarray) -> np.ndarray:
    """Minimum-norm interpolator, φ > 1 (SMC eq. (2.18))."""
    phi, p2, c2, sigma, r2 = (np.asarray(a, dtype=float) for a in (phi, p2, c2, sigma, r2))
    return (r2 * (1 - 1 / phi) + sigma**2 / (phi - 1) + p2**2 * c2 / phi
            + p2 * (1 - p2) * c2 / (phi - 1))


def floor(p2: np.ndarray, c2: np.ndarray) -> np.ndarray:
    """n -> infinity at fixed d, λ -> 0: E -> p2²c² (SMC eq. (2.19))."""
    return np.asarray(p2, dtype=float) ** 2 * np.asarray(c2, dtype=float)


def ridge_floor(ridge: np.ndarray, p2: np.ndarray, c2: np.ndarray, r2: np.ndarray) -> np.ndarray:
    """n -> infinity at fixed ridge λ: (λ²r² + p2²c²)/(1 + λ)² (SMC eq. (2.20))."""
    lam, p2, c2, r2 = (np.asarray(a, dtype=float) for a in (ridge, p2, c2, r2))
    return (lam**2 * r2 + p2**2 * c2) / (1 + lam) ** 2


def best_ridge_floor(p2: np.ndarray, c2: np.ndarray, r2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Best ridge as n -> infinity: λ* = p2²c²/r², floor r²p2²c²/(r² + p2²c²) (SMC §2.6).

    The floor is > 0 whenever p2·c > 0: regularisation cannot remove strong collapse.
    """
    p2, c2, r2 = (np.asarray(a, dtype=float) for a in (p2, c2, r2))
    q = p2**2 * c2
    with np.errstate(divide="ignore", invalid="ignore"):
        lam = np.where(r2 > 0, q / r2, np.inf)
        value = np.where(r2 + q > 0, r2 * q / (r2 + q), 0.0)
    return lam, value
