"""The public entry points: fit the collapse-aware law to arrays or a DataFrame."""

from __future__ import annotations

from typing import Any

import numpy as np

from .advice import CollapseFit
from .bootstrap import bootstrap_internal
from .data import as_curves
from .fit import Scale, fit_internal
from .law import PARAMS

# Each replicate is one local refit (milliseconds); beyond this the intervals stop improving.
MAX_BOOTSTRAP = 10_000


def fit_curves(n: object, p2: object, loss: object, *, seed_ids: object = None,
               bootstrap: int = 200, seed: int = 0, level: float = 0.95) -> CollapseFit:
    """Fit L(n, p2) = E + F·p2² + (A + G·p2·(1 − p2))·n^(−α)/(1 − (n_c/n)^α) (``law.py``)
    jointly to every p2 curve, with ``bootstrap`` replicates for the intervals (over seeds
    when ``seed_ids`` is given: the points are then averaged per (n, p2) for the fit).

    >>> import numpy as np
    >>> n = np.tile([1e3, 2e3, 4e3, 8e3], 2); p2 = np.repeat([0.0, 0.2], 4)
    >>> fit = fit_curves(n, p2, 100 / n + p2**2 + 100 * p2 * (1 - p2) / n, bootstrap=0)
    >>> round(fit.params["F"], 3), round(fit.floor(0.2), 4)
    (1.0, 0.04)
    """
    curves = as_curves(n, p2, loss, seed_ids)
    if isinstance(bootstrap, bool) or not isinstance(bootstrap, int | np.integer) \
            or not 0 <= bootstrap <= MAX_BOOTSTRAP:
        raise ValueError(f"bootstrap must be a whole number in [0, {MAX_BOOTSTRAP}], "
                         f"got {bootstrap!r}")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    fitted = curves.averaged() if curves.seed_ids is not None else curves
    scale = Scale(fitted)
    theta = fit_internal(fitted, scale)
    rng = np.random.default_rng(seed)
    replicates = bootstrap_internal(curves, scale, theta, int(bootstrap), rng) \
        if bootstrap else np.empty((0, len(PARAMS)))
    params = dict(zip(PARAMS, (float(v) for v in scale.to_params(theta)[0]), strict=True))
    return CollapseFit(params, scale.to_params(replicates) if len(replicates) else replicates,
                       fitted, level)


def fit_by(by: object, n: object, p2: object, loss: object, *, seed_ids: object = None,
           bootstrap: int = 200, seed: int = 0, level: float = 0.95) -> dict[Any, CollapseFit]:
    """:func:`fit_curves` once per label of ``by`` (a model size m per point, say): one
    law per group, in ascending label order. The theory gives no law shared across model
    sizes that this fitter could pin down from a few curves (SMC eqs. (3.5)-(3.9): below the
    data dimension the floor grows with m, above it m drops out), so each size gets its own
    floor and rate; compare the groups' floors to see which way the size moves them.

    >>> import numpy as np
    >>> n = np.tile([1e3, 2e3, 4e3, 8e3], 4); p2 = np.tile(np.repeat([0.0, 0.2], 4), 2)
    >>> m = np.repeat([64, 256], 8); c2 = np.where(m == 64, 0.5, 1.0)
    >>> fits = fit_by(m, n, p2, 100 / n + c2 * p2**2 + 100 * p2 * (1 - p2) / n, bootstrap=0)
    >>> {size: round(fit.floor(0.2), 4) for size, fit in fits.items()}
    {64: 0.02, 256: 0.04}
    """
    groups = as_curves(n, p2, loss, seed_ids, by).split()
    out = {}
    for label, curves in groups.items():
        try:
            out[label] = fit_curves(curves.n, curves.p2, curves.loss, seed_ids=curves.seed_ids,
                                    bootstrap=bootstrap, seed=seed, level=level)
        except ValueError as err:  # ConvergenceError included: say which group failed
            raise type(err)(f"{label}: {err}") from None
    return out


def fit_frame(df: object, n_col: str = "n", p2_col: str = "p2", loss_col: str = "loss", *,
              seed_col: str | None = None, bootstrap: int = 200, seed: int = 0,
              level: float = 0.95) -> CollapseFit:
    """:func:`fit_curves` on the named columns of a pandas DataFrame."""
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    for col in (n_col, p2_col, loss_col, seed_col):
        if col is not None and col not in df.columns:
            raise ValueError(f"df has no column {col!r} (columns: {', '.join(map(str, df.columns))})")
    seeds = None if seed_col is None else df[seed_col].to_numpy()
    return fit_curves(df[n_col].to_numpy(), df[p2_col].to_numpy(), df[loss_col].to_numpy(),
                      seed_ids=seeds, bootstrap=bootstrap, seed=seed, level=level)
