"""Monte-Carlo of the Hutter LLM by sufficient statistics (TG §A.8, §A.7.1).

The Hutter LLM only needs to know *which* items it saw, so a training set of T samples is one
multinomial count vector over the support, never a list of T tokens: T = 1e9 costs one
multinomial draw over ~1e6 items (well under a second). Generation chains (mechanisms A, B, C
of TG §A.3) are simulated literally, one multinomial per generation, sparse where the
previous generation's support is.

Truncation. The multinomial runs over the first N items plus one bucket holding the training
mass beyond them, so the head counts are exact. When the training law is a single power law
beyond N (clean data, a cut k ≤ N mixed or not, temperature), the samples in the bucket are
then placed on items by inverse-transform Pareto sampling, and the distinct items they hit are
learnt: the simulation is unbiased up to the midpoint rounding, a relative γ(γ + 1)/(24 N²)
of the tail mass. Otherwise (chains, cuts beyond N) they count as unseen, an upward bias of at
most T·Σ_{i>N} p_i q̄_i (q̄_i the mean training probability of item i; for mechanism B with
the mean-field normaliser of :mod:`.transforms`). Either bound is reported as
``truncation_bound``.

>>> r = simulate(TailsSetting(beta=2.0, T=1e4), seeds=4)
>>> abs(r.test_error - 0.00691) < 5 * r.sem
True
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
from scipy import special

from ..config import check_number
from ..result import Result
from ..seeds import seed_generator
from ..verbs import seed_summary
from .config import TailsSetting
from .hutter import clean_error, tail_mass, zipf_norm, zipf_probs
from .transforms import cut_index

MIN_SUPPORT, DIRECT_SUPPORT, MAX_SUPPORT = 1 << 16, 1 << 20, 1 << 22
MAX_TAIL_DRAWS = 1 << 23  # beyond this many samples past the support, count them as lost


def default_support(setting: TailsSetting) -> int:
    """Smallest power of two ≥ 30·(T A)^(1/β_train), between 2^16 and 2^22 items.

    Items with T q_i ≳ 1 are the ones that matter; 30 times further out, T q_i < 1e-3. Direct
    draws (no chain) place their samples beyond the support exactly, so 2^20 items suffice.
    """
    beta = setting.trained_beta
    reach = 30.0 * (max(setting.T, setting.T0 or 0.0) * zipf_norm(beta)) ** (1.0 / beta)
    direct = setting.generations == 0 or setting.temperature is not None
    cap = DIRECT_SUPPORT if direct else MAX_SUPPORT
    return int(min(cap, max(MIN_SUPPORT, 1 << math.ceil(math.log2(reach)))))


def simulate(setting: TailsSetting, seeds: int = 8, *, support: int | None = None,
             seed: int = 0) -> Result:
    """Test error of ``seeds`` independent Hutter LLMs trained as ``setting`` says.

    Same :class:`TailsSetting` as :func:`.transforms.test_error`, so theory and simulation
    differ by one word. Each run draws its training counts and reports Σ_i p_i 1[i unlearnt].
    Run i is seed index i of base seed ``seed`` (:mod:`modelcollapse.seeds`): with the
    default support it is exactly :func:`simulate_one` of that seed index (what
    ``modelcollapse.simulate`` runs). ``support`` = N sets the truncation; the result's parts
    say which N was used and bound the truncation bias of the mean (``truncation_bound``,
    the seed mean of each run's bound).
    """
    seeds = int(check_number("seeds", seeds, low=2, integer=True))
    N = default_support(setting) if support is None else int(
        check_number("support", support, low=2, integer=True))
    p = zipf_probs(setting.beta, N)
    start = time.perf_counter()
    runs = [_one_run(setting, p, seed_generator(seed, i)) for i in range(seeds)]
    return seed_summary("tails", runs, seed, "auto", time.perf_counter() - start)


def simulate_one(setting: TailsSetting, seed_index: int, base_seed: int = 0) -> dict[str, Any]:
    """One Monte-Carlo seed: the ``tails`` family's per-seed run (see :func:`_one_run`).

    The seed's generator is :func:`modelcollapse.seeds.seed_generator`, so the result depends
    only on (setting, seed index, base seed), whichever worker ran it. The support is
    :func:`default_support`.
    """
    rng = seed_generator(base_seed, seed_index)
    return _one_run(setting, zipf_probs(setting.beta, default_support(setting)), rng)


def _one_run(setting: TailsSetting, p: np.ndarray, rng: np.random.Generator) -> dict[str, Any]:
    """One Hutter LLM on the support of ``p``: its test error Σ_i p_i 1[i unlearnt], the
    support N and the bound on this run's truncation bias (small when the training samples
    beyond the support were placed on items, the chain bound when they count as lost)."""
    N = p.size
    known, beyond, gamma = _known(setting, p, rng)
    if gamma is not None and beyond <= MAX_TAIL_DRAWS:
        found = _tail_hits_mass(rng, beyond, gamma, N, setting.beta)
        bound = gamma * (gamma + 1) / (24 * N**2) * tail_mass(setting.beta, N)
    else:
        found, bound = 0.0, _truncation_bound(setting, N)
    return {"test_error": float(p @ ~known + tail_mass(setting.beta, N) - found), "support": N,
            "truncation_bound": float(bound)}


def draw_counts(rng: np.random.Generator, count: float, head: np.ndarray) -> tuple[np.ndarray, int]:
    """Multinomial counts of ``count`` samples on ``head`` and the number beyond it (the bucket)."""
    bucket = max(0.0, 1.0 - float(head.sum()))
    counts = rng.multinomial(int(count), np.append(head, bucket))
    return counts[:-1], int(counts[-1])


def _tail_hits_mass(rng: np.random.Generator, draws: int, gamma: float, N: int, beta: float) -> float:
    """Σ p_i over the distinct items hit by ``draws`` samples of ∝ i^(−γ) on i > N.

    Items are round(X) with X Pareto on [N + 1/2, ∞), density ∝ x^(−γ): the midpoint rule for
    each item's probability, off by a relative γ(γ + 1)/(24 i²) at most.
    """
    if draws == 0:
        return 0.0
    x = (N + 0.5) * (1.0 - rng.random(draws)) ** (-1.0 / (gamma - 1.0))
    items = np.unique(np.round(x))
    return float(zipf_norm(beta) * np.sum(items ** -beta))


def _known(s: TailsSetting, p: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, int, float | None]:
    """Head items the downstream model answers correctly, the number of its training samples
    beyond the head, and their Zipf exponent when the training law is a single power law there
    (``None``, e.g. for chains, means those samples are counted as lost: see the bound)."""
    T = s.T
    if s.temperature is not None:
        counts, beyond = draw_counts(rng, T, zipf_probs(s.trained_beta, p.size))
        return counts > 0, beyond, s.trained_beta
    if s.generations == 0:
        k = cut_index(s)
        if k is None:
            counts, beyond = draw_counts(rng, T, p)
            return counts > 0, beyond, s.beta
        head_mass = 1.0 - tail_mass(s.beta, k)
        q = np.where(np.arange(1, p.size + 1) <= k, p / head_mass, 0.0)
        counts, beyond = draw_counts(rng, T, (1 - s.pi) * q + s.pi * p)
        return counts > 0, beyond, (s.beta if k <= p.size else None)
    T0 = s.T if s.T0 is None else s.T0
    if s.mechanism == "C":
        counts, beyond = draw_counts(rng, T, p)
        known = counts > 0
        for _ in range(s.generations):
            known &= draw_counts(rng, T0, p)[0] > 0
        return known, beyond, None
    counts = draw_counts(rng, T0, p)[0]
    for _ in range(s.generations - 1):
        idx = np.flatnonzero(counts)
        # A resamples the empirical distribution; B keeps the support with p-weights
        weights = counts[idx] if s.mechanism == "A" else p[idx]
        counts = np.zeros_like(counts)
        counts[idx] = rng.multinomial(int(T0), weights / weights.sum())
    q = counts / counts.sum() if s.mechanism == "A" else np.where(counts > 0, p, 0.0)
    q = q / q.sum()
    counts, beyond = draw_counts(rng, T, (1 - s.pi) * q + s.pi * p)
    return counts > 0, beyond, None


def _truncation_bound(s: TailsSetting, N: int) -> float:
    """T·Σ_{i>N} p_i q̄_i: the most mass the truncated support can wrongly count as unseen."""
    beta, A = s.beta, zipf_norm(s.beta)
    if s.temperature is not None:
        b2 = s.trained_beta
        return float(s.T * A * zipf_norm(b2) * special.zeta(beta + b2, N + 1))
    ratio = 1.0  # q̄_i ≤ ratio·p_i on the tail
    k = cut_index(s)
    if s.generations == 0 and k is not None:
        ratio = s.pi if k <= N else (1 - s.pi) / (1 - tail_mass(beta, k)) + s.pi
    elif s.mechanism == "B":
        T0 = s.T if s.T0 is None else s.T0
        ratio = 1.0 / (1.0 - float(clean_error(beta, T0))) ** s.generations
    return float(s.T * ratio * A * A * special.zeta(2 * beta, N + 1))
