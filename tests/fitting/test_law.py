"""The law against the theory it is derived from (SMC eq. (2.16))."""

import numpy as np
import pytest

from modelcollapse import Setting, predict
from modelcollapse.fitting import collapse_law
from modelcollapse.fitting.law import n_for_variance, variance_factor


@pytest.mark.parametrize(("d", "c2", "sigma"), [(100, 1.0, 1.0), (50, 0.3, 2.0), (400, 2.0, 0.5)])
def test_isotropic_ridgeless_theory_is_the_law(d, c2, sigma):
    # SMC eq. (2.16): sigma² φ/(1−φ) + p2² c² + p1 p2 c² φ/(1−φ) is the law with E = 0,
    # A = sigma² d, alpha = 1, n_c = d, F = c², G = c² d, exactly, for every n > d.
    n = np.geomspace(1.5 * d, 1e3 * d, 7)[:, None]
    p2 = np.array([0.0, 0.01, 0.3, 1.0])
    theory = predict(Setting(d=d, n=10 * d, c2=c2, sigma=sigma), n=n, p2=p2).test_error
    law = collapse_law(n, p2, E=0.0, A=sigma**2 * d, alpha=1.0, F=c2, G=c2 * d, n_c=d)
    np.testing.assert_allclose(law, theory, rtol=1e-10)


def test_variance_factor_inverse_and_threshold():
    n = np.geomspace(120, 1e6, 9)
    v = variance_factor(n, 0.7, 100.0)
    assert np.all(np.diff(v) < 0)
    back = [n_for_variance(x, 0.7, 100.0) for x in v]
    np.testing.assert_allclose(back, n, rtol=1e-10)
    assert np.isinf(variance_factor(100.0, 0.7, 100.0))
    assert np.isinf(variance_factor(50.0, 0.7, 100.0))
