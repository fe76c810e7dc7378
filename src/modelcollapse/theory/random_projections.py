"""Random-projections model f(x) = v·(Sx), S ∈ R^{m×d} iid N(0, 1/d) (SMC §3).

Two evaluations, cross-checked in tests/theory/test_random_projections.py:

1. :func:`rp_terms`, any spectrum and any ridge λ >= 0, averaged over S deterministically.
   Conditional on S the model is ridge in z = Sx (SMC §3.2). Its mean predictor in
   x-space is w̄ = P(w1* + p2·δ) with P = Sᵀ(SΣSᵀ + κ)⁻¹SΣ, and Σ^{1/2}PΣ^{-1/2} =
   Σ̂_m(Σ̂_m + κd/m)⁻¹ where Σ̂_m is the sample covariance of the m rows of SΣ^{1/2}
   rescaled by d. Applying the ridge deterministic equivalent a second time, over S
   (the "two-level" fixed point; our derivation, SMC §0 item 4 leaves the method
   open), gives with f = λ_j/(λ_j + μ), g = 1 − f:

       κ = μ(m − df1(μ))/d,           1 − λ/κ − df1(μ)/n = 0          (one equation in μ)
       ω = (df1(μ) − df2(μ))/(m − df2(μ))
       tr H = df1(μ),  tr H² = df2(μ) + ω(df1 − df2),  D2 = tr H²/n
       tr[B H] = Σ b f,  tr[B H²] = Σ b (f² + ω f g),  tr[B (I−H)²] = Σ b (g² + ω f g)

   which :func:`~modelcollapse.theory.ridge.mixture_error` turns into the test error
   (SMC eq. (2.7) in z-space, i.e. eq. (3.3) averaged over S). κ(μ) is increasing and
   df1(μ) decreasing, so the equation in μ has one root; it is solved like κ in §2.1.
   The classical model is the case ω = 0, μ = κ.

2. :func:`rp_isotropic_ridgeless`, the four closed forms of SMC §3.3, eqs. (3.4)–(3.9).
"""

from __future__ import annotations

import numpy as np

from ..config import Spectrum
from .dof import _FINAL_STEP, _newton_update, solve_increasing, solve_kappa, spectral_sums, weighted_sums
from .ridge import profile_weights

# The μ start table: nodes per decade of μ, capped at max(_MIN_NODES, points/4) (a table
# only pays while it is smaller than the points it serves), as for κ in dof.py.
_NODES_PER_DECADE = 64
_MIN_NODES = 16


def rp_terms(spectrum: Spectrum, n: np.ndarray, ridge: np.ndarray, m: np.ndarray
             ) -> dict[str, np.ndarray]:
    """Two-level deterministic equivalent of the random-projections model (see module doc).

    ``n``, ``ridge`` and ``m`` are flat arrays of equal length. Returns κ (z-space ridge
    fixed point), μ (effective x-space ridge), df1, df2 of Σ_S = SΣSᵀ, and the spectral
    functionals res_w, h1, h2, D2 for :func:`~modelcollapse.theory.ridge.mixture_error`.

    Vectorised over the points in a few passes over the spectrum groups: μ0 once per
    distinct m, a start for μ from a table of df1 on a log-μ grid (:func:`_table_start`),
    one safeguarded Newton pass with df1 and df2 only, which from that start lands at
    rounding level (points that do not iterate with :func:`~.dof.solve_increasing`), and one
    pass for the functionals.
    """
    n, lam, m = (np.asarray(a, dtype=float).ravel() for a in (n, ridge, m))
    d = spectrum.d
    # μ0: the effective ridge of an un-regularised projection, df1(μ0) = m when d > m.
    m_values, m_index = np.unique(m, return_inverse=True)
    mu0 = solve_kappa(m_values, 0.0, spectrum)[m_index.ravel()]
    mu = mu0.copy()
    need = (lam > 0) | (np.minimum(d, m) > n)
    if np.any(need):
        mu[need] = _solve_mu(spectrum, n[need], lam[need], m[need], mu0[need])
    s_f, s_ff, s_fg, s_gg = spectral_sums(mu, spectrum, profile_weights(spectrum), full=True)
    df1, df2, cross = s_f[:, 0], s_ff[:, 0], s_fg[:, 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        omega = np.where(cross > 0, cross / (m - df2), 0.0)
    kappa = np.where(need, mu * (m - df1) / d, 0.0)
    df2_s = df2 + omega * cross
    return {"kappa": kappa, "mu": mu, "df1": df1, "df2": df2_s, "D2": df2_s / n,
            "res_w": s_gg[:, 1] + omega * s_fg[:, 1],
            "h1": s_f[:, 2], "h2": s_ff[:, 2] + omega * s_fg[:, 2]}


def _mu_equation(d: int, n: np.ndarray, lam: np.ndarray, m: np.ndarray, x: np.ndarray,
                 df1: np.ndarray, df2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """g(μ) = 1 − λ/κ − df1(μ)/n with κ = μ(m − df1(μ))/d (module doc), and μ·g'(μ).

    g is increasing; it is −inf where κ <= 0 (μ below μ0)."""
    kap = x * (m - df1) / d
    ok = kap > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        val = np.where(ok, 1.0 - lam / kap - df1 / n, -np.inf)
        slope = lam * x * (m - df2) / (d * kap**2) + (df1 - df2) / n
    return val, np.where(ok, slope, 1.0)


def _solve_mu(spectrum: Spectrum, n: np.ndarray, lam: np.ndarray, m: np.ndarray,
              mu0: np.ndarray) -> np.ndarray:
    """The root μ of :func:`_mu_equation` at every point, inside the bracket (lo, hi]:
    g(lo) <= 0 at lo = μ0 (or, for m >= d, λd/m and λ_min(d − n)/n, below which g < 0),
    g(hi) >= 0 at hi = max(2 tr Σ/n, (2λd + tr Σ)/m) since μ·df1(μ) <= tr Σ."""
    d, trace = spectrum.d, spectrum.trace
    lo = np.where(mu0 > 0, mu0, np.maximum(lam * d / m,
                                           spectrum.eigenvalues.min() * np.maximum(d - n, 0) / n))
    hi = np.maximum(2 * trace / n, (2 * lam * d + trace) / m)
    mult = spectrum.multiplicities

    def g(x: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        df1, df2 = weighted_sums(x, spectrum.eigenvalues, mult, mult)
        return _mu_equation(d, n[idx], lam[idx], m[idx], x, df1, df2)

    # One safeguarded Newton step from the table start: a step below _FINAL_STEP leaves an
    # error below its square (as for κ in dof.py), so the point is solved; the others
    # (a coarse table, a start on a bracket end) iterate from there.
    x = _table_start(spectrum, n, lam, m, mu0, lo, hi)
    every = np.arange(x.size)
    val, slope = g(x, every)
    lo, hi = np.where(val <= 0, x, lo), np.where(val >= 0, x, hi)
    x_new, done, newton = _newton_update(x, val, slope, lo, hi)
    with np.errstate(divide="ignore", invalid="ignore"):
        small = newton & (np.abs(np.log(x_new / x)) <= _FINAL_STEP)
    rest = every[~(done | small)]
    if rest.size:
        x_new[rest] = solve_increasing(lambda y, idx: g(y, rest[idx]), lo[rest], hi[rest],
                                       x_new[rest])
    return x_new


def _table_start(spectrum: Spectrum, n: np.ndarray, lam: np.ndarray, m: np.ndarray,
                 mu0: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """A start for μ at every point: the root of :func:`_mu_equation` with df1 from one
    table over [min lo, max hi] (its cubic Hermite interpolant in u = log μ, whose slope
    d df1/du = −(df1 − df2) the table holds too), solved by the same safeguarded Newton
    iteration at no spectral cost. On a dense grid it is within ~1e-9 of the root, so one
    Newton pass over the spectrum moves it to rounding level.

    Where m < d, κ ∝ m − df1(μ) vanishes at μ0 and the interpolant's own error would
    dominate that difference near it: there m is replaced by the interpolant at μ0, so
    the table's κ vanishes at μ0 too and its root stays inside the bracket."""
    u_lo, u_hi = np.log(np.maximum(lo.min(), 1e-300)), np.log(hi.max())
    decades = (u_hi - u_lo) / np.log(10.0)
    nodes = int(min(max(_MIN_NODES, n.size // 4), np.ceil(decades * _NODES_PER_DECADE) + 2))
    u = np.linspace(u_lo, u_hi, max(nodes, 2))
    h = u[1] - u[0]
    mult = spectrum.multiplicities
    table1, table2 = weighted_sums(np.exp(u), spectrum.eigenvalues, mult, mult)
    slope = (table2 - table1) * h  # d df1/du over one cell

    def interpolated(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        pos = np.clip((np.log(np.maximum(x, 1e-300)) - u_lo) / h, 0.0, u.size - 1.0)
        a = np.minimum(pos.astype(np.intp), u.size - 2)
        s = pos - a
        s2, s3 = s * s, s * s * s
        df1 = ((2 * s3 - 3 * s2 + 1) * table1[a] + (s3 - 2 * s2 + s) * slope[a]
               + (-2 * s3 + 3 * s2) * table1[a + 1] + (s3 - s2) * slope[a + 1])
        return df1, (1 - s) * table2[a] + s * table2[a + 1]  # df2 enters the slope only

    m_table = np.where(mu0 > 0, interpolated(mu0)[0], m)

    def g(x: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return _mu_equation(spectrum.d, n[idx], lam[idx], m_table[idx], x, *interpolated(x))

    return solve_increasing(g, lo, hi)


def mp_stieltjes_derivative(y: np.ndarray, z: np.ndarray, g: np.ndarray) -> np.ndarray:
    """g'(z) for the Marchenko–Pastur law of ratio y (SMC eq. (3.4))."""
    return -(y * g**2 + g) / (2 * y * z * g + z + y - 1)


def rp_isotropic_ridgeless(phi: np.ndarray, psi: np.ndarray, p2: np.ndarray, c2: np.ndarray,
                           sigma: np.ndarray, r2: np.ndarray
                           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Isotropic ridgeless random projections, SMC §3.3 eqs. (3.5)–(3.9).

    φ = d/n, ψ = m/n (ψ = inf allowed), γ = ψ/φ. Regimes: (i) m < min(n, d),
    (ii) m >= d and n > d (plain OLS, eq. (2.16)), (iii) n < m < d, (iv) m >= d > n.
    Returns (test_error, synthetic_penalty, D2); the error is +inf at the interpolation
    threshold (ψ = 1 with φ > 1, or φ = 1 with m >= d).

    The synthetic penalty is E(p2) − E(p2 = 0), the whole extra error the synthetic rows
    cause; it equals ζ_RP of eq. (3.6) in regime (i). The table of SMC §3.4 lists, for
    m < d, only the last group of eqs. (3.5)/(3.8): it leaves out the part of the shift
    invisible to z, (1 − γ)p2c²·D2/(1 − D2), which those equations group with the noise.
    """
    phi, psi, p2, c2, sigma, r2 = np.broadcast_arrays(
        *(np.asarray(a, dtype=float) for a in (phi, psi, p2, c2, sigma, r2)))
    s2, p1 = sigma**2, 1 - p2
    E = np.full(phi.shape, np.inf)
    zeta = np.full(phi.shape, np.inf)
    D2 = np.ones(phi.shape)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        gam = psi / phi
        # (i) m < min(n, d): eqs. (3.5)-(3.6)
        i = (psi < 1) & (gam < 1)
        a = psi / (1 - psi)
        E_i = (1 - gam) * r2 + (s2 + (1 - gam) * (r2 + p2 * c2)) * a + (p2**2 + p1 * p2 * a) * gam * c2
        z_i = p2 * c2 * (p2 * gam + (1 - p2 * gam) * a)
        E, zeta, D2 = np.where(i, E_i, E), np.where(i, z_i, zeta), np.where(i, psi, D2)
        # (ii) m >= d, n > d: OLS in x-space, eq. (2.16)
        ii = (gam >= 1) & (phi < 1)
        b = phi / (1 - phi)
        z_ii = (p2**2 + p2 * p1 * b) * c2
        E, zeta, D2 = (np.where(ii, s2 * b + z_ii, E), np.where(ii, z_ii, zeta),
                       np.where(ii, phi, D2))
        # (iii) n < m < d: eqs. (3.7)-(3.8)
        iii = (psi > 1) & (gam < 1)
        k = (psi - 1) * (1 - 1 / phi)
        g = phi / (psi * (phi - 1))
        gp = mp_stieltjes_derivative(gam, -k, g)
        d2 = psi * (1 - 2 * k * g + k**2 * gp)
        amp = d2 / (1 - d2)
        z_iii = p2**2 * gam * c2 * (d2 / psi + k**2 * gp * amp) + p1 * p2 * gam * c2 * amp
        E_iii = ((1 - gam) * r2 + k**2 * r2 * gam * gp / (1 - d2)
                 + (s2 + (1 - gam) * (r2 + p2 * c2)) * amp + z_iii)
        # ζ as E(p2) − E(0): eq. (3.8)'s ζ plus the invisible shift (1 − γ)p2c² acting as noise.
        z_iii = z_iii + (1 - gam) * p2 * c2 * amp
        E, zeta, D2 = np.where(iii, E_iii, E), np.where(iii, z_iii, zeta), np.where(iii, d2, D2)
        # (iv) m >= d > n: generalised minimum norm, eq. (3.9); ψ = inf is the limit.
        iv = (gam >= 1) & (phi > 1)
        rho = 1 / gam
        kp = (phi - 1) * (1 - 1 / psi)
        g4 = np.where(np.isinf(psi), 1 / phi, psi / (phi * (psi - 1)))
        gp4 = mp_stieltjes_derivative(rho, -kp, g4)
        d4 = phi * (1 - 2 * kp * g4 + kp**2 * gp4)
        amp4 = d4 / (1 - d4)
        z_iv = p2**2 * c2 * (d4 / phi + kp**2 * gp4 * amp4) + p1 * p2 * c2 * amp4
        E_iv = kp**2 * gp4 * r2 / (1 - d4) + s2 * amp4 + z_iv
        E, zeta, D2 = np.where(iv, E_iv, E), np.where(iv, z_iv, zeta), np.where(iv, d4, D2)
    return E, zeta, D2
