"""Deterministic equivalents for strong model collapse (SMC §2–§6).

The public surface: :func:`predict` for any :class:`~modelcollapse.config.Setting` (and grids
of them), plus the closed forms and helpers each module documents.
"""

from .dof import df1, df2, solve_kappa
from .predict import predict
from .prediction import Prediction
from .two_source import predict_two_source, two_source_floor

__all__ = ["Prediction", "df1", "df2", "predict", "predict_two_source", "solve_kappa",
           "two_source_floor"]
