"""Capacity-limited associative memory and the triplet law (TG §A.6)."""

import numpy as np
import pytest

from modelcollapse import simulate
from modelcollapse.tails import TailsSetting, tail_mass, test_error
from modelcollapse.tails.memory import MemorySetting


def mean_sem(setting, seeds):
    """Seed mean and SEM by the one face (seed indices 0..seeds-1 of the family's run_one)."""
    result = simulate(setting, seeds=seeds)
    return result.test_error, result.sem


def test_large_capacity_recovers_the_hutter_llm():
    """d ≫ stored items: the memory is right iff it stored i (up to chance hits, 1/outputs)."""
    s = MemorySetting(beta=2.0, T=1e4, d=512, storage="seen", items=1024)
    E, sem = mean_sem(s, seeds=6)
    hutter = test_error(TailsSetting(beta=2.0, T=1e4))
    assert E == pytest.approx(hutter * (1 - 1 / s.outputs), abs=4 * sem + 2e-4)


@pytest.mark.parametrize("storage", ["frequency", "seen", "top"])
def test_error_falls_with_capacity(storage):
    E = [mean_sem(MemorySetting(beta=2.0, T=1e4, d=d, storage=storage, items=1024), seeds=3)[0]
         for d in (16, 64, 512)]
    assert E[0] > E[1] > E[2] * 0.999


def test_triplet_law_tail_cut_floor():
    """T and d large: only the tail cut is left, E ≈ Σ_{i>k} p_i (eq. (A.24), third term)."""
    E, _ = mean_sem(MemorySetting(beta=2.0, T=1e5, d=512, k=20, storage="seen", items=1024),
                           seeds=3)
    assert E == pytest.approx(tail_mass(2.0, 20), rel=0.03)


def test_triplet_law_sample_size_term():
    E = [mean_sem(MemorySetting(beta=2.0, T=T, d=512, storage="top", items=1024), seeds=3)[0]
         for T in (1e2, 1e3, 1e4)]
    assert np.all(np.diff(E) < 0)


def test_thresholding_beats_frequency_weighting_at_fixed_capacity():
    """The storage scheme sets c_q ([OPEN]): storing the top-d items uses capacity better."""
    kw = {"beta": 2.0, "T": 1e4, "d": 64, "items": 1024}
    freq, _ = mean_sem(MemorySetting(storage="frequency", **kw), seeds=3)
    top, _ = mean_sem(MemorySetting(storage="top", **kw), seeds=3)
    assert top < 0.5 * freq


def test_validation():
    with pytest.raises(ValueError, match="^storage"):
        MemorySetting(beta=2.0, T=10, d=4, storage="all")
    with pytest.raises(ValueError, match="^d"):
        MemorySetting(beta=2.0, T=10, d=0)
