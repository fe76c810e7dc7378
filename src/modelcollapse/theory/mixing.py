"""Weighted and iterative mixing of real and synthetic data (spec SMC §5).

Weighted mixing (eq. (5.1)) is solved exactly at finite φ: weighting the rows of group k by
ω_k is ordinary ridge on rows scaled by sqrt(ω_k), i.e. the two-source problem of §2.3 with
C_k = ω_k Σ and noise ω_k σ² (our reduction; the test metric stays Σ). The leading-order
forms (5.2)–(5.3) are given too. Iterative mixing uses variant R (spec SMC §5.2, the
toolkit's convention) in its small-φ form (5.4)–(5.7).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..config import Setting
from .generator import synthetic_quality
from .prediction import Prediction
from .two_source import two_source_error


def weighted_mixing_leading_order(phi: Any, alpha: Any, p2: Any, c2: Any, sigma: Any) -> np.ndarray:
    """E(α) ≈ σ²φ[(1 − α)²/p1 + α²/p2] + α²c² (spec SMC eq. (5.2); isotropic, λ -> 0, φ -> 0)."""
    phi, alpha, p2, c2, sigma = (np.asarray(a, dtype=float) for a in (phi, alpha, p2, c2, sigma))
    with np.errstate(divide="ignore", invalid="ignore"):
        real = np.where(alpha < 1, (1 - alpha) ** 2 / (1 - p2), 0.0)
        synth = np.where(alpha > 0, alpha**2 / p2, 0.0)
    return sigma**2 * phi * (real + synth) + alpha**2 * c2


def optimal_weight(phi: Any, p2: Any, c2: Any, sigma: Any) -> np.ndarray:
    """α* = σ²φp2/(σ²φ + p1p2c²), the minimiser of (5.2) (spec SMC eq. (5.3))."""
    phi, p2, c2, sigma = (np.asarray(a, dtype=float) for a in (phi, p2, c2, sigma))
    return sigma**2 * phi * p2 / (sigma**2 * phi + (1 - p2) * p2 * c2)


def weighted_mixing_exact(setting: Setting) -> float:
    """Deterministic equivalent of ridge on the weighted loss (5.1), any spectrum, finite φ."""
    alpha, p2 = setting.alpha, setting.p2
    assert alpha is not None
    lam, w2, delta = setting.covariance.per_direction()
    p1 = 1.0 - p2
    om1 = (1 - alpha) / p1 if p1 > 0 else 0.0
    om2 = alpha / p2 if p2 > 0 else 0.0
    return two_source_error(om1 * lam, om2 * lam, np.sqrt(setting.r2 * w2), setting.n, p2,
                            setting.ridge, np.sqrt(om1) * setting.sigma,
                            np.sqrt(om2) * setting.sigma,
                            shift_cov=synthetic_quality(setting) * delta, A=lam)


def iterative_mixing_small_phi(t: Any, phi: Any, p2: Any, c0_2: Any, sigma: Any) -> np.ndarray:
    """E_t ≈ (σ²φ/p1)(1 − p2^t)² + p2^{2t}c0² + σ²p2φ(1 − p2^{2t})/(1 − p2²) (spec SMC eq. (5.4)).

    Variant R: a fixed real set of p1·n rows, and at each iteration p2·n fresh inputs
    labelled by the previous model; isotropic OLS, leading order in φ. p2 < 1.

    Only the leading order: the exact variant-R error exceeds it by a term of order φ·c0²
    (the label-inconsistency noise, amplified because the real rows are reused). Measured
    with ``modelcollapse simulate --iterations 4 --p2 0.5 --c2 1 --d 200``: +1.9% at
    φ = 0.002, +1.1% at φ = 5e-4, +0.55% at φ = 1.25e-4, and exact agreement at t = 1.
    """
    t, phi, p2, c0_2, sigma = (np.asarray(a, dtype=float) for a in (t, phi, p2, c0_2, sigma))
    q = p2**t
    return (sigma**2 * phi / (1 - p2)) * (1 - q) ** 2 + q**2 * c0_2 + sigma**2 * p2 * phi * (
        1 - q**2) / (1 - p2**2)


def iterative_mixing_limit(phi: Any, p2: Any, sigma: Any) -> np.ndarray:
    """E_∞ = σ²φ(1 + 2p2)/(p1(1 + p2)) (spec SMC eq. (5.6)); (8/3)σ²φ at p2 = 1/2."""
    phi, p2, sigma = (np.asarray(a, dtype=float) for a in (phi, p2, sigma))
    return sigma**2 * phi * (1 + 2 * p2) / ((1 - p2) * (1 + p2))


def variant_f_limit(phi: Any, p2: Any, sigma: Any) -> np.ndarray:
    """Fixed point with fresh real data each iteration, "variant F" (spec SMC eq. (5.7))."""
    phi, p2, sigma = (np.asarray(a, dtype=float) for a in (phi, p2, sigma))
    a = phi / (1 - phi)
    return sigma**2 * a / (1 - p2**2 - (1 - p2) * p2 * a)


def _scalar_only(setting: Setting, axes: dict[str, Any], what: str) -> None:
    if axes:
        raise ValueError(f"{what} takes a single setting; grid axes {sorted(axes)} are not supported")
    if setting.model != "linear":
        raise ValueError(f"model: {what} theory covers the linear model only; use simulate")


def weighted_mixing_error(setting: Setting, **axes: Any) -> Prediction:
    """``predict`` for a setting with ``alpha``: exact weighted-mixing equivalent."""
    _scalar_only(setting, axes, "weighted mixing")
    total = weighted_mixing_exact(setting)
    # Parts: clean labels (c² = 0) give bias + variance; noise-free clean labels the bias.
    clean = weighted_mixing_exact(setting.replace(c2=0.0, n0=None))
    bias = weighted_mixing_exact(setting.replace(c2=0.0, n0=None, sigma=0.0))
    return Prediction(total, bias, clean - bias, total - clean, None, None, None,
                      method="weighted mixing: two-source equivalent with C_k = w_k Sigma "
                             "(spec SMC §2.3, §5.1)")


def iterative_mixing_error(setting: Setting, **axes: Any) -> Prediction:
    """``predict`` for ``iterations`` > 1: variant R, small-φ form (5.4)."""
    _scalar_only(setting, axes, "iterative mixing")
    if not setting.covariance.is_isotropic or setting.ridge != 0 or setting.p2 >= 1:
        raise ValueError("iterations: the iterative-mixing formula (5.4) covers isotropic "
                         "OLS (ridge 0) with p2 < 1; use simulate for other settings")
    s = setting
    total = float(iterative_mixing_small_phi(s.iterations, s.phi, s.p2, synthetic_quality(s),
                                             s.sigma))
    synth = float(s.p2 ** (2 * s.iterations) * synthetic_quality(s))
    return Prediction(total, 0.0, total - synth, synth, 0.0, float(s.d), float(s.d),
                      method="iterative mixing variant R, small-phi form, spec SMC eq. (5.4)")
