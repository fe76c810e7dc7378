"""Asymptotic scaling laws of the Hutter LLM under AI data (TG §A.2–§A.4).

Closed forms for large T, to set against the exact evaluator :func:`.transforms.test_error`.
Where the theory (TG Part A) writes a law "≍" (up to constants), the constants chosen here are stated in
each docstring; they are [DERIVED] continuum limits, not the paper's printed constants.

>>> round(clean_constant(2.0), 4)
0.691
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import integrate, special

from .config import TailsSetting
from .hutter import clean_error, expected_error, power, tail_mass, zipf_norm


def clean_exponent(beta: float) -> float:
    """c = 1 − 1/β (TG eq. (A.3))."""
    return 1.0 - 1.0 / beta


def clean_constant(beta: float) -> float:
    """C_β = ζ(β)^(−1/β) Γ(1 − 1/β) / β, so that E ≈ C_β T^(−c) (TG eq. (A.4))."""
    return float(special.zeta(beta) ** (-1.0 / beta) * special.gamma(1.0 - 1.0 / beta) / beta)


def clean_law(beta: float, T: Any) -> np.ndarray:
    """E ≈ C_β T^(−c) (TG eqs. (A.3)–(A.4))."""
    return clean_constant(beta) * np.asarray(T, dtype=float) ** -clean_exponent(beta)


def plateau_asymptote(beta: float, k: Any) -> np.ndarray:
    """Σ_{i>k} p_i ≈ k^(−(β−1)) / ((β − 1) ζ(β)) for large k (TG eq. (A.8))."""
    return np.asarray(k, dtype=float) ** (1.0 - beta) * zipf_norm(beta) / (beta - 1.0)


def double_scaling_law(beta: float, T: Any, k: Any) -> np.ndarray:
    """Theorem 2.1 of the paper: E ≍ T^(−c) + k^(−(β−1)) (TG eq. (A.7)).

    Constants chosen here: C_β T^(−c) + k^(1−β)/((β − 1)ζ(β)), i.e. the clean law plus the
    plateau asymptote (A.8). Tested to stay within a factor 2 of the exact error.
    """
    return clean_law(beta, T) + plateau_asymptote(beta, k)


def top_p_cut_asymptote(beta: float, top_p: Any) -> np.ndarray:
    """k(P) ≈ ((1 − P)(β − 1)ζ(β))^(−1/(β−1)) (TG eq. (A.11), from inverting (A.8))."""
    tail = 1.0 - np.asarray(top_p, dtype=float)
    return (tail * (beta - 1.0) / zipf_norm(beta)) ** (-1.0 / (beta - 1.0))


def finite_sample_cut(beta: float, T0: Any) -> np.ndarray:
    """Effective cut of a generator trained on T0 samples: k ≍ T0^(1/β) (paper eq. 6, TG (A.9)).

    Constant chosen here: the k with p_k T0 = 1, i.e. (T0/ζ(β))^(1/β).
    """
    return (np.asarray(T0, dtype=float) * zipf_norm(beta)) ** (1.0 / beta)


def finite_sample_law(beta: float, T: Any, T0: Any) -> np.ndarray:
    """E ≍ T^(−c) + T0^(−c) (TG eq. (A.9)), with constants C_β on both terms (eq. (A.10))."""
    return clean_law(beta, T) + clean_law(beta, T0)


def narrowing_exponent(beta: float, beta_prime: float) -> float:
    """Error exponent (β − 1)/β' when training on Zipf(β') and testing on Zipf(β) (TG (A.12))."""
    return (beta - 1.0) / beta_prime


def narrowing_constant(beta: float, beta_prime: float) -> float:
    """(A/β') A'^(−(β−1)/β') Γ((β − 1)/β'), A = 1/ζ(β), A' = 1/ζ(β') (TG eq. (A.13))."""
    A, A_prime = zipf_norm(beta), zipf_norm(beta_prime)
    s = narrowing_exponent(beta, beta_prime)
    return float(A / beta_prime * A_prime ** -s * special.gamma(s))


def narrowing_law(beta: float, beta_prime: float, T: Any) -> np.ndarray:
    """E ≈ narrowing_constant · T^(−(β−1)/β') (TG eqs. (A.12)–(A.13))."""
    s = narrowing_exponent(beta, beta_prime)
    return narrowing_constant(beta, beta_prime) * np.asarray(T, dtype=float) ** -s


def temperature_beta(beta: float, temperature: float, generations: int = 1) -> float:
    """β' = β/τ^n: sampling n times in a row at temperature τ (TG §A.3, eq. (A.17))."""
    return beta / temperature**generations


def mixing_law(beta: float, T: Any, k: Any, pi: float) -> np.ndarray:
    """E ≍ T^(−c) + min(k^(−(β−1)), (πT)^(−c)) (TG eq. (A.20)).

    Constants chosen here: max(C_β T^(−c), min(double scaling law (A.7), C_β (πT)^(−c))), which
    is the ≍ form with the exact constant in each of the three regimes of §A.4.2: the cut
    curve while T ≲ k^β/π, then the clean law at effective sample size πT ("grokking").
    """
    T = np.asarray(T, dtype=float)
    return np.maximum(clean_law(beta, T),
                      np.minimum(double_scaling_law(beta, T, k), clean_law(beta, pi * T)))


def acquisition_law(beta: float, T: Any, k: Any, pi: float) -> np.ndarray:
    """Error of (1 − π) q_k + π p_tail with the added tail starting at k' = k (TG §A.4.1).

    Items i > k are seen at rate πT p_i/τ_k (τ_k = Σ_{i>k} p_i), so the missing tail is learnt
    up to i ≍ (πT k^(β−1))^(1/β) and the error is min(τ_k, C_β (πT/τ_k)^(−c)), which is
    ≍ k^(−(β−1)) min(1, (πT/k)^(−c)) as in TG §A.4.1 ([DERIVED]; the head's own error ≪ this).
    """
    tau = tail_mass(beta, k)
    return np.minimum(tau, clean_law(beta, pi * np.asarray(T, dtype=float) / tau))


def plateau_onset(beta: float, k: Any) -> np.ndarray:
    """T ≈ k^β, where the cut curve leaves the clean law (TG §A.3, §A.4.2 regime 2)."""
    return np.asarray(k, dtype=float) ** beta


def grokking_onset(beta: float, k: Any, pi: float) -> np.ndarray:
    """T ≈ k^β/π, where mixing with a fraction π of clean data ends the plateau (TG §A.4.2)."""
    return plateau_onset(beta, k) / pi


def mechanism_c_limit(beta: float, T0: float, n: Any) -> np.ndarray:
    """Mechanism C as T → ∞: E_n = Σ_i p_i [1 − (1 − (1 − p_i)^{T0})^n] (TG eq. (A.15)).

    Grows like (log n)^c; never above the union bound :func:`union_bound`.
    """
    return np.array([float(expected_error(beta, lambda p, _T, m=int(m): 1 - (1 - power(p, T0)) ** m, T0))
                     for m in np.atleast_1d(n)])


def union_bound(beta: float, T0: float, n: Any) -> np.ndarray:
    """n · Σ_i p_i (1 − p_i)^{T0}: the "linear in n" upper bound on mechanism C (TG §A.3)."""
    return np.asarray(n, dtype=float) * float(clean_error(beta, T0))


def resampling_survival(n: Any) -> np.ndarray:
    """1 − φ_n with φ_1 = 0, φ_{m+1} = exp(φ_m − 1): the survival factor of mechanism A.

    A generation-1 count c survives n − 1 critical Poisson resamplings with probability
    1 − φ_n^c, so mechanism A's large-T error is the clean error at T0·(1 − φ_n) items
    (see :mod:`.transforms`); 1 − φ_n ≈ 2/n for large n (TG §A.3, neutral drift).
    """
    n = np.atleast_1d(np.asarray(n, dtype=int))
    phi = np.zeros(int(n.max()))
    for m in range(1, phi.size):
        phi[m] = np.exp(phi[m - 1] - 1.0)
    return 1.0 - phi[n - 1]


def mechanism_a_law(beta: float, T0: float, n: Any) -> np.ndarray:
    """Mechanism A as T → ∞: E_n ≈ C_β (T0 (1 − φ_n))^(−c) ≍ (n/T0)^c (TG §A.3, claim 13)."""
    return clean_law(beta, T0 * resampling_survival(n))


def shifted_scaling_ratio(beta: float, n: Any) -> np.ndarray:
    """K_n/K_0 for mechanism C with T0 = T (TG eq. (A.16)).

    K_n/K_0 = ∫_0^∞ u^(−1/β) [1 − (1 − e^(−u))^(n+1)] du / Γ(1 − 1/β): E_n(T) = K_n T^(−c).
    """
    def ratio(m: int) -> float:
        def f(u: float) -> float:
            return u ** (-1.0 / beta) * -np.expm1((m + 1) * np.log1p(-np.exp(-u)))

        # split at 1 so quad sees the integrable u^(-1/β) singularity on its own piece
        head = integrate.quad(f, 0.0, 1.0, limit=200)[0]
        rest = integrate.quad(f, 1.0, np.inf, limit=200)[0]
        return (head + rest) / float(special.gamma(1.0 - 1.0 / beta))

    return np.array([ratio(int(m)) for m in np.atleast_1d(n)])



def asymptotic_law(setting: TailsSetting, T: Any = None) -> np.ndarray | float | None:
    """The large-T law that applies to ``setting``, or None where the theory gives none.

    Clean: (A.4); top-k / top-p: (A.7); with mixing: (A.20); temperature: (A.13) with
    β' = β/τ^n; one finite-sample generator: (A.9); mechanism C with T0 = T: K_n T^(−c) (A.16).
    """
    from .transforms import cut_index

    s = setting
    T_eval = np.asarray(s.T if T is None else T, dtype=float)
    k = cut_index(s)
    if s.temperature is not None:
        out = narrowing_law(s.beta, s.trained_beta, T_eval)
    elif s.generations == 0 and k is None:
        out = clean_law(s.beta, T_eval)
    elif s.generations == 0:
        out = mixing_law(s.beta, T_eval, k, s.pi) if s.pi > 0 else double_scaling_law(s.beta, T_eval, k)
    elif s.generations == 1 and s.T0 is not None and s.pi == 0:
        out = finite_sample_law(s.beta, T_eval, s.T0)
    elif s.mechanism == "C" and s.T0 is None:
        out = shifted_scaling_ratio(s.beta, [s.generations])[0] * clean_law(s.beta, T_eval)
    else:
        return None
    return float(out) if np.ndim(out) == 0 else out


def gcd_law(k: Any) -> np.ndarray:
    """P(gcd = k) = 6/(π² k²) for uniform random operands (TG eq. (A.25))."""
    return 6.0 / (np.pi**2 * np.asarray(k, dtype=float) ** 2)
