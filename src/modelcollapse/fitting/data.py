"""Loss curves to fit: read from a CSV file or arrays, validated once at the boundary."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

# The law has five parameters; three distinct n are the least that pin a rate and a floor.
MIN_DISTINCT_N = 3
# A bootstrap over fewer seeds than this has too few distinct resamples for an interval.
MIN_SEEDS = 5


@dataclass(frozen=True)
class Curves:
    """Points (n, p2, loss), one curve per synthetic share p2; ``seed_ids`` (optional) names
    the seed each point came from, the bootstrap's resampling unit; ``by`` (optional) labels
    each point's group (a model size m, say), fitted separately (:meth:`split`)."""

    n: np.ndarray
    p2: np.ndarray
    loss: np.ndarray
    seed_ids: np.ndarray | None = None
    by: np.ndarray | None = None

    @property
    def shares(self) -> np.ndarray:
        """The distinct synthetic shares, ascending."""
        return np.unique(self.p2)

    @property
    def has_synthetic(self) -> bool:
        """Whether some curve has p2 > 0 (without one the floor F·p2² is not identified)."""
        return bool(np.any(self.p2 > 0))

    def averaged(self) -> Curves:
        """One point per (n, p2): the mean loss over the points (seeds) that share it."""
        keys, inverse = np.unique(np.column_stack([self.n, self.p2]), axis=0,
                                  return_inverse=True)
        inverse = inverse.ravel()
        loss = np.bincount(inverse, weights=self.loss) / np.bincount(inverse)
        return Curves(keys[:, 0], keys[:, 1], loss)

    def split(self) -> dict[Any, Curves]:
        """One :class:`Curves` per label of ``by``, in ascending order (numbers when every
        label is one), each validated on its own: a ValueError starts with the label."""
        if self.by is None:
            raise ValueError("by: these curves have no groups to split")
        labels = _labels(self.by)
        out = {}
        for label in sorted(set(labels)):
            mine = np.array([x == label for x in labels])
            seeds = None if self.seed_ids is None else self.seed_ids[mine]
            try:
                out[label] = as_curves(self.n[mine], self.p2[mine], self.loss[mine], seeds)
            except ValueError as err:
                raise ValueError(f"{label}: {err}") from None
        return out


def _labels(raw: np.ndarray) -> list[Any]:
    """Group labels as numbers when every one reads as a number, else as text."""
    text = [str(x) for x in raw]
    if all(_is_number(x) for x in text):
        return [int(v) if float(v).is_integer() else float(v) for v in map(float, text)]
    return text


def as_curves(n: object, p2: object, loss: object, seed_ids: object = None,
              by: object = None) -> Curves:
    """Validate arrays of equal length into :class:`Curves` (a ValueError names the problem);
    ``by`` labels each point's group (see :meth:`Curves.split`)."""
    arrays = {}
    for name, raw in (("n", n), ("p2", p2), ("loss", loss)):
        try:
            arr = np.asarray(raw, dtype=float).ravel()
        except (TypeError, ValueError):
            raise ValueError(f"{name}: expected numbers") from None
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name}: every value must be a finite number")
        arrays[name] = arr
    sizes = {arr.size for arr in arrays.values()}
    if len(sizes) != 1:
        raise ValueError("n, p2 and loss must have the same length")
    if np.any(arrays["n"] <= 0):
        raise ValueError("n: every value must be > 0")
    if np.any(arrays["loss"] <= 0):
        raise ValueError("loss: every value must be > 0 (the law is fitted on log-loss)")
    if np.any((arrays["p2"] < 0) | (arrays["p2"] > 1)):
        raise ValueError("p2: every value must be in [0, 1]")
    distinct = np.unique(arrays["n"]).size
    if distinct < MIN_DISTINCT_N:
        raise ValueError(f"n: at least {MIN_DISTINCT_N} distinct values are needed to fit a "
                         f"rate and a floor, got {distinct}")
    ids = None
    if seed_ids is not None:
        ids = np.asarray(seed_ids).ravel()
        if ids.size != arrays["n"].size:
            raise ValueError("seed_ids must have the same length as n")
        if np.unique(ids).size < MIN_SEEDS:
            raise ValueError(f"seed_ids: a bootstrap over seeds needs at least {MIN_SEEDS} "
                             f"distinct seeds, got {np.unique(ids).size} (leave seed_ids out "
                             "to resample the points)")
    groups = None
    if by is not None:
        groups = np.asarray(by).ravel()
        if groups.size != arrays["n"].size:
            raise ValueError("by must have the same length as n")
    return Curves(arrays["n"], arrays["p2"], arrays["loss"], ids, groups)


def read_csv(path: str | Path, *, n_col: str = "n", p2_col: str = "p2", loss_col: str = "loss",
             seed_col: str | None = None, by_col: str | None = None) -> Curves:
    """Read the named columns of a CSV file with a header row (other columns are ignored);
    ``by_col`` names a column of group labels (a model size m, say)."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"curves: {path} is not a file")
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        wanted = [c for c in (n_col, p2_col, loss_col, seed_col, by_col) if c is not None]
        missing = [c for c in wanted if c not in header]
        if missing:
            raise ValueError(f"curves: {path.name} has no column {missing[0]!r} "
                             f"(columns: {', '.join(header) or 'none'})")
        rows = list(reader)
    if not rows:
        raise ValueError(f"curves: {path.name} has no data rows")
    columns = {}
    for name in (n_col, p2_col, loss_col):
        try:
            columns[name] = [float(row[name]) for row in rows]
        except (TypeError, ValueError):
            bad = next(row[name] for row in rows if not _is_number(row[name]))
            raise ValueError(f"{name}: non-numeric value {bad!r} in {path.name}") from None
    seeds = None if seed_col is None else [row[seed_col] for row in rows]
    groups = None if by_col is None else [row[by_col] for row in rows]
    return as_curves(columns[n_col], columns[p2_col], columns[loss_col], seeds, groups)


def _is_number(text: str | None) -> bool:
    try:
        float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True
