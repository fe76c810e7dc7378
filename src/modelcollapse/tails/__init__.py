"""A Tale of Tails: the Hutter LLM on Zipf data under AI-generated training data (TG §A).

One :class:`TailsSetting` per question; :func:`test_error` answers it exactly (TG
eq. (A.2)) and :func:`simulate` by sufficient-statistic Monte-Carlo. Modules:

- :mod:`.hutter`: the exact evaluator for T up to 1e12 (head sum + analytic tail integral);
- :mod:`.transforms`: tail cuts, narrowing, mixing and generation mechanisms A, B, C;
- :mod:`.laws`: asymptotic laws (clean constant, double scaling, mixing, shifted scaling);
- :mod:`.simulate`: multinomial-count Monte-Carlo;
- :mod:`.bigram`: tailed bigram model and Hutter++; :mod:`.memory`: the triplet law
  (the GCD transformer of §A.7.2 is a network experiment: :mod:`modelcollapse.experiments.gcd`).

The package computes and never draws: the figures of §A.7.1 are drawn by
:mod:`modelcollapse.reproduce.tails_drawing` and declared in :mod:`modelcollapse.reproduce.tails`.

>>> from modelcollapse.tails import TailsSetting, test_error
>>> round(test_error(TailsSetting(beta=2.0, T=1e4)), 6)
0.00691
"""

from . import laws
from .config import MECHANISMS, TailsSetting
from .hutter import clean_error, expected_error, hutter_error, tail_mass, zipf_probs
from .simulate import simulate
from .transforms import plateau, test_error, top_p_cut, training_law

__all__ = ["MECHANISMS", "TailsSetting", "clean_error", "expected_error",
           "hutter_error", "laws", "plateau", "simulate", "tail_mass", "test_error", "top_p_cut",
           "training_law", "zipf_probs"]
