"""Sweeps over every family's configuration: the family's name and the plain configuration
are what a stored task keeps, and they rebuild the configuration exactly."""

from __future__ import annotations

import pytest

from modelcollapse import Setting
from modelcollapse.generations import GenerationsSetting
from modelcollapse.sweep import Sweep
from modelcollapse.tails import TailsSetting

SETTINGS = [Setting(d=10, n=100, p2=0.2),
            TailsSetting(beta=2.0, T=1e6, k=100, pi=0.01),
            TailsSetting(beta=2.0, T=1e8, T0=1e4, generations=3, mechanism="A"),
            GenerationsSetting(d=20, T=50, T0=(40, 60), generations=2, sigma0=(0.5, 1.0),
                               ridge=0.1, spectrum="power:2", source=0.5)]


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: type(s).__name__)
def test_stored_configuration_rebuilds_the_setting(setting):
    task = Sweep.grid("s", setting, seeds=1).tasks()[0]
    assert task.family.from_dict(task.config) == setting
    assert "setting_type" not in task.config  # the family is stored beside, not inside


def test_grid_and_toml_over_a_tails_setting():
    base = TailsSetting(beta=2.0, T=100.0)
    grid = Sweep.grid("t", base, seeds=2, T=[1e2, 1e4], k=[10, 100])
    assert [(s.T, s.k) for s in grid.settings] == [(1e2, 10), (1e2, 100), (1e4, 10), (1e4, 100)]
    assert len({t.key for t in grid.tasks()}) == 8
    toml = Sweep.from_dict({"name": "g", "setting": "generations", "seeds": 2,
                            "base": {"d": 20, "T": 50, "T0": 40},
                            "grid": {"generations": [0, 2], "ridge": {"start": 0.01, "stop": 1,
                                                                       "num": 3, "log": True}}})
    assert all(isinstance(s, GenerationsSetting) for s in toml.settings)
    assert len(toml.settings) == 6
    tails = Sweep.from_dict({"setting": "tails", "base": {"beta": 2.0},
                             "grid": {"T": {"start": 10, "stop": 1000, "num": 3, "log": True}}})
    assert [s.T for s in tails.settings] == [10.0, 100.0, 1000.0]  # whole numbers: T counts samples


def test_bad_families_are_refused():
    with pytest.raises(ValueError, match="^family: unknown family 'nope'; choose from smc, "):
        Sweep.from_dict({"setting": "nope", "base": {"d": 1, "n": 1}})
    with pytest.raises(ValueError, match="^grid: unknown setting field 'n'"):
        Sweep.grid("t", TailsSetting(beta=2.0, T=10.0), n=[1, 2])
    with pytest.raises(ValueError, match="^T: every setting needs T"):
        Sweep.from_dict({"setting": "tails", "base": {"beta": 2.0}})
