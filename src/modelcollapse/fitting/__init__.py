"""Fit a collapse-aware scaling law to loss curves and advise how much synthetic data is safe.

``fit_curves(n, p2, loss)`` fits L(n, p2) = E + F·p2² + (A + G·p2·(1 − p2))·n^(−α) (the
form of SMC eq. (2.16) with the rate of SMC eq. (6.3); see :mod:`.law`) jointly across the
p2 curves and returns a :class:`CollapseFit`: parameters with bootstrap intervals, the floor
per p2, predictions with intervals, the largest safe p2 at a target n, and the reasons when
the curves cannot support an answer; ``fit_by(m, n, p2, loss)`` fits one law per group
(a model size m, say). This package needs numpy and scipy only; it does not
use the theory modules it is checked against.
"""

from .advice import CollapseFit, UnsupportedAnswer
from .api import fit_by, fit_curves, fit_frame
from .data import Curves, as_curves, read_csv
from .fit import ConvergenceError
from .law import PARAMS, collapse_law

__all__ = ["PARAMS", "CollapseFit", "ConvergenceError", "Curves", "UnsupportedAnswer",
           "as_curves", "collapse_law", "fit_by", "fit_curves", "fit_frame", "read_csv"]
