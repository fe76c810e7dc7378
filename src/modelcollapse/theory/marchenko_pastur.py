"""Quantiles of the Marchenko–Pastur law: the limiting eigenvalue distribution of XᵀX/n for
n Gaussian rows in d < n isotropic dimensions (ratio γ = d/n)."""

from __future__ import annotations

import numpy as np

# Points of the cumulative distribution tabulated before it is inverted.
_GRID = 20_001


def marchenko_pastur_quantiles(gamma: float, count: int) -> np.ndarray:
    """The ``count`` midpoint quantiles (i + 1/2)/count of the Marchenko–Pastur law of ratio
    γ < 1, density sqrt((b − x)(x − a))/(2πγx) on [a, b] = [(1 − √γ)², (1 + √γ)²]; mean 1.

    Tabulated in θ with x = (a + b)/2 − (b − a)/2·cos θ, where the density times dx/dθ is
    smooth (no square-root edges), then inverted by interpolation.
    """
    if not 0 < gamma < 1:
        raise ValueError(f"gamma must be in (0, 1) for a law without an atom at 0, got {gamma!r}")
    a, b = (1 - np.sqrt(gamma)) ** 2, (1 + np.sqrt(gamma)) ** 2
    theta = np.linspace(0.0, np.pi, _GRID)
    x = (a + b) / 2 - (b - a) / 2 * np.cos(theta)
    mass = np.sqrt(np.maximum((b - x) * (x - a), 0.0)) / (2 * np.pi * gamma * x) \
        * (b - a) / 2 * np.sin(theta)
    cdf = np.concatenate([[0.0], np.cumsum((mass[1:] + mass[:-1]) / 2 * np.diff(theta))])
    return np.interp((np.arange(count) + 0.5) / count, cdf / cdf[-1], x)
