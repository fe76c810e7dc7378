"""The Hutter LLM under data workflows over generations: replace, accumulate, mix.

The model. Items i = 1, 2, ... have real probabilities p_i ∝ i^(-β) (Zipf, β > 1). A Hutter
LLM memorises the label of every item it saw in training and errs on every other item, so
its test error is the real mass of the items it does not know, E = Σ_i p_i 1[i unknown]
(:mod:`.hutter`). Generation 0 trains on one block of T real samples; generation k >= 1
trains on data produced by earlier generations, according to the *workflow*, with blocks
of T samples each:

- ``replace``: one fresh block of T samples produced by generation k − 1;
- ``accumulate``: blocks 0..k pooled, (k + 1)T samples; block 0 is real and block j >= 1
  was produced by generation j − 1 (from everything generation j − 1 trained on);
- ``mix``: a = round(πT) fresh real samples plus s = T − a samples produced by generation
  k − 1 (π = 0 is replace, draw for draw; π = 1 trains every generation on T real samples).

How a generation produces data is the *mechanism* (the generators of :mod:`.transforms`):

- ``B`` (the default): the training support renormalised, q ∝ p·1[i seen]. A model can only
  produce items it saw, and it produces them at their real relative frequencies: the tail
  cut of the paper's finite-sample generator, applied at every generation.
- ``A``: the empirical distribution of the training samples (counts / total).
- ``C``: inputs drawn from p, labelled by the previous generation. A sample of an item the
  labeller does not know carries a wrong label, and a model that memorises it answers
  wrongly: "known" means known with the correct label.

Mechanisms A and B both make sense for every workflow (they differ in the weights of the
synthetic samples, not in their support). C makes sense for replace and accumulate. Under
mix it does not: one item could appear with its real label in the fresh part and with a
wrong one in the synthetic part, and the Hutter model has no rule for conflicting labels,
so ``mix`` with ``C`` is refused (as :class:`.config.TailsSetting` refuses π > 0 with C).

Laws (k = 0..G; u_k(p) = P(an item of real probability p is unknown at generation k))
------------------------------------------------------------------------------------

(TW.0) Generation 0, every workflow: E_0 = Σ_i p_i (1 − p_i)^T, exact (clean Hutter law).

(TW.1) accumulate, every mechanism: E_k = E_0 for all k, exact, and pathwise (each run's
error is constant over generations, not only its mean). Derivation, by induction on k: let
S_0 be the items of block 0. Under A and B, generation j − 1 produces only items of its
own training pool, whose items are S_0 by the induction hypothesis, so block j adds no new
item and the pool of generation j still has exactly the items S_0 (the union contains
S_0 and is contained in it). Under C, block j may contain new items, but each is labelled
by generation j − 1; an item of S_0 gets its correct label (generation j − 1 knows it) and
an item outside S_0 a wrong one (it does not), so every copy of an item in the pool
carries the correct label iff the item is in S_0, and no conflict ever arises. In all
three cases generation k knows exactly S_0. In the Hutter model accumulating synthetic data
neither helps nor hurts: the tail cut never deepens beyond generation 0's.

(TW.2) replace, mechanism C: E_k = Σ_i p_i [1 − (1 − (1 − p_i)^T)^(k+1)], exact.
Generation k knows i iff i is in its block (probability 1 − (1 − p_i)^T, independently of
the other blocks, since inputs are always drawn from p) and generation k − 1 knew i (it
supplied the label). This is the mechanism-C chain of :mod:`.transforms` with T0 = T and
k generators, and it is computed by that code.

(TW.3) replace and mix, mechanism B: the mean-field recursion

    u_0(p) = (1 − p)^T,
    u_k(p) = (1 − p)^a · [u_{k−1}(p) + (1 − u_{k−1}(p)) (1 − p/Z_{k−1})^s],
    Z_k = Σ_i p_i (1 − u_k(p_i)) = 1 − E_k,     E_k = Σ_i p_i u_k(p_i).

Derivation: item i is unknown at generation k iff it is missing from the a fresh real
samples (probability (1 − p_i)^a, independent of the past) and from the s synthetic ones;
the synthetic samples are s draws from p·1[S_{k−1}]/Z_{k−1}, with Z_{k−1} the real mass of
generation k − 1's support, which misses i surely if i ∉ S_{k−1} and with probability
(1 − p_i/Z_{k−1})^s otherwise. The one approximation is to replace the random normaliser
Z_{k−1} by its mean 1 − E_{k−1}: it concentrates (relative spread O(T^(−1/2)) or less), as
in the mechanism-B chain of :mod:`.transforms`, which is the case a = 0 of this recursion
(replace; the tests check that both give the same numbers) and which is tested against
Monte-Carlo there; this recursion is tested against Monte-Carlo in
``tests/tails/test_workflows.py``. It is evaluated with the exact evaluator of
:mod:`.hutter`, carrying u_k on its quadrature nodes from one generation to the next.

Exact facts around (TW.3). (i) Under replace with A, B or C, what generation k knows is a
subset of what generation k − 1 knew, so each run's error is non-decreasing over the
generations: the tail cut deepens (in the recursion the error settles once the items left
all have e^(−pT/Z) below rounding). (ii) Under mix with B, S_k ⊆ S_0 ∪ R_1 ∪ ... ∪ R_k
(R_j: the items of the real part of block j) and R_k ⊆ S_k, so for k >= 1

    Σ_i p_i (1 − p_i)^(T + k·a)  <=  E_k  <=  Σ_i p_i (1 − p_i)^a.

The left-hand side is *not* the law of mix: it would be, were the synthetic part to keep
the whole previous support, but s draws from p·1[S_{k−1}]/Z_{k−1} keep only part of it (a
seen tail item of probability p is re-drawn with probability ≈ s·p/Z ≪ 1). So the
synthetic part matters: it decides which of the old items survive. (iii) Synthetic samples
under B never bring a new item, and they are spent mostly on the head, which the fresh real
samples cover anyway; trading real samples for them loses tail. The recursion (and the
Monte-Carlo of the tests) shows the consequence: under mix the error *rises* from E_0 over
the generations to a fixed point, reached geometrically, above E_0 for π < 1, decreasing
in π, equal to E_0 at π = 1.
At β = 2, T = 1000: E_0 = 0.0218 and the fixed points are 0.0325 (π = 0.1), 0.0270 (0.3),
0.0247 (0.5), 0.0222 (0.9).

Simulation only (no law: :func:`predict_tails_workflow` raises ``ValueError``):

- replace with A: the mechanism-A chain of :mod:`.transforms` (T0 = T) approximates the
  resampling by Poisson offspring (a critical Galton–Watson process). Against Monte-Carlo
  it is off by 2% at β = 2, T = 100, G = 8 (10 standard errors with 2·10^4 seeds) and by
  0.4% at β = 1.5, T = 1000 (4.5 standard errors with 10^4 seeds), while the mechanism-B
  recursion (TW.3) stays within 2 standard errors at the same sizes; an approximation
  that Monte-Carlo resolves is not offered as this family's law;
- mix with A: the synthetic part resamples counts, which carry the fresh real samples'
  multiplicities into later generations; the survival of an item depends on its whole
  count history, not on one support probability per item, and there is no closed recursion.

Simulation. One run draws, per generation, multinomial count vectors (never lists of tokens)
over the first N items plus one bucket for the mass beyond them (:func:`.simulate.draw_counts`);
samples in the bucket are lost, as in the chains of :mod:`.simulate`. The support N is
:func:`.simulate.default_support` of the whole chain's real sample count T + G·a. Under A
and B no item ever enters a support except through a real sample, so an item i > N would be
known at generation k with probability at most (T + k·a)·p_i, and the truncation biases the
error upwards by at most (T + k·a) Σ_{i>N} p_i², reported as ``truncation_bound`` (to first
order: the renormalisation of B over the truncated support moves the head's weights by the
same relative amount). Under C, generation k knows only items of block 0, so the bound is
T Σ_{i>N} p_i².

>>> s = TailsWorkflowSetting(beta=2.0, T=1000, generations=3, workflow="accumulate")
>>> law = predict_tails_workflow(s)
>>> [round(e, 5) for e in law["by_generation"]]
[0.02184, 0.02184, 0.02184, 0.02184]
>>> run = tails_workflow_one(s, seed_index=0)
>>> len(set(run["by_generation"]))  # accumulate keeps generation 0's support exactly
1
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from scipy import special

from ..config import MAX_COUNT, MAX_GENERATIONS, check_choice, check_number, check_pi, check_size
from ..configbase import ConfigBase
from ..seeds import seed_generator
from .config import MECHANISMS, Mechanism, TailsSetting
from .hutter import check_beta, clean_error, expected_error, power, tail_mass, zipf_norm, zipf_probs
from .simulate import default_support, draw_counts
from .transforms import chain_law

WORKFLOWS: tuple[str, ...] = ("replace", "accumulate", "mix")
# Multinomial categories one simulated run may draw, summed over generations (each
# generation draws over up to N + 1 categories, ~25 ns each): about ten minutes.
MAX_DRAW_WORK = float(2**34)

EXACT_CLEAN = "exact: generation 0 trains on real data (TW.0)"
EXACT_ACCUMULATE = "exact: accumulate keeps generation 0's support (TW.1)"
EXACT_REPLACE_C = "exact: mechanism-C relabelling chain (TW.2)"
MEAN_FIELD_B = "mean-field support recursion, normaliser at its mean (TW.3)"


@dataclass(frozen=True)
class TailsWorkflowSetting(ConfigBase):
    """A chain of Hutter LLMs on Zipf(β) data, each producing data for the next.

    - ``beta`` > 1: Zipf exponent of the real data; ``T``: samples per block (a whole
      number, typed float so that it may pass 2**53; at most 2**62).
    - ``generations`` = G >= 0: the chain reports generations 0..G; generation 0 trains on
      T real samples.
    - ``workflow``: ``replace``, ``accumulate`` or ``mix`` (see the module docstring);
      ``mix`` needs ``pi``, the fraction of fresh real samples per block, and only mix takes it.
    - ``mechanism``: how a generation produces data: ``B`` (its training support with
      p-proportional weights, the default), ``A`` (its empirical distribution) or ``C``
      (inputs from p, its labels; not with ``mix``).

    >>> TailsWorkflowSetting(beta=2.0, T=1e4, generations=5, workflow="mix", pi=0.1).real_samples
    1000
    """

    beta: float
    T: float
    generations: int = 1
    workflow: str = "replace"
    pi: float | None = None
    mechanism: Mechanism = "B"

    WHOLE: ClassVar[tuple[str, ...]] = ("T",)  # a sample count, typed float to pass 2**63

    def __post_init__(self) -> None:
        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731
        set_("beta", check_beta(self.beta))
        set_("T", check_number("T", self.T, low=1.0, high=MAX_COUNT, integer=True))
        set_("generations", int(check_number("generations", self.generations, low=0,
                                             high=MAX_GENERATIONS, integer=True)))
        check_choice("workflow", self.workflow, WORKFLOWS)
        set_("pi", check_pi(self.workflow, self.pi, "samples"))
        check_choice("mechanism", self.mechanism, MECHANISMS)
        if self.workflow == "mix" and self.mechanism == "C":
            raise ValueError("mechanism: mix is not defined under mechanism C (an item could come "
                             "with its real label and with a wrong synthetic one); use A or B")
        if self.workflow == "accumulate" and (self.generations + 1) * self.T > MAX_COUNT:
            raise ValueError(f"T: the pooled (generations + 1)·T = {(self.generations + 1) * self.T:.3g} "
                             f"samples must be <= {MAX_COUNT:.3g} (64-bit counts)")

    @property
    def real_samples(self) -> int:
        """a = round(πT): fresh real samples per block of generation k >= 1 (0 unless mix)."""
        return round(self.pi * self.T) if self.workflow == "mix" else 0

    @property
    def synthetic_samples(self) -> int:
        """s = T − a: samples per block produced by the previous generation."""
        return int(self.T) - self.real_samples

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form; T prints as an integer."""
        out = super().to_dict()
        out["T"] = int(out["T"])
        return out


# -- theory ------------------------------------------------------------------------------

class _SupportRecursion:
    """u_k of (TW.3) as ``unseen(p, T)`` functions for :func:`.hutter.expected_error`.

    The evaluator asks for the same quadrature nodes at every generation (T is fixed), so
    u_{k−1} is kept per node array and generation k costs one step; a node array not seen
    before is computed from u_0 through every step (the definition; the memo only saves work).
    """

    def __init__(self, T: float, real: int) -> None:
        self.T, self.a, self.s = T, real, T - real
        self.norms: list[float] = []  # Z_0 .. Z_{k−1}
        self.change = 0.0  # max |u_k − u_{k−1}| over the nodes of the last generation
        self._memo: dict[tuple[tuple[int, ...], bytes], tuple[int, np.ndarray]] = {}

    def _step(self, p: np.ndarray, u: np.ndarray, Z: float) -> np.ndarray:
        return power(p, self.a) * (u + (1.0 - u) * power(p / Z, self.s))

    def unseen(self, k: int) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
        def at(p: np.ndarray, _T: np.ndarray) -> np.ndarray:
            key = (p.shape, p.tobytes())
            known = self._memo.get(key)
            if known is not None and known[0] == k:
                return known[1]
            if known is not None and known[0] == k - 1:
                u = self._step(p, known[1], self.norms[k - 1])
                self.change = max(self.change, float(np.max(np.abs(u - known[1]))))
            else:
                u = power(p, self.T)
                for Z in self.norms[:k]:
                    u = self._step(p, u, Z)
                self.change = np.inf
            self._memo[key] = (k, u)
            return u

        return at


def support_recursion(beta: float, T: float, generations: int, real: int = 0) -> np.ndarray:
    """E_0..E_G of (TW.3): mechanism B under replace (``real`` = 0) or mix (``real`` = a).

    Stops early once u_k has stopped moving on every node (by at most 1e-16; mix reaches
    its fixed point geometrically, and under replace the items left are those with
    e^(−p T/Z) < 1e-16): the remaining generations repeat the last value, which neglects a
    drift of at most 1e-16 per generation in E.
    """
    rec = _SupportRecursion(float(T), int(real))
    errors: list[float] = []
    for k in range(generations + 1):
        rec.change = 0.0
        errors.append(float(expected_error(beta, rec.unseen(k), T)))
        if k > 0 and rec.change <= 1e-16:
            errors += [errors[-1]] * (generations - k)
            break
        rec.norms.append(1.0 - errors[-1])
    return np.array(errors)


def replace_c_law(beta: float, T: float, generations: int) -> np.ndarray:
    """E_0..E_G of (TW.2), from the mechanism-C chain of :mod:`.transforms` (T0 = T)."""
    later = [float(chain_law(beta, "C", k, T).error(beta, T)) for k in range(1, generations + 1)]
    return np.array([float(clean_error(beta, T)), *later])


def mix_bounds(setting: TailsWorkflowSetting) -> tuple[np.ndarray, np.ndarray]:
    """Exact bounds on E_0..E_G under mix with mechanism B (fact (ii) of the module docstring):
    Σ p(1 − p)^(T + k·a) <= E_k <= Σ p(1 − p)^a for k >= 1 (both E_0 at k = 0)."""
    s = setting
    a, G = s.real_samples, s.generations
    lower = clean_error(s.beta, s.T + a * np.arange(G + 1, dtype=float))
    E0 = float(clean_error(s.beta, s.T))
    upper = np.full(G + 1, float(clean_error(s.beta, a)) if a > 0 else 1.0)
    upper[0] = E0
    return np.asarray(lower, dtype=float), upper


def tails_workflow_law(setting: TailsWorkflowSetting) -> tuple[np.ndarray, str]:
    """(E_0..E_G, method) of ``setting``, or ``ValueError`` naming the parameter without a law."""
    s = setting
    if s.generations == 0:
        return np.array([float(clean_error(s.beta, s.T))]), EXACT_CLEAN
    if s.workflow == "accumulate":
        return np.full(s.generations + 1, float(clean_error(s.beta, s.T))), EXACT_ACCUMULATE
    if s.mechanism == "B":
        return support_recursion(s.beta, s.T, s.generations, s.real_samples), MEAN_FIELD_B
    if s.mechanism == "C":  # replace (mix with C is refused by the configuration)
        return replace_c_law(s.beta, s.T, s.generations), EXACT_REPLACE_C
    raise ValueError(f"mechanism: {s.workflow} under mechanism A has no law (the resampled "
                     "counts carry each item's history); simulate it, or use B or C")


def predict_tails_workflow(setting: TailsWorkflowSetting) -> dict[str, Any]:
    """The theory of the tails-workflow family: the expected test error of generation G
    (``test_error``), of every generation 0..G (``by_generation``) and which law gave them
    (``method``). ``ValueError`` for mix or replace under mechanism A (simulation only)."""
    errors, method = tails_workflow_law(setting)
    return {"test_error": float(errors[-1]), "by_generation": errors.tolist(), "method": method}


# -- simulation --------------------------------------------------------------------------

def workflow_support(setting: TailsWorkflowSetting) -> int:
    """N: :func:`.simulate.default_support` of a chain whose real samples total T + G·a."""
    s = setting
    real = s.T + s.generations * s.real_samples
    return default_support(TailsSetting(beta=s.beta, T=real, T0=real))


def truncation_bound(setting: TailsWorkflowSetting, N: int) -> float:
    """Upward bias bound of generation G's simulated error on N items (module docstring)."""
    s = setting
    real = s.T + s.generations * s.real_samples
    return float(real * zipf_norm(s.beta) ** 2 * special.zeta(2 * s.beta, N + 1))


def _produce(rng: np.random.Generator, n: int, counts: np.ndarray, p: np.ndarray,
             mechanism: str) -> np.ndarray:
    """Counts of n samples produced by a model trained on ``counts`` under A or B."""
    out = np.zeros_like(counts)
    idx = np.flatnonzero(counts)
    if n == 0 or idx.size == 0:  # a model that knows no head item only produces the bucket
        return out
    weights = counts[idx].astype(float) if mechanism == "A" else p[idx]
    out[idx] = rng.multinomial(n, weights / weights.sum())
    return out


def _support_chain(s: TailsWorkflowSetting, p: np.ndarray,
                   rng: np.random.Generator) -> Iterator[np.ndarray]:
    """Known head items of generations 0..G under A or B (known = in the training counts)."""
    T, a, syn = int(s.T), s.real_samples, s.synthetic_samples
    counts = draw_counts(rng, T, p)[0]
    yield counts > 0
    for _ in range(s.generations):
        if s.workflow == "accumulate":
            counts = counts + _produce(rng, T, counts, p, s.mechanism)
        else:  # replace, or mix: a fresh real samples and s produced by the previous model
            real = draw_counts(rng, a, p)[0] if a > 0 else 0
            counts = real + _produce(rng, syn, counts, p, s.mechanism)
        yield counts > 0


def _relabel_chain(s: TailsWorkflowSetting, p: np.ndarray,
                   rng: np.random.Generator) -> Iterator[np.ndarray]:
    """Items known with their correct label, generations 0..G, under mechanism C."""
    T = int(s.T)
    known = draw_counts(rng, T, p)[0] > 0
    right, wrong = known.copy(), np.zeros_like(known)  # pooled copies with a right / wrong label
    yield known
    for _ in range(s.generations):
        seen = draw_counts(rng, T, p)[0] > 0
        if s.workflow == "accumulate":
            right |= seen & known
            wrong |= seen & ~known
            known = right & ~wrong  # a conflicted item counts as unknown (TW.1: none arise)
        else:
            known = seen & known
        yield known


def tails_workflow_one(setting: TailsWorkflowSetting, seed_index: int, base_seed: int = 0, *,
                       support: int | None = None) -> dict[str, Any]:
    """One simulated chain of ``setting`` (seed index ``seed_index`` of ``base_seed``): the
    test error of generation G (``test_error``) and of every generation (``by_generation``),
    the support N (``support``, default :func:`workflow_support`) and the truncation bias
    bound of generation G (``truncation_bound``)."""
    s = setting
    N = workflow_support(s) if support is None else int(
        check_number("support", support, low=2, integer=True))
    check_size("T", 8.0 * N, f"the count vectors of a chain over {N} items")
    if (s.generations + 1) * (N + 1.0) > MAX_DRAW_WORK:
        raise ValueError(f"generations: simulating {s.generations} generations over {N} items "
                         f"would draw {(s.generations + 1) * (N + 1.0):.3g} multinomial categories, "
                         f"more than the {MAX_DRAW_WORK:.3g} one run may take")
    rng = seed_generator(base_seed, seed_index)
    p = zipf_probs(s.beta, N)
    beyond = float(tail_mass(s.beta, N))
    chain = _relabel_chain if s.mechanism == "C" else _support_chain
    errors = [float(p[~known].sum()) + beyond for known in chain(s, p, rng)]
    return {"test_error": errors[-1], "by_generation": errors, "support": N,
            "truncation_bound": truncation_bound(s, N)}
