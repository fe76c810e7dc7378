"""General two-source case (SMC §2.3): reduction to §2.2, floor, Monte-Carlo (claim 16)."""

import numpy as np
import pytest

from modelcollapse import Setting, Spectrum, TwoSourceSetting, predict
from modelcollapse.theory.two_source import predict_two_source, two_source_error, two_source_floor

from .montecarlo import assert_agrees, fit_ridge


def rotated(spectrum: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    q, _ = np.linalg.qr(rng.standard_normal((spectrum.size, spectrum.size)))
    return (q * spectrum) @ q.T


def claim_16_setting(seed: int = 0) -> TwoSourceSetting:
    """d = 200, n = 150, λ = 0.01, p2 = 0.3, σ1² = 0.3, σ2² = 0.6 (SMC §9 claim 16)."""
    rng = np.random.default_rng(seed)
    d = 200
    C1 = rotated(2.0 * np.arange(1, d + 1) ** -0.8, rng)
    C2 = rotated(np.linspace(0.2, 1.5, d), rng)
    w1 = rng.standard_normal(d) / np.sqrt(d)
    w2 = w1 + 0.5 * rng.standard_normal(d) / np.sqrt(d)
    return TwoSourceSetting(C1, C2, w1, w2, n=150, p2=0.3, noise1=np.sqrt(0.3),
                            noise2=np.sqrt(0.6), ridge=0.01)


def monte_carlo_two_source(s: TwoSourceSetting, seeds: int) -> tuple[float, float]:
    rng = np.random.default_rng(1)
    L1, L2 = np.linalg.cholesky(s.sigma1_cov), np.linalg.cholesky(s.sigma2_cov)
    n2 = round(s.p2 * s.n)
    n1 = s.n - n2
    errs = []
    for _ in range(seeds):
        X1 = rng.standard_normal((n1, s.d)) @ L1.T
        X2 = rng.standard_normal((n2, s.d)) @ L2.T
        y = np.r_[X1 @ s.w1 + s.noise1 * rng.standard_normal(n1),
                  X2 @ s.w2 + s.noise2 * rng.standard_normal(n2)]
        diff = fit_ridge(np.vstack([X1, X2]), y, s.ridge) - s.w1
        errs.append(diff @ s.sigma1_cov @ diff)
    errs = np.array(errs)
    return float(errs.mean()), float(errs.std(ddof=1) / np.sqrt(seeds))


def test_claim_16_monte_carlo():
    s = claim_16_setting()
    assert_agrees(predict_two_source(s), monte_carlo_two_source(s, seeds=60))


@pytest.mark.parametrize(("n", "ridge", "p2"), [(400, 0.0, 0.3), (100, 0.05, 0.5), (300, 0.01, 1.0)])
def test_equal_covariances_reduce_to_single_source(n, ridge, p2):
    """C1 = C2 = Σ with random δ ~ (0, Δ): eqs. (2.8)–(2.11) reduce to (2.4)–(2.5)."""
    rng = np.random.default_rng(3)
    d = 120
    lam = rng.uniform(0.2, 2.0, d)
    spec = Spectrum.from_eigenvalues(lam, signal=rng.uniform(0, 1, d), shift=rng.uniform(0, 1, d))
    _, w_energy, delta_var = spec.per_direction()
    w1 = np.sqrt(2.0 * w_energy)
    setting = Setting(d=d, n=n, p2=p2, c2=0.7, sigma=0.8, ridge=ridge, r2=2.0, spectrum=spec)
    full = two_source_error(np.diag(lam), np.diag(lam), w1, n, p2, ridge, 0.8, 0.8,
                            shift_cov=np.diag(0.7 * delta_var))
    diag = two_source_error(lam, lam, w1, n, p2, ridge, 0.8, 0.8, shift_cov=0.7 * delta_var)
    expected = predict(setting).test_error
    assert full == pytest.approx(expected, rel=1e-9)
    assert diag == pytest.approx(expected, rel=1e-9)


def test_floor_equals_p2_squared_c2_for_equal_covariances():
    rng = np.random.default_rng(4)
    C = rotated(rng.uniform(0.5, 2, 30), rng)
    delta = rng.standard_normal(30)
    assert two_source_floor(C, C, delta, 0.3) == pytest.approx(0.09 * delta @ C @ delta)


def test_floor_is_the_large_n_limit():
    s = claim_16_setting()
    big = TwoSourceSetting(s.sigma1_cov, s.sigma2_cov, s.w1, s.w2, n=10**9, p2=0.3,
                           noise1=s.noise1, noise2=s.noise2, ridge=1e-9)
    floor = two_source_floor(s.sigma1_cov, s.sigma2_cov, s.w2 - s.w1, 0.3)
    assert predict_two_source(big) == pytest.approx(floor, rel=1e-4)


def test_bad_inputs_name_the_parameter():
    s = claim_16_setting()
    with pytest.raises(ValueError, match="^p2"):
        TwoSourceSetting(s.sigma1_cov, s.sigma2_cov, s.w1, s.w2, n=10, p2=2.0)
    with pytest.raises(ValueError, match="^sigma2_cov"):
        TwoSourceSetting(s.sigma1_cov, s.sigma2_cov[:5, :5], s.w1, s.w2, n=10, p2=0.2)
    with pytest.raises(ValueError, match="^ridge"):
        two_source_error(s.sigma1_cov, s.sigma2_cov, s.w1, 100, 0.3, 0.0, 1, 1, w2=s.w2)
