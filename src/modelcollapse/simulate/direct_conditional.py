"""The conditional estimator on explicit rows (method ``"direct-conditional"``).

The ``"direct"`` sampler's design, without its targets and noise: per seed the rows X_k of
each group (x ~ N(0, Σ) in Σ's eigenbasis), an explicit S for random projections
(features Z = XSᵀ, q = m of them; Z = X, q = d, for the linear model), and for the OLS
generator its n0 rows X0. It returns the exact expectation of the test error over w1*, δ
and the label noise given these matrices, computed in x-space where nothing is invisible:
labels y_k = X_k w_k + σξ, the fit ŵ = Sᵀv̂ (or v̂), error (ŵ − w1)ᵀΣ(ŵ − w1), so the part
of the target random projections cannot see needs no separate term here (it is the check
on :mod:`.conditional`, which handles it as a residual).

Primal form (accumulated Grams H_k = X_kᵀX_k, H = Σ_k ω_k H_k): with M = SHSᵀ/n + λI
(pseudo-inverse at λ = 0, the minimum-norm fit) and K = SᵀM⁻¹S/n (S = I for the linear
model), ŵ = K Σ_k ω_k(H_k w_k + σX_kᵀξ_k), so the fit's responses (:mod:`.expectation`) are
E = KH − I, B = ω2 K H2 and Q_k = ω_k K on the noise X_kᵀξ_k ~ N(0, σ²H_k) (Γ_k = H_k).
Dual form (fewer rows than features): with the stacked rows Xs = [√ω_k X_k], Zs = XsSᵀ and
T = SᵀZsᵀ(ZsZsᵀ/n + λI)⁻¹/n, ŵ = T ys: E = T Xs − I, B = T_syn Xs_syn and Q_k = √ω_k T_k
on ξ_k itself (Γ = I). Second moments: E[w1w1ᵀ] = diag(r²w_j²), E[δδᵀ] = c²Δ or, for the
OLS generator with Gram G0 = X0ᵀX0, σ²G0⁻¹ (root σL⁻ᵀ, G0 = LLᵀ).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import linalg

from ..config import Setting
from . import direct
from .expectation import DeviationMoments, Response, shifted_inverses


@dataclass(frozen=True)
class RowGroup:
    """One group: its Gram H = XᵀX (primal) or its rows X (dual), and its loss weight."""

    size: int
    weight: float
    gram: np.ndarray | None = None
    rows: np.ndarray | None = None


@dataclass(frozen=True)
class RowDesign:
    """Everything a seed of ``"direct-conditional"`` draws (see the module docstring)."""

    projection: np.ndarray | None
    generator_gram: np.ndarray | None
    real: RowGroup | None
    synthetic: tuple[RowGroup | None, ...]
    dual: bool


def _rows(rng: np.random.Generator, size: int, lam: np.ndarray, weight: float, keep: bool
          ) -> RowGroup:
    """``size`` rows x ~ N(0, diag(lam)): kept, or accumulated into XᵀX chunk by chunk."""
    d = lam.size
    if keep:
        return RowGroup(size, weight, rows=rng.standard_normal((size, d)) * np.sqrt(lam))
    chunk = max(1, direct.CHUNK_ELEMENTS // d)  # the direct sampler's memory bound
    gram = np.zeros((d, d))
    for start in range(0, size, chunk):
        X = rng.standard_normal((min(chunk, size - start), d)) * np.sqrt(lam)
        gram += X.T @ X
    return RowGroup(size, weight, gram=gram)


def draw_row_design(setting: Setting, rng: np.random.Generator) -> RowDesign:
    """The design of one seed: the generator's rows (``n0``), S, the real rows, then fresh
    synthetic rows per iteration."""
    lam = setting.covariance.per_direction()[0]
    g0 = None if setting.n0 is None else _rows(rng, setting.n0, lam, 1.0, False).gram
    S, ((n1, om1), (n2, om2)), dual = direct.draw_projection(setting, rng)
    real = _rows(rng, n1, lam, om1, dual) if n1 and om1 else None
    synthetic = tuple(_rows(rng, n2, lam, om2, dual) if n2 and om2 else None
                      for _ in range(setting.iterations))
    return RowDesign(S, g0, real, synthetic, dual)


def primal_responses(S: np.ndarray | None, real: RowGroup | None, syn: RowGroup | None, n: int,
                     ridges: np.ndarray) -> list[Response]:
    """x-space responses of the primal fit on features Sx (S = None: x itself)."""
    H = sum(g.weight * g.gram for g in (real, syn) if g is not None)
    M = H / n if S is None else (S @ H) @ S.T / n
    out = []
    for Minv in shifted_inverses(M, ridges, pseudo=True):
        K = Minv / n if S is None else S.T @ Minv @ S / n
        E = K @ H
        E.flat[::E.shape[0] + 1] -= 1.0
        out.append(Response(
            E,
            None if syn is None else syn.weight * (K @ syn.gram),
            None if real is None else real.weight * K,
            None if syn is None else syn.weight * K,
            None if syn is None else syn.gram))
    return out


def dual_responses(S: np.ndarray | None, real: RowGroup | None, syn: RowGroup | None, n: int,
                   ridges: np.ndarray) -> list[Response]:
    """x-space responses of the dual fit on features Sx (S = None: x itself); a group is
    anything with ``size``, ``weight`` and ``rows`` (the feature-space designs too)."""
    groups = [g for g in (real, syn) if g is not None]
    Xs = np.vstack([np.sqrt(g.weight) * g.rows for g in groups])
    Zs = Xs if S is None else Xs @ S.T
    n_real = 0 if real is None else real.size
    out = []
    for Kinv in shifted_inverses(Zs @ Zs.T / n, ridges, pseudo=True):
        T = Zs.T @ Kinv / n
        if S is not None:
            T = S.T @ T
        E = T @ Xs
        E.flat[::E.shape[0] + 1] -= 1.0
        Ts = T[:, n_real:]
        out.append(Response(
            E,
            None if syn is None else Ts @ Xs[n_real:],
            None if real is None else np.sqrt(real.weight) * T[:, :n_real],
            None if syn is None else np.sqrt(syn.weight) * Ts,
            None))
    return out


def row_design_errors(setting: Setting, design: RowDesign, ridges: np.ndarray) -> np.ndarray:
    """E[test error | rows] for each ridge: the mean over w1*, δ and the label noise."""
    lam, energy, shift = setting.covariance.per_direction()
    rw = np.sqrt(setting.r2 * energy)
    if design.generator_gram is None:
        rd = np.sqrt(setting.c2 * shift)
    else:  # δ | X0 ~ N(0, σ²G0⁻¹) and G0⁻¹ = L⁻ᵀL⁻¹
        factor = linalg.cholesky(design.generator_gram, lower=True)
        rd = setting.sigma * linalg.solve_triangular(factor, np.eye(setting.d), lower=True,
                                                     trans="T")
    fit = dual_responses if design.dual else primal_responses
    sigma2 = setting.sigma**2
    moments = [DeviationMoments(rw, rd) for _ in ridges]
    for syn in design.synthetic:
        for moment, response in zip(moments, fit(design.projection, design.real, syn,
                                                 setting.n, ridges), strict=True):
            moment.step(response, sigma2)
    real_cov = None if design.dual or design.real is None else design.real.gram
    return np.array([m.error(np.sqrt(lam), real_cov, sigma2, 0.0) for m in moments])


def direct_conditional_errors(setting: Setting, rng: np.random.Generator, ridges: np.ndarray
                              ) -> np.ndarray:
    """E[test error | rows of one seed] for each ridge in ``ridges`` (same rows for all)."""
    return row_design_errors(setting, draw_row_design(setting, rng), ridges)
