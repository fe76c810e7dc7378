"""GenerationsSetting: validation naming the parameter, schedules, w0 conventions."""

import numpy as np
import pytest

from modelcollapse import Spectrum
from modelcollapse.generations import GenerationsSetting


@pytest.mark.parametrize(("changes", "name"), [
    ({"d": 0}, "d"), ({"T": 2.5}, "T"), ({"T0": 0}, "T0"), ({"generations": -1}, "generations"),
    ({"sigma": -0.1}, "sigma"), ({"sigma0": float("nan")}, "sigma0"), ({"ridge": -1.0}, "ridge"),
    ({"ridge": "auto"}, "ridge"), ({"r2": -1.0}, "r2"), ({"spectrum": "power:x"}, "spectrum"),
    ({"T0": (50, 60)}, "T0"), ({"sigma0": (1.0, -1.0, 1.0)}, "sigma0"),
    ({"source": 0.5}, "source"), ({"spectrum": Spectrum.isotropic(5)}, "spectrum"),
])
def test_bad_values_name_the_parameter(changes, name):
    kwargs = {"d": 10, "T": 20, "T0": 30, "generations": 3, **changes}
    with pytest.raises(ValueError, match=f"^{name}"):
        GenerationsSetting(**kwargs)


def test_schedule_scalar_and_per_generation():
    s = GenerationsSetting(d=10, T=20, T0=(30, 40), generations=2, sigma0=(0.5, 1.0))
    t0, s0 = s.schedule
    assert t0.tolist() == [30.0, 40.0] and s0.tolist() == [0.5, 1.0]
    assert s.to_dict()["T0"] == [30, 40]
    t0, s0 = GenerationsSetting(d=10, T=20, T0=30, generations=3, sigma0=0.2).schedule
    assert t0.tolist() == [30.0] * 3 and s0.tolist() == [0.2] * 3


def test_w0_conventions():
    iso = GenerationsSetting(d=10, T=20, T0=30)
    assert iso.norm2 == 1.0 and iso.w0_energy.sum() == pytest.approx(1.0)
    # Source condition: λ_j c_j² = j^(-1-2βr) exactly, so ||w0||² = Σ_j j^(β-1-2βr).
    src = GenerationsSetting(d=50, T=20, T0=60, spectrum="power:2", source=0.25)
    lam, energy, _ = src.covariance.per_direction()
    j = np.arange(1, 51)
    assert np.allclose(lam * src.norm2 * energy, j**-2.0)
    assert GenerationsSetting(d=50, T=20, T0=60, spectrum="power:2", source=0.25, r2=3.0).norm2 == 3.0


def test_adaptive_ridge_is_accepted():
    assert GenerationsSetting(d=10, T=20, T0=30, ridge="adaptive").ridge == "adaptive"
