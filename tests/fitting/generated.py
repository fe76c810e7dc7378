"""Loss curves whose truth is known: the toolkit's deterministic equivalents
(``modelcollapse.predict``, SMC eq. (2.4)-(2.5), (2.13)-(2.16)) with multiplicative noise."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from modelcollapse import Setting, predict

D = 100
SHARES = (0.0, 0.02, 0.05, 0.1, 0.2)
# Fit on n from 5d to N = 80d; extrapolate to 16N.
N_GRID = tuple(np.geomspace(5 * D, 80 * D, 8).round())
HORIZON = 16.0


@dataclass(frozen=True)
class Case:
    """One generated family of curves: a spectrum and ridge, c², σ and the noise level."""

    spectrum: str = "isotropic"
    ridge: float = 0.0
    c2: float = 1.0
    sigma: float = 1.0
    noise: float = 0.02

    @property
    def setting(self) -> Setting:
        return Setting(d=D, n=D * 10, c2=self.c2, sigma=self.sigma, ridge=self.ridge,
                       spectrum=self.spectrum)

    def truth(self, n: object, p2: object) -> np.ndarray:
        """The deterministic-equivalent test error at (n, p2)."""
        return np.asarray(predict(self.setting, n=n, p2=p2).test_error, dtype=float)

    def curves(self, rng: np.random.Generator, shares: tuple[float, ...] = SHARES,
               n_grid: tuple[float, ...] = N_GRID) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(n, p2, loss): the truth on the grid times exp(noise·N(0, 1)) per point."""
        n, p2 = (a.ravel() for a in np.meshgrid(n_grid, shares, indexing="ij"))
        loss = self.truth(n, p2) * np.exp(self.noise * rng.standard_normal(n.size))
        return n, p2, loss

    def max_safe_p2(self, target_n: float, tolerance: float) -> float:
        """The true largest p2 whose error at target_n is within (1 + tolerance) of clean
        (the excess is increasing in p2 away from the interpolation threshold)."""
        clean = float(self.truth(target_n, 0.0))

        def slack(p2: float) -> float:
            return float(self.truth(target_n, p2)) - (1 + tolerance) * clean

        return 1.0 if slack(1.0) <= 0 else brentq(slack, 0.0, 1.0, xtol=1e-10)


CASES: tuple[Case, ...] = tuple(
    Case(spectrum, ridge, c2, sigma, noise)
    for spectrum, ridge in (("isotropic", 0.0), ("isotropic", 0.01), ("power:1.5", 1e-3))
    for c2 in (0.5, 1.0, 2.0)
    for sigma in (0.5, 1.0, 2.0)
    for noise in (0.01, 0.03))
