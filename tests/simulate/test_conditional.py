"""The conditional estimators (simulate/conditional.py, simulate/direct_conditional.py).

The check that cannot be fooled is the definition itself: for one FIXED design (the Gram
matrices or rows, S, the generator's Gram), the sampled estimator averaged over many
draws of w1*, δ and the label noise must equal the conditional value of that design. The
sampled side reuses the sampled estimator's own pieces (FeatureSpace.project,
ridge_deviation, the direct fit) with the design's matrices put in place of fresh ones.
"""

from functools import cache

import numpy as np
import pytest
from scipy import linalg

from modelcollapse import Setting
from modelcollapse.simulate import conditional as cond
from modelcollapse.simulate import direct
from modelcollapse.simulate import direct_conditional as rowcond
from modelcollapse.simulate.expectation import DeviationMoments, shifted_inverses
from modelcollapse.simulate.linear import ridge_deviation
from modelcollapse.simulate.random_projections import projected_features
from modelcollapse.simulate.wishart import GroupDraw

from .helpers import draws

DRAWS = 2000  # sampled draws per fixed design: about 1.5% standard error


def _signs_and_shift(setting, rng, generator_shift):
    lam, energy, shift = setting.covariance.per_direction()
    w1 = rng.choice([-1.0, 1.0], size=setting.d) * np.sqrt(setting.r2 * energy)
    z = rng.standard_normal(setting.d)
    delta = z * np.sqrt(setting.c2 * shift) if generator_shift is None else generator_shift(z)
    return lam, w1, w1 + delta


def sampled_given_design(setting, design, rng, ridges):
    """sufficient_errors with the design's Grams (and S, L0) instead of fresh draws."""
    L0 = design.generator
    lam = setting.covariance.per_direction()[0]
    _, w1, w2 = _signs_and_shift(setting, rng, None if L0 is None else lambda z: (
        setting.sigma * linalg.solve_triangular(L0, z, lower=True, trans="T") / np.sqrt(lam)))
    space = design.space
    a1, res1 = space.project(w1)
    a2, res2 = space.project(w2)

    def group(g, sd):  # Fᵀ(noise) given the design: N(0, sd²G) = sd·(root)z
        if g.rows is None:
            return GroupDraw(g.size, (g.gram, sd * (g.root @ rng.standard_normal(g.root.shape[1]))))
        return GroupDraw(g.size, rows=g.rows, row_noise=sd * rng.standard_normal(g.size))

    sigma2 = setting.sigma**2
    real = [] if design.real is None else [
        (group(design.real, np.sqrt(sigma2 + res1)), design.real.weight, np.zeros_like(a1))]
    offset, sd = a2 - a1, np.sqrt(sigma2 + res2)
    for syn in design.synthetic:
        synthetic = [] if syn is None else [(group(syn, sd), syn.weight, offset)]
        offset = ridge_deviation(space, real + synthetic, setting.n, a1, ridges)
        sd = setting.sigma
    return space.sq_norm(offset) + res1


def sampled_given_rows(setting, design, rng, ridges):
    """direct_errors with the design's rows (or Grams H, noise Xᵀξ ~ N(0, σ²H)) and S."""
    G0 = design.generator_gram
    lam, w1, w2 = _signs_and_shift(setting, rng, None if G0 is None else lambda z: (
        setting.sigma * linalg.solve_triangular(np.linalg.cholesky(G0), z, lower=True,
                                                trans="T")))
    S, nr, sigma = design.projection, ridges.size, setting.sigma

    def stats(g, W):  # what direct._draw_rows returns, from the fixed design
        if g.rows is not None:
            y = g.rows @ W + sigma * rng.standard_normal(g.size)[:, None]
            Z = g.rows if S is None else g.rows @ S.T
            return np.sqrt(g.weight) * Z, np.sqrt(g.weight) * y
        s, U = np.linalg.eigh(g.gram)
        u = sigma * (U * np.sqrt(np.clip(s, 0.0, None))) @ rng.standard_normal(setting.d)
        cross = g.gram @ W + u[:, None]
        if S is None:
            return g.weight * g.gram, g.weight * cross
        return g.weight * S @ g.gram @ S.T, g.weight * S @ cross

    real = [] if design.real is None else [stats(design.real, np.tile(w1[:, None], nr))]
    W = np.tile(w2[:, None], nr)
    for syn in design.synthetic:
        synthetic = [] if syn is None else [stats(syn, W)]
        V = direct._fit(real + synthetic, design.dual, setting.n, ridges)
        W = V if S is None else S.T @ V
    diff = W - w1[:, None]
    return np.einsum("ij,ij->j", diff, lam[:, None] * diff)


def _assert_definition(exact, samples):
    mean = samples.mean(axis=0)
    se = samples.std(axis=0, ddof=1) / np.sqrt(len(samples))
    assert np.all(se < 0.03 * mean)  # the check has power: a 12% error is caught
    z = (mean - exact) / se
    assert np.all(np.abs(z) < 4), (exact, mean, se)


RIDGES = np.array([0.0, 0.1])
FIXED = {  # a few regimes at d = 8; (n, m) put each fit in the form named
    "linear mixture": Setting(d=8, n=40, p2=0.3, c2=1.0, sigma=0.5, spectrum="power:1.0"),
    "linear dual": Setting(d=8, n=5, p2=0.4, c2=1.0, sigma=0.5, spectrum="power:1.0"),
    "projection m < d": Setting(d=8, n=40, p2=0.3, c2=1.0, sigma=0.5, spectrum="power:1.0",
                                model="random-projections", m=5),
    "projection m > d": Setting(d=8, n=40, p2=0.3, c2=1.0, sigma=0.5,
                                model="random-projections", m=12),
    "projection dual": Setting(d=8, n=4, p2=0.5, c2=1.0, sigma=0.3, spectrum="power:1.0",
                               model="random-projections", m=5),
    "projection m > d, dual": Setting(d=8, n=6, p2=0.5, c2=1.0, sigma=0.3, spectrum="power:1.0",
                                      model="random-projections", m=12, iterations=2),
    "iterative mixing": Setting(d=8, n=40, p2=0.4, c2=1.0, sigma=0.5, iterations=3),
    "iterative dual, weighted": Setting(d=8, n=6, p2=0.5, c2=1.0, sigma=0.5, iterations=3,
                                        alpha=0.7),
    "OLS generator": Setting(d=8, n=40, p2=0.4, sigma=0.5, n0=20, spectrum="power:1.0"),
    "generator, projection, iterative": Setting(d=8, n=40, p2=0.4, sigma=0.5, n0=20,
                                                model="random-projections", m=5, iterations=2),
}


@cache
def _fixed(name):
    """(design, its conditional values, DRAWS sampled values at that design) of a regime."""
    setting = FIXED[name]
    design = cond.draw_design(setting, np.random.default_rng(0))
    rng = np.random.default_rng(1)
    samples = np.array([sampled_given_design(setting, design, rng, RIDGES) for _ in range(DRAWS)])
    return design, cond.design_errors(setting, design, RIDGES), samples


@pytest.mark.parametrize("name", list(FIXED))
def test_conditional_value_is_the_mean_of_the_sampled_estimator_at_a_fixed_design(name):
    design, exact, samples = _fixed(name)
    assert design.dual == ("dual" in name)
    _assert_definition(exact, samples)


@pytest.mark.parametrize("name", ["linear mixture", "linear dual", "projection m > d",
                                  "iterative mixing", "generator, projection, iterative"])
def test_row_conditional_value_is_the_mean_of_direct_sampling_at_fixed_rows(name):
    """x-space: nothing is invisible; with m > d at ridge 0 the fit is a pseudo-inverse."""
    setting = FIXED[name]
    design = rowcond.draw_row_design(setting, np.random.default_rng(0))
    exact = rowcond.row_design_errors(setting, design, RIDGES)
    rng = np.random.default_rng(1)
    samples = np.array([sampled_given_rows(setting, design, rng, RIDGES) for _ in range(DRAWS)])
    _assert_definition(exact, samples)


def test_a_wrong_conditional_value_is_caught():
    """The fixed-design check has power: dropping the residual of random projections (10%
    of the error here) fails it."""
    design, exact, samples = _fixed("projection m < d")
    rw, _ = cond.target_roots(FIXED["projection m < d"], None)
    missing = cond.residual_variance(design.space, rw, cond.feature_image(design.space, rw))
    assert missing > 0.08 * exact.min()
    with pytest.raises(AssertionError):
        _assert_definition(exact - missing, samples)


@pytest.mark.parametrize("setting", [FIXED["linear mixture"], FIXED["projection m < d"],
                                     FIXED["projection m > d"], FIXED["OLS generator"],
                                     Setting(d=8, n=40, p2=1.0, c2=1.0, alpha=0.5)])
@pytest.mark.parametrize("ridges", [[0.3], [0.0, 1e-3, 0.3]])
def test_one_fit_traces_equal_the_general_recursion(setting, ridges):
    """iterations = 1: tr(M⁻¹Σ_F M⁻¹Ω) (Cholesky, or one eigendecomposition for several
    ridges) is the recursion of simulate/expectation.py stopped after one step."""
    ridges = np.array(ridges)
    design = cond.draw_design(setting, np.random.default_rng(2))
    fast = cond.design_errors(setting, design, ridges)
    rw, rd = cond.target_roots(setting, design.generator)
    space, sigma2 = design.space, setting.sigma**2
    Ra, Rd = cond.feature_image(space, rw), cond.feature_image(space, rd)
    res_a, res_d = cond.residual_variance(space, rw, Ra), cond.residual_variance(space, rd, Rd)
    slow = []
    for response in cond._primal_responses(design.real, design.synthetic[0], setting.n, ridges):
        moments = DeviationMoments(Ra, Rd)
        moments.step(response, sigma2 + res_a + res_d)
        real_cov = None if design.real is None else design.real.gram
        slow.append(moments.error(space.factor, real_cov, sigma2 + res_a, res_a))
    np.testing.assert_allclose(fast, slow, rtol=1e-9)


def test_variance_is_far_smaller():
    """Measured at this setting (200 seeds): sampled/conditional variance ≈ 120 for the
    per-seed errors. Required: at least 30x."""
    setting = Setting(d=40, n=1000, p2=0.3, c2=1.0, sigma=0.5, spectrum="power:1.0")
    sampled = draws(setting, "sufficient", 200, base_seed=5)[:, 0]
    conditional = draws(setting, "conditional", 200, base_seed=6)[:, 0]
    assert sampled.var(ddof=1) >= 30 * conditional.var(ddof=1)


# -- pieces ----------------------------------------------------------------------------------

def test_feature_image_and_residual_are_the_projection_of_each_direction():
    """P·diag(r) column j is project(r_j e_j)'s target, and E r²(w) over random signs is
    the sum of the residuals of the directions (r²(w) = wᵀQw, cross terms cancel)."""
    rng = np.random.default_rng(3)
    lam = np.linspace(1.5, 0.2, 7)
    r = rng.random(7) + 0.1
    for m in (3, 7, 11):
        space = projected_features(rng, lam, m)
        image = cond.feature_image(space, r)
        columns = [space.project(r[j] * np.eye(7)[j]) for j in range(7)]
        np.testing.assert_allclose(image, np.stack([c[0] for c in columns], axis=1),
                                   rtol=1e-9, atol=1e-12)
        expected = sum(c[1] for c in columns)
        assert cond.residual_variance(space, r, image) == pytest.approx(expected, rel=1e-9,
                                                                        abs=1e-12)
        assert (expected > 0) == (m < 7)


def test_generator_shift_root_is_sigma2_times_the_inverse_gram():
    """δ = σΣ^{-1/2}L0⁻ᵀz: Rδ Rδᵀ = σ²G0⁻¹ with G0 = Σ^{1/2}L0L0ᵀΣ^{1/2} (SMC §4)."""
    setting = Setting(d=6, n=50, p2=0.5, sigma=0.7, n0=15, spectrum="power:1.0")
    lam = setting.covariance.per_direction()[0]
    L0 = np.tril(np.random.default_rng(4).standard_normal((6, 6))) + 4 * np.eye(6)
    _, rd = cond.target_roots(setting, L0)
    G0 = np.sqrt(lam)[:, None] * (L0 @ L0.T) * np.sqrt(lam)[None, :]
    np.testing.assert_allclose(rd @ rd.T, 0.49 * np.linalg.inv(G0), rtol=1e-10)


def test_lean_bartlett_factor_has_the_wishart_law():
    rng = np.random.default_rng(5)
    grams = np.array([(L := cond.lower_bartlett(rng, 9, 4)) @ L.T for _ in range(4000)])
    assert np.allclose(grams[0], np.tril(grams[0]) + np.tril(grams[0], -1).T)
    np.testing.assert_allclose(grams.mean(axis=0), 9 * np.eye(4), atol=0.25)
    np.testing.assert_allclose(grams.var(axis=0), 9 * (np.eye(4) + 1), rtol=0.12)


def test_pseudo_inverse_drops_the_null_space_at_ridge_zero():
    rng = np.random.default_rng(6)
    X = rng.standard_normal((5, 3))
    singular = X @ X.T  # rank 3 of 5
    (pinv,) = shifted_inverses(singular, np.array([0.0]), pseudo=True)
    np.testing.assert_allclose(pinv, np.linalg.pinv(singular), rtol=1e-8, atol=1e-10)
    inverses = list(shifted_inverses(singular, np.array([0.5, 2.0])))
    for inv, lam in zip(inverses, (0.5, 2.0), strict=True):
        np.testing.assert_allclose(inv, np.linalg.inv(singular + lam * np.eye(5)), rtol=1e-9)
