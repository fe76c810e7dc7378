"""One simulated chain of the regression workflows (WF §1), by sufficient statistics.

Ridge sees a block of rows only through XᵀX and Xᵀy = XᵀX·w + σXᵀε, where w labels the
block. Both are drawn without the rows: XᵀX = (CL)(CL)ᵀ with L a Bartlett factor
(C = Σ^{1/2}), and given XᵀX, Xᵀε ~ N(0, XᵀX) is (CL)z. A block of T < d rows keeps its
rows as the root instead (XᵀX = XᵀX, Xᵀε = Xᵀε). So one generation costs O(d³) whether T is
10³ or 10⁹; a fixed design keeps its root and draws only fresh noise.

``accumulate-subsample`` and ``verify`` need the rows themselves (:mod:`.rows`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..seeds import seed_generator
from ..simulate.wishart import wishart_root
from .config import WorkflowSetting
from .draws import draw_target, excess_risk, ridge_fit
from .rows import subsample_chain, verify_chain


def block_root(rng: np.random.Generator, rows: int, lam: np.ndarray) -> np.ndarray:
    """A d×r root F with FFᵀ distributed as XᵀX for ``rows`` rows x ~ N(0, diag(λ)):
    Σ^{1/2}L (Bartlett, r = d) for rows >= d, else the rows themselves transposed (r = rows)."""
    return np.sqrt(lam)[:, None] * wishart_root(rng, rows, lam.size)


class Block:
    """The statistics of one block of rows: XᵀX and a fresh Xᵀε for each labelling."""

    def __init__(self, root: np.ndarray) -> None:
        self.root = root
        self.gram = root @ root.T

    def xty(self, rng: np.random.Generator, labeller: np.ndarray, sigma: float) -> np.ndarray:
        """Xᵀy for labels y = X·labeller + σε with fresh noise ε."""
        return self.gram @ labeller + sigma * (self.root @ rng.standard_normal(self.root.shape[1]))


def sufficient_chain(setting: WorkflowSetting, rng: np.random.Generator) -> dict[str, Any]:
    """E_0..E_G of one chain of replace, accumulate or mix (fresh or fixed design)."""
    s = setting
    lam, w_star = draw_target(s, rng)
    fixed = s.design == "fixed"
    n_real = s.real_rows
    sizes = (n_real, s.T - n_real)

    def blocks() -> list[Block]:  # (real part, synthetic part) of a generation's rows
        return [Block(block_root(rng, size, lam)) for size in sizes]

    design = blocks() if fixed else None
    whole = _whole(design) if fixed else None  # the fixed design's rows as one block, once
    first = whole if fixed else Block(block_root(rng, s.T, lam))
    gram, xty, rows = first.gram, first.xty(rng, w_star, s.sigma), s.T
    w = ridge_fit(gram, xty, rows, s.ridge)
    errors = [excess_risk(w, w_star, lam)]
    for _ in range(s.generations):
        if s.workflow == "accumulate":
            block = whole if fixed else Block(block_root(rng, s.T, lam))
            gram, xty, rows = gram + block.gram, xty + block.xty(rng, w, s.sigma), rows + s.T
        else:  # replace is mix with no real rows
            real, synthetic = design if fixed else blocks()
            gram = real.gram + synthetic.gram
            xty = real.xty(rng, w_star, s.sigma) + synthetic.xty(rng, w, s.sigma)
        w = ridge_fit(gram, xty, rows, s.ridge)
        errors.append(excess_risk(w, w_star, lam))
    return {"by_generation": np.array(errors)}


def _whole(parts: list[Block]) -> Block:
    """The two parts of a fixed design as one block (generation 0 labels them all by w*)."""
    return Block(np.concatenate([p.root for p in parts if p.root.shape[1]], axis=1))


def workflow_one(setting: WorkflowSetting, seed_index: int, base_seed: int = 0) -> dict[str, Any]:
    """One chain of ``setting`` (seed index ``seed_index`` of ``base_seed``): the test error of
    generation G, of every generation (``by_generation``), and for ``verify`` the acceptance
    rate and candidates drawn per kept row of every generation."""
    rng = seed_generator(base_seed, seed_index)
    if setting.workflow == "accumulate-subsample":
        out = subsample_chain(setting, rng)
    elif setting.workflow == "verify":
        out = verify_chain(setting, rng)
    else:
        out = sufficient_chain(setting, rng)
    errors = np.asarray(out["by_generation"], dtype=float)
    return {"test_error": float(errors[-1]), **{k: np.asarray(v).tolist() for k, v in out.items()}}
