"""One result type for every family, theory and simulation alike.

A :class:`Result` holds the ``test_error`` (a float, or an array for a theory grid), its
standard error ``sem`` and the number of ``seeds`` behind it (None and 0 for theory), and
the family's other outputs as ``parts`` (theory: bias, variance, the synthetic penalty...;
simulation: the seed means of the other numbers ``run_one`` returns). Parts read as
attributes too: ``predict(setting).bias``.

>>> r = as_result({"test_error": 0.5, "bias": 0.2, "method": "closed form"}, "smc")
>>> r.test_error, r.bias, r.method, r.seeds
(0.5, 0.2, 'closed form', 0)
>>> r.to_dict()
{'test_error': 0.5, 'bias': 0.2, 'method': 'closed form'}
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True, eq=False)
class Result:
    """What ``predict`` and ``simulate`` return for any family (see the module docstring).

    ``errors`` are the per-seed test errors (simulation), ``seed`` the base seed, ``method``
    how the answer was computed, ``seconds`` the compute time and ``note`` why a value is
    missing or infinite.
    """

    test_error: Any
    family: str = ""
    sem: Any = None
    seeds: int = 0
    parts: Mapping[str, Any] = field(default_factory=dict)
    errors: np.ndarray | None = None
    seed: int | None = None
    method: str = ""
    seconds: float = 0.0
    note: str | None = None

    def __getattr__(self, name: str) -> Any:
        parts = self.__dict__.get("parts", {})
        if name in parts:
            return parts[name]
        raise AttributeError(f"{type(self).__name__} of {self.__dict__.get('family')!r} has no "
                             f"field or part {name!r}")

    def __repr__(self) -> str:
        """The fields that are set, with the per-seed ``errors`` summarised by their count
        (``result.errors`` holds the values)."""
        shown = [f"{f.name}={getattr(self, f.name)!r}" for f in fields(self)
                 if f.name != "errors" and not _unset(getattr(self, f.name), f.default)]
        if self.errors is not None:
            shown.append(f"errors=<{np.size(self.errors)} per-seed values>")
        return f"{type(self).__name__}({', '.join(shown)})"

    def to_dict(self) -> dict[str, Any]:
        """Plain fields in a fixed order: the test error, the Monte-Carlo fields (simulation
        only), the parts, the method, the note, and the per-seed errors."""
        out: dict[str, Any] = {"test_error": self.test_error}
        if self.seeds:
            out.update(sem=self.sem, seeds=self.seeds, seed=self.seed, method=self.method,
                       seconds=self.seconds)
        out.update(self.parts)
        if not self.seeds and self.method:
            out["method"] = self.method
        if self.note:
            out["note"] = self.note
        if self.errors is not None:
            out["errors"] = self.errors
        return out


def _unset(value: Any, default: Any) -> bool:
    """A field left at its default (an empty mapping, None, 0, ""); arrays count as set."""
    if value is None or isinstance(value, Mapping):
        return not value
    return isinstance(value, str | int | float) and value == default


def mean_sem(values: Any) -> tuple[Any, Any]:
    """Mean over seeds (axis 0) and its standard error std/sqrt(k); NaN for a single seed.

    >>> mean_sem(np.array([1.0, 3.0]))
    (np.float64(2.0), np.float64(1.0))
    """
    values = np.asarray(values, dtype=float)
    k = values.shape[0]
    sem = (values.std(axis=0, ddof=1) / np.sqrt(k) if k > 1
           else np.full(values.shape[1:], np.nan))
    return values.mean(axis=0), sem


def result_dict(result: Any) -> dict[str, Any]:
    """A family's raw answer as plain JSON data: a number, a dict holding ``test_error``, or
    an object whose ``to_dict()`` (or dataclass fields) give one. Infinite and NaN values
    become None."""
    if isinstance(result, int | float | np.floating):
        return {"test_error": float(result)}
    if hasattr(result, "to_dict"):
        result = result.to_dict()
    elif is_dataclass(result):
        result = asdict(result)
    if not isinstance(result, dict) or "test_error" not in result:
        raise TypeError(f"a family must return a number or a dict with test_error, got {result!r}")
    return {k: json_value(v) for k, v in result.items()}


def json_value(value: Any) -> Any:
    """A value as JSON data: arrays and NumPy scalars as lists and Python numbers, infinite
    and NaN floats as None (JSON has no inf; a result's note says why it is missing)."""
    if isinstance(value, np.ndarray):
        return [json_value(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    return value


def as_result(raw: Any, family: str) -> Result:
    """A theory's raw answer (a number, a dict or an object with ``to_dict``) as a Result;
    arrays stay arrays (a grid)."""
    if isinstance(raw, Result):
        return raw
    if isinstance(raw, int | float | np.floating):
        return Result(float(raw), family)
    data = dict(raw.to_dict() if hasattr(raw, "to_dict") else raw)
    test_error = data.pop("test_error")
    method = str(data.pop("method", "") or "")
    note = data.pop("note", None)
    return Result(test_error, family, parts=data, method=method, note=note)
