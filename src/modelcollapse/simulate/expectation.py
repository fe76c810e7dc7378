"""Algebra shared by the conditional (Rao-Blackwellised) estimators (SMC §8.3).

Given the design (the Gram matrices or rows of every group, and S), a ridge fit is linear
in the labels, hence in the targets and the label noise. The deviation of the final fit
from the real target a1 is therefore a sum of linear images of independent, zero-mean
random vectors:

    e = X·a1 + Y·δ' + Z·u1 + Σ_t (fresh synthetic noise of iteration t)

where a1 is the real target, δ' the shift (a2 − a1, both in the space the fit works in),
u1 the real group's label noise (kept across iterations of variant R), each with a known
second moment given the design:

- E[a1 a1ᵀ] = Ra Raᵀ: w1* has random signs per eigen-direction, so E[w1 w1ᵀ] = diag(r²·w_j²)
  exactly, and its image under the linear map to the fit's space;
- E[δ'δ'ᵀ] = Rδ Rδᵀ: the image of c²Δ, or of σ²G0⁻¹ for the OLS generator (given its Gram G0);
- E[u uᵀ | design] = s²·Γ: Fᵀξ given F is N(0, s²FᵀF), so Γ = G (primal form, u = Fᵀξ)
  or Γ = I (dual form, u = ξ itself); s² is the noise variance averaged over the targets.

Cross moments vanish (w1's signs, δ and the noise are independent and centred; the noise
is centred given the targets even when its variance depends on them, as the residual of
random projections does). The expected test error ||e||²_M (M = CCᵀ the test metric) is
then a sum of traces, each exact given the design:

    E[||e||²_M] = ||CᵀX Ra||² + ||CᵀY Rδ||² + s1²·tr(CᵀZ Γ1 ZᵀC) + tr(CᵀVC),

with V the covariance of the fresh synthetic noise. :class:`DeviationMoments` carries X Ra,
Y Rδ, Z and V through the iterations of variant R: iteration t maps the previous deviation
e_{t−1} (the synthetic target's offset) to

    e_t = E_t a1 + B_t e_{t−1} + Q1_t u1 + Q2_t u2_t,

E_t = (Σ_k B_k) − I the fit's response to a1 in every group, B_t its response to the
synthetic target, Q1_t, Q2_t its responses to the real and synthetic noise
(:class:`Response`). So X Ra ← E Ra + B·X Ra, Y Rδ ← B·Y Rδ (from Y0 = I: the first
synthetic target is a1 + δ'), Z ← Q1 + B·Z and V ← B V Bᵀ + s2²·Q2 Γ2 Q2ᵀ: O(p³) a step.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from scipy import linalg
from scipy.linalg import lapack


def left(C: np.ndarray, X: np.ndarray) -> np.ndarray:
    """CᵀX for a root C stored as a diagonal (1-d) or a full matrix."""
    return C[:, None] * X if C.ndim == 1 else C.T @ X


def times_root(X: np.ndarray, R: np.ndarray) -> np.ndarray:
    """X R for a root R stored as a diagonal (1-d) or a full matrix."""
    return X * R[None, :] if R.ndim == 1 else X @ R


def sq_norm(C: np.ndarray, X: np.ndarray) -> float:
    """||CᵀX||²_F = tr(Xᵀ CCᵀ X)."""
    root = left(C, X)
    return float(np.einsum("ij,ij->", root, root))


def quad_trace(C: np.ndarray, Q: np.ndarray, gamma: np.ndarray | None) -> float:
    """tr(CᵀQ Γ QᵀC): the M-norm of Q u averaged over u ~ N(0, Γ) (Γ = I when None)."""
    CQ = left(C, Q)
    if gamma is None:
        return float(np.einsum("ij,ij->", CQ, CQ))
    return float(np.einsum("ij,ij->", CQ @ gamma, CQ))


def cholesky_inverse(matrix: np.ndarray) -> np.ndarray:
    """The inverse of a positive-definite matrix from its Cholesky factor (LAPACK potri)."""
    factor, info = lapack.dpotrf(matrix, lower=1, clean=0)
    if info != 0:
        raise np.linalg.LinAlgError(f"matrix is not positive definite (potrf info {info})")
    inverse, info = lapack.dpotri(factor, lower=1)
    if info != 0:
        raise np.linalg.LinAlgError(f"matrix is singular (potri info {info})")
    lower = np.tril(inverse)
    return lower + np.tril(lower, -1).T


def shifted_inverses(matrix: np.ndarray, ridges: np.ndarray, *, pseudo: bool = False
                     ) -> Iterator[np.ndarray]:
    """(matrix + λI)⁻¹ for each λ of ``ridges`` (matrix symmetric PSD).

    One ridge: a Cholesky inverse. Several, or ``pseudo`` at λ = 0: one eigendecomposition
    shared by all; with ``pseudo`` the eigenvalues below the rounding floor (ε·size·max, as
    ``numpy.linalg.lstsq``) are dropped, giving the pseudo-inverse a minimum-norm fit uses.
    """
    size = matrix.shape[0]
    if ridges.size == 1 and not (pseudo and ridges[0] == 0):
        yield cholesky_inverse(matrix + ridges[0] * np.eye(size))
        return
    s, U = linalg.eigh(matrix)
    floor = np.finfo(float).eps * size * max(float(s[-1]), 0.0)
    for lam in ridges:
        shifted = s + lam
        keep = shifted > (floor if pseudo else 0.0)
        g = np.where(keep, 1.0 / np.where(keep, shifted, 1.0), 0.0)
        yield (U * g) @ U.T


@dataclass(frozen=True)
class Response:
    """How one ridge fit responds to its inputs, given the design (see the module docstring).

    ``shrink`` = E = (Σ_k B_k) − I, ``synthetic`` = B (None without a synthetic group),
    ``real_noise`` = Q1 and ``synthetic_noise`` = Q2 (None when the group is absent);
    ``synthetic_cov`` = Γ2, the synthetic noise basis's covariance per unit variance
    (None: identity).
    """

    shrink: np.ndarray
    synthetic: np.ndarray | None
    real_noise: np.ndarray | None
    synthetic_noise: np.ndarray | None
    synthetic_cov: np.ndarray | None


class DeviationMoments:
    """The second moments of the fit's deviation e_t, carried through the iterations.

    ``target_root`` Ra and ``shift_root`` Rδ are roots of E[a1a1ᵀ] and E[δ'δ'ᵀ] (a vector
    for a diagonal root). State: X Ra, Y Rδ, Z (the coefficient of the kept real noise)
    and V (fresh synthetic noise; its newest term stays factored as Q2 Γ2 Q2ᵀ until a
    later iteration needs it, so a single fit forms no covariance). None stands for 0.
    """

    def __init__(self, target_root: np.ndarray, shift_root: np.ndarray) -> None:
        self.target_root = target_root
        self.xr: np.ndarray | None = None  # X Ra, X0 = 0
        self.yr: np.ndarray | None = shift_root  # Y Rδ, Y0 = I
        self.z: np.ndarray | None = None  # Z0 = 0
        self.v: np.ndarray | None = None  # V0 = 0
        self.pending: tuple[np.ndarray, np.ndarray | None, float] | None = None

    def step(self, r: Response, synthetic_var: float) -> None:
        """One fit: e ← E a1 + B e + Q1 u1 + Q2 u2, with u2 ~ N(0, ``synthetic_var``·Γ2)."""
        B = r.synthetic
        xr = times_root(r.shrink, self.target_root)
        if B is None:  # no synthetic group: the previous fit is not used
            self.xr, self.yr, self.z, self.v, self.pending = xr, None, r.real_noise, None, None
            return
        self.xr = xr if self.xr is None else xr + B @ self.xr
        self.yr = None if self.yr is None else times_root(B, self.yr)
        if self.z is not None:
            self.z = B @ self.z if r.real_noise is None else r.real_noise + B @ self.z
        else:
            self.z = r.real_noise
        if self.pending is not None:
            Q, gamma, var = self.pending
            cov = var * (Q @ Q.T if gamma is None else Q @ gamma @ Q.T)
            self.v = cov if self.v is None else self.v + cov
        if self.v is not None:
            self.v = B @ self.v @ B.T
        self.pending = (r.synthetic_noise, r.synthetic_cov, synthetic_var)

    def error(self, metric: np.ndarray, real_cov: np.ndarray | None, real_var: float,
              residual: float) -> float:
        """E||e||²_M + ``residual`` with M = CCᵀ (``metric`` = C) and u1 ~ N(0, s1²Γ1)."""
        total = residual
        if self.xr is not None:
            total += sq_norm(metric, self.xr)
        if self.yr is not None:
            total += sq_norm(metric, self.yr)
        if self.z is not None:
            total += real_var * quad_trace(metric, self.z, real_cov)
        if self.v is not None:
            total += metric_trace(metric, self.v)
        if self.pending is not None:
            Q, gamma, var = self.pending
            total += var * quad_trace(metric, Q, gamma)
        return total


def metric_trace(C: np.ndarray, V: np.ndarray) -> float:
    """tr(CᵀVC)."""
    if C.ndim == 1:
        return float(np.diagonal(V) @ (C * C))
    return float(np.einsum("ij,ji->", C.T @ V, C))
