"""The collapse-aware scaling law: loss against training-set size n and synthetic share p2.

    L(n, p2) = E + F·p2² + (A + G·p2·(1 − p2))·v(n),   v(n) = n^(−α) / (1 − (n_c/n)^α)   (law)

Derivation. In the under-parameterised ridgeless regime the deterministic equivalent of
the test error on a mixture with synthetic share p2 = 1 − p1 is SMC eq. (2.16),

    E_test = σ²·φ/(1 − φ) + p2²·c² + p1·p2·c²·φ/(1 − φ),    φ = d/n,

three terms, one per parameter group of the law:

- the clean term A·v(n): the variance of ridge on n clean samples, σ²·D2/(1 − D2) with
  D2 = φ (SMC eq. (2.5b), (2.13)). SMC §6 (eq. (6.2)-(6.3)) shows that a power-law spectrum
  turns the 1/n into n^(−α) with α = 2βr/(2βr + 1), so α is free, and D2/(1 − D2) keeps
  the pole at the interpolation threshold n_c (isotropic: A = σ²d, α = 1, n_c = d). With
  n_c = 0 the term is the plain power law A·n^(−α) of Chinchilla-style fits;
- the floor F·p2² that no n removes: the pull of the solution toward the generator's
  weights, p2²·c² (SMC eq. (2.19) and (6.3)); F is c²-like;
- the cross term G·p1·p2·v(n): the inconsistency of the two labelling rules acting as
  extra label noise of variance p1·p2·c², amplified by the same variance factor
  D2/(1 − D2) (SMC eq. (2.7)); it decays at the clean rate (isotropic: G = c²·d).

E is the loss no amount of clean data removes (the Bayes error of a classifier, the entropy
of text, or with a ridge λ > 0 the term λ²r²/(1 + λ)² of SMC eq. (2.20), whose p2 part
c²/(1 + λ)² is again F·p2²). All parameters are ≥ 0 (α > 0), as the theory gives: synthetic
data never lowers the floor, and the mismatch only adds label noise. The law holds for
n > n_c; as n → ∞ it tends to the floor E + F·p2².
"""

from __future__ import annotations

import numpy as np

# The law's parameters, in the order of the fitter's parameter vectors.
PARAMS: tuple[str, ...] = ("E", "A", "alpha", "F", "G", "n_c")


def collapse_law(n: np.ndarray, p2: np.ndarray, E: float, A: float, alpha: float, F: float,
                 G: float, n_c: float = 0.0) -> np.ndarray:
    """L(n, p2) = E + F·p2² + (A + G·p2·(1 − p2))·n^(−α)/(1 − (n_c/n)^α) (module docstring;
    SMC eq. (2.16) with the rate of SMC eq. (6.3)); broadcasts over n, p2 and the
    parameters; +inf at n ≤ n_c (the interpolation threshold).

    >>> round(float(collapse_law(1e4, 0.1, E=0.0, A=100.0, alpha=1.0, F=1.0, G=100.0)), 6)
    0.0209
    """
    p2 = np.asarray(p2, dtype=float)
    return E + F * p2**2 + (A + G * p2 * (1.0 - p2)) * variance_factor(n, alpha, n_c)


def variance_factor(n: np.ndarray, alpha: float, n_c: float = 0.0) -> np.ndarray:
    """v(n) = n^(−α)/(1 − (n_c/n)^α), the D2/(1 − D2) of SMC eq. (2.5b) with D2 ≍ (n_c/n)^α
    up to the constant A; decreasing in n, +inf at n ≤ n_c."""
    n = np.asarray(n, dtype=float)
    ratio = (n_c / n) ** alpha
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(ratio < 1, n ** (-alpha) / (1 - ratio), np.inf)


def n_for_variance(v: float, alpha: float, n_c: float = 0.0) -> float:
    """The n > n_c at which :func:`variance_factor` equals v > 0 (its inverse):
    n^(−α) = v/(1 + v·n_c^α)."""
    return float((v / (1 + v * n_c**alpha)) ** (-1 / alpha))


def law_floor(p2: np.ndarray, E: float, F: float) -> np.ndarray:
    """The loss as n → ∞: E + F·p2² (SMC eq. (2.19), with the clean floor E)."""
    return E + F * np.asarray(p2, dtype=float) ** 2
