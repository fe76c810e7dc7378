"""Exact expected test error of the Hutter LLM on Zipf data (TG §A.2, §A.8).

Items i = 1, 2, ... have real probabilities p_i = i^(-β)/ζ(β) (TG eq. (A.1)). The Hutter
LLM answers item i correctly iff it saw i in training, so its expected test error is

    E(T) = Σ_i p_i · P(i unseen by a model trained on T samples)                         (A.2)

which for T iid samples from q is Σ_i p_i (1 − q_i)^T. Every training law of this package
(tail cuts, narrowing, mixing, generation chains) makes P(i unseen) a function of p_i and T
only, called ``unseen(p, T)`` below, so one evaluator serves them all.

Evaluation for T up to 1e12 without summing 1e12 terms
-------------------------------------------------------
The first N = ``head`` items are summed exactly. The remainder Σ_{i>N} f(i), with
f(x) = A x^(-β) g(T A x^(-β)), A = 1/ζ(β), g(u) = unseen(u/T, T), is replaced by the
midpoint-rule integral ∫_{N+1/2}^∞ f(x) dx. Substituting u = T A x^(-β),

    ∫_{N+1/2}^∞ f(x) dx = (T A)^(1/β) / (β T) · ∫_0^{u_N} u^(-1/β) g(u) du,   u_N = T A (N+1/2)^(-β)

and the u-integral is done by composite Gauss–Legendre in log u, plus the exact piece
∫_0^{u_0} u^(-1/β) du = u_0^c / c (c = 1 − 1/β) times g(u_0) for u_0 = 1e-16 u_N.

Error bound. The midpoint rule errs by at most (1/24) ∫_N^∞ |f''(x)| dx. If
|u^j g^(j)(u)| ≤ M for j = 1, 2 (every g here is a product of factors like e^(−a u) or
(1 − e^(−a u))^n, for which M is a small constant), then |f''(x)| ≤ K A x^(-β-2) with
K = (β + 1)(β + 2) + M (2β(β + 1) + 2β²), so the error is at most K p_N / (24 (β + 1) N):
with M = 1 and N = 2^14, 4e-12 at β = 1.5 and 6e-14 at β = 2, whatever T is. Jumps of g
(tail cuts) are placed on integration edges, see :func:`cut_threshold`. The small-u piece
errs by O(u_0) relatively and the quadrature converges geometrically (panels of width < 0.6
in log u against features of width ≥ 1); ``tests/tails/test_hutter.py`` checks
the whole evaluator against brute-force sums over 1e7 items.

>>> round(float(clean_error(2.0, 1e4)), 6)
0.00691
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from scipy import special

from ..config import check_number

Unseen = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""P(item unseen by the downstream model) as a function of (p_i, T), broadcasting."""

# Zipf exponents above this put all but 2^-64 of the mass on the first item: the error is
# below double precision's resolution of it, and the quadrature's log-range underflows.
MAX_BETA = 64.0


def check_beta(beta: float) -> float:
    """β as a float after checking 1 < β <= MAX_BETA (a ValueError naming ``beta``)."""
    return check_number("beta", beta, low=1.0, low_open=True, high=MAX_BETA)


HEAD = 1 << 14  # items summed term by term
_PANELS, _NODES = 64, 12  # composite Gauss–Legendre in log u for the tail integral
_U0_RATIO = 1e-16  # the tail integral starts at u_0 = 1e-16·u_top; below it g is constant
_CHUNK = 1 << 22  # matrix entries per block when vectorising over T

_GL_X, _GL_W = np.polynomial.legendre.leggauss(_NODES)
_LEFT = np.arange(_PANELS)[:, None]
_UNIT_NODES = ((_LEFT + (_GL_X + 1) / 2) / _PANELS).ravel()  # nodes on [0, 1]
_UNIT_WEIGHTS = np.tile(_GL_W / (2 * _PANELS), _PANELS)


def zipf_norm(beta: float) -> float:
    """A = 1/ζ(β), so that p_i = A i^(-β) (TG eq. (A.1))."""
    return 1.0 / float(special.zeta(beta))


def zipf_probs(beta: float, size: int) -> np.ndarray:
    """p_1 … p_size of Zipf(β) (not renormalised: the rest is :func:`tail_mass`)."""
    return zipf_norm(beta) * np.arange(1, int(size) + 1, dtype=float) ** -beta


def tail_mass(beta: float, k: Any) -> np.ndarray | float:
    """Σ_{i>k} p_i = ζ(β, k+1)/ζ(β), exactly (Hurwitz zeta); the plateau of eq. (A.8)."""
    out = special.zeta(beta, np.asarray(k, dtype=float) + 1.0) * zipf_norm(beta)
    return float(out) if np.ndim(out) == 0 else out


def cut_threshold(beta: float, k: float) -> float:
    """p-value separating items ≤ k from items > k: A (k + 1/2)^(-β).

    Unseen-functions with a jump at k compare p with this value, which places the jump exactly
    where the midpoint-rule tail integral splits (x = k + 1/2).
    """
    return zipf_norm(beta) * (k + 0.5) ** -beta


def power(base: np.ndarray, exponent: Any) -> np.ndarray:
    """(1 − base)^exponent via exp(exponent · log1p(−base)), accurate for base ≪ 1 and T ~ 1e12."""
    with np.errstate(divide="ignore"):  # base = 1 gives log1p(-1) = -inf and the right 0
        return np.exp(exponent * np.log1p(-np.minimum(base, 1.0)))


def hutter_error(p: Any, q: Any, T: Any, unseen_mass: float = 0.0) -> np.ndarray:
    """Σ_i p_i (1 − q_i)^T + unseen_mass for explicit finite arrays p, q (TG eq. (A.2)).

    ``unseen_mass`` is test mass on items the training law never produces. Vectorised over T.
    """
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape or p.ndim != 1:
        raise ValueError("p and q must be 1-d arrays of the same length")
    if np.any(q < 0) or np.any(q > 1) or np.any(p < 0):
        raise ValueError("p and q must be probabilities")
    Ts = np.atleast_1d(np.asarray(T, dtype=float)).ravel()
    rows = max(1, _CHUNK // max(p.size, 1))
    out = np.concatenate([power(q[None, :], Ts[i:i + rows, None]) @ p for i in range(0, Ts.size, rows)])
    return (out + unseen_mass).reshape(np.shape(T)) if np.ndim(T) else float(out[0] + unseen_mass)


def expected_error(beta: float, unseen: Unseen, T: Any, *, cuts: Sequence[float] = (),
                   head: int = HEAD) -> np.ndarray:
    """E(T) = Σ_i p_i · unseen(p_i, T) over all items i ≥ 1 (TG eq. (A.2), recipe §A.8).

    ``cuts`` lists indices k after which ``unseen`` jumps (it must compare p with
    :func:`cut_threshold`); the tail integral is split there. See the module docstring for
    the method and its error bound. Vectorised over T; returns an array shaped like T.
    """
    beta = check_beta(beta)
    Ts = np.atleast_1d(np.asarray(T, dtype=float)).ravel()
    if np.any(Ts <= 0) or not np.all(np.isfinite(Ts)):
        raise ValueError("T must be finite and > 0")
    p_head = zipf_probs(beta, head)
    total = np.empty_like(Ts)
    rows = max(1, _CHUNK // head)
    for start in range(0, Ts.size, rows):
        block = Ts[start:start + rows, None]
        total[start:start + rows] = unseen(p_head[None, :], block) @ p_head
    return (total + _tail_integral(beta, unseen, Ts, cuts, head)).reshape(np.shape(T))


def _tail_integral(beta: float, unseen: Unseen, Ts: np.ndarray, cuts: Sequence[float],
                   head: int) -> np.ndarray:
    """(TA)^(1/β)/(βT) · ∫_0^{u_N} u^(-1/β) g(u) du, split at the cuts beyond the head."""
    A, c = zipf_norm(beta), 1.0 - 1.0 / beta
    edges = sorted({head, *(float(k) for k in cuts if k > head)})  # x-edges minus 1/2
    u_edges = [Ts * A * (x + 0.5) ** -beta for x in edges]  # decreasing in x
    T_col = Ts[:, None]
    integral = np.zeros_like(Ts)
    for top, bottom in zip(u_edges, [*u_edges[1:], None], strict=True):
        low = _U0_RATIO * top if bottom is None else bottom
        log_lo, log_hi = np.log(low), np.log(top)
        t = log_lo[:, None] + (log_hi - log_lo)[:, None] * _UNIT_NODES[None, :]
        u = np.exp(t)
        g = unseen(u / T_col, T_col)
        integral += (np.exp(c * t) * g) @ _UNIT_WEIGHTS * (log_hi - log_lo)
        if bottom is None:  # ∫_0^{u_0} u^(-1/β) g(u) du with g ≈ g(u_0) there
            g0 = unseen((low / Ts)[:, None], T_col)[:, 0]
            integral += g0 * low**c / c
    return (Ts * A) ** (1.0 / beta) / (beta * Ts) * integral


def clean_error(beta: float, T: Any) -> np.ndarray:
    """Clean Hutter error Σ_i p_i (1 − p_i)^T (TG eqs. (A.2)–(A.3), q = p)."""
    return expected_error(beta, lambda p, t: power(p, t), T)
