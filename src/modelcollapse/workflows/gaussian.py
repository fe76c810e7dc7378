"""Gaussian fitting over generations (WF §4): the toy model of model collapse.

The model of Shumailov et al., "The Curse of Recursion", and Kazdan et al., "Collapse or
Thrive?". Real data are x ~ N(μ, Σ) in R^p, Σ = diag(λ) with λ from ``spectrum``
(``isotropic``: λ_j = 1; ``power:BETA``: λ_j = j^(-BETA), j = 1..p). Every block has T
samples. Generation 0 fits N(μ̂_0, Σ̂_0) by maximum likelihood (the sample mean and the 1/N
covariance) on one block of T real samples; generation k >= 1 fits on data made by the fit
of generation k − 1:

- ``replace``: one fresh block of T samples from N(μ̂_{k−1}, Σ̂_{k−1});
- ``accumulate``: blocks 0..k pooled, (k + 1)T samples (block j drawn from fit j − 1, block 0
  real);
- ``accumulate-subsample``: T samples drawn uniformly without replacement from that pool;
- ``mix``: a = round(πT) fresh real samples plus s = T − a samples from the previous fit.

Reported per generation k: the variance ratio v_k = tr(Σ̂_k)/tr(Σ) (``by_generation``) and
the mean error e_k = ||μ̂_k − μ||²/tr(Σ) (``mean_error``). ``test_error`` is v_G, the
variance ratio of the last generation: the error-like number of this family. Unlike a test
error it falls as the model collapses (1 = the real spread kept, 0 = a point mass).

Exact laws (all workflows but accumulate-subsample). Every fit is translation equivariant
and every quantity below is a trace, so one can work at μ = 0, and the laws depend on Σ
only through tr Σ (no other function of the spectrum enters). Write r = (T − 1)/T.

(GF.0) Conservation. For every workflow, E[v_k + e_k] = 1. The fit's second moment about μ,
tr Σ̂ + ||μ̂ − μ||², is the average of ||x − μ||² over the samples it was fitted on. A sample
drawn from N(μ̂, Σ̂) has that second moment about μ in expectation, a fresh real sample has
tr Σ, and a uniform subsample of a pool has the pool's average in expectation; so the
expectation never moves from tr Σ. The law of v gives the law of e and the other way round.

(GF.1) replace, variance collapse (WF §4): E v_k = r^(k+1). Given the past, T Σ̂_k ~
Wishart(T − 1, Σ̂_{k−1}), so E[tr Σ̂_k | past] = r tr Σ̂_{k−1}, and generation 0 is itself a
fit on T real samples: E v_0 = r. (Counted in fits, n = k + 1, this is the familiar
((T − 1)/T)^n; a law r^k in the generation index would be off by one.) The collapse is
almost sure, not only in mean: log det Σ̂_k is a random walk with negative drift (for p = 1,
log v_k has steps log(χ²_{T−1}/T), of mean < log r < 0).

(GF.2) replace, mean error: E e_k = 1 − r^(k+1). The mean is a martingale whose increments
shrink with the variance: μ̂_k − μ̂_{k−1} | past ~ N(0, Σ̂_{k−1}/T), uncorrelated, so
E||μ̂_k − μ||² = Σ_{j=0..k} E tr Σ̂_{j−1}/T (Σ̂_{−1} = Σ) = tr Σ (1 − r^(k+1)), which is (GF.0).

(GF.3) accumulate: E v_k = Π_{j=1..k+1} (1 − 1/(T j²)), decreasing to
Π_{j>=1} (1 − 1/(T j²)) = sin(π/√T)/(π/√T) > 0 (Euler's product): no collapse. Derivation.
Pool blocks 0..k: N_k = (k + 1)T samples, S_k = Σ x_i, Q_k = Σ x_i x_iᵀ, μ̂_k = S_k/N_k,
Σ̂_k = Q_k/N_k − S_k S_kᵀ/N_k². Block k + 1 adds T samples from N(μ̂_k, Σ̂_k), with sum B
(E[B | past] = T μ̂_k, Cov = T Σ̂_k) and second moment R (E[R | past] = T(Σ̂_k + μ̂_k μ̂_kᵀ)):

    E[S_{k+1} S_{k+1}ᵀ | past] = S_k S_kᵀ (1 + T/N_k)² + T Σ̂_k
                               = S_k S_kᵀ ((1 + T/N_k)² − T/N_k²) + (T/N_k) Q_k,
    E[Q_{k+1} | past]          = Q_k + T Q_k/N_k = Q_k (1 + T/N_k)   (nothing else: exact).

This is linear in (E S Sᵀ, E Q), and taking traces, a_k = E||S_k||², b_k = E tr Q_k:

    a_{k+1} = a_k ((1 + T/N_k)² − T/N_k²) + (T/N_k) b_k,   b_{k+1} = b_k (1 + T/N_k),

with a_0 = b_0 = T tr Σ, and E tr Σ̂_k = b_k/N_k − a_k/N_k². Since N_{k+1} = N_k (1 + T/N_k),
b_k = N_k tr Σ (this is (GF.0)); then with T/N_k = 1/(k + 1), e_k = a_k/(N_k² tr Σ) obeys
e_{k+1} = e_k (1 − c_k) + c_k, c_k = 1/(T (k + 2)²), i.e. v_{k+1} = v_k (1 − 1/(T (k + 2)²)),
v_0 = 1 − 1/T, which is the product. E e_k = 1 − E v_k.

(GF.4) mix: with a = round(πT) real and s = T − a synthetic samples, V_k = E v_k and
M_k = E e_k follow the exact 2-dimensional linear recursion

    V_k = [a (T − 1) + s (T − 1) V_{k−1} + a s M_{k−1}] / T²,
    M_k = [a + s V_{k−1} + s² M_{k−1}] / T²,          V_0 = r, M_0 = 1/T.

Derivation: the block's sum is S = S_real + S_syn with S_real ~ N(0, aΣ) independent of the
past and S_syn | past ~ N(s μ̂, s Σ̂), so E[||S||² | past] = a tr Σ + s² ||μ̂||² + s tr Σ̂;
its second moment Q has E[tr Q | past] = a tr Σ + s (tr Σ̂ + ||μ̂||²); and Σ̂_k = Q/T − S Sᵀ/T².
π = 0 (a = 0) gives V_k = r V_{k−1}, M_k = M_{k−1} + V_{k−1}/T: (GF.1)-(GF.2). By (GF.0)
the recursion is equivalently the affine map V_k = [a (T − 1 + s) + s (T − 1 − a) V_{k−1}] / T²,
whose fixed point V* = a (T − 1 + s)/(T² − s (T − 1 − a)) is > 0 whenever a > 0.

accumulate-subsample has no exact law here (the subsample's overlaps with each block make
the second moments depend on the whole history); :func:`predict_gaussian` refuses it.

Simulation (:func:`gaussian_one`). T samples from N(m, AAᵀ) enter a fit only through their
mean m + Az/√T (z ~ N(0, I)) and their scatter A W Aᵀ (W ~ Wishart(T − 1, I), Bartlett),
which are independent; replace, accumulate and mix draw these sufficient statistics and
combine blocks by the pooled mean and scatter formula (O(p³) a generation whatever T is).
Under replace the square root of Σ̂_k is carried along (A_k = A_{k−1}L/√T, L the Bartlett
factor), so mix with π = 0 runs the replace chain itself, draw for draw. accumulate-subsample
keeps the (G + 1)T×p rows of the pool and subsamples them.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from ..config import MAX_GENERATIONS, Spectrum, check_choice, check_number, check_pi, check_size
from ..configbase import ConfigBase
from ..seeds import seed_generator
from ..simulate.wishart import wishart_root

GAUSSIAN_WORKFLOWS = ("replace", "accumulate", "accumulate-subsample", "mix")
EXACT_GAUSSIAN = "exact Gaussian-fitting law"
# A simulated chain yields, generation by generation, the fitted mean and tr Σ̂ (μ = 0).
Chain = Iterator[tuple[np.ndarray, float]]


@dataclass(frozen=True)
class GaussianSetting(ConfigBase):
    """A chain of maximum-likelihood Gaussian fits, each generating the next one's data.

    - ``T``: samples per block (>= 2); generation 0 fits one block of T real samples.
    - ``generations`` = G >= 0; the chain reports generations 0..G.
    - ``workflow``: ``replace``, ``accumulate``, ``accumulate-subsample`` or ``mix`` (see the
      module docstring); ``mix`` needs ``pi``, the fraction of fresh real samples.
    - ``p``: dimension; ``spectrum``: ``isotropic`` (Σ = I) or ``power:BETA``
      (Σ = diag(j^(-BETA)), j = 1..p).
    """

    T: int
    generations: int = 1
    workflow: str = "replace"
    pi: float | None = None
    p: int = 1
    spectrum: str = "isotropic"

    def __post_init__(self) -> None:
        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731
        T = int(check_number("T", self.T, integer=True))
        if T < 2:
            raise ValueError(f"T must be >= 2 (the maximum-likelihood variance of a single "
                             f"sample is 0), got {self.T!r}")
        set_("T", T)
        set_("generations", int(check_number("generations", self.generations, low=0,
                                             high=MAX_GENERATIONS, integer=True)))
        check_choice("workflow", self.workflow, GAUSSIAN_WORKFLOWS)
        set_("pi", check_pi(self.workflow, self.pi, "samples"))
        set_("p", int(check_number("p", self.p, low=1, integer=True)))
        usage = "'isotropic' or 'power:BETA'"
        if not isinstance(self.spectrum, str) or not (
                self.spectrum == "isotropic"
                or (self.spectrum.startswith("power:") and ":" not in self.spectrum[6:])):
            raise ValueError(f"spectrum must be {usage} (Gaussian fitting has no target, so no "
                             f"source exponent), got {self.spectrum!r}")
        check_size("p", float(self.p) ** 2, f"a {self.p}x{self.p} covariance")
        Spectrum.parse(self.spectrum, 1)  # the exponent's own check, before any p-sized work
        if self.workflow == "accumulate-subsample":
            blocks = self.generations + 1
            check_size("T", float(blocks) * self.T * self.p,
                       f"a pool of {blocks} block(s) of {self.T} samples x {self.p} dimensions")

    @cached_property
    def eigenvalues(self) -> np.ndarray:
        """λ_1..λ_p, the eigenvalues of Σ (its diagonal: Σ is taken diagonal)."""
        return Spectrum.parse(self.spectrum, self.p).per_direction()[0]

    @property
    def real_rows(self) -> int:
        """Fresh real samples per generation k >= 1: round(πT) under mix, else 0."""
        return round(self.pi * self.T) if self.workflow == "mix" else 0


# -- theory ------------------------------------------------------------------------------

def replace_law(T: int, generations: int) -> tuple[np.ndarray, np.ndarray]:
    """(GF.1)-(GF.2): E v_k = r^(k+1), E e_k = 1 − r^(k+1), r = (T − 1)/T, k = 0..G."""
    log_v = np.arange(1, generations + 2) * math.log1p(-1.0 / T)
    return np.exp(log_v), -np.expm1(log_v)


def accumulate_law(T: int, generations: int) -> tuple[np.ndarray, np.ndarray]:
    """(GF.3): E v_k = Π_{j=1..k+1} (1 − 1/(T j²)), E e_k = 1 − E v_k, k = 0..G."""
    j = np.arange(1, generations + 2, dtype=float)
    log_v = np.cumsum(np.log1p(-1.0 / (T * j**2)))
    return np.exp(log_v), -np.expm1(log_v)


def accumulate_limit(T: int) -> float:
    """lim_k E v_k under accumulate: Π_{j>=1} (1 − 1/(T j²)) = sin(π/√T)/(π/√T)."""
    x = math.pi / math.sqrt(T)
    return math.sin(x) / x


def mix_law(T: int, real: int, generations: int) -> tuple[np.ndarray, np.ndarray]:
    """(GF.4): the 2-dimensional linear recursion of (V_k, M_k) with ``real`` = round(πT)
    fresh real samples per generation; ``real`` = 0 is replace."""
    a, s, T2 = float(real), float(T - real), float(T) ** 2
    V, M = np.empty(generations + 1), np.empty(generations + 1)
    V[0], M[0] = (T - 1) / T, 1.0 / T
    for k in range(1, generations + 1):
        V[k] = (a * (T - 1) + s * (T - 1) * V[k - 1] + a * s * M[k - 1]) / T2
        M[k] = (a + s * V[k - 1] + s * s * M[k - 1]) / T2
    return V, M


def gaussian_law(setting: GaussianSetting) -> tuple[np.ndarray, np.ndarray, str]:
    """(v_0..v_G, e_0..e_G, method) of ``setting``, or ``ValueError`` without a law."""
    s = setting
    if s.workflow == "replace":
        return (*replace_law(s.T, s.generations), f"{EXACT_GAUSSIAN} (GF.1)-(GF.2)")
    if s.workflow == "accumulate":
        return (*accumulate_law(s.T, s.generations), f"{EXACT_GAUSSIAN} (GF.3)")
    if s.workflow == "mix":
        return (*mix_law(s.T, s.real_rows, s.generations), f"{EXACT_GAUSSIAN} (GF.4)")
    raise ValueError("workflow: accumulate-subsample has no exact law for Gaussian fitting; "
                     "use simulation")


def predict_gaussian(setting: GaussianSetting) -> dict[str, Any]:
    """``predict`` of the Gaussian-fitting family: the expected variance ratio v_G
    (``test_error``), v_0..v_G (``by_generation``) and e_0..e_G (``mean_error``)."""
    v, e, method = gaussian_law(setting)
    return {"test_error": float(v[-1]), "by_generation": v.tolist(), "mean_error": e.tolist(),
            "method": method}


# -- simulation --------------------------------------------------------------------------

def _block(rng: np.random.Generator, n: int, mean: np.ndarray,
           root: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sample mean and a root of the scatter Σ(y − ȳ)(y − ȳ)ᵀ of n >= 1 samples y ~
    N(mean, root rootᵀ): mean + root z/√n and root·B, independent."""
    z = rng.standard_normal(root.shape[1])
    return mean + root @ z / math.sqrt(n), root @ wishart_root(rng, n - 1, root.shape[1])


def _root(cov: np.ndarray) -> np.ndarray:
    """A square root A (AAᵀ = cov) of a symmetric positive semi-definite matrix."""
    if cov.shape[0] == 1:
        return np.sqrt(np.maximum(cov, 0.0))
    try:
        return np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:  # singular (fewer samples than dimensions): any root will do
        pass
    w, vectors = np.linalg.eigh(cov)
    return vectors * np.sqrt(np.clip(w, 0.0, None))


def _pool(n1: int, mean1: np.ndarray, scatter1: np.ndarray, n2: int, mean2: np.ndarray,
          scatter2: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """Count, mean and scatter of two groups pooled (stable: no raw second moments)."""
    n = n1 + n2
    delta = mean2 - mean1
    return n, mean1 + delta * (n2 / n), scatter1 + scatter2 + np.outer(delta, delta) * (n1 * n2 / n)


def _replace_chain(s: GaussianSetting, rng: np.random.Generator, real_root: np.ndarray) -> Chain:
    mean, root = _block(rng, s.T, np.zeros(s.p), real_root)
    root = root / math.sqrt(s.T)  # a root of Σ̂ = scatter/T
    yield mean, float(np.sum(root * root))
    for _ in range(s.generations):
        mean, root = _block(rng, s.T, mean, root)
        root = root / math.sqrt(s.T)
        yield mean, float(np.sum(root * root))


def _accumulate_chain(s: GaussianSetting, rng: np.random.Generator, real_root: np.ndarray) -> Chain:
    mean, root = _block(rng, s.T, np.zeros(s.p), real_root)
    n, scatter = s.T, root @ root.T
    yield mean, float(np.trace(scatter)) / n
    for _ in range(s.generations):
        new_mean, new_root = _block(rng, s.T, mean, _root(scatter / n))
        n, mean, scatter = _pool(n, mean, scatter, s.T, new_mean, new_root @ new_root.T)
        yield mean, float(np.trace(scatter)) / n


def _mix_chain(s: GaussianSetting, rng: np.random.Generator, real_root: np.ndarray) -> Chain:
    a = s.real_rows
    if a == 0:  # π = 0 is replace, draw for draw
        yield from _replace_chain(s, rng, real_root)
        return
    zero = np.zeros(s.p)
    mean, root = _block(rng, s.T, zero, real_root)
    scatter = root @ root.T
    yield mean, float(np.trace(scatter)) / s.T
    for _ in range(s.generations):
        real_mean, real_scatter = _block(rng, a, zero, real_root)
        if a < s.T:
            synthetic_root = _root(scatter / s.T)
            syn_mean, syn_scatter = _block(rng, s.T - a, mean, synthetic_root)
            _, mean, scatter = _pool(a, real_mean, real_scatter @ real_scatter.T,
                                     s.T - a, syn_mean, syn_scatter @ syn_scatter.T)
        else:
            mean, scatter = real_mean, real_scatter @ real_scatter.T
        yield mean, float(np.trace(scatter)) / s.T


def _subsample_chain(s: GaussianSetting, rng: np.random.Generator, real_root: np.ndarray) -> Chain:
    T, p = s.T, s.p
    pool = np.empty(((s.generations + 1) * T, p))
    pool[:T] = rng.standard_normal((T, p)) @ real_root.T
    mean, cov = _fit(pool[:T])
    yield mean, float(np.trace(cov))
    for k in range(1, s.generations + 1):
        pool[k * T:(k + 1) * T] = mean + rng.standard_normal((T, p)) @ _root(cov).T
        mean, cov = _fit(pool[rng.choice((k + 1) * T, size=T, replace=False, shuffle=False)])
        yield mean, float(np.trace(cov))


def _fit(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Maximum-likelihood mean and covariance (1/N) of the rows."""
    mean = rows.mean(axis=0)
    centred = rows - mean
    return mean, centred.T @ centred / rows.shape[0]


CHAINS = {"replace": _replace_chain, "accumulate": _accumulate_chain, "mix": _mix_chain,
          "accumulate-subsample": _subsample_chain}


def gaussian_one(setting: GaussianSetting, seed_index: int, base_seed: int = 0) -> dict[str, Any]:
    """One chain of ``setting`` (seed index ``seed_index`` of ``base_seed``), μ = 0: the
    variance ratio v_G (``test_error``), v_0..v_G (``by_generation``) and e_0..e_G
    (``mean_error``)."""
    rng = seed_generator(base_seed, seed_index)
    lam = setting.eigenvalues
    trace = float(lam.sum())
    real_root = np.diag(np.sqrt(lam))
    v, e = [], []
    for mean, tr in CHAINS[setting.workflow](setting, rng, real_root):
        v.append(tr / trace)
        e.append(float(mean @ mean) / trace)
    return {"test_error": v[-1], "by_generation": v, "mean_error": e}
