"""Classical ridge on a real/synthetic mixture: deterministic equivalent for any spectrum.

Implements SMC §2.2, eqs. (2.4)–(2.7), in the residual form (2.7), which the
random-projections model (``random_projections.py``) shares through :func:`mixture_error`.
The formula depends on w1* and Δ only through the spectrum's target and shift profiles
(see :class:`~modelcollapse.config.Spectrum`), so it covers any Σ, any w1* and any Δ
diagonal in Σ's eigenbasis (for a fixed δ, pass the profile of δδᵀ).
"""

from __future__ import annotations

import numpy as np

from ..config import Spectrum
from .dof import solve_kappa_sums


def profile_weights(spectrum: Spectrum) -> np.ndarray:
    """Weight columns (multiplicities, b_w per unit r², b_Δ per unit c²), shape (K, 3).

    b_w,g = λ_g·(energy of w1* on group g) and b_Δ,g = (contribution of group g to
    tr(ΣΔ)) are the diagonals of Σ^{1/2}w1*w1*ᵀΣ^{1/2} and Σ^{1/2}ΔΣ^{1/2}, summed per group.
    """
    return np.stack([spectrum.multiplicities, spectrum.eigenvalues * spectrum.signal,
                     spectrum.shift], axis=1)


def mixture_error(res_w: np.ndarray, h1: np.ndarray, h2: np.ndarray, D2: np.ndarray,
                  p2: np.ndarray, c2: np.ndarray, sigma: np.ndarray, r2: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Test error of a ridge-type fit on a mixture from its spectral functionals.

    With H the operator taking a target to the mean fitted predictor (in Σ^{1/2} geometry),
    res_w = tr[B_w(I − H)²]/r², h1 = tr[B_Δ H]/c², h2 = tr[B_Δ H²]/c², SMC eq. (2.7)
    reads: the squared Σ-distance of w̄ = H(w1* + p2·δ) from w1*, plus D2/(1 − D2) times the
    mean residual variance of the training labels around w̄ (real rows σ² + ||w1* − w̄||²_Σ,
    synthetic rows σ² + ||w2* − w̄||²_Σ):

        E = R + p2²c²h2 + D2/(1−D2)·[σ² + R + p2²c²h2 + p2c² − 2p2²c²h1],   R = r²·res_w.

    Split into bias R/(1−D2), variance σ²D2/(1−D2) and the synthetic penalty ζ (the rest,
    which equals eq. (2.5c) for the classical model). Returns
    (test_error, bias, variance, synthetic_penalty), +inf where D2 >= 1 (interpolation).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        amp = np.where(D2 < 1, 1.0 / (1.0 - D2), np.inf)
        ratio = np.where(D2 < 1, D2 * amp, np.inf)
        # 0·inf is 0 here: a term that is exactly absent stays absent at the threshold.
        bias = np.where(res_w * r2 > 0, r2 * res_w * amp, 0.0)
        variance = np.where((sigma > 0) & (D2 > 0), sigma**2 * ratio, 0.0)
        pull = p2**2 * c2 * h2
        mismatch = p2 * c2 * (1.0 - 2.0 * p2 * h1)
        zeta = (np.where(pull > 0, pull * amp, 0.0)
                + np.where((mismatch != 0) & (D2 > 0), ratio * mismatch, 0.0))
    return bias + variance + zeta, bias, variance, zeta


def linear_terms(spectrum: Spectrum, n: np.ndarray, ridge: np.ndarray) -> dict[str, np.ndarray]:
    """κ, df1, df2 and the spectral functionals of classical ridge (SMC §2.1–§2.2).

    H = Σ(Σ + κI)⁻¹ with κ from eq. (2.2), so res_w = κ²·w1*ᵀΣ(Σ+κ)⁻²w1*/r²,
    h1 = tr[ΔΣ²(Σ+κ)⁻¹]/c², h2 = tr[ΔΣ³(Σ+κ)⁻²]/c² and D2 = df2(κ)/n (eq. (2.3)).
    ``n`` and ``ridge`` are flat arrays of equal length.
    """
    # Columns (multiplicities, shift) for f and f², the signal for g²: the solver's
    # accepting evaluation yields them with κ (SMC §2.1), so no separate pass.
    w = profile_weights(spectrum)
    kappa, (s_f, s_ff, s_gg) = solve_kappa_sums(n, ridge, spectrum, w[:, [0, 2]], w[:, [0, 2]],
                                                w[:, [1]])
    return {"kappa": kappa, "df1": s_f[:, 0], "df2": s_ff[:, 0], "res_w": s_gg[:, 0],
            "h1": s_f[:, 1], "h2": s_ff[:, 1], "D2": s_ff[:, 0] / n}
