"""General two-source ridge: Σ1 ≠ Σ2, σ1 ≠ σ2, fixed w1*, w2* (SMC §2.3, eqs. (2.8)–(2.12)).

Matrices may be given in full (d×d) or, when all of them are diagonal in one basis, as
1-d arrays of their diagonals; the second form costs O(d) per iteration instead of O(d³)
and is what weighted mixing uses (``mixing.py``). The label shift is either fixed
(w2* given) or random with mean 0 and covariance Δ (``shift_cov``), in which case the
error is averaged over it.
"""

from __future__ import annotations

from functools import reduce

import numpy as np

from ..config import TwoSourceSetting

_TOL = 1e-13
_MAX_ITER = 100_000


def _inv(x: np.ndarray) -> np.ndarray:
    return 1.0 / x if x.ndim == 1 else np.linalg.inv(x)


def _mm(*xs: np.ndarray) -> np.ndarray:
    if all(x.ndim == 1 for x in xs):
        return reduce(np.multiply, xs)
    return np.linalg.multi_dot([np.diag(x) if x.ndim == 1 else x for x in xs])


def _tr(x: np.ndarray) -> float:
    return float(x.sum() if x.ndim == 1 else np.trace(x))


def _quad(v: np.ndarray, x: np.ndarray) -> float:
    return float(v @ (x * v if x.ndim == 1 else x @ v))


def two_source_error(C1: np.ndarray, C2: np.ndarray, w1: np.ndarray, n: float, p2: float,
                     ridge: float, noise1: float, noise2: float, *,
                     w2: np.ndarray | None = None, shift_cov: np.ndarray | None = None,
                     A: np.ndarray | None = None) -> float:
    """Deterministic-equivalent test error ||ŵ − w1*||²_A, A = Σ1 by default (eq. (2.11)).

    1. (e1, e2) solve R̄ = (λI + Σ_k p_k C_k/(1 + e_k))⁻¹, e_k = tr(C_k R̄)/n (eq. (2.8)),
       by the damped iteration e ← (e + tr(C R̄)/n)/2 of SMC §8.3;
    2. w̄ − w1* = R̄[p2 C2 δ/(1 + e2) − λ w1*] (eq. (2.9));
    3. τ solves τ_k(1 + e_k)² − Σ_j p_j b_kj τ_j = a_k (eq. (2.10));
    4. E = (w̄−w1*)ᵀA(w̄−w1*) + Σ_k p_k τ_k[σ_k² + (w_k* − w̄)ᵀC_k(w_k* − w̄)] (eq. (2.11)).

    With ``shift_cov`` = Δ instead of ``w2``, δ is random (mean 0) and every quadratic form
    in δ is replaced by its mean. σ_k are noise standard deviations. Needs ridge > 0 when
    the pooled covariance is singular or d >= n (the ridgeless limit of (2.8) is singular
    there); raises ValueError otherwise.
    """
    C = [np.asarray(C1, dtype=float), np.asarray(C2, dtype=float)]
    A = C[0] if A is None else np.asarray(A, dtype=float)
    d = C[0].shape[0]
    w1 = np.asarray(w1, dtype=float)
    if (w2 is None) == (shift_cov is None):
        raise ValueError("give exactly one of w2 (fixed shift) and shift_cov (random shift)")
    p = np.array([1.0 - p2, p2])
    if ridge == 0 and d >= n:
        raise ValueError("ridge must be > 0 for the two-source theory when d >= n")
    e = np.zeros(2)
    for _ in range(_MAX_ITER):
        Rbar = _inv(ridge * (np.ones(d) if C[0].ndim == 1 else np.eye(d))
                    + sum(p[k] * C[k] / (1 + e[k]) for k in range(2)))
        e_new = np.array([_tr(_mm(C[k], Rbar)) / n for k in range(2)])
        if np.all(np.abs(e_new - e) <= _TOL * (1 + np.abs(e))):
            e = e_new
            break
        e = 0.5 * (e + e_new)
    else:
        raise RuntimeError("two-source fixed point (2.8) did not converge")
    Rbar = _inv(ridge * (np.ones(d) if C[0].ndim == 1 else np.eye(d))
                + sum(p[k] * C[k] / (1 + e[k]) for k in range(2)))
    a = np.array([_tr(_mm(C[k], Rbar, A, Rbar)) / n for k in range(2)])
    b = np.array([[_tr(_mm(C[k], Rbar, C[j], Rbar)) / n for j in range(2)] for k in range(2)])
    system = np.diag((1 + e) ** 2) - b * p[None, :]
    tau = np.linalg.solve(system, a)
    u0 = -ridge * (Rbar * w1 if Rbar.ndim == 1 else Rbar @ w1)  # w̄ − w1* without the shift
    M = _mm(Rbar, C[1]) * (p2 / (1 + e[1]))  # w̄ − w1* = u0 + M δ
    eye = np.ones(d) if M.ndim == 1 else np.eye(d)
    if w2 is not None:
        delta = np.asarray(w2, dtype=float) - w1
        u = u0 + (M * delta if M.ndim == 1 else M @ delta)
        dist = _quad(u, A)
        resid = [_quad(u, C[0]), _quad(delta - u, C[1])]
    else:
        D = np.asarray(shift_cov, dtype=float)
        Mt = M if M.ndim == 1 else M.T
        dist = _quad(u0, A) + _tr(_mm(Mt, A, M, D))
        resid = [_quad(u0, C[0]) + _tr(_mm(Mt, C[0], M, D)),
                 _quad(u0, C[1]) + _tr(_mm(eye - Mt, C[1], eye - M, D))]
    noise = [noise1**2, noise2**2]
    return float(dist + sum(p[k] * tau[k] * (noise[k] + resid[k]) for k in range(2)))


def predict_two_source(setting: TwoSourceSetting) -> float:
    """Test error on P1 of ridge trained on the two-source mixture ``setting`` (eq. (2.11))."""
    return two_source_error(setting.sigma1_cov, setting.sigma2_cov, setting.w1, setting.n,
                            setting.p2, setting.ridge, setting.noise1, setting.noise2,
                            w2=setting.w2)


def two_source_floor(C1: np.ndarray, C2: np.ndarray, delta: np.ndarray, p2: float,
                     A: np.ndarray | None = None) -> float:
    """n -> infinity, λ -> 0 limit p2²δᵀC2(p1C1 + p2C2)⁻¹A(p1C1 + p2C2)⁻¹C2δ (eq. (2.12))."""
    C1, C2 = np.asarray(C1, dtype=float), np.asarray(C2, dtype=float)
    A = C1 if A is None else np.asarray(A, dtype=float)
    pooled = (1 - p2) * C1 + p2 * C2
    v = np.linalg.solve(pooled, C2 @ np.asarray(delta, dtype=float))
    return float(p2**2 * v @ A @ v)
