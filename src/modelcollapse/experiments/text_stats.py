"""Tail statistics of a text: how much of the real text's long tail a generated text keeps.

A model trained on its own output forgets the tails (TG §A.2: finite sampling, top-k and
top-p cut the tail, eq. (A.5); a lower temperature narrows it, eq. (A.6)). These numbers
measure that on a sequence of words (or any hashable items):

- :func:`distinct_n`: distinct n-grams over all n-grams (distinct-1 is the type-token
  ratio, :func:`type_token_ratio`);
- :func:`unigram_entropy`: entropy of the empirical word distribution, in nats;
- :func:`frequency_rank_slope`: the slope of log frequency against log rank, fitted by least
  squares over a stated window of ranks. A Zipf law f_r ∝ r^(−β) has slope −β; a cut or
  narrowed tail (TG eqs. (A.5), (A.6)) bends the high ranks down, so the slope falls.

All of them depend on the text's length: compare texts of the same number of words
(:func:`tail_statistics` takes a fixed budget).

>>> items = "the cat saw the dog and the dog saw the cat".split()
>>> distinct_n(items, 1), distinct_n(items, 2)
(0.45454545454545453, 0.7)
>>> round(frequency_rank_slope(np.arange(1, 101.0) ** -1.5, (10, 100)), 12)
-1.5
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Hashable, Sequence

import numpy as np

from ..config import check_number

_WORD = re.compile(r"\w+(?:'\w+)*")


def words(text: str) -> list[str]:
    """The lower-cased words of ``text`` (letters, digits and inner apostrophes; punctuation
    and white space dropped)."""
    return _WORD.findall(text.lower())


def distinct_n(items: Sequence[Hashable], n: int) -> float:
    """Distinct n-grams of ``items`` over all its len(items) − n + 1 n-grams."""
    check_number("n", n, low=1, integer=True)
    total = len(items) - n + 1
    if total < 1:
        raise ValueError(f"items: distinct-{n} needs at least {n} items, got {len(items)}")
    return len({tuple(items[i:i + n]) for i in range(total)}) / total


def type_token_ratio(items: Sequence[Hashable]) -> float:
    """Distinct words over words (distinct-1)."""
    return distinct_n(items, 1)


def unigram_entropy(items: Sequence[Hashable]) -> float:
    """H = −Σ_w f_w log f_w of the empirical word frequencies f_w, in nats."""
    if not len(items):
        raise ValueError("items: the entropy of an empty text is undefined")
    p = np.fromiter(Counter(items).values(), dtype=float) / len(items)
    return float(-(p * np.log(p)).sum())


def frequency_rank_slope(counts: np.ndarray, ranks: tuple[int, int]) -> float:
    """Least-squares slope of log count against log rank over ranks lo..hi (1-based, both
    included) of ``counts`` sorted in decreasing order: −β for a Zipf law f_r ∝ r^(−β)
    (TG §A.1). A text with fewer than hi types is fitted up to its last rank; fewer than
    lo + 1 types raises ``ValueError``."""
    lo, hi = ranks
    check_number("ranks", lo, low=1, integer=True)
    check_number("ranks", hi, low=lo + 1, integer=True)
    sorted_counts = np.sort(np.asarray(counts, dtype=float))[::-1][lo - 1:hi]
    if sorted_counts.size < 2:
        raise ValueError(f"ranks: the window {lo}..{hi} needs more than {lo} types, got "
                         f"{len(counts)}")
    r = np.arange(lo, lo + sorted_counts.size, dtype=float)
    return float(np.polyfit(np.log(r), np.log(sorted_counts), 1)[0])


def tail_statistics(items: Sequence[Hashable], *, budget: int, ranks: tuple[int, int],
                    n_grams: tuple[int, ...] = (2, 3)) -> dict[str, float]:
    """Every statistic of this module on the first ``budget`` items (a fixed length, so texts
    compare): ``types``, ``type_token_ratio``, ``distinct_N`` for N in ``n_grams``,
    ``unigram_entropy`` and ``zipf_slope`` over ``ranks``. A text shorter than ``budget``
    raises ``ValueError``."""
    check_number("budget", budget, low=1, integer=True)
    if len(items) < budget:
        raise ValueError(f"budget: the statistics are taken over {budget} words but the text "
                         f"has {len(items)}")
    head = list(items[:budget])
    counts = Counter(head)
    stats = {"types": float(len(counts)), "type_token_ratio": type_token_ratio(head)}
    stats.update({f"distinct_{n}": distinct_n(head, n) for n in n_grams})
    stats["unigram_entropy"] = unigram_entropy(head)
    stats["zipf_slope"] = frequency_rank_slope(np.fromiter(counts.values(), dtype=float), ranks)
    return stats
