"""AI-data training laws and the exact test error of a :class:`TailsSetting` (TG §A.3–§A.4).

Each law is returned as an ``unseen(p, T)`` function (see :mod:`.hutter`): the probability that
an item of real probability p is missing from T downstream training samples.

- tail cut, top-k: q ∝ p·1[i ≤ k] (TG eq. (A.5));
- tail cut, top-p: the smallest head of mass ≥ P (eq. (A.11)), found exactly with Hurwitz ζ;
- tail narrowing: q = Zipf(β'), β' = β/τ for temperature τ (eq. (A.6)), compounded to β/τ^n
  over n generations (eq. (A.17));
- mixing: r = (1 − π) q + π p (eq. (A.19)); tail acquisition r = (1 − π) q_k + π p_tail (A.18);
- finite-sample generator chains, mechanisms A, B, C (TG §A.3, eqs. (A.10), (A.15)).

Generation chains ([OPEN] in the paper, TG §A.3; these are this package's derivations):

- **C** (inputs from p, labels from the previous model) is exact: the downstream model knows
  item i iff it saw i and every generator saw it,
  P(unseen) = 1 − (1 − (1 − p)^T)(1 − (1 − p)^{T0})^n.
- **B** (support = items the previous generation saw, p-proportional weights) is computed by
  a mean-field recursion: P(i ∈ S_m) = P(i ∈ S_{m−1})·(1 − (1 − p_i/Z_{m−1})^{T0}) with the
  normaliser Z_m = Σ_i p_i P(i ∈ S_m) replaced by its mean (it concentrates: its relative
  spread is O(T0^(−1/2)) or less). Exact for n = 1 as T → ∞ (eq. (A.10)).
- **A** (resample the previous empirical distribution) is a critical Galton–Watson process:
  the generation-1 count is Binomial(T0, p) and later counts are approximated as
  Poisson(previous count), so with φ_1 = s and φ_{m+1} = exp(φ_m − 1),
  P(unseen) = (1 − p (1 − φ_n))^{T0} (1 − πp)^T, s = (1 − 1/T0)^{T(1−π)}.
  Exact for n = 1 as T → ∞; for large n, 1 − φ_n ≈ 2/n, i.e. items with T0 p ≲ n/2 are lost,
  the neutral-drift heuristic of TG §A.3.
Both approximations are checked against Monte-Carlo in ``tests/tails/test_simulate.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..config import check_number
from .config import TailsSetting
from .hutter import Unseen, cut_threshold, expected_error, power, tail_mass, zipf_norm


@dataclass(frozen=True)
class TrainingLaw:
    """An ``unseen(p, T)`` function with the indices where it jumps (tail cuts)."""

    unseen: Unseen
    cuts: tuple[float, ...] = ()

    def error(self, beta: float, T: Any) -> np.ndarray:
        """Exact expected test error at each T (TG eq. (A.2))."""
        return expected_error(beta, self.unseen, T, cuts=self.cuts)


def top_p_cut(beta: float, top_p: Any) -> np.ndarray | int:
    """Nucleus cut: smallest k with Σ_{i≤k} p_i ≥ P, i.e. tail mass ≤ 1 − P (TG eq. (A.11)).

    Exact integer search on the Hurwitz-ζ tail mass, vectorised over P.
    """
    P = np.atleast_1d(np.asarray(top_p, dtype=float))
    if np.any(P <= 0) or np.any(P >= 1):
        raise ValueError("top_p must be in (0, 1)")
    lo = np.zeros(P.shape)  # tail_mass(lo) > 1 − P
    hi = np.ones(P.shape)
    while np.any(done := tail_mass(beta, hi) > 1 - P):
        hi = np.where(done, hi * 2, hi)
    while np.any(hi - lo > 1):
        mid = np.floor((lo + hi) / 2)
        ok = tail_mass(beta, mid) <= 1 - P
        hi, lo = np.where(ok, mid, hi), np.where(ok, lo, mid)
    k = hi.astype(np.int64)
    return k if np.ndim(top_p) else int(k[0])


def cut_index(setting: TailsSetting) -> int | None:
    """The tail cut k in force: ``k``, or the nucleus cut of ``top_p``, or None."""
    if setting.k is not None:
        return setting.k
    return None if setting.top_p is None else int(top_p_cut(setting.beta, setting.top_p))


def cut_law(beta: float, k: float, pi: float = 0.0) -> TrainingLaw:
    """Top-k cut q_k ∝ p·1[i ≤ k], mixed with clean data: r = (1 − π) q_k + π p (eqs. (A.5), (A.19))."""
    head_mass = 1.0 - tail_mass(beta, k)
    threshold = cut_threshold(beta, k)

    def unseen(p: np.ndarray, T: np.ndarray) -> np.ndarray:
        r = np.where(p >= threshold, (1 - pi) * p / head_mass, 0.0) + pi * p
        return power(r, T)

    return TrainingLaw(unseen, (k,))


def narrowing_law(beta: float, beta_prime: float) -> TrainingLaw:
    """Train on Zipf(β'), test on Zipf(β): q_i = A' i^(-β') = A' (p_i/A)^(β'/β) (eq. (A.6))."""
    A, A_prime = zipf_norm(beta), zipf_norm(beta_prime)
    return TrainingLaw(lambda p, T: power(A_prime * (p / A) ** (beta_prime / beta), T))


def tail_acquisition_law(beta: float, k: float, k_prime: float, pi: float) -> TrainingLaw:
    """(1 − π) q_k + π p_tail with p_tail ∝ p·1[i > k'] (TG eq. (A.18), §A.4.1)."""
    head_mass, deep_mass = 1.0 - tail_mass(beta, k), tail_mass(beta, k_prime)
    t_k, t_kp = cut_threshold(beta, k), cut_threshold(beta, k_prime)

    def unseen(p: np.ndarray, T: np.ndarray) -> np.ndarray:
        r = np.where(p >= t_k, (1 - pi) * p / head_mass, 0.0) + np.where(p < t_kp, pi * p / deep_mass, 0.0)
        return power(r, T)

    return TrainingLaw(unseen, (k, k_prime))


def chain_law(beta: float, mechanism: str, n: int, T0: float, pi: float = 0.0) -> TrainingLaw:
    """n generators of T0 samples each under mechanism A, B or C, then T downstream samples.

    See the module docstring for each mechanism's formula (TG §A.3, eqs. (A.10), (A.15)).
    """
    n = int(check_number("generations", n, low=1, integer=True))
    if mechanism == "C":
        if pi:
            raise ValueError("pi: mixing is not defined under mechanism C")
        return TrainingLaw(lambda p, T: 1 - (1 - power(p, T)) * (1 - power(p, T0)) ** n)
    if mechanism == "B":
        return _support_chain(beta, n, T0, pi)
    if mechanism == "A":
        return _resampling_chain(n, T0, pi)
    raise ValueError(f"mechanism must be one of A, B, C, got {mechanism!r}")


def _support_chain(beta: float, n: int, T0: float, pi: float) -> TrainingLaw:
    def kept(p: np.ndarray, norms: list[float]) -> np.ndarray:
        out = 1 - power(p, T0)
        for Z in norms:
            out = out * (1 - power(p / Z, T0))
        return out

    def mass_kept(norms: list[float]) -> float:  # Z_m = Σ_i p_i P(i ∈ S_m)
        return 1.0 - float(expected_error(beta, lambda p, _T: 1 - kept(p, norms), T0))

    norms: list[float] = []
    for _ in range(n - 1):
        norms.append(mass_kept(norms))
    Z_n = mass_kept(norms)

    def unseen(p: np.ndarray, T: np.ndarray) -> np.ndarray:
        inside = kept(p, norms)
        return (1 - inside) * power(pi * p, T) + inside * power((1 - pi) * p / Z_n + pi * p, T)

    return TrainingLaw(unseen)


def _resampling_chain(n: int, T0: float, pi: float) -> TrainingLaw:
    def unseen(p: np.ndarray, T: np.ndarray) -> np.ndarray:
        phi = power(np.asarray(1.0 / T0), T * (1 - pi))
        for _ in range(n - 1):
            phi = np.exp(phi - 1.0)
        return power(p * (1 - phi), T0) * power(pi * p, T)

    return TrainingLaw(unseen)


def training_law(setting: TailsSetting, T0: float | None = None) -> TrainingLaw:
    """The training law of ``setting`` (``T0`` overrides the setting's, for T0 = T sweeps)."""
    s = setting
    if s.temperature is not None:
        return narrowing_law(s.beta, s.trained_beta)
    if s.generations > 0:
        T0 = s.T0 if T0 is None else T0
        if T0 is None:
            raise ValueError("T0 is required for a generation chain")
        return chain_law(s.beta, s.mechanism or "", s.generations, T0, s.pi)
    k = cut_index(s)
    if k is None:  # clean data, optionally "mixed" with more clean data
        return TrainingLaw(lambda p, T: power(p, T))
    return cut_law(s.beta, k, s.pi)


def test_error(setting: TailsSetting, T: Any = None) -> np.ndarray | float:
    """Exact expected test error of the Hutter LLM for ``setting`` (TG eq. (A.2)).

    ``T`` (scalar or array) overrides ``setting.T``; when the setting has generations and
    ``T0=None``, every generator uses T0 = T (shifted scaling, TG eq. (A.16)).

    >>> round(float(test_error(TailsSetting(beta=2.0, T=1e9, k=100))), 5)
    0.00605
    """
    T_eval = setting.T if T is None else T
    Ts = np.atleast_1d(np.asarray(T_eval, dtype=float))
    if setting.generations > 0 and setting.T0 is None and setting.temperature is None:
        out = np.array([float(training_law(setting, t).error(setting.beta, t)) for t in Ts])
    else:
        out = training_law(setting).error(setting.beta, Ts)
    return out.reshape(np.shape(T_eval)) if np.ndim(T_eval) else float(out[0])


test_error.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


def plateau(setting: TailsSetting) -> float:
    """lim_{T→∞} of the test error for a tail cut: Σ_{i>k} p_i (TG eq. (A.8))."""
    if setting.pi > 0:
        return 0.0
    k = cut_index(setting)
    if k is None:
        raise ValueError("k: the plateau is defined for a tail cut (k or top_p)")
    return float(tail_mass(setting.beta, k))

