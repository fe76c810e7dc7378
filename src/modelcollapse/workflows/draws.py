"""What every simulated chain of WF §1 shares: the target, rows, the ridge fit and the
test error, all in Σ's eigenbasis (Σ diagonal there, so inputs are z·sqrt(λ))."""

from __future__ import annotations

import numpy as np

from .config import WorkflowSetting


def draw_target(setting: WorkflowSetting, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(λ, w*): Σ's eigenvalues per direction and a target with ||w*|| = 1, the spectrum's
    energy profile and random signs (a uniform direction when Σ is isotropic)."""
    lam, energy, _ = setting.covariance.per_direction()
    if setting.covariance.is_isotropic:
        w = rng.standard_normal(setting.d)
        return lam, w / np.linalg.norm(w)
    return lam, rng.choice([-1.0, 1.0], size=setting.d) * np.sqrt(energy)


def draw_rows(rng: np.random.Generator, rows: int, lam: np.ndarray) -> np.ndarray:
    """``rows`` inputs x ~ N(0, diag(λ)), one per row."""
    return rng.standard_normal((rows, lam.size)) * np.sqrt(lam)


def ridge_fit(gram: np.ndarray, xty: np.ndarray, rows: int, ridge: float) -> np.ndarray:
    """argmin (1/N)||Xw − y||² + λ||w||² from XᵀX, Xᵀy and N (WF §1); λ = 0 gives least
    squares, the minimum-norm solution when XᵀX is singular."""
    if ridge > 0:
        return np.linalg.solve(gram / rows + ridge * np.eye(gram.shape[0]), xty / rows)
    try:
        return np.linalg.solve(gram, xty) if rows >= gram.shape[0] else _min_norm(gram, xty)
    except np.linalg.LinAlgError:
        return _min_norm(gram, xty)


def _min_norm(gram: np.ndarray, xty: np.ndarray) -> np.ndarray:
    return np.linalg.lstsq(gram, xty, rcond=None)[0]


def excess_risk(w: np.ndarray, w_star: np.ndarray, lam: np.ndarray) -> float:
    """E_k = (ŵ − w*)ᵀΣ(ŵ − w*) (WF §1), Σ = diag(λ)."""
    diff = w - w_star
    return float(diff @ (lam * diff))
