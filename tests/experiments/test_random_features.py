"""Random-features ridge (SMC eq. (1.7), §0 items 1 and 4): closed form, chunking, seeds."""

import numpy as np
import pytest

pytest.importorskip("torch")

from modelcollapse.experiments.random_features import RandomFeatureRidge


def explicit(rf: RandomFeatureRidge, x, y, x_test):
    s = rf.weights.double().numpy()
    phi, phi_test = np.maximum(x @ s.T, 0), np.maximum(x_test @ s.T, 0)
    n, m = phi.shape
    v = np.linalg.solve(phi.T @ phi / n + rf.ridge * np.eye(m), phi.T @ y / n)
    return phi_test @ v


@pytest.mark.parametrize("width", [40, 400])  # primal (m < n) and dual (m > n) solves
@pytest.mark.parametrize("chunk", [7, 4096])
def test_matches_the_explicit_ridge_solution(width, chunk):
    rng = np.random.default_rng(0)
    x = rng.random((150, 12)).astype(np.float32)
    y = rng.standard_normal((150, 3))
    x_test = rng.random((30, 12)).astype(np.float32)
    rf = RandomFeatureRidge(12, width, 1e-2, seed=3, chunk=chunk).fit(x, y)
    np.testing.assert_allclose(rf.predict(x_test), explicit(rf, x, y, x_test), rtol=2e-3, atol=2e-4)


def test_seed_fixes_the_features():
    a, b, c = (RandomFeatureRidge(5, 20, 1.0, seed=s) for s in (1, 1, 2))
    assert np.array_equal(a.weights, b.weights) and not np.array_equal(a.weights, c.weights)
    assert a.weights.std().item() == pytest.approx(5**-0.5, rel=0.2)  # S iid N(0, 1/d)


def test_validation_and_unfitted_use():
    with pytest.raises(ValueError, match="^ridge"):
        RandomFeatureRidge(5, 10, 0.0)
    with pytest.raises(ValueError, match="^width"):
        RandomFeatureRidge(5, 0, 1.0)
    with pytest.raises(ValueError, match="fit the model"):
        RandomFeatureRidge(5, 10, 1.0).predict(np.zeros((2, 5), dtype=np.float32))


@pytest.mark.slow
def test_width_16k_on_cpu():
    pytest.importorskip("sklearn")
    from modelcollapse.experiments.data.images import load_image_data

    data = load_image_data("digits")
    y = np.eye(10)[data.y_train]
    rf = RandomFeatureRidge(data.d, 16384, 1e-3, chunk=1024).fit(data.x_train, y)
    assert rf.v.shape == (16384, 10)
    assert np.mean(rf.predict(data.x_test).argmax(1) != data.y_test) < 0.1
