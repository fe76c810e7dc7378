"""The chain's conditional (Rao-Blackwellised) estimator: given every design of a chain, the
exact expectation of its errors over all label noises (TG Part B, eqs. (B.2)-(B.4)).

Every fit of the chain is linear in its labels, so given the designs (each generator's
Gram matrix or rows, and the downstream one) the fitted weights are an affine function of
the Gaussian label noises, and the expected test error over those noises is a trace of the
drawn matrices. w0 is fixed in this simulator, so nothing else is random. No theory
enters: only the drawn matrices.

Derivation, in whitened coordinates v = Σ^{1/2}w (so ||w − w0||²_Σ = |v − v0|², and with
X = ZΣ^{1/2} the rows Z are standard normal; the Gram matrix of a fit on T >= d samples is
XᵀX = Σ^{1/2}AAᵀΣ^{1/2} with A its Bartlett factor, and XᵀE = Σ^{1/2}Az for the noise).

Generator m (eq. (B.2)), ŵ_m = X_m^†(X_m ŵ_{m−1} + σ0 E_m):

- T0 >= d (OLS): X^†X = I and X^†E = (XᵀX)⁻¹XᵀE = Σ^{-1/2}A⁻ᵀz, so v_m = v_{m−1} + σ0A⁻ᵀz;
- T0 < d (minimum norm): with F = ΣZᵀ(ZΣZᵀ)⁻¹ (d×T0) and the whitened projector
  P = Σ^{1/2}X^†XΣ^{-1/2} = FZ, v_m = P v_{m−1} + σ0 F e.

So v_m has, given the designs, mean μ_m and covariance C_m with μ_0 = v0, C_0 = 0 and

    OLS:       μ_m = μ_{m−1},        C_m = C_{m−1} + σ0²A⁻ᵀA⁻¹,
    min-norm:  μ_m = F(Zμ_{m−1}),    C_m = F(ZC_{m−1}Zᵀ + σ0²I)Fᵀ,

and the generator's error is E[|v_m − v0|² | designs] = |μ_m − v0|² + tr C_m.

Downstream ridge (eq. (B.3)) on T samples labelled by ŵ_m with noise σ:
ŵ = (XᵀX/T + λ)⁻¹Xᵀ(Xŵ_m + σE)/T, i.e. v = J v_m + (noise of covariance σ²N), with

- T >= d: B = AAᵀ, M = B/T + λΣ⁻¹, J = M⁻¹B/T and tr N = tr(M⁻¹(B/T)M⁻¹)/T = tr(JM⁻¹)/T
  (λ = 0: J = I and tr N = tr B⁻¹ = |A⁻¹|²_F);
- T < d (the T×T dual): F = ΣZᵀ(ZΣZᵀ + Tλ)⁻¹, J = FZ and tr N = |F|²_F.

The test error (eq. (B.4)) of generation m given every design is then

    E[|v − v0|² | designs] = |Jμ_m − v0|² + tr(JC_mJᵀ) + σ² tr N,

with tr(JCJᵀ) = Σ (JᵀJ) ∘ C for the primal form and Σ (FᵀF) ∘ (ZCZᵀ) for the dual. The
noise-free parts (the bias |Jμ_m − v0|², the generators' projections) are the sampled
estimator's own, so the two estimators differ only by the noise they average over: same
mean, and the conditional variance is the designs' alone.

Cost: O(d³) per OLS generator and per downstream fit (the sampled estimator's generators
cost O(d²)), O(T0·d²) per min-norm generator. An exact conditional expectation exists in
every regime of this simulator (OLS and min-norm generators, any schedule, any spectrum,
ridge or min-norm downstream on either side of d, a fixed or an adaptive λ, which is
resolved before any draw).
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import solve_triangular


def ols_step(cov: np.ndarray, A: np.ndarray, sigma0: float) -> np.ndarray:
    """C_m = C_{m−1} + σ0²A⁻ᵀA⁻¹ for OLS generators with Bartlett factors ``A`` (k, d, d)."""
    inv = solve_triangular(A, np.broadcast_to(np.eye(A.shape[-1]), A.shape), lower=True)
    return cov + sigma0**2 * (inv.transpose(0, 2, 1) @ inv)


def min_norm_step(mean: np.ndarray, cov: np.ndarray, Z: np.ndarray, s: np.ndarray,
                  sigma0: float) -> tuple[np.ndarray, np.ndarray]:
    """(μ_m, C_m) of minimum-norm generators fitted on the standard rows ``Z`` (k, T0, d)."""
    F = _dual_factor(Z, s, 0.0)
    ZC = Z @ cov
    inner = ZC @ Z.transpose(0, 2, 1) + sigma0**2 * np.eye(Z.shape[1])
    mean = np.einsum("kdt,kt->kd", F, np.einsum("ktd,kd->kt", Z, mean))
    return mean, F @ inner @ F.transpose(0, 2, 1)


def _dual_factor(Z: np.ndarray, s: np.ndarray, shift: float) -> np.ndarray:
    """F = ΣZᵀ(ZΣZᵀ + shift·I)⁻¹, (k, d, T)."""
    X = Z * np.sqrt(s)
    gram = X @ X.transpose(0, 2, 1) + shift * np.eye(Z.shape[1])
    return np.linalg.solve(gram, Z * s).transpose(0, 2, 1)


def primal_errors(A: np.ndarray, means: np.ndarray, covs: np.ndarray, v0: np.ndarray,
                  s: np.ndarray, T: int, sigma: float, ridges: np.ndarray) -> np.ndarray:
    """Expected test errors of ridge fits on T >= d samples with Bartlett factors ``A``.

    ``means`` (k, M, d) and ``covs`` (k, M, d, d) are μ_m and C_m of every generation;
    returns (ridges, k, M).
    """
    k, M, d = means.shape
    out = np.empty((ridges.size, k, M))
    B = A @ A.transpose(0, 2, 1)
    for i, lam in enumerate(ridges):
        if lam == 0:
            inv = solve_triangular(A, np.broadcast_to(np.eye(d), A.shape), lower=True)
            noise = np.einsum("kij,kij->k", inv, inv)
            spread = np.trace(covs, axis1=2, axis2=3)
            bias = np.einsum("kmd,kmd->km", means - v0, means - v0)
        else:
            Minv = np.linalg.inv(B / T + lam * np.diag(1.0 / s))
            J = Minv @ B / T
            noise = np.einsum("kij,kij->k", J, Minv) / T
            spread = np.einsum("kij,kmij->km", J.transpose(0, 2, 1) @ J, covs)
            fitted = np.einsum("kij,kmj->kmi", J, means)
            bias = np.einsum("kmd,kmd->km", fitted - v0, fitted - v0)
        out[i] = bias + spread + sigma**2 * noise[:, None]
    return out


def dual_errors(Z: np.ndarray, means: np.ndarray, covs: np.ndarray, v0: np.ndarray,
                s: np.ndarray, sigma: float, ridges: np.ndarray) -> np.ndarray:
    """Expected test errors of ridge fits on the T < d standard rows ``Z`` (k, T, d);
    ``means``, ``covs`` and the result as for :func:`primal_errors`."""
    k, M, _ = means.shape
    T = Z.shape[1]
    out = np.empty((ridges.size, k, M))
    projected = np.einsum("ktd,kmd->kmt", Z, means)  # Zμ_m
    rows = Z[:, None]
    ZCZ = rows @ covs @ rows.transpose(0, 1, 3, 2)  # ZC_mZᵀ, (k, M, T, T)
    for i, lam in enumerate(ridges):
        F = _dual_factor(Z, s, T * lam)
        fitted = np.einsum("kdt,kmt->kmd", F, projected)
        bias = np.einsum("kmd,kmd->km", fitted - v0, fitted - v0)
        spread = np.einsum("ktu,kmtu->km", F.transpose(0, 2, 1) @ F, ZCZ)
        noise = np.einsum("kdt,kdt->k", F, F)
        out[i] = bias + spread + sigma**2 * noise[:, None]
    return out
