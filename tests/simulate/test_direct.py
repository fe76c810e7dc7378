"""Direct row sampling against exact finite-sample formulas (simulate/direct.py).

Isotropic Gaussian data, clean labels (p2 = 0), ridge 0 (SMC §8.3):
- OLS, n > d + 1: E = σ²d/(n − d − 1) (inverse-Wishart mean);
- minimum-norm interpolation, n < d − 1: E = r²(1 − n/d) + σ²n/(d − n − 1);
- random projections with m >= d and n > d fit the same OLS predictor (SMC §3.3 (ii)).

The conditional estimators meet the same exact values (their mean is the sampled one's).
"""

import numpy as np
import pytest

from modelcollapse import Setting
from modelcollapse.simulate import direct

from .helpers import draws

SEEDS = 400
METHODS = [("direct", SEEDS), ("direct-conditional", 60), ("conditional", 60)]


def _check(errors, expected):
    se = errors.std(ddof=1) / np.sqrt(errors.size)
    assert abs(errors.mean() - expected) < 4 * se, (errors.mean(), se, expected)
    assert se < 0.05 * expected  # the check has power


@pytest.mark.parametrize(("method", "seeds"), METHODS)
@pytest.mark.parametrize("model", ["linear", "random-projections"])
def test_ols_variance_is_exact(model, method, seeds):
    m = 50 if model == "random-projections" else None  # direct: rank-20 Gram of 50 features
    setting = Setting(d=20, n=60, sigma=0.8, model=model, m=m)
    _check(draws(setting, method, seeds)[:, 0], 0.64 * 20 / (60 - 20 - 1))


@pytest.mark.parametrize(("method", "seeds"), METHODS)
def test_min_norm_interpolator_is_exact(method, seeds):
    setting = Setting(d=60, n=20, sigma=0.8, r2=1.5)
    _check(draws(setting, method, seeds)[:, 0], 1.5 * (1 - 20 / 60) + 0.64 * 20 / (60 - 20 - 1))


@pytest.mark.parametrize(("method", "seeds"), METHODS[:2])
def test_rows_are_accumulated_in_chunks(monkeypatch, method, seeds):
    """Chunked accumulation (bounded memory at n = 10⁶) fits the same exact law."""
    monkeypatch.setattr(direct, "CHUNK_ELEMENTS", 7 * 21)  # 7 rows per chunk
    _check(draws(Setting(d=20, n=60, sigma=0.8), method, seeds)[:, 0], 0.64 * 20 / 39)
