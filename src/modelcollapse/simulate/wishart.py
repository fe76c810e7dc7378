"""Sufficient statistics of Gaussian data, drawn without the data (SMC §8.3).

Ridge regression sees a group of n Gaussian rows f_i ~ N(0, CCᵀ) (p features) with labels
y_i = f_iᵀa + s·ξ_i only through the Gram matrix G = FᵀF and the cross term Fᵀy = G a + Fᵀ(sξ).
Both can be drawn directly:

- G ~ Wishart(n, CCᵀ) = C L Lᵀ Cᵀ, with L the Bartlett factor of Wishart(n, I_p):
  lower triangular, L_ii = sqrt(χ²_{n−i}) (i = 0..p−1), L_ij ~ N(0, 1) for i > j
  (Bartlett 1933). C may be any square root of the covariance, not only its Cholesky factor.
- Fᵀξ given F is N(0, G), and (C L)z with z ~ N(0, I_p) has exactly that law, so the
  noise term is s·C L z.

One draw costs O(p³) whatever n is. The Wishart law is singular for n < p, and rows are
then cheaper anyway (n·p² < p³), so :func:`draw_group` samples such groups row by row.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property

import numpy as np


@dataclass(frozen=True)
class GroupDraw:
    """Statistics of one group of ``size`` rows: ``gram`` = FᵀF (p×p), ``noise`` = Fᵀ(sξ) (p,).

    A Bartlett draw stores (gram, noise) in ``statistics``. A group drawn row by row keeps
    the rows F (size×p) and the noise sξ instead, which the dual (kernel) form of ridge
    needs when there are fewer rows than features; its Gram matrix is only formed if the
    primal form asks for it (p×p can be far larger than the rows).
    """

    size: int
    statistics: tuple[np.ndarray, np.ndarray] | None = None
    rows: np.ndarray | None = None
    row_noise: np.ndarray | None = None

    @cached_property
    def gram(self) -> np.ndarray:
        return self.rows.T @ self.rows if self.statistics is None else self.statistics[0]

    @cached_property
    def noise(self) -> np.ndarray:
        return self.rows.T @ self.row_noise if self.statistics is None else self.statistics[1]


def bartlett_factor(rng: np.random.Generator, dof: int, p: int) -> np.ndarray:
    """Lower-triangular L with L Lᵀ ~ Wishart(dof, I_p) (Bartlett decomposition); dof >= p."""
    if dof < p:
        raise ValueError(f"dof must be >= p for a non-singular Wishart, got dof={dof}, p={p}")
    normals = rng.standard_normal((p, p))
    factor = normals * _strictly_lower(p) if p <= _SMALL else np.tril(normals, -1)
    factor.flat[::p + 1] = np.sqrt(rng.chisquare(dof - np.arange(p)))
    return factor


def wishart_root(rng: np.random.Generator, dof: int, p: int) -> np.ndarray:
    """A p×r matrix B with BBᵀ ~ Wishart(dof, I_p) for any dof >= 0: the Bartlett factor
    (r = p) when dof >= p, else the dof standard-normal rows themselves, transposed (r = dof)."""
    if dof < p:
        return rng.standard_normal((dof, p)).T
    return bartlett_factor(rng, dof, p)


# Below this size a cached mask beats np.tril (a few µs a draw, which small chains notice).
_SMALL = 32


@cache
def _strictly_lower(p: int) -> np.ndarray:
    return np.tri(p, p, -1)


def times_factor(factor: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """C @ matrix for a square-root factor C stored as a diagonal (1-d) or a full matrix."""
    return factor[:, None] * matrix if factor.ndim == 1 else factor @ matrix


def draw_group(rng: np.random.Generator, size: int, factor: np.ndarray,
               noise_sd: float) -> GroupDraw:
    """Draw (FᵀF, Fᵀ(sξ)) for ``size`` rows with covariance CCᵀ (C = ``factor``), s = ``noise_sd``.

    Bartlett decomposition when ``size`` >= p (cost O(p³), independent of ``size``);
    row-by-row sampling otherwise (cost O(size·p²)), keeping the rows.
    """
    p = factor.shape[0]
    if size >= p:
        root = times_factor(factor, bartlett_factor(rng, size, p))  # C L
        return GroupDraw(size, (root @ root.T, noise_sd * (root @ rng.standard_normal(p))))
    g = rng.standard_normal((size, p))
    rows = g * factor if factor.ndim == 1 else g @ factor.T
    row_noise = noise_sd * rng.standard_normal(size)
    return GroupDraw(size, rows=rows, row_noise=row_noise)
