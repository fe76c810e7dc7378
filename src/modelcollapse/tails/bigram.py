"""Tailed bigram model and the Hutter++ estimator (TG §A.5).

Data: a context i ~ Zipf(β) (eq. (A.1)); the next token follows p(j | i) ∝ rank_i(j)^(−β_next)
(eq. (A.21)). Hutter++ estimates q̂(· | i) by the empirical distribution of the tokens seen
after i; the test error is E = Σ_i p_i · TV(q̂(· | i), p(· | i)) (eq. (A.22)).

Conventions for the [OPEN] points of TG §A.5 (all exposed as fields of
:class:`BigramSetting`):

- the context-dependent ranking rank_i is a permutation, and TV is invariant under permuting
  both distributions alike, so the error does not depend on it: tokens are simulated in rank
  order (AI transforms, being rank-based, commute with it too);
- an unseen context costs ``unseen_error`` (default 1, the Hutter-LLM abstention);
- the metric is total variation;
- AI data cuts each next-token law to its top ``k`` ranks or narrows it by ``temperature``.

Exact piece: the expected TV of an empirical estimate from m samples of Zipf(β) follows from
de Moivre's mean absolute deviation of a binomial, E|X − mp| = 2ν C(m, ν) p^ν (1 − p)^(m−ν+1),
ν = ⌊mp⌋ + 1, summed over tokens (:func:`expected_tv`); its decay is m^(−min(1−1/β, 1/2))
(TG §A.5, claim 14 of §A.9).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

from ..config import MAX_COUNT, check_number, check_size
from ..configbase import ConfigBase
from ..seeds import seed_generator
from .hutter import check_beta, expected_error, power, tail_mass, zipf_probs

_CELLS = 1 << 23  # context × vocabulary entries per multinomial block


def expected_tv(beta: float, m: float, *, vocab: int | None = None) -> float:
    """E TV(p̂_m, p) for the empirical law p̂_m of m iid samples of Zipf(β) (TG §A.5).

    Tokens j ≤ V (``vocab``, by default well past m^(1/β)) use de Moivre's formula; tokens
    j > V have m p_j < 1, where the formula reduces to E|X/m − p_j| = 2 p_j (1 − p_j)^m, so
    their total is the Hutter error Σ_{j>V} p_j (1 − p_j)^m, evaluated exactly.
    """
    beta = check_beta(beta)
    m = check_number("m", m, low=1, integer=True)
    V = int(vocab or max(1 << 12, 2 ** math.ceil(math.log2(4 * m ** (1 / beta) + 1))))
    p = zipf_probs(beta, V)
    if m * p[-1] >= 1:
        raise ValueError(f"vocab must reach tokens with m·p_j < 1, got vocab={V}")
    nu = np.floor(m * p) + 1
    log_mad = (np.log(2 * nu) + special.gammaln(m + 1) - special.gammaln(nu + 1)
               - special.gammaln(m - nu + 1) + nu * np.log(p) + (m - nu + 1) * np.log1p(-p))
    head = float(np.exp(log_mad).sum()) / m
    beyond = float(expected_error(beta, lambda q, t: power(q, t), m)) - float(
        p @ power(p, m))  # Σ_{j>V} p_j (1 − p_j)^m
    return 0.5 * head + beyond


@dataclass(frozen=True)
class BigramSetting(ConfigBase):
    """Tailed bigram data and Hutter++ training (TG §A.5); [OPEN] choices as fields."""

    beta: float
    T: float
    beta_next: float | None = None
    k: int | None = None
    temperature: float | None = None
    contexts: int = 1 << 18
    vocab: int = 1 << 12
    unseen_error: float = 1.0

    def __post_init__(self) -> None:
        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731
        set_("beta", check_beta(self.beta))
        set_("T", check_number("T", self.T, low=1.0, high=MAX_COUNT))
        set_("beta_next", check_number("beta_next", self.beta if self.beta_next is None
                                       else self.beta_next, low=1.0, low_open=True))
        if self.k is not None and self.temperature is not None:
            raise ValueError("temperature: give at most one of k, temperature")
        if self.k is not None:
            set_("k", int(check_number("k", self.k, low=1, integer=True)))
        if self.temperature is not None:
            tau = check_number("temperature", self.temperature, low=0.0, low_open=True)
            if not self.beta_next / tau > 1:
                raise ValueError("temperature must be < beta_next")
            set_("temperature", tau)
        set_("contexts", int(check_number("contexts", self.contexts, low=1, integer=True)))
        set_("vocab", int(check_number("vocab", self.vocab, low=2, integer=True)))
        check_size("contexts", self.contexts, f"{self.contexts} context probabilities")
        check_size("vocab", self.vocab, f"{self.vocab} next-token probabilities")
        set_("unseen_error", check_number("unseen_error", self.unseen_error, low=0.0, high=1.0))

    def next_token_laws(self) -> tuple[np.ndarray, np.ndarray]:
        """(p(· | i), q(· | i)) in rank order over ``vocab`` tokens (the rest is one tail bucket)."""
        p = zipf_probs(self.beta_next, self.vocab)
        p = np.append(p, tail_mass(self.beta_next, self.vocab))
        if self.k is not None:
            q = np.where(np.arange(1, p.size + 1) <= self.k, p, 0.0)
        elif self.temperature is not None:
            q = p ** (1.0 / self.temperature)
        else:
            q = p.copy()
        return p, q / q.sum()


def bigram_one(setting: BigramSetting, seed_index: int, base_seed: int = 0) -> float:
    """Σ_i p_i TV(q̂(· | i), p(· | i)) of Hutter++ for one seed (TG eq. (A.22)).

    Sufficient statistics: context counts are one multinomial over ``contexts`` contexts (plus
    a bucket of unseen-mass contexts); each seen context draws its next-token counts from one
    multinomial over ``vocab`` ranks plus a tail bucket. Merging the tail tokens into a bucket
    can only lower TV, by at most the vocabulary's tail mass where it is sampled.
    """
    s = setting
    rng = seed_generator(base_seed, seed_index)
    p_ctx = zipf_probs(s.beta, s.contexts)
    lost = tail_mass(s.beta, s.contexts)
    p_next, q_next = s.next_token_laws()
    m = rng.multinomial(int(s.T), np.append(p_ctx, lost))[:-1]
    seen = np.flatnonzero(m)
    tv = np.empty(seen.size)
    rows = max(1, _CELLS // p_next.size)
    for start in range(0, seen.size, rows):
        block = m[seen[start:start + rows]]
        counts = rng.multinomial(block, q_next)
        tv[start:start + rows] = 0.5 * np.abs(counts / block[:, None] - p_next).sum(axis=1)
    unseen_mass = lost + p_ctx.sum() - p_ctx[seen].sum()
    return float(p_ctx[seen] @ tv + s.unseen_error * unseen_mass)
