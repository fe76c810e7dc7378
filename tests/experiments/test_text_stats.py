"""Tail statistics of a text, exact on hand-made texts and checked on Zipf-sampled ones."""

import doctest
import math

import numpy as np
import pytest

from modelcollapse.experiments import chains, text_stats
from modelcollapse.experiments.text_stats import (
    distinct_n,
    frequency_rank_slope,
    tail_statistics,
    type_token_ratio,
    unigram_entropy,
    words,
)


def test_words_lower_case_and_drop_punctuation():
    assert words("Thou art, O Romeo! Don't weep.") == ["thou", "art", "o", "romeo", "don't", "weep"]


def test_distinct_n_counts_distinct_n_grams_exactly():
    items = list("abab")  # bigrams ab, ba, ab: 2 distinct of 3
    assert distinct_n(items, 1) == 0.5 == type_token_ratio(items)
    assert distinct_n(items, 2) == 2 / 3
    assert distinct_n(items, 4) == 1.0
    with pytest.raises(ValueError, match="^items: distinct-5 needs at least 5 items"):
        distinct_n(items, 5)
    with pytest.raises(ValueError, match="^n must be"):
        distinct_n(items, 0)


def test_unigram_entropy_is_exact():
    assert unigram_entropy(list("aaaa")) == 0.0
    assert unigram_entropy(list("abcd")) == pytest.approx(math.log(4), abs=1e-15)
    # frequencies 1/2, 1/4, 1/4
    assert unigram_entropy(list("aabc")) == pytest.approx(1.5 * math.log(2), abs=1e-15)
    with pytest.raises(ValueError, match="^items: the entropy of an empty text"):
        unigram_entropy([])


def test_slope_of_an_exact_power_law_is_its_exponent():
    counts = np.arange(1, 501.0) ** -1.3
    rng = np.random.default_rng(0)
    assert frequency_rank_slope(rng.permutation(counts), (1, 500)) == pytest.approx(-1.3, abs=1e-12)
    assert frequency_rank_slope(counts, (20, 100)) == pytest.approx(-1.3, abs=1e-12)
    # a cut tail: beyond rank 100 the counts fall off a cliff, the fitted slope falls
    cut = np.where(np.arange(1, 501) <= 100, counts, counts * 1e-3)
    assert frequency_rank_slope(cut, (1, 500)) < -1.3 - 0.5
    with pytest.raises(ValueError, match="^ranks: the window 10..20 needs more than 10 types"):
        frequency_rank_slope(counts[:10], (10, 20))
    with pytest.raises(ValueError, match="^ranks must be >= 11"):
        frequency_rank_slope(counts, (10, 10))


def test_zipf_sampled_text_recovers_its_exponent():
    """Words drawn from Zipf(β) over 2,000 types: the slope over the well-sampled head ranks
    is −β within 0.05 (200,000 words: the count at rank 100 is about 500 for β = 1.2)."""
    rng = np.random.default_rng(1)
    for beta in (1.2, 1.6):
        p = np.arange(1, 2001.0) ** -beta
        text = rng.choice(2000, size=200_000, p=p / p.sum())
        counts = np.bincount(text)
        assert frequency_rank_slope(counts[counts > 0], (1, 100)) == pytest.approx(-beta, abs=0.05)


def test_tail_statistics_take_a_fixed_budget():
    items = words("the cat saw the dog and the dog saw the cat " * 3)
    stats = tail_statistics(items, budget=11, ranks=(1, 5))
    assert stats["types"] == 5 and stats["type_token_ratio"] == 5 / 11
    assert stats["distinct_2"] == distinct_n(items[:11], 2)
    assert stats["distinct_3"] == distinct_n(items[:11], 3)
    assert stats["unigram_entropy"] == unigram_entropy(items[:11])
    with pytest.raises(ValueError, match="^budget: the statistics are taken over 100 words but "
                                         "the text has 33"):
        tail_statistics(items, budget=100, ranks=(1, 5))


@pytest.mark.parametrize("module", [text_stats, chains], ids=lambda m: m.__name__)
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
