"""Monte-Carlo of the regression fake-data chain (TG §B.2, recipe §B.7).

Coordinates are Σ's eigenbasis, so Σ = diag(s) and w0 has energy W_j on direction j (the
test error (B.4) is invariant under this rotation). Least-squares fits with at least d
samples are drawn through their sufficient statistics, so their cost does not grow with
the sample size:

- XᵀX ~ Wishart(T, Σ) = S^{1/2} A Aᵀ S^{1/2} with A lower triangular from the Bartlett
  decomposition (A_ii² ~ χ²(T − i), A_ij ~ N(0, 1) below the diagonal);
- XᵀE | X ~ N(0, σ²XᵀX), i.e. σ S^{1/2} A z with z ~ N(0, I_d).

An OLS generator step is then ŵ_m = ŵ_{m−1} + σ0 S^{-1/2} A^{-T} z (one triangular solve),
and a downstream ridge fit solves (XᵀX/T + λI)(ŵ − ŵ_n) = XᵀE/T − λŵ_n. Fits with fewer
samples than d (minimum-norm generators, T < d downstream) draw X itself and work in the
T×T dual, which is cheaper than d×d. One downstream draw serves every generation
m = 0..n, so each per-generation mean is an unbiased estimate (the curves are correlated
across m).

Two estimators. ``"sampled"`` draws every design and every label noise and returns the
errors of the fits. ``"conditional"`` (the default of :func:`simulate_generations`) draws the
very same designs, seed for seed, and returns the exact expectation of those errors over
the label noises given the designs (:mod:`.conditional`): same mean, far less variance,
and seed i's value is the conditional expectation of the sampled estimator's seed i.
The family's method ``"auto"`` is the sampled estimator, as stored results have always been.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.linalg import solve_triangular
from threadpoolctl import threadpool_limits

from ..config import check_number
from ..seeds import SeedStack, seed_generator
from ..simulate.wishart import bartlett_factor
from . import conditional as cond
from .config import ADAPTIVE, GenerationsSetting
from .exact import optimal_ridge

# Elements of the largest per-chunk temporary (seeds x d x max(d, T, T0), and for the
# conditional estimator seeds x (n + 2) x d x d: every generation's covariance).
_CHUNK_ELEMENTS = 3_000_000
# The estimators of simulate_generations, and the family's methods ("auto" is "sampled").
ESTIMATORS: tuple[str, ...] = ("conditional", "sampled")
METHODS: tuple[str, ...] = ("auto", "sampled", "conditional")


@dataclass(frozen=True)
class GenerationsSimulation:
    """Monte-Carlo mean of ||ŵ_pred − w0||²_Σ and of the last generator's error, with SEMs.

    Per-ridge fields have the shape of the ``ridge`` argument; with ``by_generation`` a
    trailing axis m = 0..n is added. ``estimator`` is "conditional" or "sampled".
    """

    test_error: Any
    sem: Any
    generator_error: Any
    generator_sem: Any
    ridge: Any
    seeds: int
    estimator: str = "conditional"

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("test_error", "sem", "generator_error",
                                               "generator_sem", "ridge", "seeds", "estimator")}


def bartlett_stack(rng: SeedStack, d: int, dof: int) -> np.ndarray:
    """One Bartlett factor A (lower triangular, A Aᵀ ~ Wishart(dof, I_d)) per seed, stacked.

    Draws with the shared sampler :func:`modelcollapse.simulate.wishart.bartlett_factor`.
    """
    return rng.each(lambda g: bartlett_factor(g, dof, d))


def _generator_step(rng: SeedStack, w: np.ndarray, s: np.ndarray, T0: int,
                    sigma0: float) -> np.ndarray:
    """One least-squares generator refit on T0 fresh samples labelled by w (TG eq. (B.2))."""
    k, d = w.shape
    if T0 >= d:
        if sigma0 == 0:
            return w  # the fit reproduces its noise-free labels exactly
        A = bartlett_stack(rng, d, T0)
        z = rng.standard_normal((k, d, 1))
        return w + sigma0 * solve_triangular(A, z, lower=True, trans="T")[..., 0] / np.sqrt(s)
    X = rng.standard_normal((k, T0, d)) * np.sqrt(s)
    y = np.einsum("ktd,kd->kt", X, w) + sigma0 * rng.standard_normal((k, T0))
    gram = X @ X.transpose(0, 2, 1)
    return np.einsum("ktd,kt->kd", X, np.linalg.solve(gram, y[..., None])[..., 0])


def _downstream_errors(rng: SeedStack, W: np.ndarray, w0: np.ndarray, s: np.ndarray,
                       T: int, sigma: float, ridges: np.ndarray) -> np.ndarray:
    """Errors ||ŵ_pred − w0||²_Σ of ridge fits on T fresh samples labelled by each W[:, m].

    ``W`` is (seeds, M, d); returns (ridges, seeds, M).
    """
    k, M, d = W.shape
    out = np.empty((ridges.size, k, M))
    if T >= d:
        A = bartlett_stack(rng, d, T)
        z = rng.standard_normal((k, d))
        root = np.sqrt(s)
        gram = root[:, None] * (A @ A.transpose(0, 2, 1)) * root  # XᵀX
        xi = sigma * root * np.einsum("kij,kj->ki", A, z)  # XᵀE
        for i, lam in enumerate(ridges):
            if lam == 0:
                step = sigma * solve_triangular(A, z[..., None], lower=True, trans="T")[..., 0] / root
                fitted = W + step[:, None, :]
            else:
                rhs = (xi[:, :, None] - T * lam * W.transpose(0, 2, 1)) / T
                fitted = W + np.linalg.solve(gram / T + lam * np.eye(d), rhs).transpose(0, 2, 1)
            out[i] = np.einsum("kmd,d,kmd->km", fitted - w0, s, fitted - w0)
        return out
    X = rng.standard_normal((k, T, d)) * np.sqrt(s)
    Y = np.einsum("ktd,kmd->ktm", X, W) + sigma * rng.standard_normal((k, T, 1))
    gram = X @ X.transpose(0, 2, 1)
    for i, lam in enumerate(ridges):
        fitted = np.einsum("ktd,ktm->kmd", X, np.linalg.solve(gram + T * lam * np.eye(T), Y))
        out[i] = np.einsum("kmd,d,kmd->km", fitted - w0, s, fitted - w0)
    return out


def _resolve_ridges(setting: GenerationsSetting, ridge: Any) -> np.ndarray:
    choice = setting.ridge if ridge is None else ridge
    if isinstance(choice, str):
        if choice != ADAPTIVE:
            raise ValueError(f"ridge must be a number >= 0 or 'adaptive', got {choice!r}")
        choice = optimal_ridge(setting)
    ridges = np.asarray(choice, dtype=float)
    if ridges.ndim > 1 or not np.all(np.isfinite(ridges)) or np.any(ridges < 0):
        raise ValueError("ridge must be a finite number >= 0 or a 1-d array of them")
    return ridges


def _sampled_chunk(rng: SeedStack, setting: GenerationsSetting, w0: np.ndarray, s: np.ndarray,
                   ridges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Test (ridges, seeds, n + 1) and generator (seeds, n + 1) errors of sampled chains."""
    chain = [np.broadcast_to(w0, (len(rng), setting.d))]
    for t0, s0 in zip(*setting.schedule, strict=True):
        chain.append(_generator_step(rng, chain[-1], s, int(t0), float(s0)))
    W = np.stack(chain, axis=1)
    gen = np.einsum("kmd,d,kmd->km", W - w0, s, W - w0)
    return _downstream_errors(rng, W, w0, s, setting.T, setting.sigma, ridges), gen


def _conditional_chunk(rng: SeedStack, setting: GenerationsSetting, w0: np.ndarray,
                       s: np.ndarray, ridges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """As :func:`_sampled_chunk`, the expectation over the label noises given the designs.

    The designs are drawn exactly as :func:`_sampled_chunk` draws them; the generators'
    noises are drawn too (and not used), so that later designs stay the sampled ones.
    """
    k, d = len(rng), setting.d
    v0 = np.sqrt(s) * w0
    mean, cov = np.broadcast_to(v0, (k, d)), np.zeros((k, d, d))
    means, covs = [mean], [cov]
    for t0, s0 in zip(setting.schedule[0].astype(int), setting.schedule[1], strict=True):
        if t0 >= d and s0 > 0:
            A = bartlett_stack(rng, d, int(t0))
            rng.standard_normal((k, d, 1))
            cov = cond.ols_step(cov, A, float(s0))
        elif t0 < d:
            Z = rng.standard_normal((k, int(t0), d))
            rng.standard_normal((k, int(t0)))
            mean, cov = cond.min_norm_step(mean, cov, Z, s, float(s0))
        means.append(mean)
        covs.append(cov)
    mu, C = np.stack(means, axis=1), np.stack(covs, axis=1)
    gen = np.einsum("kmd,kmd->km", mu - v0, mu - v0) + np.trace(C, axis1=2, axis2=3)
    T, sigma = setting.T, setting.sigma
    if T >= d:
        test = cond.primal_errors(bartlett_stack(rng, d, T), mu, C, v0, s, T, sigma, ridges)
    else:
        test = cond.dual_errors(rng.standard_normal((k, T, d)), mu, C, v0, s, sigma, ridges)
    return test, gen


def _draw(rngs: list[np.random.Generator], setting: GenerationsSetting, ridges: np.ndarray,
          estimator: str) -> tuple[np.ndarray, np.ndarray]:
    """Errors of one chain per generator in ``rngs`` (seed indices): test (ridges, seeds,
    n + 1), generator (seeds, n + 1). Seeds are batched (:class:`~modelcollapse.seeds.SeedStack`),
    each drawing from its own generator, so the result per seed does not depend on the batch."""
    seeds = len(rngs)
    s, energy, _ = setting.covariance.per_direction()
    d = setting.d
    w0 = np.sqrt(setting.norm2 * energy)
    widest = max([d, setting.T, *setting.schedule[0].astype(int)])
    if estimator == "conditional":
        widest = max(widest, (setting.generations + 2) * d)
    chunk = int(max(1, min(seeds, _CHUNK_ELEMENTS // (d * widest))))
    run = _conditional_chunk if estimator == "conditional" else _sampled_chunk
    test, gen = [], []
    # Stacks of small matrices: a multi-threaded BLAS only adds contention (measured ~15x
    # slower on a shared 2-core machine), so the linear algebra runs on one thread.
    with threadpool_limits(limits=1, user_api="blas"):
        for start in range(0, seeds, chunk):
            t, g = run(SeedStack(rngs[start:start + chunk]), setting, w0, s, ridges)
            test.append(t)
            gen.append(g)
    return np.concatenate(test, axis=1), np.concatenate(gen, axis=0)


def simulate_generations(setting: GenerationsSetting, seeds: int = 200, *, seed: int = 0,
                         ridge: Any = None, by_generation: bool = False,
                         estimator: str = "conditional") -> GenerationsSimulation:
    """Monte-Carlo estimate of the chain's test error over ``seeds`` independent runs.

    ``ridge`` overrides the setting's λ with one value or a 1-d array (all values share the
    same draws); ``"adaptive"`` uses :func:`~modelcollapse.generations.exact.optimal_ridge`.
    w0 is fixed: (w0)_j = sqrt(||w0||²·energy_j), positive. Run i is seed index i of base
    seed ``seed`` (:mod:`modelcollapse.seeds`), exactly :func:`simulate_one`'s draw.
    ``estimator``: ``"conditional"`` (per draw of the designs, the exact expectation over
    the label noises; :mod:`.conditional`) or ``"sampled"`` (one draw of everything).

    >>> from modelcollapse.generations.exact import ols_chain_error
    >>> s = GenerationsSetting(d=10, T=40, T0=30, generations=2, sigma=0.5, sigma0=0.5)
    >>> exact = ols_chain_error(10, 40, 30, 2, 0.5, 0.5)  # TG eq. (B.6)
    >>> sampled = simulate_generations(s, seeds=2000, seed=1, estimator="sampled")
    >>> conditional = simulate_generations(s, seeds=2000, seed=1)
    >>> round(exact, 4), [bool(abs(m.test_error - exact) < 3 * m.sem) for m in (sampled, conditional)]
    (0.3494, [True, True])
    >>> bool(conditional.sem < sampled.sem / 5)
    True
    """
    seeds = int(check_number("seeds", seeds, low=2, integer=True))
    if estimator not in ESTIMATORS:
        raise ValueError(f"estimator must be one of {', '.join(ESTIMATORS)}, got {estimator!r}")
    ridges = _resolve_ridges(setting, ridge)
    errors, gen_errors = _draw([seed_generator(seed, i) for i in range(seeds)], setting,
                               np.atleast_1d(ridges), estimator)
    mean, sem = errors.mean(axis=1), errors.std(axis=1, ddof=1) / np.sqrt(seeds)
    g_mean, g_sem = gen_errors.mean(axis=0), gen_errors.std(axis=0, ddof=1) / np.sqrt(seeds)
    if not by_generation:
        n = setting.generations
        mean, sem, g_mean, g_sem = mean[:, n], sem[:, n], g_mean[n], g_sem[n]
    shape = ridges.shape + mean.shape[1:]
    return GenerationsSimulation(test_error=_plain(mean.reshape(shape)), sem=_plain(sem.reshape(shape)),
                                 generator_error=_plain(g_mean), generator_sem=_plain(g_sem),
                                 ridge=_plain(ridges), seeds=seeds, estimator=estimator)


def simulate_one(setting: GenerationsSetting, seed_index: int, base_seed: int = 0,
                 method: str = "auto") -> dict[str, Any]:
    """One Monte-Carlo seed: the ``generations`` family's per-seed run.

    The seed's generator is :func:`modelcollapse.seeds.seed_generator`, so results do not
    depend on which worker ran them. ``method``: ``"conditional"``, or ``"sampled"`` (also
    ``"auto"``, the method of results stored before the conditional estimator existed).
    Returns the errors at generation n and, as lists, at every generation m = 0..n.
    """
    estimator = resolve_method(setting, method)
    errors, gen_errors = _draw([seed_generator(base_seed, seed_index)], setting,
                               np.atleast_1d(_resolve_ridges(setting, None)), estimator)
    n = setting.generations
    return {"test_error": float(errors[0, 0, n]), "generator_error": float(gen_errors[0, n]),
            "test_error_by_generation": errors[0, 0].tolist(),
            "generator_error_by_generation": gen_errors[0].tolist()}


def resolve_method(setting: GenerationsSetting, method: str) -> str:
    """The estimator a family method names: "auto" is "sampled" (stored results keep their
    meaning); the figures and ``simulate_generations`` ask for "conditional"."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    return "sampled" if method == "auto" else method


def _plain(x: np.ndarray) -> Any:
    return float(x) if np.ndim(x) == 0 else x
