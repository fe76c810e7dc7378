"""Statistical comparisons shared by the Monte-Carlo engine's tests."""

import numpy as np

from modelcollapse.simulate.engine import SAMPLERS, seed_generator


def draws(setting, method, seeds, base_seed=0, ridges=None):
    """Per-seed test errors (seeds × ridges) of one sampler, bypassing the engine."""
    grid = np.atleast_1d(setting.ridge if ridges is None else ridges).astype(float)
    return np.array([SAMPLERS[method](setting, seed_generator(base_seed, i), grid)
                     for i in range(seeds)])


def assert_same_distribution(a, b, z_max=4.0):
    """Two samples agree in mean and in variance within z_max standard errors.

    The standard error of a sample variance is estimated from the fourth central moment,
    Var(s²) ≈ (m4 − s⁴)/N, so heavy tails widen it honestly.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    se_mean = np.hypot(a.std(ddof=1) / np.sqrt(a.size), b.std(ddof=1) / np.sqrt(b.size))
    z_mean = abs(a.mean() - b.mean()) / se_mean

    def var_and_se(x):
        v = x.var(ddof=1)
        m4 = np.mean((x - x.mean()) ** 4)
        return v, np.sqrt(max(m4 - v**2, 0.0) / x.size)

    (va, sa), (vb, sb) = var_and_se(a), var_and_se(b)
    z_var = abs(va - vb) / np.hypot(sa, sb)
    assert z_mean < z_max and z_var < z_max, (
        f"means {a.mean():.5g} vs {b.mean():.5g} (z = {z_mean:.2f}); "
        f"variances {va:.4g} vs {vb:.4g} (z = {z_var:.2f})")


def assert_agrees(theory, result, rel=0.03, n_se=3.0):
    """Theory within n_se standard errors of the Monte-Carlo mean, or within rel relative."""
    gap = abs(theory - result.test_error)
    assert gap <= n_se * result.sem or gap <= rel * abs(theory), (
        f"theory {theory:.6g} vs simulation {result.test_error:.6g} ± {result.sem:.2g} "
        f"(gap {gap / result.sem:.1f} SE, {gap / abs(theory):.2%})")


def sem(x):
    x = np.asarray(x, dtype=float)
    return x.std(ddof=1) / np.sqrt(x.size)


def assert_same_mean(a, b, z_max=4.0):
    """Two estimators of one expectation agree within z_max combined standard errors."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    combined = np.hypot(sem(a), sem(b))
    z = abs(a.mean() - b.mean()) / combined
    assert z < z_max, (f"means {a.mean():.6g} ± {sem(a):.2g} vs {b.mean():.6g} ± {sem(b):.2g} "
                       f"(z = {z:.2f})")
