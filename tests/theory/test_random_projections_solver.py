"""The random-projections fixed point (``rp_terms``): the vectorised solver (table start,
Newton passes over the spectrum, one pass for the functionals) against a scalar root finder
run point by point, and against itself on a dense grid evaluated point by point."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq

from modelcollapse import Spectrum
from modelcollapse.theory.random_projections import rp_terms
from modelcollapse.theory.ridge import profile_weights

RTOL = 1e-10


def random_spectrum(seed: int, groups: int) -> Spectrum:
    rng = np.random.default_rng(seed)
    lam = np.exp(rng.uniform(-9, 2, groups))
    mult = rng.integers(1, 40, groups)
    return Spectrum.from_eigenvalues(lam, mult, signal=rng.uniform(0, 1, groups) * mult,
                                     shift=rng.uniform(0, 1, groups) * mult)


def reference_mu(spec: Spectrum, n: float, ridge: float, m: float) -> float:
    """μ by Brent's method on the scalar equations of the module docstring, direct sums."""
    lam, mult, d = spec.eigenvalues, spec.multiplicities, spec.d

    def df1(mu: float) -> float:
        return float(mult @ (lam / (lam + mu)))

    mu0 = 0.0  # df1(μ0) = m when d > m
    if m < d:
        mu0 = float(np.exp(brentq(lambda u: df1(np.exp(u)) - m, -800, 50, xtol=1e-15, rtol=1e-15)))
    if ridge == 0 and min(d, m) <= n:
        return mu0

    def g(u: float) -> float:
        mu = np.exp(u)
        kappa = mu * (m - df1(mu)) / d
        return -1e300 if kappa <= 0 else 1 - ridge / kappa - df1(mu) / n

    low = np.log(mu0) + 1e-12 if mu0 > 0 else -800.0
    high = np.log(max(2 * spec.trace / n, (2 * ridge * d + spec.trace) / m))
    return float(np.exp(brentq(g, low, high, xtol=1e-15, rtol=1e-15)))


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), groups=st.integers(1, 120),
       points=st.lists(st.tuples(st.floats(0, 6), st.floats(-9, 1), st.floats(0, 2.5),
                                 st.booleans()), min_size=1, max_size=25))
def test_solver_matches_a_scalar_root_finder(seed, groups, points):
    """μ to 1e-10 relative, and the outputs are the functionals' direct sums at that μ."""
    spec = random_spectrum(seed, groups)
    d = spec.d
    n = np.array([max(1.0, round(10**p[0])) for p in points])
    ridge = np.array([0.0 if p[3] else 10 ** p[1] for p in points])
    m = np.array([max(1.0, round(d * p[2])) for p in points])
    out = rp_terms(spec, n, ridge, m)
    ref = np.array([reference_mu(spec, *x) for x in zip(n, ridge, m, strict=True)])
    np.testing.assert_allclose(out["mu"], ref, rtol=RTOL, atol=0)
    lam, w = spec.eigenvalues, profile_weights(spec)
    f = lam / (lam + out["mu"][:, None])
    g = out["mu"][:, None] / (lam + out["mu"][:, None])
    s_f, s_ff, s_fg, s_gg = f @ w, (f * f) @ w, (f * g) @ w, (g * g) @ w
    with np.errstate(divide="ignore", invalid="ignore"):  # cross = 0 where m = df2
        omega = np.where(s_fg[:, 0] > 0, s_fg[:, 0] / (m - s_ff[:, 0]), 0.0)
    direct = {"df1": s_f[:, 0], "df2": s_ff[:, 0] + omega * s_fg[:, 0], "h1": s_f[:, 2],
              "h2": s_ff[:, 2] + omega * s_fg[:, 2], "res_w": s_gg[:, 1] + omega * s_fg[:, 1]}
    for key, value in direct.items():
        np.testing.assert_allclose(out[key], value, rtol=RTOL, atol=1e-300, err_msg=key)


def test_dense_grid_equals_point_by_point():
    """A 40 x 40 grid at d = 10^6 (2400 eigenvalue groups) solved at once and 30 of its
    points solved alone (a much coarser table, more Newton passes): the same to 1e-10."""
    spec = Spectrum.power_law(10**6, 1.5)
    n, ridge = (a.ravel() for a in np.meshgrid(np.logspace(3, 8, 40), np.logspace(-6, 0, 40)))
    m = np.full(n.size, 5e5)
    grid = rp_terms(spec, n, ridge, m)
    for i in np.random.default_rng(0).choice(n.size, 30, replace=False):
        alone = rp_terms(spec, n[i:i + 1], ridge[i:i + 1], m[i:i + 1])
        for key, value in alone.items():
            assert value[0] == pytest.approx(grid[key][i], rel=RTOL, abs=1e-300), key
