"""The conditional estimator from sufficient statistics (method ``"conditional"``).

Per seed it draws the design exactly as the ``"sufficient"`` sampler does (SMC §8.3):
the feature space (S, or its triangular factor, for random projections; SMC §3.2),
the Gram matrix G_k ~ Wishart(n_k, Σ_F) of each group by the Bartlett decomposition (or
the rows F_k of a group smaller than the feature count p), and for the OLS generator the
Bartlett factor L0 of its Gram G0 = Σ^{1/2}L0L0ᵀΣ^{1/2} (SMC §4). It does not draw
w1*, δ or the label noise: it returns the exact expectation of the test error over all
three given the design (Rao-Blackwellisation), so its mean is the sampled estimator's and
its variance is only the design's. No theory enters: only the drawn matrices.

Second moments, in Σ's eigenbasis (x-space) and mapped to the features by P (a = P w is
the best feature-space target, SMC eq. (3.1): P = I for the linear model, R⁻ᵀ for
m >= d, Σ_F⁻¹SΣ for m < d):

- w1* has energy r²w_j² on direction j with a random sign, so E[w1 w1ᵀ] = diag(r²w_j²) and
  E[a1 a1ᵀ] = Ra Raᵀ with Ra = P·diag(r w_j);
- δ ~ N(0, c²Δ): Rδ = P·diag(c Δ_jj^{1/2}); OLS generator: δ = σΣ^{-1/2}L0⁻ᵀz, so
  E[δδᵀ | G0] = σ²G0⁻¹ and Rδ = σ P Σ^{-1/2} L0⁻ᵀ;
- the features miss a residual xᵀw − fᵀa of variance r²(w) = wᵀQw, Q = Σ − ΣFᵀΣ_F⁻¹FΣ,
  independent of f (random projections with m < d; zero otherwise). It is label noise:
  E[r²(w1)] = tr(ΣD1) − ||CᵀRa||² (D1 = E[w1w1ᵀ]), likewise for w2 = w1 + δ, and the
  test error adds E[r²(w1)] (SMC eq. (1.9));
- the noise term Fᵀ(noise) given F is N(0, s²G) with s² = σ² + E[r²] (primal form), or
  the noise vector itself, N(0, s²I), in the dual form.

One fit (iterations = 1) in the primal form, with A = Σ_k ω_k G_k/n and M = A + λI: the
deviation v̂ − a1 = M⁻¹(ω2 G2 δ'/n + Σ_k ω_k u_k/n − λ a1) (SMC eq. (8.1)) gives

    E[error | design] = tr(W Ω) + E[r²(w1)],   W = M⁻¹ Σ_F M⁻¹,
    Ω = λ²·Ra Raᵀ + (ω2/n)²·G2 Rδ Rδᵀ G2 + (ω1/n)² s1²·G1 + (ω2/n)² s2²·G2,

one Cholesky inverse per ridge; for several ridges, with A = U diag(s) Uᵀ and g = 1/(s+λ),
tr(WΩ) = Σ_ij g_i g_j (UᵀΣ_F U)_ij (UᵀΩU)_ij, one eigendecomposition for all of them.
The dual form (fewer rows than features: the rows themselves, Γ = I, the responses of
:func:`.direct_conditional.dual_responses` with the features as x) and iterative mixing
(variant R: the real group's statistics are kept, each iteration draws a fresh synthetic
group labelled by the previous fit, with noise σ alone) go through the recursion of
:mod:`.expectation`, O(p³) per iteration. Random projections with m >= d in the dual form
are fitted in x-space (rows X = F R⁻ᵀ, features Rx), where the target roots stay diagonal.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property, partial

import numpy as np
from scipy import linalg

from ..config import Setting
from .direct_conditional import RowGroup, dual_responses
from .expectation import (
    DeviationMoments,
    Response,
    cholesky_inverse,
    left,
    shifted_inverses,
    times_root,
)
from .linear import FeatureSpace, linear_features
from .mixing import group_weights
from .random_projections import projected_features
from .wishart import bartlett_factor, times_factor


@dataclass(frozen=True)
class GroupDesign:
    """One group's design: a Bartlett root C·L (G = root rootᵀ) or its rows F (size < p)."""

    size: int
    weight: float
    root: np.ndarray | None = None
    rows: np.ndarray | None = None

    @cached_property
    def gram(self) -> np.ndarray:
        return self.root @ self.root.T if self.rows is None else self.rows.T @ self.rows

    @property
    def noise_root(self) -> np.ndarray:
        """B with BBᵀ = G: Fᵀξ given the design is distributed as B z, z standard normal."""
        return self.root if self.rows is None else self.rows.T


@dataclass(frozen=True)
class Design:
    """Everything a seed of the conditional estimator draws.

    ``generator``: the Bartlett factor L0 of the OLS generator's Gram (``n0`` set), else
    None; ``real``: the real group (None when absent or weightless); ``synthetic``: one
    synthetic group per iteration (None when absent).
    """

    space: FeatureSpace
    generator: np.ndarray | None
    real: GroupDesign | None
    synthetic: tuple[GroupDesign | None, ...]

    @property
    def dual(self) -> bool:
        """Fewer rows than features: the fit is the dual (kernel) form, on the rows."""
        first = [g for g in (self.real, self.synthetic[0]) if g is not None]
        return sum(g.size for g in first) < self.space.p


@cache
def _lower_indices(p: int) -> tuple[np.ndarray, np.ndarray]:
    return np.tril_indices(p, -1)


def lower_bartlett(rng: np.random.Generator, dof: int, p: int) -> np.ndarray:
    """A Bartlett factor (law of :func:`.wishart.bartlett_factor`) drawing only the
    p(p − 1)/2 normals below the diagonal."""
    factor = np.zeros((p, p))
    factor[_lower_indices(p)] = rng.standard_normal(p * (p - 1) // 2)
    factor.flat[::p + 1] = np.sqrt(rng.chisquare(dof - np.arange(p)))
    return factor


def draw_group_design(rng: np.random.Generator, size: int, weight: float,
                      factor: np.ndarray) -> GroupDesign:
    """G ~ Wishart(size, CCᵀ) by Bartlett when size >= p, else the rows f ~ N(0, CCᵀ)."""
    p = factor.shape[0]
    if size >= p:
        return GroupDesign(size, weight, root=times_factor(factor, lower_bartlett(rng, size, p)))
    g = rng.standard_normal((size, p))
    return GroupDesign(size, weight, rows=g * factor if factor.ndim == 1 else g @ factor.T)


def draw_design(setting: Setting, rng: np.random.Generator) -> Design:
    """The design of one seed: L0 (``n0``), the feature space, the real group, then one
    synthetic group per iteration."""
    lam = setting.covariance.per_direction()[0]
    generator = None if setting.n0 is None else bartlett_factor(rng, setting.n0, setting.d)
    if setting.model == "random-projections":
        space = projected_features(rng, lam, setting.m)
    else:
        space = linear_features(lam)
    (n1, om1), (n2, om2) = group_weights(setting)
    real = draw_group_design(rng, n1, om1, space.factor) if n1 and om1 else None
    synthetic = tuple(draw_group_design(rng, n2, om2, space.factor) if n2 and om2 else None
                      for _ in range(setting.iterations))
    return Design(space, generator, real, synthetic)


def target_roots(setting: Setting, generator: np.ndarray | None
                 ) -> tuple[np.ndarray, np.ndarray]:
    """x-space roots (Rw, Rδ) of E[w1w1ᵀ] and E[δδᵀ | design] (a vector: a diagonal root).

    E[w1w1ᵀ] = diag(r²w_j²) (random signs); E[δδᵀ] = c²Δ, or σ²G0⁻¹ for the OLS generator,
    whose root is σΣ^{-1/2}L0⁻ᵀ since G0 = Σ^{1/2}L0L0ᵀΣ^{1/2} (see :func:`.mixing.draw_targets`).
    """
    lam, energy, shift = setting.covariance.per_direction()
    rw = np.sqrt(setting.r2 * energy)
    if generator is None:
        return rw, np.sqrt(setting.c2 * shift)
    inv_t = linalg.solve_triangular(generator, np.eye(setting.d), lower=True, trans="T")
    return rw, setting.sigma * inv_t / np.sqrt(lam)[:, None]


def feature_image(space: FeatureSpace, root: np.ndarray) -> np.ndarray:
    """P·root: the best feature-space targets a = Pw of the columns (see :meth:`FeatureSpace.project`)."""
    if space.kind == "identity":
        return root
    if space.kind == "triangular":  # a = R⁻ᵀw
        full = np.diag(root) if root.ndim == 1 else root
        return linalg.solve_triangular(space.transform, full, trans="T")
    lam = space.lam  # a = Σ_F⁻¹ S Σ w
    cross = space.transform * (lam * root)[None, :] if root.ndim == 1 else \
        space.transform @ (lam[:, None] * root)
    return linalg.cho_solve((space.factor, True), cross)


def residual_variance(space: FeatureSpace, root_x: np.ndarray, root_f: np.ndarray) -> float:
    """E[r²(w)] = tr(ΣD) − tr(Σ_F PDPᵀ) for E[wwᵀ] = D = root rootᵀ: what S cannot see."""
    if space.kind != "projection":
        return 0.0
    lam = space.lam
    seen = left(space.factor, root_f)
    total = float(lam @ root_x**2) if root_x.ndim == 1 else float(np.einsum(
        "i,ij,ij->", lam, root_x, root_x))
    return max(total - float(np.einsum("ij,ij->", seen, seen)), 0.0)


def _one_fit(design: Design, n: int, Ra: np.ndarray, Rd: np.ndarray, s1: float, s2: float,
             residual: float, ridges: np.ndarray) -> np.ndarray:
    """E[error | design] = tr(M⁻¹Σ_F M⁻¹ Ω) + E[r1²] for one primal fit (module docstring)."""
    C = design.space.factor
    real, syn = design.real, design.synthetic[0]
    groups = [g for g in (real, syn) if g is not None]
    A = sum(g.weight * g.gram for g in groups) / n
    mix = sum(var * (g.weight / n) ** 2 * g.gram
              for g, var in ((real, s1), (syn, s2)) if g is not None)
    shift = None if syn is None else (syn.weight / n) * times_root(syn.gram, Rd)  # ω2G2Rδ/n
    if ridges.size == 1:
        lam = float(ridges[0])
        Minv = cholesky_inverse(A + lam * np.eye(A.shape[0]))
        MC = Minv * C[None, :] if C.ndim == 1 else Minv @ C
        W = MC @ MC.T
        total = float(np.einsum("ij,ij->", W, mix))
        if shift is not None:
            total += float(np.einsum("ij,ij->", W @ shift, shift))
        if lam:
            total += lam**2 * (float(np.diagonal(W) @ Ra**2) if Ra.ndim == 1 else
                               float(np.einsum("ij,ij->", W @ Ra, Ra)))
        return np.array([total + residual])
    s, U = linalg.eigh(A)
    UC = left(C, U).T  # UᵀC
    metric = UC @ UC.T
    omega = U.T @ mix @ U
    if shift is not None:
        Us = U.T @ shift
        omega += Us @ Us.T
    URa = (U * Ra[None, :]).T if Ra.ndim == 1 else U.T @ Ra
    plain, penalty = metric * omega, metric * (URa @ URa.T)
    out = np.empty(ridges.size)
    for j, lam in enumerate(ridges):
        g = 1.0 / (s + lam)
        out[j] = g @ plain @ g + lam**2 * (g @ penalty @ g) + residual
    return out


def _primal_responses(real: GroupDesign | None, syn: GroupDesign | None, n: int,
                      ridges: np.ndarray) -> list[Response]:
    """Primal fit on Grams: E = −λM⁻¹ (M⁻¹A − I), B = ω2M⁻¹G2/n, Q_k = ω_kM⁻¹/n (Γ_k = G_k)."""
    A = sum(g.weight * g.gram for g in (real, syn) if g is not None) / n
    out = []
    for lam, Minv in zip(ridges, shifted_inverses(A, ridges), strict=True):
        out.append(Response(
            -lam * Minv,
            None if syn is None else (syn.weight / n) * (Minv @ syn.gram),
            None if real is None else (real.weight / n) * Minv,
            None if syn is None else (syn.weight / n) * Minv,
            None if syn is None else syn.gram))
    return out


def _triangular_dual(setting: Setting, design: Design, rw: np.ndarray, rd: np.ndarray,
                     ridges: np.ndarray) -> np.ndarray:
    """m >= d with fewer rows than features, fitted in x-space: the rows X = F R⁻ᵀ (features
    f = Rx, fit ŵ = Rᵀv̂, nothing invisible), so the target roots stay those of x-space
    (diagonal) and a draw costs O(N p²), not the O(p³) of mapping them by R⁻ᵀ."""
    R, lam, sigma2 = design.space.transform, design.space.lam, setting.sigma**2

    def x_rows(g: GroupDesign | None) -> RowGroup | None:
        if g is None:
            return None
        return RowGroup(g.size, g.weight, rows=linalg.solve_triangular(R, g.rows.T).T)

    real = x_rows(design.real)
    moments = [DeviationMoments(rw, rd) for _ in ridges]
    for syn in design.synthetic:
        for moment, response in zip(moments, dual_responses(R, real, x_rows(syn), setting.n,
                                                            ridges), strict=True):
            moment.step(response, sigma2)
    return np.array([m.error(np.sqrt(lam), None, sigma2, 0.0) for m in moments])


def design_errors(setting: Setting, design: Design, ridges: np.ndarray) -> np.ndarray:
    """E[test error | design] for each ridge: the mean over w1*, δ and the label noise."""
    space, n, sigma2 = design.space, setting.n, setting.sigma**2
    rw, rd = target_roots(setting, design.generator)
    if design.dual and space.kind == "triangular":
        return _triangular_dual(setting, design, rw, rd, ridges)
    Ra, Rd = feature_image(space, rw), feature_image(space, rd)
    res_a = residual_variance(space, rw, Ra)
    res_d = residual_variance(space, rd, Rd)
    s1, s2 = sigma2 + res_a, sigma2 + res_a + res_d  # E r²(w1 + δ) = E r²(w1) + E r²(δ)
    if setting.iterations == 1 and not design.dual:
        return _one_fit(design, n, Ra, Rd, s1, s2, res_a, ridges)
    fit = partial(dual_responses, None) if design.dual else _primal_responses
    moments = [DeviationMoments(Ra, Rd) for _ in ridges]
    for t, syn in enumerate(design.synthetic):
        for moment, response in zip(moments, fit(design.real, syn, n, ridges), strict=True):
            moment.step(response, s2 if t == 0 else sigma2)
    real_cov = None if design.dual or design.real is None else design.real.gram
    return np.array([m.error(space.factor, real_cov, s1, res_a) for m in moments])


def conditional_errors(setting: Setting, rng: np.random.Generator, ridges: np.ndarray
                       ) -> np.ndarray:
    """E[test error | design of one seed] for each ridge in ``ridges`` (same design for all)."""
    return design_errors(setting, draw_design(setting, rng), ridges)
