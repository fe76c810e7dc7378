"""Ridge regression on Gaussian features, solved from sufficient statistics (SMC §0, §8.2).

Both models reduce to ridge on p Gaussian features f ~ N(0, Σ_F) (SMC §3.2): f = x in
Σ's eigenbasis for the linear model, f = Sx (or an equivalent) for random projections. A
:class:`FeatureSpace` holds a square root C of Σ_F and maps an x-space target w to the best
feature-space target a and the residual variance r² that the features cannot see; the test
error of a fit v̂ is then ||v̂ − a1||²_{Σ_F} + r1² (SMC eq. (1.9)).

:func:`ridge_deviation` returns v̂ − a1 for several ridges at once, in the residual form of
SMC eq. (8.1): with A = Σ_k ω_k G_k/n and the label residual
r = Σ_k ω_k (G_k (a_k − a1) + F_kᵀ noise_k)/n,

    v̂ − a1 = (A + λI)⁻¹ (r − λ a1),

which stays accurate when the error is tiny (n = 10⁸). With fewer rows than features it
uses the dual form v̂ = Fᵀ(FFᵀ/n + λI)⁻¹y/n; λ = 0 is then the minimum-norm interpolator.
One ridge: a Cholesky solve; several: one eigendecomposition shared by all of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import linalg

from .wishart import GroupDraw


@dataclass(frozen=True)
class FeatureSpace:
    """Features f = F x with covariance Σ_F = C Cᵀ, for x ~ N(0, diag(lam)).

    ``kind``: "identity" (F = I, the linear model), "projection" (F = S with m < d rows;
    C is the Cholesky factor of SΣSᵀ) or "triangular" (F upper triangular and invertible,
    C = F Σ^{1/2}). ``factor`` is C, stored as a vector when it is diagonal.
    """

    kind: str
    lam: np.ndarray
    factor: np.ndarray
    transform: np.ndarray | None = None

    @property
    def p(self) -> int:
        return self.factor.shape[0]

    def project(self, w: np.ndarray) -> tuple[np.ndarray, float]:
        """Best feature-space target a and residual r² = E[(xᵀw − fᵀa)²] (SMC eq. (3.1)).

        a = Σ_F⁻¹ F Σ w; the residual is independent of f (Gaussian), so in feature space it
        acts as extra label noise of variance r².
        """
        if self.kind == "identity":
            return w, 0.0
        if self.kind == "triangular":  # F invertible: a = F⁻ᵀw, nothing is invisible
            return linalg.solve_triangular(self.transform, w, trans="T"), 0.0
        cross = self.transform @ (self.lam * w)  # F Σ w
        a = linalg.cho_solve((self.factor, True), cross)
        return a, max(float(w @ (self.lam * w) - a @ cross), 0.0)

    def sq_norm(self, v: np.ndarray) -> np.ndarray:
        """||v||²_{Σ_F} = ||Cᵀv||² for each column of v (p×R)."""
        root = self.factor[:, None] * v if self.factor.ndim == 1 else self.factor.T @ v
        return np.einsum("ij,ij->j", root, root)


def linear_features(lam: np.ndarray) -> FeatureSpace:
    """The linear model: features are x itself in Σ's eigenbasis, C = Σ^{1/2} diagonal."""
    return FeatureSpace("identity", lam, np.sqrt(lam))


def _solve_psd(matrix: np.ndarray, rhs: np.ndarray, ridges: np.ndarray) -> np.ndarray:
    """Column j of the result solves (matrix + ridges[j]·I) x = rhs[:, j]; matrix is PSD."""
    if ridges.size == 1:
        shifted = matrix + ridges[0] * np.eye(matrix.shape[0])
        return linalg.cho_solve(linalg.cho_factor(shifted, lower=True), rhs)
    s, U = linalg.eigh(matrix)
    return U @ ((U.T @ rhs) / (s[:, None] + ridges[None, :]))


def ridge_deviation(space: FeatureSpace, groups: Sequence[tuple[GroupDraw, float, np.ndarray]],
                    n: int, target: np.ndarray, ridges: np.ndarray) -> np.ndarray:
    """v̂(λ) − a1 for each λ in ``ridges``: a (p, len(ridges)) array.

    ``groups`` holds (draw, weight ω_k, offset a_k − a1) per group of rows; an offset is a
    vector or one column per ridge (iterative mixing). The loss is
    (1/n) Σ_k ω_k ||F_k v − y_k||² + λ||v||² (SMC eq. (1.6); eq. (5.1) when weighted).
    A ridge of 0 needs as many rows as features in the primal form; with fewer rows the
    dual form gives the minimum-norm interpolator.
    """
    p, nr = space.p, ridges.size
    offsets = [np.broadcast_to(off.reshape(p, -1), (p, nr)) for _, _, off in groups]
    rows = sum(draw.size for draw, _, _ in groups)
    if rows < p:  # dual form: every group was drawn row by row (sizes < p)
        Z = np.vstack([np.sqrt(w) * g.rows for g, w, _ in groups])
        y = np.vstack([np.sqrt(w) * (g.rows @ (target[:, None] + off) + g.row_noise[:, None])
                       for (g, w, _), off in zip(groups, offsets, strict=True)])
        coef = _solve_psd(Z @ Z.T / n, y / n, ridges)
        return Z.T @ coef - target[:, None]
    A = sum(w * g.gram for g, w, _ in groups) / n
    r = sum(w * (g.gram @ off + g.noise[:, None])
            for (g, w, _), off in zip(groups, offsets, strict=True)) / n
    return _solve_psd(A, r - target[:, None] * ridges[None, :], ridges)
