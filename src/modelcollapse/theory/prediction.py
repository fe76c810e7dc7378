"""The theory's answer for the strong-model-collapse family: :class:`Prediction`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Prediction:
    """Deterministic-equivalent test error and its parts (SMC eq. (2.4)).

    ``test_error`` = ``bias`` + ``variance`` + ``synthetic_penalty`` (ζ), the excess risk
    on the real distribution (add σ² for the MSE on fresh real data). ``kappa`` solves
    eq. (2.2) (for random projections, in the projected space), ``df1``/``df2`` are the
    degrees of freedom of the fitted features, and ``mu`` is the effective x-space ridge of
    a random projection (None for the linear model). Fields are floats for a single
    setting and arrays for a grid. ``note`` explains infinite values.
    """

    test_error: Any
    bias: Any
    variance: Any
    synthetic_penalty: Any
    kappa: Any
    df1: Any
    df2: Any
    mu: Any = None
    method: str = ""
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        keys = ("test_error", "bias", "variance", "synthetic_penalty", "kappa", "df1", "df2")
        out: dict[str, Any] = {k: getattr(self, k) for k in keys}
        if self.mu is not None:
            out["mu"] = self.mu
        out["method"] = self.method
        if self.note:
            out["note"] = self.note
        return out
