"""What every configuration type shares: ``replace``, ``to_dict`` and ``from_dict``.

A configuration is a frozen dataclass validated in ``__post_init__``. Its plain-data form
(``to_dict``) is what JSON output, sweep files and the results store hold, and
``from_dict`` reads it back: ``type(c).from_dict(c.to_dict()) == c`` for every
configuration of every family (property-tested in ``tests/test_families.py``). Plain data
means JSON types only: tuples become lists, and a field holding an object with its own
``to_dict`` (a :class:`~modelcollapse.config.Spectrum`) becomes a dict, which
``from_dict`` turns back into that object by the type named in :attr:`NESTED`.

>>> from modelcollapse import Setting
>>> s = Setting(d=10, n=100, p2=0.2)
>>> Setting.from_dict(s.to_dict()) == s
True
>>> Setting.from_dict({"d": 10, "n": 100, "q": 1})  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ValueError: q: not a field of Setting; choose from d, n, p2, c2, sigma, ridge, model, m, ...
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, ClassVar, Self


class ConfigBase:
    """Mixin for frozen configuration dataclasses (see the module docstring)."""

    # field name -> type with ``from_dict``, for fields that may hold such an object
    NESTED: ClassVar[Mapping[str, Any]] = {}

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes`` applied (and validated again)."""
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form, for JSON output, sweep files and the results store."""
        return {f.name: plain(getattr(self, f.name)) for f in dataclasses.fields(self)}  # type: ignore[arg-type]

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Rebuild a configuration from its plain-data form; unknown keys are refused."""
        if not isinstance(data, Mapping):
            raise ValueError(f"{cls.__name__}: expected a table of fields, got {data!r}")
        names = cls.field_names()
        unknown = [k for k in data if k not in names]
        if unknown:
            raise ValueError(f"{unknown[0]}: not a field of {cls.__name__}; choose from "
                             f"{', '.join(names)}")
        return cls(**{k: _unplain(cls.NESTED.get(k), v) for k, v in data.items()})


def plain(value: Any) -> Any:
    """One field's value as plain data: an object by its ``to_dict()``, a tuple as a list."""
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    return value


def _unplain(nested: Any, value: Any) -> Any:
    if nested is not None and isinstance(value, Mapping):
        return nested.from_dict(value)
    if isinstance(value, list):
        return tuple(_unplain(None, v) for v in value)
    return value
