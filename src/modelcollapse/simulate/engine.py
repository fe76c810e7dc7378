"""Monte-Carlo test error of a :class:`~modelcollapse.config.Setting`, one seed at a time
(spec SMC §8.3).

:func:`simulate_one` is the ``smc`` family's per-seed run, so ``modelcollapse.simulate(setting)``
is the Monte-Carlo twin of ``predict(setting)``: same configuration object, same conventions
(spec SMC §0), same ``test_error`` (the excess risk on the real distribution, computed
exactly from the fitted weights; no test set).

Two exact samplers, which agree in distribution (tests/simulate/test_engine.py):

- ``"sufficient"`` (:mod:`.sufficient`): draws the Gram matrices and cross terms from their
  Wishart laws, so a draw costs O(p³) with p = min(m, d) features, whatever n is;
- ``"direct"`` (:mod:`.direct`): draws the n rows.

``"auto"`` picks the cheaper by a flop estimate (:func:`estimated_cost`).

Seeds: seed index i of base seed s uses ``SeedSequence(s, spawn_key=(i,))``
(:mod:`modelcollapse.seeds`), so a result depends only on (setting, s, i), not on the number
of seeds, workers or their order. The draws of a seed do not depend
on the ridge, so :func:`simulate_ridge_path` evaluates many ridges on the same data (one
eigendecomposition per fit) and agrees with ``simulate_one`` at each ridge.
"""

from __future__ import annotations

import time
from functools import partial
from typing import Any

import numpy as np

from ..config import Setting, check_number
from ..result import Result, mean_sem
from ..seeds import seed_generator
from ..verbs import run_seeds
from .direct import direct_errors
from .mixing import group_weights
from .sufficient import sufficient_errors

METHODS: tuple[str, ...] = ("auto", "direct", "sufficient")
SAMPLERS = {"direct": direct_errors, "sufficient": sufficient_errors}
# A standard normal draw costs about as much as this many flops (numpy's ziggurat vs BLAS).
RNG_FLOPS = 10.0


def estimated_cost(setting: Setting, method: str) -> float:
    """Rough flop count of one draw of ``method`` ("direct" or "sufficient").

    Counts random normals (at RNG_FLOPS each), Gram and kernel products and the final
    solves; only the ratio of the two methods matters.
    """
    d, rp = setting.d, setting.model == "random-projections"
    q = setting.m if rp else d  # features the direct method fits
    p = min(q, d)  # features after the reduction of spec SMC §3.2
    (n1, _), (n2, _) = group_weights(setting)
    groups = [n1] + [n2] * setting.iterations
    rows = sum(groups)
    if method == "direct":
        dual = setting.n < q
        per_row = RNG_FLOPS * d + (d * q if rp else 0) + (0 if dual else q * q / 2)
        fit = setting.n**2 * q / 2 + setting.n**3 if dual else 4 * q**3
        return rows * per_row + fit * setting.iterations
    if rp:
        setup = RNG_FLOPS * q * d + q * q * d + q**3 / 3 if q < d else RNG_FLOPS * d * d / 2
    else:
        setup = 0.0
    dense = 1 if rp else 0  # a dense square root C of the feature covariance
    draw = sum(RNG_FLOPS * p * p / 2 + (1 + dense) * p**3 if k >= p else
               k * p * (RNG_FLOPS + (1 + dense) * p) for k in groups)
    fit = p**3 / 3 if setting.n >= p else setting.n**2 * p / 2 + setting.n**3
    return setup + draw + fit * setting.iterations


def resolve_method(setting: Setting, method: str) -> str:
    """Validate ``method``; "auto" becomes the cheaper of "direct" and "sufficient"."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    if method != "auto":
        return method
    costs = {m: estimated_cost(setting, m) for m in ("sufficient", "direct")}
    return min(costs, key=costs.__getitem__)


def _ridge_array(ridges: Any) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(ridges, dtype=float))
    if arr.ndim != 1 or arr.size == 0 or not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"ridges must be a non-empty list of finite numbers >= 0, got {ridges!r}")
    return arr


def _errors(setting: Setting, seed_index: int, base_seed: int, method: str,
            ridges: np.ndarray) -> np.ndarray:
    return SAMPLERS[method](setting, seed_generator(base_seed, seed_index), ridges)


def simulate_one(setting: Setting, seed_index: int, base_seed: int = 0, method: str = "auto",
                 ridges: Any = None) -> Any:
    """Test error of one seed: a float, or an array over ``ridges`` when given.

    Depends only on (setting, base_seed, seed_index, resolved method): the unit of work
    a parallel sweep distributes. It uses the BLAS threads in force; a worker running
    many seeds should limit BLAS to one thread (``threadpoolctl.threadpool_limits(1)``).

    >>> setting = Setting(d=50, n=10**8, p2=0.1, c2=1.0)
    >>> errors = [simulate_one(setting, i) for i in range(100)]  # floor p2²c² = 0.01
    >>> resolve_method(setting, "auto"), abs(sum(errors) / 100 - 0.01) < 0.001
    ('sufficient', True)
    """
    index = int(check_number("seed_index", seed_index, low=0, integer=True))
    base = int(check_number("seed", base_seed, low=0, integer=True))
    method = resolve_method(setting, method)
    grid = _ridge_array(setting.ridge if ridges is None else ridges)
    errors = _errors(setting, index, base, method, grid)
    return float(errors[0]) if ridges is None else errors


def simulate_ridge_path(setting: Setting, ridges: Any, seeds: int = 20, seed: int = 0,
                        method: str = "auto", progress: bool | None = None, workers: int = 1,
                        blas_threads: int = 1) -> Result:
    """Test error at every ridge in ``ridges`` from the same draws (``setting.ridge`` is ignored).

    Each fit is one eigendecomposition shared by all ridges (sufficient method); seed i
    gives the same values as ``simulate_one(setting.replace(ridge=λ), i, seed)``. The
    result's ``test_error`` and ``sem`` are arrays over the ridges, ``errors`` has shape
    (seeds, ridges) and the part ``ridges`` holds the grid.
    """
    grid = _ridge_array(ridges)
    seeds = int(check_number("seeds", seeds, low=1, integer=True))
    seed = int(check_number("seed", seed, low=0, integer=True))
    method = resolve_method(setting, method)
    start = time.perf_counter()
    errors = np.array(run_seeds(partial(_errors, setting, base_seed=seed, method=method,
                                        ridges=grid), seeds, workers=workers,
                                blas_threads=blas_threads, progress=progress,
                                desc=f"simulate ({method})"))
    mean, sem = mean_sem(errors)
    return Result(mean, "smc", sem, seeds, {"ridges": grid}, errors, seed,
                  method, time.perf_counter() - start)
