"""Real and synthetic groups: targets, weights and the OLS generator (SMC §0, §4, §5).

- Targets: w1* has energy r²·w_j² on eigen-direction j with random signs; the label shift
  δ ~ N(0, c²Δ) is drawn fresh per seed, Δ from the spectrum's shift profile, so
  tr(ΣΔ) = 1 and E[δᵀΣδ] = c² (SMC eq. (1.5)).
- OLS generator (SMC §4): with ``n0`` set, w2* = ŵ0 is the least-squares fit on n0
  fresh real samples, δ = (X0ᵀX0)⁻¹X0ᵀε0. By the Bartlett decomposition X0ᵀX0 = Σ^{1/2}LLᵀΣ^{1/2}
  and X0ᵀε0 = σΣ^{1/2}Lz, so δ = σΣ^{-1/2}L⁻ᵀz: an O(d²) draw once L is sampled.
- Weights: the weighted loss (5.1), (1 − α)/n1·Σ_{D1} + α/n2·Σ_{D2}, is the loss
  (1/n)Σ ω_i(·)² with ω = (1 − α)n/n1 on real rows and αn/n2 on synthetic rows.
- Iterative mixing, variant R (SMC §5.2), is run by the samplers: the real group is
  kept, and each iteration draws n2 fresh synthetic rows labelled by the previous fit.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg

from ..config import Setting
from .wishart import bartlett_factor


def group_weights(setting: Setting) -> tuple[tuple[int, float], tuple[int, float]]:
    """((n1, ω1), (n2, ω2)): rows and loss weights of the real and synthetic groups.

    n2 = round(p2·n) (SMC §0 item 6); ω = 1 without ``alpha``, else eq. (5.1).
    """
    n2 = setting.n_synthetic
    n1 = setting.n - n2
    if setting.alpha is None:
        weights = (1.0, 1.0)
    else:
        a = setting.alpha
        weights = ((1 - a) * setting.n / n1 if n1 else 0.0, a * setting.n / n2 if n2 else 0.0)
    if not (n1 and weights[0]) and not (n2 and weights[1]):
        raise ValueError(f"alpha={setting.alpha} puts all the weight on an empty group "
                         f"(n1={n1}, n2={n2})")
    return (n1, weights[0]), (n2, weights[1])


def draw_targets(setting: Setting, rng: np.random.Generator, *, sufficient: bool
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(λ, w1*, w2*) in Σ's eigenbasis for one seed.

    w2* = w1* + δ, or the OLS generator fitted on ``n0`` samples; ``sufficient`` draws that
    fit from its Bartlett form, otherwise from n0 explicit rows.
    """
    lam, w_energy, shift_var = setting.covariance.per_direction()
    d = setting.d
    w1 = rng.choice([-1.0, 1.0], size=d) * np.sqrt(setting.r2 * w_energy)
    if setting.n0 is None:
        return lam, w1, w1 + rng.standard_normal(d) * np.sqrt(setting.c2 * shift_var)
    if sufficient:
        L = bartlett_factor(rng, setting.n0, d)
        z = rng.standard_normal(d)
        delta = setting.sigma * linalg.solve_triangular(L, z, lower=True, trans="T") / np.sqrt(lam)
        return lam, w1, w1 + delta
    X0 = rng.standard_normal((setting.n0, d)) * np.sqrt(lam)
    y0 = X0 @ w1 + setting.sigma * rng.standard_normal(setting.n0)
    return lam, w1, np.linalg.lstsq(X0, y0, rcond=None)[0]
