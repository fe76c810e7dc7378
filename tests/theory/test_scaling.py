"""Scaling consequences (SMC §2.6, §6): floors, claims 4–5, power-law rates."""

import numpy as np
import pytest

from modelcollapse import Setting, Spectrum, predict
from modelcollapse.theory import isotropic as iso
from modelcollapse.theory.scaling import clean_rate, fit_power_law, floor_value, scaling_curve


@pytest.mark.parametrize(("p2", "floor"), [(0.01, 1e-4), (0.001, 1e-6), (0.5, 0.25)])
def test_claim_4_floor(p2, floor):
    s = Setting(d=100, n=1000, p2=p2, c2=1.0)
    assert floor_value(s) == pytest.approx(floor)
    assert scaling_curve(s, [1e13])[0] == pytest.approx(floor, rel=1e-4)


def test_claim_5_worked_example():
    """The claim's numbers are the small-φ form (2.17); (2.16) adds p1p2·φ/(1 − φ)·c²."""
    n = np.array([1e4, 1e6, 1e8])
    assert iso.small_phi(100 / n, 0.01, 1.0, 1.0) == pytest.approx([0.0101, 0.0002, 0.000101],
                                                                   rel=1e-3)
    s = Setting(d=100, n=1000, p2=0.01, c2=1.0)
    cross = 0.01 * 0.99 * (100 / n) / (1 - 100 / n)
    exact = iso.small_phi(100 / n, 0.01, 1.0, 1.0) + cross + (100 / n) ** 2 / (1 - 100 / n)
    assert scaling_curve(s, n) == pytest.approx(exact, rel=1e-9)
    clean = scaling_curve(s.replace(p2=0.0), n)
    assert clean == pytest.approx([0.01, 1e-4, 1e-6], rel=0.011)


def test_ridge_floor_matches_isotropic_formula():
    s = Setting(d=50, n=100, p2=0.3, c2=2.0, ridge=0.2, r2=1.5)
    assert floor_value(s) == pytest.approx((0.04 * 1.5 + 0.09 * 2.0) / 1.2**2)


def test_power_law_clean_rate_with_tuned_ridge():
    """Tuned ridge on a source-condition target decays like n^(-2βr/(2βr+1)) (eq. (6.2))."""
    beta, r = 2.0, 0.5
    spec = Spectrum.power_law(20_000, beta, source=r)
    ns = np.logspace(4, 6, 5)
    best = []
    for n in ns:
        ridges = np.logspace(-12, 0, 200)
        s = Setting(d=20_000, n=int(n), p2=0.0, sigma=1.0, spectrum=spec)
        best.append(np.min(predict(s, ridge=ridges).test_error))
    rate, _ = fit_power_law(ns, best)
    assert rate == pytest.approx(clean_rate(beta, r), abs=0.05)


def test_plateau_with_synthetic_data_on_power_law():
    """E ≍ n^(-rate) + p2²c²: the p2 > 0 curve flattens at p2²c² (eq. (6.3))."""
    s = Setting(d=5000, n=100, p2=0.1, c2=1.0, ridge=1e-8, spectrum="power:1.5")
    E = scaling_curve(s, np.logspace(5, 9, 5))
    assert E[-1] == pytest.approx(0.01, rel=0.02)
    assert np.all(np.diff(E) < 0)


def test_fit_power_law_validates():
    with pytest.raises(ValueError, match="^fit_power_law"):
        fit_power_law([1], [1])
