"""Test error of the regression fake-data chain: exact formulas and deterministic equivalents.

Implements TG §B.3: under-parameterised OLS generators (B-i, eqs. (B.6)–(B.9)), ridge
downstream (B-ii, eqs. (B.10)–(B.13)) and over-parameterised generators (B-iii,
eqs. (B.14)–(B.16)), for any spectrum given as eigenvalue groups.

How the engine is organised. Every generator ŵ_m = X_m^†(X_m ŵ_{m-1} + E_m) acts on the
eigen-directions of Σ independently in distribution, so the chain is summarised per
eigen-group g and generation m by two numbers (:class:`GeneratorMoments`):

- ``mean[m, g]``: E ŵ_m = mean[m, g]·w0 on the directions of group g (1 for OLS generators,
  ψ^m for min-norm generators with Σ = I);
- ``var[m, g]``: Σ_{j in g} Var((ŵ_m)_j), the "frozen noise" carried by the chain.

The downstream ridge fit on T fresh samples labelled by ŵ_n then has test error (eq. (B.4))

    E = Σ_g s_g W_g [(1 − p_g f_g)² + q p_g² g_g²]  +  σ² q  +  Σ_g s_g (f_g² + q g_g²) V_g
        (bias)                                         (variance)  (synthetic variance)

with s_g the eigenvalues, W_g = Σ_{j in g} (w0)_j², p = mean[n], V = var[n],
f = s/(s + κ), g = κ/(s + κ), κ from eq. (B.5) and q = df_2(κ)/(T − df_2(κ)). This is the
deterministic equivalent of E[Σ̂RΣRΣ̂] ≃ Σ³(Σ+κ)⁻² + q κ²Σ(Σ+κ)⁻² and E[RΣ̂] ≃ Σ(Σ+κ)⁻¹; with
p = 1 and V = n σ0² Σ⁻¹/(T0 − d − 1) it is eq. (B.10) with ρ_raw from eq. (B.12) (the exact
generator factor T0 − d − 1 is kept; eq. (B.12) writes T0 − d). For λ = 0 and T >= d the
downstream part is exact (f = 1, g = 0, q_var = d/(T − d − 1)).

Which parts are exact: OLS generators (T0 >= d + 2, any Σ) and min-norm generators with
Σ ∝ I (T0 <= d − 2) have exact moments; min-norm generators with anisotropic Σ use the
deterministic-equivalent recursion documented in :func:`generator_moments` (the paper's
general-Σ formula is [OPEN], TG §C). The downstream ridge (λ > 0, or λ = 0 with T < d)
is a deterministic equivalent, accurate to O(1/T); its weakest case is ridgeless T < d near
the threshold (measured 3% low at d = 100, T = 60, tests/generations/test_simulate.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..config import Spectrum
from ..theory.dof import solve_kappa, spectral_sums
from .config import ADAPTIVE, GenerationsSetting

DIVERGENCE_NOTE = ("diverges: an exact least-squares fit at the interpolation threshold "
                   "(|T - d| <= 1 with ridge 0, or |T0 - d| <= 1 with sigma0 > 0)")

# Golden-section search for the optimal ridge: a coarse log-grid (points per decade over
# [1e-12, 1e4] times the largest eigenvalue), then refinement inside the best grid cell pair.
_GRID_DECADES = (-12.0, 4.0)
_GRID_PER_DECADE = 4
_GOLDEN_STEPS = 40


@dataclass(frozen=True)
class GeneratorMoments:
    """Per-generation, per-eigen-group moments of the generator chain (see module docstring).

    ``mean`` and ``var`` have shape (n + 1, groups); row 0 is the true model w0.
    """

    mean: np.ndarray
    var: np.ndarray
    exact: bool


@dataclass(frozen=True)
class GenerationsPrediction:
    """Predicted test error ||ŵ_pred − w0||²_Σ (TG eq. (B.4)) and its parts.

    ``test_error`` = ``bias`` + ``variance`` + ``synthetic_variance``: the bias of the
    downstream fit towards the mean generator (for over-parameterised generators it grows
    with n), the variance from the downstream label noise σ, and the part due to the
    generators' frozen noise. ``clean_error`` is the n = 0 value and ``generator_error`` the
    error E||ŵ_n − w0||²_Σ of the last generator itself. ``ridge`` is the λ used (resolved
    when the setting asks for "adaptive"). Fields are floats for one point and arrays for a
    grid; with ``by_generation`` the per-generation fields gain a trailing axis m = 0..n.
    """

    test_error: Any
    bias: Any
    variance: Any
    synthetic_variance: Any
    clean_error: Any
    generator_error: Any
    ridge: Any
    kappa: Any
    df1: Any
    df2: Any
    method: str
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        keys = ("test_error", "bias", "variance", "synthetic_variance", "clean_error",
                "generator_error", "ridge", "kappa", "df1", "df2", "method")
        out = {k: getattr(self, k) for k in keys}
        if self.note:
            out["note"] = self.note
        return out


# -- closed forms -------------------------------------------------------------------------
def ols_increment(d: int, T0: Any, sigma0: Any) -> np.ndarray | float:
    """Error added by one OLS generator, σ0²·d/(T0 − d − 1) (TG eqs. (B.6), (B.7)).

    The inverse-Wishart mean E‖X^†E‖²_Σ; it depends on neither Σ, w0, T nor σ.

    >>> round(ols_increment(40, 120, 0.7), 4)
    0.2481
    """
    t0 = np.asarray(T0, dtype=float)
    if np.any(t0 < d + 2):
        raise ValueError(f"T0 must be >= d + 2 = {d + 2} for a finite OLS increment")
    out = np.asarray(sigma0, dtype=float) ** 2 * d / (t0 - d - 1)
    return float(out) if out.ndim == 0 else out


def ols_chain_error(d: int, T: Any, T0: Any, generations: Any, sigma: Any, sigma0: Any
                    ) -> np.ndarray | float:
    """Exact E_test after n OLS generations and an OLS downstream fit (TG eq. (B.6)).

        E = σ²·d/(T − d − 1) + n·σ0²·d/(T0 − d − 1),   T, T0 >= d + 2, any Σ and w0.

    >>> round(ols_chain_error(40, 100, 120, 3, 0.5, 0.7), 4)
    0.9138
    """
    t = np.asarray(T, dtype=float)
    if np.any(t < d + 2):
        raise ValueError(f"T must be >= d + 2 = {d + 2} for a finite OLS error")
    out = np.asarray(sigma, dtype=float) ** 2 * d / (t - d - 1) + np.asarray(
        generations, dtype=float) * ols_increment(d, T0, sigma0)
    return float(out) if out.ndim == 0 else out


def ols_chain_error_limit(phi: Any, phi0: Any, generations: Any, sigma: Any, sigma0: Any
                          ) -> np.ndarray | float:
    """Proportional limit d/T -> φ, d/T0 -> φ0 < 1 of eq. (B.6) (TG eq. (B.8)).

        E -> σ²·φ/(1 − φ) + n·σ0²·φ0/(1 − φ0)
    """
    phi, phi0 = np.asarray(phi, dtype=float), np.asarray(phi0, dtype=float)
    if np.any((phi <= 0) | (phi >= 1)):
        raise ValueError("phi must be in (0, 1)")
    if np.any((phi0 <= 0) | (phi0 >= 1)):
        raise ValueError("phi0 must be in (0, 1)")
    out = (np.asarray(sigma, dtype=float) ** 2 * phi / (1 - phi)
           + np.asarray(generations, dtype=float) * np.asarray(sigma0, dtype=float) ** 2
           * phi0 / (1 - phi0))
    return float(out) if out.ndim == 0 else out


def rho_deterministic(spectrum: Spectrum, T: Any, ridge: Any) -> np.ndarray | float:
    """Deterministic equivalent of tr(Σ⁻¹Σ̂RΣRΣ̂) (TG eq. (B.12), numerator).

        ρ_raw ≃ df_2(κ)·(T + d − 2 df_1(κ)) / (T − df_2(κ)),   κ = κ(λ, T) from eq. (B.5).

    Each OLS generator adds σ0²·ρ_raw/(T0 − d − 1) to the downstream ridge error
    (eq. (B.10)); as λ -> 0 with d < T, ρ_raw -> d.
    """
    T_b, lam_b = np.broadcast_arrays(np.asarray(T, dtype=float), np.asarray(ridge, dtype=float))
    kappa = solve_kappa(T_b, lam_b, spectrum)
    s1, s2 = spectral_sums(kappa.ravel(), spectrum, spectrum.multiplicities[:, None])
    df1_, df2_ = s1[:, 0].reshape(T_b.shape), s2[:, 0].reshape(T_b.shape)
    out = df2_ * (T_b + spectrum.d - 2 * df1_) / (T_b - df2_)
    return float(out) if out.ndim == 0 else out


def effective_noise(spectrum: Spectrum, T: Any, T0: Any, ridge: Any, generations: Any,
                    sigma: Any, sigma0: Any) -> np.ndarray | float:
    """σ_eff² = σ² + n·σ0²·(T + d − 2 df_1(κ))/(T0 − d) (TG eq. (B.13)).

    With it, E_test ≃ Bias + σ_eff²·df_2/(T − df_2): the fake-data noise enters like label
    noise (eq. (B.13) writes the high-dimensional T0 − d for the exact T0 − d − 1).
    """
    T_b, lam_b = np.broadcast_arrays(np.asarray(T, dtype=float), np.asarray(ridge, dtype=float))
    kappa = solve_kappa(T_b, lam_b, spectrum)
    s1, _ = spectral_sums(kappa.ravel(), spectrum, spectrum.multiplicities[:, None])
    df1_ = s1[:, 0].reshape(T_b.shape)
    d = spectrum.d
    out = (np.asarray(sigma, dtype=float) ** 2 + np.asarray(generations, dtype=float)
           * np.asarray(sigma0, dtype=float) ** 2 * (T_b + d - 2 * df1_) / (np.asarray(T0) - d))
    return float(out) if out.ndim == 0 else out


def overparameterised_isotropic_error(d: int, T0: Any, generations: Any, r2: Any, sigma0: Any
                                      ) -> np.ndarray | float:
    """E‖ŵ_n − w0‖² for min-norm generators, Σ = I, ψ = T0/d < 1 (TG eqs. (B.15), (B.16)).

        E = ‖w0‖²(1 − ψⁿ) + σ0²·T0/(d − T0 − 1)·(1 − ψⁿ)/(1 − ψ)

    Noise-free (σ0 = 0) the chain collapses exponentially fast to the null predictor; with
    noise the noise part saturates instead of growing linearly.

    >>> round(overparameterised_isotropic_error(200, 100, 2, 1.0, 0.0), 4)
    0.75
    """
    t0 = np.asarray(T0, dtype=float)
    if np.any(t0 >= d):
        raise ValueError(f"T0 must be < d = {d} for an over-parameterised generator")
    s0 = np.asarray(sigma0, dtype=float)
    psi = t0 / d
    decay = 1.0 - psi ** np.asarray(generations, dtype=float)
    with np.errstate(divide="ignore"):
        per_step = np.where(s0 > 0, s0**2 * t0 / (d - t0 - 1), 0.0)
    per_step = np.where((s0 > 0) & (t0 >= d - 1), np.inf, per_step)
    out = np.asarray(r2, dtype=float) * decay + per_step * decay / (1.0 - psi)
    return float(out) if out.ndim == 0 else out


# -- the general engine -------------------------------------------------------------------
def generator_moments(setting: GenerationsSetting) -> GeneratorMoments:
    """Moments of the generator chain ŵ_0 = w0, ..., ŵ_n (TG eqs. (B.2), (B.9), (B.14)).

    Per generation m with T0 samples and noise σ0 (s = eigenvalues, per group):

    - T0 >= d (OLS, eq. (B.9)), exact: the mean is kept and each group's variance grows by
      mult·σ0²/(s·(T0 − d − 1)), the trace of σ0²Σ⁻¹/(T0 − d − 1) over the group.
    - T0 < d with Σ ∝ I (eq. (B.14)), exact: X_m^†X_m is a uniformly random rank-T0
      projector, so mean <- ψ·mean and var <- ψ·var + ψ(1 − ψ)·mean²·W + σ0²T0/((d − T0 − 1)s)
      with ψ = T0/d; iterating gives eqs. (B.15)–(B.16).
    - T0 < d, anisotropic Σ: deterministic equivalent (our derivation; TG §C leaves the
      paper's form [OPEN]). With κ0 = κ(0, T0) from eq. (B.5), the min-norm fit satisfies
      E[X^†X] ≃ Σ(Σ + κ0)⁻¹ and, for a matrix A, diag E[(I − X^†X)A(I − X^†X)] ≃
      κ0²A_jj/(s_j + κ0)² + κ0²s_j/(s_j + κ0)²·tr(AΣ(Σ + κ0)⁻²)/(T0 − df_2(κ0)), while the
      noise covariance is σ0²Σ(Σ + κ0)⁻²/(T0 − df_2(κ0)). Only the diagonal second moments
      enter, so with p = s/(s + κ0):

          mean <- p·mean,
          var  <- p²·var + mult·s/(s + κ0)²·[κ0²·Σ_h s_h(mean_h²W_h + var_h)/(s_h + κ0)² + σ0²]
                  / (T0 − df_2(κ0)).

      For Σ = I it reproduces the exact update above with T0/(d − T0) for T0/(d − T0 − 1).

    With σ0 > 0 and |T0 − d| <= 1 the generator's noise is infinite (var = +inf).
    """
    spec = setting.covariance
    s, mult, d = spec.eigenvalues, spec.multiplicities, spec.d
    W = setting.w0_energy
    T0s, sigma0s = setting.schedule
    n = setting.generations
    mean = np.ones((n + 1, s.size))
    var = np.zeros((n + 1, s.size))
    exact = True
    for m, (t0, s0) in enumerate(zip(T0s, sigma0s, strict=True), start=1):
        p_prev, v_prev = mean[m - 1], var[m - 1]
        # Noise-free steps add nothing even where a noisy fit would diverge (|T0 − d| <= 1).
        noisy, diverges = s0 > 0, abs(t0 - d) <= 1
        if t0 >= d:
            mean[m] = p_prev
            if noisy:
                var[m] = np.inf if diverges else v_prev + mult * s0**2 / (s * (t0 - d - 1))
            else:
                var[m] = v_prev
        elif spec.is_isotropic:
            psi = t0 / d
            mean[m] = psi * p_prev
            var[m] = psi * v_prev + psi * (1 - psi) * p_prev**2 * W
            if noisy:
                var[m] = np.inf if diverges else var[m] + s0**2 * t0 / ((d - t0 - 1) * s)
        else:
            exact = False
            k0 = float(solve_kappa(t0, 0.0, spec))
            p = s / (s + k0)
            h = s / (s + k0) ** 2
            carried = k0**2 * float(h @ (p_prev**2 * W + v_prev))
            noise = (np.inf if diverges else s0**2) if noisy else 0.0
            mean[m] = p * p_prev
            var[m] = p * p * v_prev + mult * h * (carried + noise) / (t0 - float(mult @ (p * p)))
    return GeneratorMoments(mean=mean, var=var, exact=exact)


def _downstream(setting: GenerationsSetting, moments: GeneratorMoments, T: np.ndarray,
                ridge: np.ndarray) -> dict[str, np.ndarray]:
    """Downstream error terms at flat arrays T, ridge (P,), for every generation: (P, n + 1).

    See the module docstring for the formula. Sums are taken with :func:`spectral_sums`,
    which computes g = κ/(s + κ) directly, so a tiny bias keeps its relative accuracy.
    """
    spec = setting.covariance
    s, mult, d = spec.eigenvalues, spec.multiplicities, spec.d
    W = setting.w0_energy
    p, v = moments.mean, moments.var
    infinite_var = ~np.all(np.isfinite(v), axis=1)  # (n + 1,)
    v = np.where(np.isfinite(v), v, 0.0)
    k = p.shape[0]
    weights = np.concatenate([mult[:, None], (2 * s * W * p * (1 - p)).T, (s * W * p * p).T,
                              (s * v).T], axis=1)
    kappa = solve_kappa(T, ridge, spec)
    s_f, s_ff, s_fg, s_gg = spectral_sums(kappa, spec, weights, full=True)
    df1_, df2_ = s_f[:, 0], s_ff[:, 0]
    cross, mean_sq, spread = slice(1, 1 + k), slice(1 + k, 1 + 2 * k), slice(1 + 2 * k, 1 + 3 * k)
    exact = (ridge == 0) & (T >= d)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.where(exact, 0.0, df2_ / (T - df2_))
        q_var = np.where(exact, d / (T - d - 1), q)
    # Exact least squares at the interpolation threshold has infinite noise variance.
    q_var = np.where((ridge == 0) & (np.abs(T - d) <= 1), np.inf, q_var)
    sigma = setting.sigma
    variance = sigma**2 * q_var if sigma > 0 else np.zeros_like(q_var)
    bias = (s * W * (1 - p) ** 2).sum(axis=1) + s_fg[:, cross] + s_gg[:, cross] \
        + (1 + q)[:, None] * s_gg[:, mean_sq]
    synthetic = s_ff[:, spread] + q[:, None] * s_gg[:, spread]
    synthetic = np.where(infinite_var, np.inf, synthetic)
    return {"test_error": bias + variance[:, None] + synthetic, "bias": bias,
            "variance": variance, "synthetic_variance": synthetic, "kappa": kappa,
            "df1": df1_, "df2": df2_}


def _grid(setting: GenerationsSetting, T: Any, ridge: Any) -> tuple[np.ndarray, np.ndarray]:
    """Validated, broadcast T and ridge arrays (ridge must be numeric here)."""
    T_arr = np.asarray(setting.T if T is None else T, dtype=float)
    lam = np.asarray(setting.ridge if ridge is None else ridge, dtype=float)
    if not np.all(np.isfinite(T_arr)) or np.any(T_arr < 1):
        raise ValueError("T must be finite and >= 1")
    if not np.all(np.isfinite(lam)) or np.any(lam < 0):
        raise ValueError("ridge must be finite and >= 0")
    return np.broadcast_arrays(T_arr, lam)


def _describe(setting: GenerationsSetting, moments: GeneratorMoments, ridge: np.ndarray,
              T: np.ndarray) -> str:
    d = setting.d
    T0s, _ = setting.schedule
    if setting.generations == 0:
        gen = "no generators"
    elif moments.exact and np.all(T0s >= d):
        gen = "exact OLS generators, TG eq. (B.9)"
    elif moments.exact and np.all(T0s < d):
        gen = "exact isotropic min-norm generators, TG eqs. (B.14)-(B.16)"
    elif moments.exact:
        gen = "exact OLS and isotropic min-norm generators, TG eqs. (B.9), (B.14)"
    else:
        gen = "min-norm generators by deterministic equivalent (our derivation; TG §C [OPEN])"
    exact = (ridge == 0) & (T >= d)
    if np.all(exact):
        down = "exact least-squares downstream, TG eq. (B.6)"
    elif np.any(exact):
        down = "exact least squares where ridge = 0 and T >= d, else deterministic equivalent"
    else:
        down = "ridge downstream by deterministic equivalent, TG eqs. (B.10)-(B.12)"
    return f"{gen}; {down}"


def predict_generations(setting: GenerationsSetting, *, T: Any = None, ridge: Any = None,
                        by_generation: bool = False) -> GenerationsPrediction:
    """Test error of the downstream model after n generations of fake data (TG §B.3).

    ``T`` and ``ridge`` override the setting's values with arrays that broadcast together;
    ``ridge="adaptive"`` (here or in the setting) uses :func:`optimal_ridge`, tuned for the
    setting's n at each T (the per-generation curve then keeps that λ for every m). With
    ``by_generation`` every per-generation field gets a trailing axis m = 0..n (one call
    gives a whole error-against-generations curve). Divergent points are +inf with a note.

    >>> s = GenerationsSetting(d=40, T=100, T0=120, generations=6, sigma=0.5, sigma0=0.7)
    >>> round(predict_generations(s).test_error, 4)  # TG §B.6 claim 1
    1.6581
    """
    adaptive = (setting.ridge == ADAPTIVE and ridge is None) or (
        isinstance(ridge, str) and ridge == ADAPTIVE)
    if isinstance(ridge, str) and not adaptive:
        raise ValueError(f"ridge must be a number >= 0 or 'adaptive', got {ridge!r}")
    if adaptive:
        ridge = optimal_ridge(setting, T=T)
    T_b, lam_b = _grid(setting, T, ridge)
    shape = T_b.shape
    moments = generator_moments(setting)
    out = _downstream(setting, moments, T_b.ravel(), lam_b.ravel())
    n = setting.generations
    spec = setting.covariance
    gen_err = (spec.eigenvalues * (setting.w0_energy * (1 - moments.mean) ** 2
                                   + moments.var)).sum(axis=1)
    per_gen = {key: out[key] for key in ("test_error", "bias", "synthetic_variance")}
    per_point = {"variance": out["variance"], "clean_error": out["test_error"][:, 0],
                 "ridge": lam_b.ravel(), "kappa": out["kappa"], "df1": out["df1"],
                 "df2": out["df2"]}

    def shaped(x: np.ndarray, trailing: tuple[int, ...] = ()) -> Any:
        arr = x.reshape(shape + trailing)
        return float(arr) if arr.ndim == 0 else arr

    fields = {k: shaped(v, (n + 1,)) if by_generation else shaped(v[:, n]) for k, v in per_gen.items()}
    fields |= {k: shaped(v) for k, v in per_point.items()}
    fields["generator_error"] = gen_err if by_generation else float(gen_err[n])
    n_inf = int(np.sum(~np.isfinite(np.asarray(fields["test_error"]))))
    note = None
    if n_inf:
        note = DIVERGENCE_NOTE if n_inf == 1 else f"{n_inf} point(s) {DIVERGENCE_NOTE}"
    return GenerationsPrediction(**fields, method=_describe(setting, moments, lam_b, T_b), note=note)


def optimal_ridge(setting: GenerationsSetting, *, T: Any = None, by_generation: bool = False
                  ) -> np.ndarray | float:
    """The ridge λ >= 0 minimising the predicted test error after n generations.

    The "sweet spot" of TG §B.3 (B-ii); it grows with n (§B.6 claim 6) and, for power
    laws, is the oracle behind the adaptive-regularisation rule (eq. (B.21), see
    :func:`~modelcollapse.generations.power_law.adaptive_ridge`). This is what
    ``ridge="adaptive"`` resolves to. Found by a log-grid over [1e-12, 1e4]·max eig(Σ), a
    golden-section refinement of the best cell, and a comparison with λ = 0. Vectorised over
    ``T``; with ``by_generation`` returns a trailing axis m = 0..n.

    >>> s = GenerationsSetting(d=100, T=200, T0=400, generations=0, sigma=0.5, sigma0=0.5)
    >>> round(optimal_ridge(s), 3)  # the classical σ²d/(T||w0||²) = 0.125
    0.125
    """
    T_arr, _ = _grid(setting, T, 0.0)
    shape = T_arr.shape
    n = setting.generations
    gens = np.arange(n + 1) if by_generation else np.array([n])
    T_pts = np.repeat(T_arr.ravel(), gens.size)
    g_pts = np.tile(gens, T_arr.size)
    moments = generator_moments(setting)

    def error(lam: np.ndarray, reps: int = 1) -> np.ndarray:
        e = _downstream(setting, moments, np.repeat(T_pts, reps), lam.ravel())["test_error"]
        return e[np.arange(e.shape[0]), np.repeat(g_pts, reps)].reshape(lam.shape)

    lo_dec, hi_dec = _GRID_DECADES
    grid = setting.covariance.eigenvalues.max() * np.logspace(
        lo_dec, hi_dec, int((hi_dec - lo_dec) * _GRID_PER_DECADE) + 1)
    coarse = error(np.broadcast_to(grid, (T_pts.size, grid.size)).copy(), grid.size)
    best = np.argmin(np.where(np.isnan(coarse), np.inf, coarse), axis=1)
    a = np.log(grid[np.maximum(best - 1, 0)])
    b = np.log(grid[np.minimum(best + 1, grid.size - 1)])
    ratio = (np.sqrt(5.0) - 1) / 2
    c, e = b - ratio * (b - a), a + ratio * (b - a)
    fc, fe = error(np.exp(c)), error(np.exp(e))
    for _ in range(_GOLDEN_STEPS):
        left = fc <= fe
        a, b = np.where(left, a, c), np.where(left, e, b)
        c_new, e_new = b - ratio * (b - a), a + ratio * (b - a)
        f_new = error(np.exp(np.where(left, c_new, e_new)))
        fc, fe = np.where(left, f_new, fe), np.where(left, fc, f_new)
        c, e = np.where(left, c_new, e), np.where(left, c, e_new)
    lam = np.exp(0.5 * (a + b))
    lam = np.where(error(np.zeros(T_pts.size)) <= error(lam), 0.0, lam)
    out = lam.reshape(shape + ((gens.size,) if by_generation else ()))
    return float(out) if out.ndim == 0 else out
