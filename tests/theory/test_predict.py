"""predict(): grids, dispatch, divergence and validation."""

import doctest
import importlib

import numpy as np
import pytest

import modelcollapse
from modelcollapse import Setting, predict


@pytest.mark.parametrize("setting", [
    Setting(d=300, n=100, p2=0.2, c2=1.0, spectrum="power:1.5"),
    Setting(d=300, n=100, m=50, p2=0.2, c2=1.0, model="random-projections"),
    Setting(d=300, n=100, p2=0.2, c2=1.0),
])
def test_grid_equals_scalar_loop(setting):
    n = np.array([50.0, 200.0, 1000.0])[:, None, None]
    p2 = np.array([0.0, 0.3])[None, :, None]
    ridge = np.array([0.0, 0.05])
    grid = predict(setting, n=n, p2=p2, ridge=ridge)
    assert grid.test_error.shape == (3, 2, 2)
    for i in range(3):
        for j in range(2):
            for k in range(2):
                one = predict(setting.replace(n=int(n[i, 0, 0]), p2=float(p2[0, j, 0]),
                                              ridge=float(ridge[k])))
                assert grid.test_error[i, j, k] == pytest.approx(one.test_error, rel=1e-12)
                assert grid.kappa[i, j, k] == pytest.approx(one.kappa, rel=1e-12, abs=1e-300)


def test_divergence_is_inf_with_a_reason():
    p = predict(Setting(d=200, n=200, p2=0.3, c2=1.0))
    assert p.test_error == np.inf and "interpolation threshold" in p.note
    rp = predict(Setting(d=400, n=200, m=200, p2=0.3, c2=1.0, model="random-projections"))
    assert rp.test_error == np.inf and rp.note
    assert np.isfinite(predict(Setting(d=200, n=200, p2=0.3, c2=1.0, ridge=1e-3)).test_error)


def test_parts_add_up_and_are_finite():
    for s in (Setting(d=300, n=150, p2=0.4, c2=1.0, spectrum="power:1.2", ridge=1e-3),
              Setting(d=300, n=150, m=700, p2=0.4, c2=1.0, model="random-projections", ridge=1e-2)):
        p = predict(s)
        parts = (p.bias, p.variance, p.synthetic_penalty)
        assert all(np.isfinite(x) and x >= 0 for x in parts)
        assert p.test_error == pytest.approx(sum(parts), rel=1e-12)


@pytest.mark.parametrize(("axes", "name"), [({"p2": [0.5, 1.2]}, "p2"), ({"n": [0, 10]}, "n"),
                                            ({"ridge": [-1.0]}, "ridge"), ({"d": [3]}, "d"),
                                            ({"c2": [np.nan]}, "c2")])
def test_bad_grid_axes_name_the_parameter(axes, name):
    with pytest.raises(ValueError, match=f"^{name}"):
        predict(Setting(d=10, n=20), **axes)


def test_m_axis_needs_random_projections():
    with pytest.raises(ValueError, match="^m"):
        predict(Setting(d=10, n=20), m=[5, 6])


def test_docstring_examples_run():
    for module in (modelcollapse, importlib.import_module("modelcollapse.theory.predict")):
        result = doctest.testmod(module)
        assert result.failed == 0 and result.attempted > 0
