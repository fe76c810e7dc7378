"""Weighted and iterative mixing of real and synthetic data (SMC §5).

Weighted mixing (eq. (5.1)) is solved exactly at finite φ: weighting the rows of group k by
ω_k is ordinary ridge on rows scaled by sqrt(ω_k), i.e. the two-source problem of §2.3 with
C_k = ω_k Σ and noise ω_k σ² (our reduction; the test metric stays Σ). The leading-order
forms (5.2)–(5.3) are given too. Iterative mixing uses variant R (SMC §5.2, the
toolkit's convention: a fixed real set reused at every iteration), exactly at finite φ
(:func:`iterative_mixing_finite`) and in its small-φ form (5.4)–(5.7), its leading order.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..config import Setting
from .generator import synthetic_quality
from .marchenko_pastur import marchenko_pastur_quantiles
from .prediction import Prediction
from .two_source import two_source_error

# Quantiles of the real rows' spectrum in the finite-φ iterative-mixing law.
_QUANTILES = 4096
_MAX_ITER = 100_000


def weighted_mixing_leading_order(phi: Any, alpha: Any, p2: Any, c2: Any, sigma: Any) -> np.ndarray:
    """E(α) ≈ σ²φ[(1 − α)²/p1 + α²/p2] + α²c² (SMC eq. (5.2); isotropic, λ -> 0, φ -> 0)."""
    phi, alpha, p2, c2, sigma = (np.asarray(a, dtype=float) for a in (phi, alpha, p2, c2, sigma))
    with np.errstate(divide="ignore", invalid="ignore"):
        real = np.where(alpha < 1, (1 - alpha) ** 2 / (1 - p2), 0.0)
        synth = np.where(alpha > 0, alpha**2 / p2, 0.0)
    return sigma**2 * phi * (real + synth) + alpha**2 * c2


def optimal_weight(phi: Any, p2: Any, c2: Any, sigma: Any) -> np.ndarray:
    """α* = σ²φp2/(σ²φ + p1p2c²), the minimiser of (5.2) (SMC eq. (5.3))."""
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
    """E_t ≈ (σ²φ/p1)(1 − p2^t)² + p2^{2t}c0² + σ²p2φ(1 − p2^{2t})/(1 − p2²) (SMC eq. (5.4)).

    Variant R: a fixed real set of p1·n rows, and at each iteration p2·n fresh inputs
    labelled by the previous model; isotropic OLS, leading order in φ. p2 < 1.

    Only the leading order (the asymptote of :func:`iterative_mixing_finite` as φ -> 0):
    the variant-R error exceeds it by a term of order φ·c0² (the label-inconsistency noise,
    amplified because the real rows are reused). Measured with ``modelcollapse simulate
    --iterations 4 --p2 0.5 --c2 1 --d 200``: +1.9% at φ = 0.002, +1.1% at φ = 5e-4, +0.55%
    at φ = 1.25e-4; 33% at φ = 0.125 (d = 50, n = 400, t = 10).
    """
    t, phi, p2, c0_2, sigma = (np.asarray(a, dtype=float) for a in (t, phi, p2, c0_2, sigma))
    q = p2**t
    return (sigma**2 * phi / (1 - p2)) * (1 - q) ** 2 + q**2 * c0_2 + sigma**2 * p2 * phi * (
        1 - q**2) / (1 - p2**2)


def iterative_mixing_finite(setting: Setting, iterations: int | None = None) -> np.ndarray:
    """E_1..E_t of iterative mixing, variant R, at finite φ (isotropic ridge λ >= 0; t =
    ``iterations``, default the setting's).

    With the real rows' Gram matrix G1, A = G1 + nλ and the real-only fit
    ŵ_R = A⁻¹(G1w1* + X1ᵀε1), iteration t refits ŵ_t = (A + G)⁻¹(Aŵ_R + Gŵ_{t−1} + X2ᵀε) on
    n2 fresh synthetic rows (Gram G), so u_t = ŵ_t − ŵ_R follows u_t = P_t u_{t−1} + η_t with
    P_t = (A + G_t)⁻¹G_t, i.i.d. given the real rows. In A's eigenbasis (eigenvalues a_i, a
    generalised ridge whose penalty is the real data), the deterministic equivalent of
    SMC eqs. (2.8)–(2.11) with ridge matrix A gives, with s = n2/(1 + e),
    e = Σ_i 1/(a_i + s):

    - E[P] = diag(m), m_i = s/(a_i + s);
    - E[u_t,i²] = m_i²E[u_{t−1,i}²] + τ_i(σ² + Σ_j (1 − m_j)²E[u_{t−1,j}²]),
      τ_i = n2/(a_i + s)² / ((1 + e)² − n2 Σ_j 1/(a_j + s)²);
    - u_0 = δ0 − (ŵ_R − w1*), δ0 the initial generator's error (E|δ0|² = c0²), and
      E[(ŵ_R − w1*)_i²] = b_i = (nλ/a_i)²r²/d + σ²g_i/a_i², g_i = a_i − nλ;
    - E_t = Σ_i b_i − 2Σ_i m_i^t b_i + Σ_i E[u_t,i²] (the cross term: E[u_t | u_0] = M^t u_0).

    The sums over i run over the Marchenko–Pastur law of G1 (ratio d/n1, scale n1),
    discretised at 4096 quantiles. Needs n1 > d + 1 real rows. Unlike the small-φ form
    (5.4) it keeps the label-inconsistency noise of the reused real rows (order φ·c0²):
    at d = 50, n = 400, t = 10 it gives 0.439 against 0.443 ± 0.005 by simulation, where
    (5.4) gives 0.333 (measured in tests/theory/test_mixing.py).
    """
    s = setting
    t = s.iterations if iterations is None else int(iterations)
    n2 = s.n_synthetic
    n1 = s.n - n2
    if n1 <= s.d + 1:
        raise ValueError(f"p2: iterative mixing keeps n1 = {n1} real rows, and its finite-φ law "
                         f"needs n1 > d + 1 = {s.d + 1}; use simulate")
    g = n1 * marchenko_pastur_quantiles(s.d / n1, _QUANTILES)
    weight = s.d / _QUANTILES  # eigenvalues each quantile stands for
    a = g + s.n * s.ridge
    e = 0.0
    for _ in range(_MAX_ITER):
        e_new = weight * float(np.sum(1.0 / (a + n2 / (1.0 + e))))
        converged = abs(e_new - e) <= 1e-14 * (1.0 + e)
        e = e_new if converged else 0.5 * (e + e_new)
        if converged:
            break
    else:  # pragma: no cover - a contraction in practice
        raise RuntimeError("iterative mixing fixed point did not converge")
    shift = n2 / (1.0 + e)
    m = shift / (a + shift)
    tau = n2 / (a + shift) ** 2 / ((1.0 + e) ** 2 - n2 * weight * float(np.sum(1.0 / (a + shift) ** 2)))
    sigma2 = s.sigma**2
    b = (s.n * s.ridge / a) ** 2 * s.r2 / s.d + sigma2 * g / a**2
    u2 = synthetic_quality(s) / s.d + b
    errors = np.empty(t)
    for k in range(1, t + 1):
        u2 = m**2 * u2 + tau * (sigma2 + weight * float(np.sum((1.0 - m) ** 2 * u2)))
        errors[k - 1] = weight * float(np.sum(b - 2.0 * m**k * b + u2))
    return errors


def iterative_mixing_limit(phi: Any, p2: Any, sigma: Any) -> np.ndarray:
    """E_∞ = σ²φ(1 + 2p2)/(p1(1 + p2)) (SMC eq. (5.6)); (8/3)σ²φ at p2 = 1/2."""
    phi, p2, sigma = (np.asarray(a, dtype=float) for a in (phi, p2, sigma))
    return sigma**2 * phi * (1 + 2 * p2) / ((1 - p2) * (1 + p2))


def variant_f_limit(phi: Any, p2: Any, sigma: Any) -> np.ndarray:
    """Fixed point with fresh real data each iteration, "variant F" (SMC eq. (5.7))."""
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
                             "(SMC §2.3, §5.1)")


def iterative_mixing_error(setting: Setting, **axes: Any) -> Prediction:
    """``predict`` for ``iterations`` > 1: variant R at finite φ (:func:`iterative_mixing_finite`)."""
    _scalar_only(setting, axes, "iterative mixing")
    if not setting.covariance.is_isotropic:
        raise ValueError("iterations: the iterative-mixing law covers an isotropic spectrum; "
                         "use simulate for other spectra")
    total = float(iterative_mixing_finite(setting)[-1])
    return Prediction(total, None, None, None, None, None, None,
                      method="iterative mixing variant R at finite phi: deterministic "
                             "equivalent with the real rows as a generalised ridge (SMC "
                             "§5.2; the small-phi form (5.4) is its leading order)")
