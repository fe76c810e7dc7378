"""Monte-Carlo test error of a :class:`~modelcollapse.config.Setting`, one seed at a time
(SMC §8.3).

:func:`simulate_one` is the ``smc`` family's per-seed run, so ``modelcollapse.simulate(setting)``
is the Monte-Carlo twin of ``predict(setting)``: same configuration object, same conventions
(SMC §0), same ``test_error`` (the excess risk on the real distribution, computed
exactly from the fitted weights; no test set).

Two estimators, each on two designs:

- sampled: one draw of everything (design, w1*, δ, label noise) and the error of that fit.
  ``"sufficient"`` (:mod:`.sufficient`) draws the Gram matrices and cross terms from their
  Wishart laws, so a draw costs O(p³) with p = min(m, d) features, whatever n is;
  ``"direct"`` (:mod:`.direct`) draws the n rows. They agree in distribution
  (tests/simulate/test_sufficient.py); their values are fixed for good (a stored result's
  key names the method).
- conditional (Rao-Blackwellised): one draw of the design only, and the exact expectation
  of the error over w1*, δ and the noise given it (a trace; :mod:`.expectation`). Same mean,
  a variance 10 to 10⁴ times smaller for two to three times the time per draw (measured in
  benchmarks/bench_estimators.py). ``"conditional"`` (:mod:`.conditional`) on sufficient
  statistics, ``"direct-conditional"`` (:mod:`.direct_conditional`) on rows.

``"auto"`` picks the cheaper sampled method by a flop estimate (:func:`estimated_cost`), as
it always has, so results stored under "auto" keep their meaning; :func:`choose_method` maps
(estimator, sampler) to a method name, as the CLI's ``--estimator``/``--method`` do (the
command line's default estimator is the conditional one).

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
from .conditional import conditional_errors
from .direct import direct_errors
from .direct_conditional import direct_conditional_errors
from .methods import ESTIMATORS, METHODS, SAMPLER_CHOICES
from .mixing import group_weights
from .sufficient import sufficient_errors

SAMPLERS = {"direct": direct_errors, "sufficient": sufficient_errors,
            "conditional": conditional_errors, "direct-conditional": direct_conditional_errors}
_NAMES = {("conditional", "direct"): "direct-conditional", ("conditional", "sufficient"): "conditional",
          ("sampled", "direct"): "direct", ("sampled", "sufficient"): "sufficient"}
# A standard normal draw costs about as much as this many flops (numpy's ziggurat vs BLAS).
RNG_FLOPS = 10.0


def estimated_cost(setting: Setting, method: str) -> float:
    """Rough flop count of one draw of ``method`` (any of :data:`METHODS` but "auto").

    Counts random normals (at RNG_FLOPS each), Gram and kernel products and the final
    solves; only the ratios between methods matter.
    """
    d, rp = setting.d, setting.model == "random-projections"
    q = setting.m if rp else d  # features the direct method fits
    p = min(q, d)  # features after the reduction of SMC §3.2
    (n1, om1), (n2, om2) = group_weights(setting)
    groups = [n1] + [n2] * setting.iterations
    rows = sum(groups)
    t = setting.iterations
    fitted = (n1 if om1 else 0) + (n2 if om2 else 0)  # rows of one fit
    if method == "direct":
        dual = setting.n < q
        per_row = RNG_FLOPS * d + (d * q if rp else 0) + (0 if dual else q * q / 2)
        fit = setting.n**2 * q / 2 + setting.n**3 if dual else 4 * q**3
        return rows * per_row + fit * setting.iterations
    if method == "direct-conditional":  # x-space rows, Grams H (d×d), then the traces
        dual = fitted < q
        per_row = RNG_FLOPS * d + (0 if dual else d * d / 2)
        if dual:
            fit = fitted**2 * q + 10 * fitted**3 + (fitted * q * d if rp else 0) + 4 * fitted * d * d
        else:
            fit = 10 * q**3 + (2 * q * q * d + 2 * q * d * d if rp else 0) + 6 * d**3
        return rows * per_row + (setting.n0 or 0) * d * d / 2 + fit * t
    if method not in ("sufficient", "conditional"):
        raise ValueError(f"method must be one of {', '.join(METHODS[1:])}, got {method!r}")
    if rp:
        setup = RNG_FLOPS * q * d + q * q * d + q**3 / 3 if q < d else RNG_FLOPS * d * d / 2
    else:
        setup = 0.0
    dense = 1 if rp else 0  # a dense square root C of the feature covariance
    draw = sum(RNG_FLOPS * p * p / 2 + (1 + dense) * p**3 if k >= p else
               k * p * (RNG_FLOPS + (1 + dense) * p) for k in groups)
    if method == "sufficient":
        fit = p**3 / 3 if setting.n >= p else setting.n**2 * p / 2 + setting.n**3
        return setup + draw + fit * setting.iterations
    if fitted < p:  # dual: kernel, its inverse, T = Zᵀ K⁻¹ and the responses
        fit = fitted**2 * p / 2 + 10 * fitted**3 + 4 * fitted * p * p
    else:  # Cholesky inverse, W = M⁻¹Σ_F M⁻¹ and the shift term; more with iterations
        fit = (4 + 2 * dense) * p**3 if t == 1 else (8 + 2 * dense) * p**3
    return setup + draw + (d**3 if setting.n0 else 0) + fit * t


def resolve_method(setting: Setting, method: str) -> str:
    """Validate ``method``; "auto" becomes the cheaper of "sufficient" and "direct" (the sampled
    estimator, as it always has: results stored under "auto" keep their meaning)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    if method != "auto":
        return method
    return _cheaper(setting, ("sufficient", "direct"))


def _cheaper(setting: Setting, methods: tuple[str, ...]) -> str:
    costs = {m: estimated_cost(setting, m) for m in methods}
    return min(costs, key=costs.__getitem__)


def choose_method(setting: Setting, method: str = "auto", estimator: str = "conditional") -> str:
    """The method name of an estimator ("conditional" or "sampled") and a sampler ("auto",
    "direct" or "sufficient"): conditional+auto is the cheaper of "conditional" and
    "direct-conditional", sampled+auto is "auto" (the cheaper sampled one)."""
    if estimator not in ESTIMATORS:
        raise ValueError(f"estimator must be one of {', '.join(ESTIMATORS)}, got {estimator!r}")
    if method not in SAMPLER_CHOICES:
        raise ValueError(f"method must be one of {', '.join(SAMPLER_CHOICES)}, got {method!r}")
    if method != "auto":
        return _NAMES[estimator, method]
    return _cheaper(setting, ("conditional", "direct-conditional")) if estimator == "conditional" \
        else "auto"


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
    >>> errors = [simulate_one(setting, i, method="conditional") for i in range(100)]
    >>> abs(sum(errors) / 100 - 0.01) < 0.0001  # the floor p2²c² = 0.01
    True
    >>> resolve_method(setting, "auto")  # the sampled estimator, on sufficient statistics
    'sufficient'
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

    Each fit is one eigendecomposition shared by all ridges (sufficient and conditional
    methods); seed i
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
