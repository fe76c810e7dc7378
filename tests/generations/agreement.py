"""Comparison of a Monte-Carlo mean with a formula, as the generations tests use it."""

from __future__ import annotations

import numpy as np


def assert_within(theory, mean, sem, *, n_se: float = 3.0, rel: float = 0.0) -> None:
    """Every theory value within n_se standard errors of its Monte-Carlo mean.

    ``rel`` > 0 also accepts a relative gap (for deterministic equivalents, whose own
    error is O(1/size) and can exceed a small standard error).
    """
    theory, mean, sem = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (theory, mean, sem)))
    gap = np.abs(theory - mean)
    ok = (gap <= n_se * sem) | (gap <= rel * np.abs(theory))
    assert np.all(ok), (f"theory {np.round(theory, 5)} vs Monte-Carlo {np.round(mean, 5)} "
                        f"± {np.round(sem, 5)} (gaps in SE: {np.round(gap / sem, 2)})")
