"""Dense theory grids (10⁴ distinct fixed points) against point-by-point scalar solves.

A dense grid runs the κ solver vectorised (table start, Newton passes, one final pass with
a first-order correction of the sums); a scalar point runs the same solver alone, from a
much coarser table and through more iterations. Both must land on the same values to
rounding level, and the sums the solver returns must be the direct sums at its κ.
"""

import numpy as np
import pytest
from scipy.optimize import brentq

from modelcollapse import Setting, Spectrum, predict
from modelcollapse.theory.dof import _direct_sums, solve_kappa, solve_kappa_sums, weighted_sums
from modelcollapse.theory.ridge import linear_terms, profile_weights

FIELDS = ("test_error", "bias", "variance", "synthetic_penalty", "kappa", "df1", "df2")
SAMPLE = 150  # grid points checked one by one, per setting


def power_law_d6() -> Setting:
    spec = Spectrum.power_law(10**6, 1.5)  # ~2400 eigenvalue groups with multiplicities
    return Setting(d=10**6, n=10**5, p2=0.01, ridge=1e-4, spectrum=spec)


def small_exact() -> Setting:
    j = np.arange(1, 401, dtype=float)
    lam = j**-1.0
    spec = Spectrum.from_eigenvalues(lam, signal=j**-1.5, shift=lam * (1 + np.cos(j)), name="exact")
    return Setting(d=400, n=1000, p2=0.2, c2=0.5, sigma=0.3, ridge=1e-3, spectrum=spec)


CASES = {
    "power-law d=1e6": (power_law_d6, np.logspace(3, 8, 100), np.logspace(-6, 0, 100)),
    # n across the interpolation threshold d = 400 (ridge 0 only below it), ridge 0 included
    "exact d=400": (small_exact, np.logspace(1, 5, 100), np.concatenate([[0.0], np.logspace(-8, 1, 99)])),
}


@pytest.mark.parametrize("case", list(CASES))
def test_dense_grid_equals_scalar_solves(case):
    make, ns, ridges = CASES[case]
    s = make()
    N, L = np.meshgrid(ns, ridges, indexing="ij")
    grid = predict(s, n=N, ridge=L)
    assert grid.test_error.shape == (ns.size, ridges.size)
    rng = np.random.default_rng(1)
    for flat in rng.choice(N.size, SAMPLE, replace=False):
        i, j = np.unravel_index(flat, N.shape)
        one = predict(s, n=ns[i], ridge=ridges[j])
        for field in FIELDS:
            assert getattr(grid, field)[i, j] == pytest.approx(getattr(one, field), rel=1e-12,
                                                               abs=1e-300), (field, ns[i], ridges[j])


@pytest.mark.parametrize("case", list(CASES))
def test_returned_sums_are_the_direct_sums_at_kappa(case):
    """The solver's final-pass sums (corrected to first order in the last Newton step)
    equal the sums taken by the direct formulas at the κ it returns."""
    make, ns, ridges = CASES[case]
    spec = make().covariance
    N, L = (a.ravel() for a in np.meshgrid(ns, ridges, indexing="ij"))
    terms = linear_terms(spec, N, L)
    w = profile_weights(spec)
    f, ff, gg = _direct_sums(terms["kappa"], spec.eigenvalues, [(w, 0), (w, 1), (w, 3)])
    for key, ref in (("df1", f[:, 0]), ("h1", f[:, 2]), ("df2", ff[:, 0]), ("h2", ff[:, 2]),
                     ("res_w", gg[:, 1])):
        np.testing.assert_allclose(terms[key], ref, rtol=1e-13, atol=0, err_msg=key)


def test_kappa_matches_brent_on_the_exact_spectrum():
    s = small_exact()
    lam, mult = s.covariance.eigenvalues, s.covariance.multiplicities
    rng = np.random.default_rng(2)
    n = 10 ** rng.uniform(1, 5, 40)
    ridge = 10 ** rng.uniform(-8, 1, 40)
    kappa = solve_kappa(n, ridge, s.covariance)
    for k, nn, ll in zip(kappa, n, ridge, strict=True):
        ref = brentq(lambda x, nn=nn, ll=ll: x - ll - x * np.sum(mult * lam / (lam + x)) / nn,
                     ll, ll + lam @ mult / nn + 1, xtol=1e-300, rtol=1e-15)
        assert k == pytest.approx(ref, rel=1e-13)


@pytest.mark.parametrize("t", [np.logspace(-12, 6, 50), np.array([0.0, 1e-300, 1e99, 1e101, 1e250])])
def test_fast_sums_equal_the_direct_formulas(t):
    """One division per element (f = λr, g = tr, products by matmul) vs the direct f, g."""
    spec = small_exact().covariance
    w = profile_weights(spec)
    fast = weighted_sums(t, spec.eigenvalues, w, w, w, w)
    direct = _direct_sums(t, spec.eigenvalues, [(w, 0), (w, 1), (w, 2), (w, 3)])
    for a, b in zip(fast, direct, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=0)


def test_one_pass_results_for_extra_columns_and_kappa_zero():
    """solve_kappa_sums with κ = 0 points (ridge 0, d <= n) and a non-default weight."""
    spec = small_exact().covariance
    mult = spec.multiplicities[:, None]
    n = np.array([100.0, 400.0, 1000.0, 50.0])
    ridge = np.array([0.0, 0.0, 0.0, 0.1])
    extra = np.stack([spec.multiplicities, spec.eigenvalues], axis=1)
    kappa, (f, ff, gg) = solve_kappa_sums(n, ridge, spec, extra, extra, mult)
    assert kappa[1] == kappa[2] == 0.0 and kappa[0] > 0 and kappa[3] > 0
    ref = _direct_sums(kappa, spec.eigenvalues, [(extra, 0), (extra, 1), (mult, 3)])
    for a, b in zip((f, ff, gg), ref, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=0)
