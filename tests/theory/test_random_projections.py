"""Random projections (SMC §3): closed forms, the two-level solver, Monte-Carlo."""

import numpy as np
import pytest

from modelcollapse import Setting, Spectrum, predict
from modelcollapse.theory.random_projections import rp_isotropic_ridgeless, rp_terms
from modelcollapse.theory.ridge import mixture_error

from .montecarlo import assert_agrees, monte_carlo

# SMC §3.4 table / claim 11: φ = 2, σ² = 0.25, r² = c² = 1, ridgeless.
TABLE = {  # ψ: (E at p2 = 0, 0.05, 0.2, 0.5; ζ column at p2 = 0.2)
    0.1: (1.0833, 1.0890, 1.1073, 1.1500, 0.0029), 0.5: (1.75, 1.80, 1.95, 2.25, 0.05),
    0.8: (4.0, 4.197, 4.752, 5.70, 0.272), 1.2: (4.5, 4.7925, 5.58, 6.75, 0.60),
    2.0: (1.5, 1.5975, 1.86, 2.25, 0.36), 20.0: (0.7895, 0.8408, 0.9789, 1.1842, 0.1895),
    np.inf: (0.75, 0.7988, 0.9301, 1.1251, 0.18),
}


@pytest.mark.parametrize("psi", list(TABLE))
def test_claim_11_table(psi):
    row = TABLE[psi]
    for p2, expected in zip((0.0, 0.05, 0.2, 0.5), row[:4], strict=True):
        E, _, _ = rp_isotropic_ridgeless(2.0, psi, p2, 1.0, 0.5, 1.0)
        assert E == pytest.approx(expected, abs=6e-4, rel=1e-3)
    # The table's ζ leaves out the invisible shift (1 − γ)p2c²·D2/(1 − D2) when m < d.
    E2, zeta, D2 = rp_isotropic_ridgeless(2.0, psi, 0.2, 1.0, 0.5, 1.0)
    E0, _, _ = rp_isotropic_ridgeless(2.0, psi, 0.0, 1.0, 0.5, 1.0)
    assert zeta == pytest.approx(E2 - E0, rel=1e-12)
    gamma = min(psi / 2.0, 1.0)
    table_zeta = zeta - (1 - gamma) * 0.2 * D2 / (1 - D2)
    assert table_zeta == pytest.approx(row[4], abs=6e-4, rel=1e-3)


def test_claim_11_penalty_peaks_at_threshold_and_stays_positive():
    psi = np.array([0.1, 0.5, 0.8, 0.95, 1.05, 1.2, 2, 20, 1e6])
    _, zeta, _ = rp_isotropic_ridgeless(2.0, psi, 0.2, 1.0, 0.5, 1.0)
    below, above = zeta[psi < 1], zeta[psi > 1]
    assert np.all(np.diff(below) > 0) and np.all(np.diff(above) < 0)
    assert above[-1] == pytest.approx(0.2**2 / 2 + 0.8 * 0.2 / 1, rel=1e-4) and above[-1] > 0


def test_claim_12_no_dependence_on_m_beyond_d():
    for psi in (0.5, 0.8, 2.0, 50.0):  # m >= d = n/2
        E, _, _ = rp_isotropic_ridgeless(0.5, psi, 0.2, 1.0, 0.5, 1.0)
        assert E == pytest.approx(0.45)
    E, _, _ = rp_isotropic_ridgeless(0.5, 0.2, 0.2, 1.0, 0.5, 1.0)
    assert E == pytest.approx(0.8745)


def test_claim_13_penalty_increases_in_m_and_tends_to_p2sq_gamma():
    psi = np.linspace(0.05, 0.9, 30)
    _, zeta, _ = rp_isotropic_ridgeless(1.5, psi, 0.3, 1.0, 1.0, 1.0)
    assert np.all(np.diff(zeta) > 0)
    # n -> infinity at fixed γ = m/d: φ, ψ -> 0 with ψ/φ = γ.
    _, zeta_inf, _ = rp_isotropic_ridgeless(1e-9, 0.4e-9, 0.3, 1.0, 1.0, 1.0)
    assert zeta_inf == pytest.approx(0.3**2 * 0.4, rel=1e-6)


@pytest.mark.parametrize(("phi", "psi"), [
    (2.0, 0.3), (2.0, 0.8), (2.0, 1.3), (2.0, 1.9), (2.0, 2.5), (2.0, 40.0),  # (i), (iii), (iv)
    (0.5, 0.2), (0.5, 0.7), (0.5, 3.0), (3.0, 2.0), (3.0, 3.0)])  # (i), (ii), boundaries
def test_two_level_solver_matches_closed_forms(phi, psi):
    """The general solver at a vanishing ridge reproduces every ridgeless regime."""
    n = 1000.0
    spec = Spectrum.isotropic(int(phi * n))
    t = rp_terms(spec, np.array([n]), np.array([1e-11]), np.array([psi * n]))
    for p2, sigma in ((0.0, 0.5), (0.3, 0.5), (1.0, 1.0)):
        E, zeta, _ = rp_isotropic_ridgeless(phi, psi, p2, 1.0, sigma, 1.0)
        total, _, _, z = mixture_error(t["res_w"], t["h1"], t["h2"], t["D2"], p2, 1.0, sigma, 1.0)
        assert total[0] == pytest.approx(float(E), rel=1e-6)
        assert z[0] == pytest.approx(float(zeta), rel=1e-6, abs=1e-9)


def test_large_model_with_ridge_tends_to_linear_ridgeless():
    """S has iid N(0, 1/d) entries: SᵀS ≈ (m/d)I, so ridge λ acts like λd/m -> 0."""
    s = Setting(d=200, n=400, p2=0.3, c2=1.0, ridge=0.05, model="random-projections", m=10**7)
    lin = Setting(d=200, n=400, p2=0.3, c2=1.0, ridge=0.05 * 200 / 10**7)
    assert predict(s).test_error == pytest.approx(predict(lin).test_error, rel=1e-4)


RP_REGIMES = [  # (d, n, m, ridge, p2, spectrum)
    (400, 200, 100, 0.0, 0.3, "isotropic"),   # (i) m < min(n, d)
    (400, 200, 300, 0.0, 0.3, "isotropic"),   # (iii) n < m < d
    (300, 200, 600, 0.0, 0.5, "isotropic"),   # (iv) m >= d > n
    (200, 400, 300, 0.0, 1.0, "isotropic"),   # (ii) m >= d, n > d
    (400, 200, 150, 1e-2, 0.5, "isotropic"),  # ridge, ψ < 1
    (400, 200, 260, 1e-2, 0.2, "isotropic"),  # ridge, ψ > 1 near the threshold
    (300, 300, 200, 0.1, 0.5, "power:1.5"),   # power law, ridge
    (300, 150, 400, 1e-2, 0.3, "power:1.2"),  # power law, ψ > 1
    (300, 200, 100, 1e-4, 0.0, "power:1.5"),  # p2 = 0
]


@pytest.mark.parametrize(("d", "n", "m", "ridge", "p2", "spectrum"), RP_REGIMES)
def test_monte_carlo_random_projections(d, n, m, ridge, p2, spectrum):
    s = Setting(d=d, n=n, m=m, p2=p2, c2=1.0, sigma=0.5, ridge=ridge,
                model="random-projections", spectrum=spectrum)
    assert_agrees(predict(s).test_error, monte_carlo(s, seeds=40, seed=m + n))
