"""Exact real/synthetic splits of a training set (SMC §0 item 6, eq. (1.3)).

A mixture of n rows with synthetic fraction p2 has exactly n_synth = round(p2·n) synthetic
rows and n_real = n − n_synth real ones, for images (rows = labelled inputs) and language
models (rows = token blocks) alike.
"""

from __future__ import annotations

import numpy as np

from ..config import check_number


def mixture_counts(n: int, p2: float) -> tuple[int, int]:
    """Return ``(n_real, n_synth)`` with n_synth = round(p2·n) (SMC §0 item 6)."""
    n = int(check_number("n", n, low=0, integer=True))
    p2 = check_number("p2", p2, low=0.0, high=1.0)
    n_synth = round(p2 * n)
    return n - n_synth, n_synth


def mixture_rows(n: int, p2: float, n_real_pool: int, n_synth_pool: int,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Draw the rows of one mixture without replacement: ``(real_idx, synth_idx)``.

    ``real_idx`` indexes the real pool and ``synth_idx`` the synthetic pool; their lengths
    are exactly :func:`mixture_counts`. They are prefixes of one ``rng`` permutation of each
    pool, so mixtures drawn with equally seeded generators are nested (common random
    numbers): raising p2 swaps the last real rows for synthetic ones and changes nothing
    else, and a difference between two p2 is the synthetic data's doing, not a different
    real sample's. A pool too small for the request raises ``ValueError`` instead of
    silently repeating rows.
    """
    n_real, n_synth = mixture_counts(n, p2)
    for name, need, have in (("real", n_real, n_real_pool), ("synthetic", n_synth, n_synth_pool)):
        if need > have:
            raise ValueError(f"n={n}, p2={p2:g} needs {need} {name} rows but the pool has {have}")
    real = rng.permutation(n_real_pool)[:n_real]
    synth = rng.permutation(n_synth_pool)[:n_synth]
    return real, synth
