"""The conditional estimator of the chain against the sampled one.

Both draw the same designs seed for seed, so seed i's conditional value is the expectation
of the sampled estimator's seed i over the label noises: their per-seed differences have
mean zero (unbiasedness, tested with the SEM of the paired differences) and the conditional
values vary less.
"""

import numpy as np
import pytest

from modelcollapse.family import get
from modelcollapse.generations import GenerationsSetting, simulate_generations
from modelcollapse.generations import conditional as cond
from modelcollapse.generations.simulate import _draw, simulate_one
from modelcollapse.seeds import seed_generator

SCHEDULE = {"d": 40, "T0": (120, 20, 30, 160), "generations": 4, "sigma": 0.5,
            "sigma0": (0.5, 0.2, 0.0, 1.0), "spectrum": "power:1"}
REGIMES = {
    "ols chain, ridgeless": GenerationsSetting(d=40, T=100, T0=120, generations=3, sigma=0.5,
                                               sigma0=0.7, spectrum="power:1"),
    "ols chain, ridge": GenerationsSetting(d=40, T=100, T0=120, generations=3, sigma=0.5,
                                           sigma0=0.7, spectrum="power:1", ridge=0.3),
    "min-norm isotropic": GenerationsSetting(d=60, T=90, T0=30, generations=3, sigma=0.3,
                                             sigma0=0.5, ridge=0.05),
    "min-norm power law": GenerationsSetting(d=60, T=90, T0=30, generations=3, sigma=0.3,
                                             sigma0=0.3, spectrum="power:1.5", ridge=1e-3),
    "schedule, dual ridge": GenerationsSetting(T=24, ridge=0.01, **SCHEDULE),
    "schedule, exact downstream": GenerationsSetting(T=120, ridge=0.0, **SCHEDULE),
}


def per_seed(setting, seeds, estimator):
    """Per-seed test and generator errors at every generation, (seeds, n + 1) each: the
    batched draw behind simulate_generations (seed i is simulate_one's seed i, bit for bit:
    test_simulate.py)."""
    test, generator = _draw([seed_generator(1, i) for i in range(seeds)], setting,
                            np.array([setting.ridge]), estimator)
    return test[0], generator


@pytest.mark.parametrize("name", REGIMES)
def test_unbiased_and_less_variable_than_sampled(name):
    setting = REGIMES[name]
    seeds = 300
    sampled, sampled_gen = per_seed(setting, seeds, "sampled")
    conditional, conditional_gen = per_seed(setting, seeds, "conditional")
    for a, b in ((sampled, conditional), (sampled_gen[:, 1:], conditional_gen[:, 1:])):
        diff = a - b
        z = diff.mean(axis=0) / (diff.std(axis=0, ddof=1) / np.sqrt(seeds))
        assert np.all(np.abs(z) < 4), f"paired mean differences in SEM: {np.round(z, 2)}"
    assert conditional[:, -1].var() < sampled[:, -1].var()


def test_noise_free_chains_are_the_sampled_ones():
    """Without label noise nothing is averaged: the same designs give the same errors."""
    for setting in REGIMES.values():
        quiet = setting.replace(sigma=0.0, sigma0=0.0)
        sampled, sampled_gen = per_seed(quiet, 3, "sampled")
        conditional, conditional_gen = per_seed(quiet, 3, "conditional")
        np.testing.assert_allclose(conditional, sampled, rtol=1e-9, atol=1e-14)
        np.testing.assert_allclose(conditional_gen, sampled_gen, rtol=1e-9, atol=1e-14)


def test_one_design_against_its_noise_average():
    """The formulas of one chain's designs (an OLS generator, a min-norm one, a dual ridge
    fit) against the mean of many chains that share those designs and redraw only the
    label noises (brute force by least squares)."""
    setting = GenerationsSetting(d=5, T=8, T0=(12, 3), generations=2, sigma=0.6,
                                 sigma0=(0.8, 0.5), spectrum="power:1", ridge=0.1)
    s, energy, _ = setting.covariance.per_direction()
    w0 = np.sqrt(energy)
    rng = np.random.default_rng(0)
    Z = [rng.standard_normal((rows, 5)) for rows in (12, 3, 8)]  # whitened rows
    X = [z * np.sqrt(s) for z in Z]
    draws = 40000
    w = np.broadcast_to(w0, (draws, 5))
    for x, s0 in zip(X[:2], (0.8, 0.5), strict=True):
        labels = x @ w.T + s0 * rng.standard_normal((x.shape[0], draws))
        w = np.linalg.lstsq(x, labels, rcond=None)[0].T
    y = X[2] @ w.T + 0.6 * rng.standard_normal((8, draws))
    fit = np.linalg.solve(X[2].T @ X[2] / 8 + 0.1 * np.eye(5), X[2].T @ y / 8).T
    values = ((fit - w0) ** 2 * s).sum(axis=1)

    v0 = np.sqrt(s) * w0
    bartlett = np.linalg.cholesky(Z[0].T @ Z[0])[None]  # XᵀX = Σ^{1/2}AAᵀΣ^{1/2}
    cov = cond.ols_step(np.zeros((1, 5, 5)), bartlett, 0.8)
    mean, cov = cond.min_norm_step(v0[None], cov, Z[1][None], s, 0.5)
    expected = cond.dual_errors(Z[2][None], mean[:, None], cov[:, None], v0, s, 0.6,
                                np.array([0.1]))[0, 0, 0]
    assert abs(values.mean() - expected) < 4 * values.std(ddof=1) / np.sqrt(draws)
    primal = cond.primal_errors(np.linalg.cholesky(Z[2].T @ Z[2])[None], mean[:, None],
                                cov[:, None], v0, s, 8, 0.6, np.array([0.1]))[0, 0, 0]
    assert primal == pytest.approx(expected, rel=1e-10)  # T >= d form, same fit


def test_variance_falls_most_where_the_noise_dominates():
    """OLS chain of the generations-chain figure: the conditional variance is the designs'
    alone, >= 20x below the sampled one (measured ~100x)."""
    setting = GenerationsSetting(d=40, T=200, T0=100, generations=10, sigma=1.0, sigma0=1.0)
    sampled = simulate_generations(setting, 200, seed=2, estimator="sampled")
    conditional = simulate_generations(setting, 200, seed=2)
    assert conditional.estimator == "conditional" and sampled.to_dict()["estimator"] == "sampled"
    assert (sampled.sem / conditional.sem) ** 2 > 20


def test_methods_are_validated_and_auto_stays_sampled():
    setting = REGIMES["ols chain, ridge"]
    family = get("generations")
    assert family.methods == ("auto", "sampled", "conditional")
    assert family.resolve(setting, "auto") == "sampled"
    assert simulate_one(setting, 2, 0) == simulate_one(setting, 2, 0, "sampled")
    assert simulate_one(setting, 2, 0) != simulate_one(setting, 2, 0, "conditional")
    with pytest.raises(ValueError, match="^method"):
        simulate_one(setting, 2, 0, "exact")
    with pytest.raises(ValueError, match="^estimator"):
        simulate_generations(setting, 10, estimator="exact")
