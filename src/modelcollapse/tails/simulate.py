"""Monte-Carlo of the Hutter LLM by sufficient statistics (spec TG §A.8, §A.7.1).

The Hutter LLM only needs to know *which* items it saw, so a training set of T samples is one
multinomial count vector over the support, never a list of T tokens: T = 1e9 costs one
multinomial draw over ~1e6 items (well under a second). Generation chains (mechanisms A, B, C
of spec TG §A.3) are simulated literally, one multinomial per generation, sparse where the
previous generation's support is.

Truncation. Items beyond the support size N are counted as unseen (their mass goes to one
extra "tail" bucket, so the draws stay exact on the head). The resulting upward bias is at most
T·Σ_{i>N} p_i q̄_i with q̄_i the mean training probability of item i, reported as
``truncation_bound`` (for mechanism B it uses the mean-field normaliser of :mod:`.transforms`).

>>> r = simulate(TailsSetting(beta=2.0, T=1e4), seeds=4)
>>> abs(r.test_error - 0.00691) < 5 * r.sem
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special

from ..config import check_number
from .config import TailsSetting
from .hutter import clean_error, tail_mass, zipf_norm, zipf_probs
from .transforms import top_p_cut

MIN_SUPPORT, MAX_SUPPORT = 1 << 16, 1 << 22


@dataclass(frozen=True)
class SimulationResult:
    """Mean test error over seeds, its standard error, and the truncation bias bound."""

    test_error: float
    sem: float
    samples: np.ndarray
    support: int
    truncation_bound: float

    def to_dict(self) -> dict[str, Any]:
        return {"test_error": self.test_error, "sem": self.sem, "seeds": int(self.samples.size),
                "support": self.support, "truncation_bound": self.truncation_bound}


def default_support(setting: TailsSetting) -> int:
    """Smallest power of two ≥ 30·(T A)^(1/β_train), between 2^16 and 2^22 items.

    Items with T q_i ≳ 1 are the ones that matter; 30 times further out, T q_i < 1e-3.
    """
    beta = setting.trained_beta
    reach = 30.0 * (max(setting.T, setting.T0 or 0.0) * zipf_norm(beta)) ** (1.0 / beta)
    return int(min(MAX_SUPPORT, max(MIN_SUPPORT, 1 << math.ceil(math.log2(reach)))))


def simulate(setting: TailsSetting, seeds: int = 8, *, support: int | None = None,
             seed: int = 0) -> SimulationResult:
    """Test error of ``seeds`` independent Hutter LLMs trained as ``setting`` says.

    Same :class:`TailsSetting` as :func:`.transforms.test_error`, so theory and simulation
    differ by one word. Each run draws its training counts and reports Σ_i p_i 1[i unlearnt].
    """
    seeds = int(check_number("seeds", seeds, low=2, integer=True))
    N = default_support(setting) if support is None else int(
        check_number("support", support, low=2, integer=True))
    p = zipf_probs(setting.beta, N)
    lost_tail = tail_mass(setting.beta, N)
    errors = np.empty(seeds)
    for s in range(seeds):
        rng = np.random.default_rng([seed, s])
        known = _known(setting, p, lost_tail, rng)
        errors[s] = p @ ~known + lost_tail
    return SimulationResult(float(errors.mean()), float(errors.std(ddof=1) / math.sqrt(seeds)),
                            errors, N, _truncation_bound(setting, N))


def _draw(rng: np.random.Generator, count: float, head: np.ndarray) -> np.ndarray:
    """Multinomial counts of ``count`` samples on ``head`` (sum ≤ 1; the rest is the tail bucket)."""
    bucket = max(0.0, 1.0 - float(head.sum()))
    return rng.multinomial(int(count), np.append(head, bucket))[:-1]


def _known(s: TailsSetting, p: np.ndarray, lost_tail: float, rng: np.random.Generator) -> np.ndarray:
    """Boolean mask of head items the downstream model answers correctly."""
    T = s.T
    if s.temperature is not None:
        return _draw(rng, T, zipf_probs(s.trained_beta, p.size)) > 0
    if s.generations == 0:
        k = s.k if s.k is not None else (top_p_cut(s.beta, s.top_p) if s.top_p is not None else None)
        if k is None:
            return _draw(rng, T, p) > 0
        head_mass = 1.0 - tail_mass(s.beta, k)
        q = np.where(np.arange(1, p.size + 1) <= k, p / head_mass, 0.0)
        return _draw(rng, T, (1 - s.pi) * q + s.pi * p) > 0
    T0 = s.T if s.T0 is None else s.T0
    if s.mechanism == "C":
        known = _draw(rng, T, p) > 0
        for _ in range(s.generations):
            known &= _draw(rng, T0, p) > 0
        return known
    counts = _draw(rng, T0, p)
    for _ in range(s.generations - 1):
        idx = np.flatnonzero(counts)
        # A resamples the empirical distribution; B keeps the support with p-weights
        weights = counts[idx] if s.mechanism == "A" else p[idx]
        counts = np.zeros_like(counts)
        counts[idx] = rng.multinomial(int(T0), weights / weights.sum())
    q = counts / counts.sum() if s.mechanism == "A" else np.where(counts > 0, p, 0.0)
    q = q / q.sum()
    return _draw(rng, T, (1 - s.pi) * q + s.pi * p) > 0


def _truncation_bound(s: TailsSetting, N: int) -> float:
    """T·Σ_{i>N} p_i q̄_i: the most mass the truncated support can wrongly count as unseen."""
    beta, A = s.beta, zipf_norm(s.beta)
    if s.temperature is not None:
        b2 = s.trained_beta
        return float(s.T * A * zipf_norm(b2) * special.zeta(beta + b2, N + 1))
    ratio = 1.0  # q̄_i ≤ ratio·p_i on the tail
    if s.generations == 0 and (s.k is not None or s.top_p is not None):
        k = s.k if s.k is not None else top_p_cut(beta, s.top_p)
        ratio = s.pi if k <= N else (1 - s.pi) / (1 - tail_mass(beta, k)) + s.pi
    elif s.mechanism == "B":
        T0 = s.T if s.T0 is None else s.T0
        ratio = 1.0 / (1.0 - float(clean_error(beta, T0))) ** s.generations
    return float(s.T * ratio * A * A * special.zeta(2 * beta, N + 1))
