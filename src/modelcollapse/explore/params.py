"""A view's parameters: what the page shows as controls and what the query string holds.

Every view declares its parameters once (:class:`Param`); the page builds its controls from
that list and the server reads a query string with it (:func:`read`), so a shareable URL, the
form and the server never disagree. Reading only turns text into numbers, lists or choices
and applies the explorer's caps; the ranges of the science (p2 in [0, 1], n whole, ...) are
checked by the library's configuration types, whose ``ValueError`` names the parameter.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

# Caps on what one request may ask for (a theory curve costs O(points); a simulation
# O(points x seeds x d^2)); beyond them a request is refused with the parameter's name.
MAX_POINTS = 400  # grid points per curve
MAX_CURVES = 8  # values of a list parameter (p2 values, tail cuts, workflows)
MAX_D = 10_000  # input dimension of a theory view
MAX_SIM_D = 1_000  # input dimension of a simulation
MAX_SIM_POINTS = 10  # Monte-Carlo points per curve
MAX_SEEDS = 64  # Monte-Carlo seeds per point
MAX_GENERATIONS = 200  # generations of a chain view
MAX_ROWS = 200_000  # rows per block of a chain
MAX_SIM_T = 1e9  # training samples of a simulated Hutter run (it draws them)
MAX_UPLOAD_BYTES = 5 * 2**20  # an uploaded CSV file
MAX_BOOTSTRAP = 500  # bootstrap replicates of a fit to uploaded curves
MAX_TEXT = 200  # characters of one query value


@dataclass(frozen=True)
class Param:
    """One control of a view.

    ``kind``: ``number``, ``whole``, ``list`` (comma-separated numbers), ``choices`` (a
    comma-separated subset of ``options``) or ``choice`` (one of ``options``). ``slider``
    (low, high, log scale) makes the control a slider over that range (the value itself may
    be typed outside it); ``cap`` is the largest value (or, for lists, count) accepted;
    ``optional`` lets an empty value mean "not given" (None).
    """

    name: str
    label: str
    default: str
    kind: str = "number"
    slider: tuple[float, float, bool] | None = None
    options: tuple[str, ...] = ()
    cap: float | None = None
    optional: bool = False
    help: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "label": self.label, "default": self.default, "kind": self.kind,
                "slider": list(self.slider) if self.slider else None,
                "options": list(self.options), "help": self.help}

    def read(self, text: str) -> Any:
        """The value ``text`` stands for (a ValueError naming the parameter otherwise)."""
        text = text.strip()
        if len(text) > MAX_TEXT:
            raise ValueError(f"{self.name}: at most {MAX_TEXT} characters, got {len(text)}")
        if self.optional and text.lower() in ("", "none"):
            return None
        if self.kind == "choice":
            if text not in self.options:
                raise ValueError(f"{self.name} must be one of {', '.join(self.options)}, "
                                 f"got {text!r}")
            return text
        if self.kind in ("list", "choices"):
            items = [part.strip() for part in text.split(",") if part.strip()]
            if not items:
                raise ValueError(f"{self.name}: give at least one value")
            if len(items) > (self.cap or MAX_CURVES):
                raise ValueError(f"{self.name}: at most {int(self.cap or MAX_CURVES)} values, "
                                 f"got {len(items)}")
            if self.kind == "choices":
                for item in items:
                    if item not in self.options:
                        raise ValueError(f"{self.name}: each value must be one of "
                                         f"{', '.join(self.options)}, got {item!r}")
                return tuple(dict.fromkeys(items))
            return tuple(self._number(item) for item in items)
        value = self._number(text)
        if self.cap is not None and value > self.cap:
            raise ValueError(f"{self.name} must be <= {self.cap:g} in the explorer, got {text}")
        if self.kind == "whole":
            if value != int(value):
                raise ValueError(f"{self.name} must be a whole number, got {text!r}")
            return int(value)
        return value

    def _number(self, text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"{self.name} must be a number, got {text!r}") from None
        if not math.isfinite(value):
            raise ValueError(f"{self.name} must be finite, got {text!r}")
        return value


def read(params: Sequence[Param], query: Mapping[str, str], view: str) -> dict[str, Any]:
    """Every parameter of ``view`` read from ``query`` (its default where absent); a name the
    view does not have is refused, so a mistyped URL is not silently ignored."""
    names = {p.name for p in params}
    unknown = sorted(set(query) - names)
    if unknown:
        raise ValueError(f"{unknown[0]}: not a parameter of the {view} view; choose from "
                         f"{', '.join(p.name for p in params)}")
    return {p.name: p.read(query.get(p.name, p.default)) for p in params}


def grid(name: str, low: float, high: float, points: int, log: bool) -> np.ndarray:
    """``points`` values from ``low`` to ``high`` (log-spaced when ``log``), checked."""
    if not low < high:
        raise ValueError(f"{name}: the range must have low < high, got {low:g} .. {high:g}")
    if log and low <= 0:
        raise ValueError(f"{name}: a log-spaced range must start above 0, got {low:g}")
    if points < 2:
        raise ValueError(f"points must be >= 2, got {points}")
    return np.geomspace(low, high, points) if log else np.linspace(low, high, points)


def spectrum_text(spectrum: str, beta: float) -> str:
    """The library's spectrum text for the page's two controls (a choice and an exponent)."""
    return "isotropic" if spectrum == "isotropic" else f"power:{beta!r}"


POINTS = Param("points", "points per curve", "200", "whole", cap=MAX_POINTS,
               help=f"grid points per curve (at most {MAX_POINTS})")
SPECTRUM = Param("spectrum", "spectrum", "isotropic", "choice", options=("isotropic", "power"),
                 help="Σ = I, or eigenvalues j^(-β) (SMC §6)")
BETA = Param("beta", "spectrum exponent β", "1.5", slider=(0.2, 4.0, False),
             help="power spectrum: eigenvalues j^(-β)")
