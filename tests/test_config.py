"""Configuration types: validation messages and the grouped power-law spectrum."""

import numpy as np
import pytest

from modelcollapse import Setting, Spectrum, predict


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"d": 0}, "d"), ({"n": -3}, "n"), ({"p2": 1.5}, "p2"), ({"p2": -0.1}, "p2"),
    ({"c2": -1}, "c2"), ({"sigma": -1}, "sigma"), ({"ridge": -1e-3}, "ridge"),
    ({"model": "mlp"}, "model"), ({"model": "random-projections"}, "m"),
    ({"model": "random-projections", "m": 0}, "m"), ({"m": 5}, "m"), ({"spectrum": "zipf"}, "spectrum"),
    ({"spectrum": "power:-1"}, "spectrum"), ({"n": "ten"}, "n"), ({"n0": 5}, "n0"),
    ({"alpha": 2}, "alpha"), ({"iterations": 0}, "iterations"), ({"d": 2.5}, "d"),
    ({"c2": float("nan")}, "c2"),
])
def test_invalid_settings_name_the_parameter(kwargs, name):
    base = {"d": 10, "n": 20, "p2": 0.1}
    with pytest.raises(ValueError, match=f"^{name}"):
        Setting(**{**base, **kwargs})


def test_grouped_power_law_matches_exact_spectrum():
    """The grouped storage of long power laws changes predictions by < 1e-5 relative."""
    d, beta = 50_000, 1.5
    grouped = Spectrum.power_law(d, beta)
    exact = Spectrum.from_eigenvalues(np.arange(1, d + 1, dtype=float) ** -beta)
    assert grouped.eigenvalues.size < 3000 and grouped.d == d
    assert grouped.trace == pytest.approx(exact.trace, rel=1e-12)
    for n, ridge, p2 in ((1000, 0.0, 0.3), (100_000, 1e-6, 0.1), (30, 1e-3, 1.0)):
        a = predict(Setting(d=d, n=n, p2=p2, ridge=ridge, spectrum=grouped))
        b = predict(Setting(d=d, n=n, p2=p2, ridge=ridge, spectrum=exact))
        assert a.test_error == pytest.approx(b.test_error, rel=1e-5)


def test_to_dict_is_plain_data():
    out = Setting(d=10, n=20, spectrum="power:2").to_dict()
    assert out["spectrum"] == "power:2" and out["d"] == 10
    stored = Setting(d=10, n=20, spectrum=Spectrum.isotropic(10)).to_dict()["spectrum"]
    assert stored["name"] == "isotropic" and stored["multiplicities"] == [10.0]  # in full


def test_spectrum_d_must_match():
    with pytest.raises(ValueError, match="^spectrum"):
        Setting(d=10, n=20, spectrum=Spectrum.isotropic(11))
