"""Exact real/synthetic counts (SMC §0 item 6)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("torch")

from modelcollapse.experiments.mixing import mixture_counts, mixture_rows


@given(st.integers(0, 10**7), st.floats(0, 1))
def test_counts_are_round_p2_n(n, p2):
    n_real, n_synth = mixture_counts(n, p2)
    assert n_synth == round(p2 * n) and n_real + n_synth == n and n_real >= 0


@pytest.mark.parametrize(("n", "p2", "expected"), [(1000, 0.01, (990, 10)), (100, 0.005, (100, 0)),
                                                    (3, 0.5, (1, 2)), (7, 1.0, (0, 7)), (7, 0.0, (7, 0))])
def test_counts_examples(n, p2, expected):
    assert mixture_counts(n, p2) == expected


def test_rows_are_distinct_and_counted():
    real, synth = mixture_rows(500, 0.2, 1000, 300, np.random.default_rng(0))
    assert len(real) == 400 and len(synth) == 100
    assert len(set(real)) == 400 and len(set(synth)) == 100
    assert real.max() < 1000 and synth.max() < 300


@given(st.integers(1, 300), st.floats(0, 1), st.floats(0, 1), st.integers(0, 2**32 - 1))
def test_mixtures_of_one_seed_are_nested(n, p2a, p2b, seed):
    low, high = sorted((p2a, p2b))
    real_low, synth_low = mixture_rows(n, low, 400, 400, np.random.default_rng(seed))
    real_high, synth_high = mixture_rows(n, high, 400, 400, np.random.default_rng(seed))
    # more synthetic rows: a prefix of the real rows and an extension of the synthetic ones
    assert real_high.tolist() == real_low[: len(real_high)].tolist()
    assert synth_low.tolist() == synth_high[: len(synth_low)].tolist()


def test_small_pool_and_bad_p2_fail():
    with pytest.raises(ValueError, match="needs 100 synthetic rows but the pool has 99"):
        mixture_rows(500, 0.2, 1000, 99, np.random.default_rng(0))
    with pytest.raises(ValueError, match="^p2"):
        mixture_counts(10, 1.5)
