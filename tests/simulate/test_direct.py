"""Direct row sampling against exact finite-sample formulas (simulate/direct.py).

Isotropic Gaussian data, clean labels (p2 = 0), ridge 0 (spec SMC §8.3):
- OLS, n > d + 1: E = σ²d/(n − d − 1) (inverse-Wishart mean);
- minimum-norm interpolation, n < d − 1: E = r²(1 − n/d) + σ²n/(d − n − 1);
- random projections with m >= d and n > d fit the same OLS predictor (spec SMC §3.3 (ii)).
"""

import numpy as np
import pytest

from modelcollapse import Setting
from modelcollapse.simulate import direct

from .helpers import draws

SEEDS = 400


def _check(errors, expected):
    se = errors.std(ddof=1) / np.sqrt(errors.size)
    assert abs(errors.mean() - expected) < 4 * se, (errors.mean(), se, expected)
    assert se < 0.05 * expected  # the check has power


@pytest.mark.parametrize("model", ["linear", "random-projections"])
def test_ols_variance_is_exact(model):
    m = 50 if model == "random-projections" else None
    setting = Setting(d=20, n=60, sigma=0.8, model=model, m=m)
    _check(draws(setting, "direct", SEEDS)[:, 0], 0.64 * 20 / (60 - 20 - 1))


def test_min_norm_interpolator_is_exact():
    setting = Setting(d=60, n=20, sigma=0.8, r2=1.5)
    _check(draws(setting, "direct", SEEDS)[:, 0], 1.5 * (1 - 20 / 60) + 0.64 * 20 / (60 - 20 - 1))


def test_rows_are_accumulated_in_chunks(monkeypatch):
    """Chunked accumulation (bounded memory at n = 10⁶) fits the same exact law."""
    monkeypatch.setattr(direct, "CHUNK_ELEMENTS", 7 * 21)  # 7 rows per chunk
    _check(draws(Setting(d=20, n=60, sigma=0.8), "direct", SEEDS)[:, 0], 0.64 * 20 / 39)
