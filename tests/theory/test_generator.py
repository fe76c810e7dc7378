"""Generator quality (SMC §4): claim 10 and a simulated OLS generator."""

import pytest

from modelcollapse import Setting, predict
from modelcollapse.theory.generator import (
    generator_floor,
    ols_generator_c2,
    ols_generator_c2_asymptotic,
    synthetic_quality,
)

from .montecarlo import assert_agrees, monte_carlo


def test_claim_10():
    assert ols_generator_c2(100, 1000, 1.0) == pytest.approx(0.111235, abs=1e-6)
    assert ols_generator_c2_asymptotic(0.1, 1.0) == pytest.approx(0.1111, abs=1e-4)
    assert generator_floor(0.1, 100, 1000, 1.0) == pytest.approx(0.00111, abs=1e-5)
    with pytest.raises(ValueError, match="^n0"):
        ols_generator_c2(100, 101, 1.0)


@pytest.mark.parametrize(("n", "spectrum"), [(400, "isotropic"), (150, "isotropic"), (400, "power:1.3")])
def test_generator_monte_carlo(n, spectrum):
    """Synthetic labels from an OLS fit on n0 real samples; Δ ∝ Σ⁻¹ in the theory."""
    s = Setting(d=100, n=n, n0=300, p2=0.5, sigma=1.0, ridge=0.01, spectrum=spectrum)
    assert synthetic_quality(s) == pytest.approx(100 / 199)
    assert_agrees(predict(s).test_error, monte_carlo(s, seeds=40, seed=n))
