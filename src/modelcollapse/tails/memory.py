"""Capacity-limited associative memory and the triplet scaling law (TG §A.6).

Cabannes, Dohmatob & Bietti (2023): inputs i and outputs j get random embeddings e_i, u_j in
R^d; the memory is W = Σ_i q(i) u_{f*(i)} e_iᵀ built from T training samples, and it answers
f̂(i) = argmax_j u_jᵀ W e_i (TG eq. (A.23)). The test error is Σ_i p_i 1[f̂(i) ≠ f*(i)]
with p = Zipf(β). The triplet law (eq. (A.24), form [OPEN]) reads
E ≍ T^(−c) + d^(−c_q) + k^(−(β−1)) for sample size T, capacity d and AI tail cut k.

Conventions for the [OPEN] points (fields of :class:`MemorySetting`):

- embeddings are iid uniform on the unit sphere of R^d (``embedding="sphere"``) or Gaussian
  N(0, I/d) (``"gaussian"``);
- storage q(i): ``"frequency"`` (empirical count/T), ``"seen"`` (1[i seen]) or ``"top"``
  (1[i among the d most frequent seen items], Cabannes et al.'s thresholding);
- labels f*(i) are iid uniform over ``outputs`` classes;
- every item gets the memory's answer (unstored items are right by chance, ≈ 1/outputs), so
  as d → ∞ the error tends to the Hutter LLM's (TG §A.2) times (1 − 1/outputs).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ..config import MAX_COUNT, check_number, check_size
from ..configbase import ConfigBase
from ..seeds import seed_generator
from .hutter import check_beta, tail_mass, zipf_probs

STORAGE: tuple[str, ...] = ("frequency", "seen", "top")
EMBEDDINGS: tuple[str, ...] = ("sphere", "gaussian")


@dataclass(frozen=True)
class MemorySetting(ConfigBase):
    """Associative memory of capacity d on Zipf(β) inputs (TG §A.6)."""

    beta: float
    T: float
    d: int
    k: int | None = None
    items: int = 2048
    outputs: int = 256
    storage: Literal["frequency", "seen", "top"] = "frequency"
    embedding: Literal["sphere", "gaussian"] = "sphere"

    def __post_init__(self) -> None:
        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731
        set_("beta", check_beta(self.beta))
        set_("T", check_number("T", self.T, low=1.0, high=MAX_COUNT))
        set_("d", int(check_number("d", self.d, low=1, integer=True)))
        if self.k is not None:
            set_("k", int(check_number("k", self.k, low=1, integer=True)))
        set_("items", int(check_number("items", self.items, low=1, integer=True)))
        set_("outputs", int(check_number("outputs", self.outputs, low=2, integer=True)))
        check_size("d", self.d * (self.items + self.outputs + self.d),
                   f"embeddings of {self.items} items and {self.outputs} outputs in R^{self.d}")
        if self.storage not in STORAGE:
            raise ValueError(f"storage must be one of {', '.join(STORAGE)}, got {self.storage!r}")
        if self.embedding not in EMBEDDINGS:
            raise ValueError(f"embedding must be one of {', '.join(EMBEDDINGS)}, got {self.embedding!r}")


def _embed(rng: np.random.Generator, n: int, d: int, kind: str) -> np.ndarray:
    x = rng.standard_normal((n, d))
    if kind == "sphere":
        return x / np.linalg.norm(x, axis=1, keepdims=True)
    return x / math.sqrt(d)


def memory_one(setting: MemorySetting, seed_index: int, base_seed: int = 0) -> float:
    """One seed's draw of embeddings, labels and T training samples; returns
    Σ_i p_i 1[f̂(i) ≠ f*(i)] (TG §A.6).

    Items beyond ``items`` are never stored and count as errors (their mass is the Zipf tail).
    Training draws come from p, cut to its top k items if ``k`` is set (eq. (A.5)).
    """
    s = setting
    rng = seed_generator(base_seed, seed_index)
    p = zipf_probs(s.beta, s.items)
    q = p if s.k is None else np.where(np.arange(1, s.items + 1) <= s.k, p, 0.0)
    q = q / q.sum() if s.k is not None else q
    counts = rng.multinomial(int(s.T), np.append(q, max(0.0, 1.0 - q.sum())))[:-1]
    if s.storage == "frequency":
        weight = counts / s.T
    elif s.storage == "seen":
        weight = (counts > 0).astype(float)
    else:
        order = np.argsort(-counts, kind="stable")[: s.d]
        weight = np.zeros(s.items)
        weight[order] = counts[order] > 0
    E = _embed(rng, s.items, s.d, s.embedding)
    U = _embed(rng, s.outputs, s.d, s.embedding)
    labels = rng.integers(s.outputs, size=s.items)
    stored = np.flatnonzero(weight)
    W = (U[labels[stored]] * weight[stored, None]).T @ E[stored]  # d × d
    correct = np.argmax(U @ (W @ E.T), axis=0) == labels  # unstored items: right by chance only
    return float(p @ ~correct + tail_mass(s.beta, s.items))
