"""Theory of the regression chain under each workflow (WF §2–§3).

Exact least-squares laws (ridge 0, T >= d + 2, any Σ), with v(N) = d/(N − d − 1) =
E tr(Σ(XᵀX)⁻¹) for N Gaussian rows:

- (WF.1) replace, fresh or fixed design: E_G = (G + 1)σ²v(T);
- (WF.2) accumulate, fixed design: E_G = σ²v(T) Σ_{k=1..G+1} 1/k² < (π²/6)E_0;
- (WF.3) accumulate, fresh design: E_G = σ² Σ_{j=0..G} v((j + 1)T)/(j + 1).

Mix (and ridge replace, which is mix with π = 0) with a fresh design, any ridge and any
spectrum: the finite-T recursion of WF §3, :func:`mix_profiles`. δ_k = ŵ_{k−1} − w* is
independent of generation k's design, so generation k is the two-source problem of
SMC §2.3 with C1 = C2 = Σ, p2 = 1 − π and a shift δ_k whose mean (the previous fits'
shrinkage of w*) and covariance are carried per eigen-direction from one generation to the
next. The other combinations (fixed-design mix or ridge, ridge accumulate, accumulate-
subsample, verify) have no law here: :func:`predict_workflow` refuses them with the reason.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..theory.dof import solve_kappa
from .config import WorkflowSetting

EXACT_LS = "exact least-squares law"


def v(rows: Any, d: int) -> np.ndarray:
    """v(N) = d/(N − d − 1) = E tr(Σ(XᵀX)⁻¹), N Gaussian rows, any Σ (inverse-Wishart mean)."""
    return d / (np.asarray(rows, dtype=float) - d - 1)


def replace_law(d: int, T: int, generations: int, sigma: float) -> np.ndarray:
    """(WF.1) E_k = (k + 1)σ²v(T), k = 0..G: independent generations' errors add."""
    return (np.arange(generations + 1) + 1.0) * sigma**2 * v(T, d)


def accumulate_fixed_law(d: int, T: int, generations: int, sigma: float) -> np.ndarray:
    """(WF.2) E_k = σ²v(T) Σ_{m=1..k+1} 1/m²: with M = (XᵀX)⁻¹Xᵀ, ŵ_k − w* = Σ_j Mε_j/(j + 1)."""
    m = np.arange(1, generations + 2, dtype=float)
    return sigma**2 * v(T, d) * np.cumsum(1.0 / m**2)


def accumulate_fresh_law(d: int, T: int, generations: int, sigma: float) -> np.ndarray:
    """(WF.3) E_k = σ² Σ_{j=0..k} v((j + 1)T)/(j + 1): e_k = e_{k−1} + A_k⁻¹X_kᵀε_k, independent
    increments, and E tr(ΣA_k⁻¹X_kᵀX_kA_k⁻¹) = v((k + 1)T)/(k + 1) by exchangeability."""
    j = np.arange(1, generations + 2, dtype=float)
    return sigma**2 * np.cumsum(v(j * T, d) / j)


def mix_profiles(setting: WorkflowSetting) -> np.ndarray:
    """E_0..E_G of the mix workflow (fresh design, any ridge and spectrum; WF §3).

    Per eigen-group g of Σ (eigenvalue λ_g, multiplicity μ_g, target energy W_g), generation
    k carries the shift δ_k = ŵ_{k−1} − w* as a mean m_g·w* (the shrinkage) plus a part of
    covariance D_g. With n = T rows, of which a share p = 1 − π is labelled by ŵ_{k−1}, κ
    from SMC eq. (2.2) at (n, λ), h = λ_g/(λ_g + κ) and D2 = Σ_g μ_g h_g²/n, the
    deterministic equivalent of SMC eqs. (2.9)–(2.11) with C1 = C2 = Σ reads:

    - mean: E[ŵ_k − w*] = c·w*, c = −(1 − h) + p·h·m (the cross terms between the ridge bias
      and δ's mean, which the zero-mean "generic δ" form omits);
    - per-group second moment: Δ'_g = c²W_g + (p h)²D_g + μ_g h_g²/(λ_g n) · N/(1 − D2);
    - effective noise N = σ² + (1 − p)R1 + p·R2 with the label residuals of the real rows,
      R1 = Σ_g λ_g[c²W_g + (p h)²D_g], and of the synthetic rows,
      R2 = Σ_g λ_g[(m − c)²W_g + (1 − p h)²D_g];
    - then m <- c, D <- Δ' − c²W, and E_k = Σ_g λ_g Δ'_g.

    Generation 0 is the same step with p = 0. For least squares (κ = 0, h = 1) the step
    reads E_k = p²E_{k−1} + [d/(T − d)](σ² + p(1 − p)E_{k−1}); there the exact inverse-Wishart
    mean E(XᵀX)⁻¹ = Σ⁻¹/(T − d − 1) replaces its deterministic equivalent Σ⁻¹/(T − d), which
    makes generation 0 and π = 0 (replace, (WF.1)) exact; the label-inconsistency term
    p(1 − p) stays a deterministic equivalent (error O(1/d), measured in the tests). For a
    small ridge the deterministic variance misses that −1 (3% low at d = 30, T = 60,
    λ = 0.02), and at λ = 0+ the law jumps to the exact one: the finite-size offset of the
    deterministic equivalent, which no correction here claims to remove.
    T ≫ d gives E_k = p²E_{k−1} + σ²v(T): :func:`mix_large_T`.
    """
    spec = setting.covariance
    lam, mult, W = spec.eigenvalues, spec.multiplicities, spec.signal
    n, ridge, sigma2 = float(setting.T), setting.ridge, setting.sigma**2
    kappa = float(solve_kappa(n, ridge, spec))
    h = lam / (lam + kappa)
    dof = n - spec.d - 1 if ridge == 0 else n * (1.0 - float(mult @ h**2) / n)
    variance = mult * h**2 / (lam * dof)  # per group: Δ' gained per unit effective noise
    m = np.zeros_like(lam)
    D = np.zeros_like(lam)
    p_synthetic = 1.0 - setting.real_rows / setting.T
    errors = np.empty(setting.generations + 1)
    for k in range(setting.generations + 1):
        p = p_synthetic if k else 0.0
        c = -(1.0 - h) + p * h * m
        kept = c**2 * W + (p * h) ** 2 * D
        r1 = float(lam @ kept)
        r2 = float(lam @ ((m - c) ** 2 * W + (1.0 - p * h) ** 2 * D))
        delta = kept + variance * (sigma2 + (1.0 - p) * r1 + p * r2)
        errors[k] = float(lam @ delta)
        m, D = c, np.maximum(delta - c**2 * W, 0.0)
    return errors


def mix_large_T(setting: WorkflowSetting) -> np.ndarray:
    """The T ≫ d form of the mix recursion: E_k = (1 − π)²E_{k−1} + σ²v(T), E_0 = σ²v(T),
    fixed point σ²v(T)/(1 − (1 − π)²) (WF §3; SMC eq. (5.7) at small φ). Least squares."""
    p = 1.0 - setting.real_rows / setting.T
    e0 = float(setting.sigma**2 * v(setting.T, setting.d))
    errors = np.empty(setting.generations + 1)
    errors[0] = e0
    for k in range(1, setting.generations + 1):
        errors[k] = p**2 * errors[k - 1] + e0
    return errors


def law(setting: WorkflowSetting) -> tuple[np.ndarray, str]:
    """(E_0..E_G, how they were computed), or a ValueError naming what has no theory."""
    s = setting
    ls = s.ridge == 0
    if s.workflow in ("accumulate-subsample", "verify"):
        raise ValueError(f"workflow: {s.workflow} has no theory here (rows reused across "
                         "generations or selected by a verifier); use --simulate")
    if ls and s.T < s.d + 2:
        raise ValueError(f"T: the least-squares laws need T >= d + 2 (got T={s.T}, d={s.d}; "
                         "the error is infinite or min-norm); use --ridge > 0 or --simulate")
    if ls and s.workflow == "replace":
        return replace_law(s.d, s.T, s.generations, s.sigma), f"{EXACT_LS} (WF.1)"
    if ls and s.workflow == "accumulate":
        if s.design == "fixed":
            return accumulate_fixed_law(s.d, s.T, s.generations, s.sigma), f"{EXACT_LS} (WF.2)"
        return accumulate_fresh_law(s.d, s.T, s.generations, s.sigma), f"{EXACT_LS} (WF.3)"
    if s.workflow == "accumulate":
        raise ValueError("ridge: ridge accumulate has no theory here (each labeller depends on "
                         "blocks inside the current Gram matrix); use --ridge 0 or --simulate")
    if s.design == "fixed":
        raise ValueError(f"design: {s.workflow} with a fixed design has theory only for least "
                         "squares replace; use --design fresh or --simulate")
    return mix_profiles(s), ("finite-T deterministic-equivalent recursion (WF §3), "
                             "exact inverse-Wishart variance for least squares")


def predict_workflow(setting: WorkflowSetting) -> dict[str, Any]:
    """``predict`` of the workflow family: the test error of generation G and of every
    generation 0..G (``by_generation``)."""
    errors, method = law(setting)
    return {"test_error": float(errors[-1]), "by_generation": errors.tolist(), "method": method}
