"""The two workflows of the regression chain (WF §1) that need the rows themselves.

Both start like every chain: w* (:func:`~.draws.draw_target`), then generation 0 fits ridge
on one block of T real rows y = x·w* + σε. All randomness comes from the one generator, in
program order, so a chain depends only on (setting, generator).

**accumulate-subsample** (:func:`subsample_chain`). Generation k >= 1 adds block k, T rows
labelled y = x·ŵ_{k−1} + σε (labels drawn once and kept), to the pool of blocks 0..k, and
trains on T rows drawn uniformly without replacement from the (k + 1)T pooled rows; block 0
keeps its real labels. With a ``fresh`` design every block has new inputs and the pool holds
its (k + 1)T×d inputs; with a ``fixed`` design every block has the same T×d inputs X, so the
pool is X repeated with different labels and only the (k + 1)T labels are kept; the subsample
is then summarised by how often each row of X was drawn, C, and its labels' sums, s (XᵀCX
and Xᵀs). A subsample
of a fixed design may draw fewer than d distinct inputs (likelier as T → d and k grows);
least squares then takes the minimum-norm solution. Cost per generation: O(Td² + d³) for
the fit and O((k + 1)T) for the subsample; memory O((G + 1)Td) fresh, O((G + 1)T + Td) fixed
(refused beyond 1 GiB by the setting's ``_check_memory``).

**verify** (:func:`verify_chain`; Feng et al., "Beyond Model Collapse: Scaling Up with
Synthesized Data Requires Verification"). The verifier w_v is w* (``oracle``) or ridge with
the setting's λ on ``nv`` real rows (``learned``), drawn once per chain right after w* and
before generation 0's block. Generation k >= 1 draws candidates (x, ỹ = x·ŵ_{k−1} + σε) and
keeps one iff |ỹ − x·w_v| <= τ, until it holds T rows, then trains on them alone (as
replace does). With a ``fresh`` design each candidate has a new x, so the verifier selects
inputs as well as labels. With a ``fixed`` design (our choice) every row x_i of X draws
candidate labels until one is accepted, so each generation trains on exactly X again and
only the labels are selected (a label truncated to |ỹ − x_i·w_v| <= τ); cycling candidates
through the rows and keeping whichever pass would instead drop the rows the verifier
dislikes and repeat others, which is no longer the fixed design. τ = ∞ accepts every first
candidate: the chain is then replace in distribution, fresh or fixed.

Rejection is vectorised: candidates come in batches sized from the running acceptance
estimate (fresh: need/p̂ plus three binomial standard deviations; fixed: per pending row
1.5/p̂ − 0.5 candidates, at least doubling every round, since the rows still pending are the hard
ones), each batch at most ``BATCH_ELEMENTS`` floats. Acceptance counts what a one-at-a-time
sampler would draw: candidates up to the T-th kept one (fresh) or up to each row's first
kept one (fixed); a batch's surplus is discarded uncounted. A generation may draw at most
``MAX_CANDIDATES_PER_ROW``·T candidates: past that it raises ``ValueError("tau: ...")``
instead of running on. Per generation it reports the acceptance rate T/drawn (1 at
generation 0, which is real data) and the candidates drawn per kept row, drawn/T. A fresh
candidate is judged on the scalar u + σε, u = x·(ŵ_{k−1} − w_v), so candidates draw only
(u, ε) and the T kept ones then draw x given u (exact: x is Gaussian); a fixed design's
candidates are noises only. Cost per generation: O(C) for C candidates, about T/acceptance,
plus O(Td² + d³) for the rows and the fit; memory O(Td) plus one batch.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .config import WorkflowSetting
from .draws import draw_rows, draw_target, excess_risk, ridge_fit

# A generation that needs more than this many candidates per kept row is refused: at that
# acceptance (below 1/1000) τ leaves the verifier almost nothing to accept.
MAX_CANDIDATES_PER_ROW = 1000
# The most float64 entries one batch of candidates draws at once (32 MiB).
BATCH_ELEMENTS = 2**22


def _fit(gram: np.ndarray, xty: np.ndarray, rows: int, rank: int, ridge: float) -> np.ndarray:
    """Ridge (or least squares) on ``rows`` rows spanning ``rank`` <= rows directions of inputs.

    For λ = 0, :func:`ridge_fit` uses its row count only to choose between the exact solve
    (rows >= d) and the minimum-norm solution; a rank-deficient Gram matrix built from d or
    more rows (repeated inputs of a fixed design) is passed its rank so it takes the latter."""
    return ridge_fit(gram, xty, rows if ridge > 0 else min(rows, rank), ridge)


def _real_block(setting: WorkflowSetting, rng: np.random.Generator, lam: np.ndarray,
                w_star: np.ndarray, design: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Generation 0's block: the fixed design or T fresh inputs, labelled by w* with noise."""
    x = design if design is not None else draw_rows(rng, setting.T, lam)
    return x, x @ w_star + setting.sigma * rng.standard_normal(setting.T)


def subsample_chain(setting: WorkflowSetting, rng: np.random.Generator) -> dict[str, Any]:
    """E_0..E_G of one accumulate-subsample chain: generation k trains on T rows drawn without
    replacement from blocks 0..k (block 0 real, block j labelled by ŵ_{j−1})."""
    s = setting
    T, d, blocks = s.T, s.d, s.generations + 1
    lam, w_star = draw_target(s, rng)
    design = draw_rows(rng, T, lam) if s.design == "fixed" else None
    x0, y0 = _real_block(s, rng, lam, w_star, design)
    labels = np.empty(blocks * T)  # pooled labels, block j in [jT, (j + 1)T)
    labels[:T] = y0
    pool = None
    if design is None:  # fresh inputs: the pool keeps every block's rows
        pool = np.empty((blocks * T, d))
        pool[:T] = x0
    w = _fit(x0.T @ x0, x0.T @ y0, T, T, s.ridge)
    errors = [excess_risk(w, w_star, lam)]
    for k in range(1, blocks):
        lo, hi = k * T, (k + 1) * T
        x = design if design is not None else draw_rows(rng, T, lam)
        labels[lo:hi] = x @ w + s.sigma * rng.standard_normal(T)
        pick = rng.choice(hi, size=T, replace=False)
        if pool is not None:
            pool[lo:hi] = x
            xs = pool[pick]
            w = _fit(xs.T @ xs, xs.T @ labels[pick], T, T, s.ridge)
        else:  # fixed design: the subsample is X's rows with multiplicities
            row = pick % T
            counts = np.bincount(row, minlength=T).astype(float)
            sums = np.bincount(row, weights=labels[pick], minlength=T)
            gram = (design * counts[:, None]).T @ design
            w = _fit(gram, design.T @ sums, T, int(np.count_nonzero(counts)), s.ridge)
        errors.append(excess_risk(w, w_star, lam))
    return {"by_generation": np.array(errors)}


def verify_chain(setting: WorkflowSetting, rng: np.random.Generator) -> dict[str, Any]:
    """E_0..E_G of one verify chain, with the acceptance rate and the candidates drawn per kept
    row of every generation (generation 0, real data, accepts all: rate 1, one per row)."""
    s = setting
    T, tau = s.T, float(s.tau)
    lam, w_star = draw_target(s, rng)
    if s.verifier == "learned":
        xv = draw_rows(rng, s.nv, lam)
        yv = xv @ w_star + s.sigma * rng.standard_normal(s.nv)
        w_v = _fit(xv.T @ xv, xv.T @ yv, s.nv, s.nv, s.ridge)
    else:
        w_v = w_star
    design = draw_rows(rng, T, lam) if s.design == "fixed" else None
    x, y = _real_block(s, rng, lam, w_star, design)
    w = _fit(x.T @ x, x.T @ y, T, T, s.ridge)
    errors, drawn_by_gen = [excess_risk(w, w_star, lam)], [T]
    rate = 1.0  # running acceptance estimate, carried from one generation to the next
    for k in range(1, s.generations + 1):
        if design is None:
            x, y, drawn = _verified_fresh(s, rng, lam, w, w_v, tau, rate, k)
        else:
            x = design
            y, drawn = _verified_fixed(s, rng, design, w, w_v, tau, rate, k)
        rate = T / drawn
        w = _fit(x.T @ x, x.T @ y, T, T, s.ridge)
        errors.append(excess_risk(w, w_star, lam))
        drawn_by_gen.append(drawn)
    per_row = np.array(drawn_by_gen, dtype=float) / T
    return {"by_generation": np.array(errors), "acceptance": 1.0 / per_row,
            "candidates_per_row": per_row}


def _too_few(tau: float, kept: int, drawn: int, generation: int) -> ValueError:
    return ValueError(f"tau: the verifier accepts fewer than 1 candidate in {MAX_CANDIDATES_PER_ROW} "
                      f"at tau={tau:g} (generation {generation} kept {kept} of {drawn} candidates); "
                      f"raise tau")


def _verified_fresh(s: WorkflowSetting, rng: np.random.Generator, lam: np.ndarray, w: np.ndarray,
                    w_v: np.ndarray, tau: float, rate: float, generation: int
                    ) -> tuple[np.ndarray, np.ndarray, int]:
    """T kept rows (x, ỹ) of fresh candidates labelled by ``w``, and the candidates a
    one-at-a-time sampler draws to keep them (up to and including the T-th kept one).

    A candidate is accepted on u + σε alone, u = x·a with a = w − w_v ~ N(0, aᵀΣa); so each
    candidate draws (u, ε), and only the T kept ones draw their x given u:
    x = x₀ + Σa(u − x₀·a)/(aᵀΣa), x₀ ~ N(0, Σ), which is N(0, Σ) conditioned on x·a = u."""
    T, budget = s.T, MAX_CANDIDATES_PER_ROW * s.T
    a = w - w_v
    sa = lam * a
    spread = float(a @ sa)
    most = BATCH_ELEMENTS // 2
    us, noises = np.empty(T), np.empty(T)
    kept = drawn = 0
    while kept < T:
        need = T - kept
        if drawn:
            rate = (kept + 0.5) / (drawn + 1.0)
        want = math.ceil((need + 3.0 * math.sqrt(need * (1.0 - rate))) / rate)
        n = min(max(want, 1), most, budget - drawn)
        if n <= 0:
            raise _too_few(tau, kept, drawn, generation)
        u = math.sqrt(spread) * rng.standard_normal(n)
        noise = s.sigma * rng.standard_normal(n)
        ok = np.flatnonzero(np.abs(u + noise) <= tau)[:need]
        us[kept:kept + ok.size], noises[kept:kept + ok.size] = u[ok], noise[ok]
        kept += ok.size
        drawn += int(ok[-1]) + 1 if kept == T else n
    x = draw_rows(rng, T, lam)
    if spread > 0:
        x += np.outer(us - x @ a, sa / spread)
    return x, x @ w + noises, drawn


def _verified_fixed(s: WorkflowSetting, rng: np.random.Generator, design: np.ndarray,
                    w: np.ndarray, w_v: np.ndarray, tau: float, rate: float, generation: int
                    ) -> tuple[np.ndarray, int]:
    """One kept label per row x_i of the fixed design (the first candidate x_i·w + σε with
    |ỹ − x_i·w_v| <= τ), and the candidates a row-by-row sampler draws for them."""
    T, budget = s.T, MAX_CANDIDATES_PER_ROW * s.T
    mean = design @ w
    gap = mean - design @ w_v  # ỹ − x·w_v = gap + σε
    y = np.empty(T)
    pending = np.arange(T)
    drawn, per_row = 0, 0
    while pending.size:
        per_row = max(math.ceil(1.5 / rate - 0.5), 2 * per_row)
        per_row = min(per_row, max(1, BATCH_ELEMENTS // pending.size),
                      (budget - drawn) // pending.size)
        if per_row <= 0:
            raise _too_few(tau, T - pending.size, drawn, generation)
        noise = s.sigma * rng.standard_normal((pending.size, per_row))
        ok = np.abs(gap[pending, None] + noise) <= tau
        hit = ok.any(axis=1)
        first = ok.argmax(axis=1)
        rows = pending[hit]
        y[rows] = mean[rows] + noise[hit, first[hit]]
        drawn += int(first[hit].sum()) + int(hit.sum()) + per_row * int((~hit).sum())
        rate = (ok.sum() + 0.5) / (ok.size + 1.0)
        pending = pending[~hit]
    return y, drawn
