"""A figure's claims as checks over its own data, evaluated in every run.

Each :class:`Claim` is a statement and a function of the figure's :class:`Evidence` (its
stored Monte-Carlo points and the theory at each of them) returning a :data:`Check`:
whether it held, the numbers it measured and the tolerance it allowed. ``reproduce``
evaluates every claim of a figure as soon as the figure is drawn, prints the verdicts, and
the report shows them; ``reproduce --check`` exits 1 if any failed. The test suite calls
the same claims on its quick runs instead of restating them.

>>> ev = Evidence([], np.array([]), quick=True)
>>> def nothing_stored(ev):
...     return len(ev.points) == 0, {"points": len(ev.points)}, "exactly 0"
>>> claim = Claim("empty", "there is nothing to check", nothing_stored)
>>> print(claim.evaluate(ev).line())
PASS empty: points 0 (tolerance: exactly 0)
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..sweep import Point

# (held, measured numbers by name, the tolerance in words)
Check = tuple[bool, dict[str, Any], str]


@dataclass(frozen=True)
class Evidence:
    """What a claim may read: the figure's Monte-Carlo points (stored, in sweep order), the
    theory at each point (NaN where there is none) and whether this is a quick run."""

    points: Sequence[Point]
    theory: np.ndarray
    quick: bool

    def rows(self, **match: Any) -> list[dict[str, Any]]:
        """One dict per point whose configuration matches ``match``: its configuration plus
        ``mean``, ``sem``, ``seeds``, ``theory``, ``values`` (per seed) and ``results``."""
        out = []
        for p, t in zip(self.points, self.theory, strict=True):
            if all(_equal(p.config.get(k), v) for k, v in match.items()):
                out.append({**p.config, "mean": p.mean, "sem": p.sem, "seeds": p.seeds,
                            "theory": float(t), "values": p.values, "results": p.results})
        return out

    def curve(self, order: str, **match: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(x, mean, sem) of the matching points, sorted by the field ``order``."""
        chosen = sorted(self.rows(**match), key=lambda r: r[order])
        return (np.array([r[order] for r in chosen], dtype=float),
                np.array([r["mean"] for r in chosen]), np.array([r["sem"] for r in chosen]))

    def values(self, **match: Any) -> np.ndarray:
        """Per-seed values of the one point matching ``match`` (seeds in index order)."""
        (row,) = self.rows(**match)
        return np.asarray(row["values"], dtype=float)


def _equal(value: Any, wanted: Any) -> bool:
    if isinstance(wanted, float) and isinstance(value, int | float):
        return bool(np.isclose(value, wanted))
    return value == wanted


@dataclass(frozen=True)
class Verdict:
    """The outcome of one claim in one run."""

    name: str
    statement: str
    passed: bool
    measured: dict[str, Any]
    tolerance: str
    error: str | None = None

    def line(self) -> str:
        """``PASS name: measured (tolerance: ...)`` for the terminal and the logs."""
        if self.error:
            return f"FAIL {self.name}: could not be evaluated: {self.error}"
        numbers = ", ".join(f"{k} {_fmt(v)}" for k, v in self.measured.items())
        return f"{'PASS' if self.passed else 'FAIL'} {self.name}: {numbers} (tolerance: {self.tolerance})"


def _fmt(value: Any) -> str:
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, float | np.floating):
        return f"{value:.3g}"
    if isinstance(value, list | tuple | np.ndarray):
        return "[" + ", ".join(_fmt(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_fmt(v)}" for k, v in value.items()) + "}"
    return str(value)


@dataclass(frozen=True)
class Claim:
    """A statement of the paper and the check that decides it on a figure's data."""

    name: str
    statement: str
    check: Callable[[Evidence], Check]

    def evaluate(self, evidence: Evidence) -> Verdict:
        """Run the check; a check that raises is a failed verdict saying why, never a crash."""
        try:
            passed, measured, tolerance = self.check(evidence)
        except Exception as err:  # a claim that cannot be evaluated has not been shown
            text = "".join(traceback.format_exception_only(err)).strip()
            return Verdict(self.name, self.statement, False, {}, "", text)
        measured = {k: _plain(v) for k, v in measured.items()}
        return Verdict(self.name, self.statement, bool(passed), measured, tolerance)


def _plain(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


# What agrees_with_theory measures besides the verdict: the declared finite-size offset (a
# fraction of the theory) and the median signed gap (mean − theory)/theory of the markers,
# which the report's comparison table shows side by side.
AGREEMENT = "agrees-with-theory"
DECLARED_OFFSET = "declared finite-size offset"
MEDIAN_GAP = "median (mean - theory)/theory"


def declared_offset(verdicts: Sequence[Mapping[str, Any]]) -> tuple[float, float] | None:
    """(declared offset, median signed gap) from a figure's stored verdicts, or None when the
    figure has no agreement claim (or one stored before these were measured)."""
    for v in verdicts:
        measured = v.get("measured") or {}
        if v.get("name") == AGREEMENT and DECLARED_OFFSET in measured:
            return measured[DECLARED_OFFSET], measured.get(MEDIAN_GAP)
    return None


def agrees_with_theory(z: float = 4.0, relative: float = 0.0) -> Claim:
    """Every marker holds the theory within ``z`` standard errors plus ``relative`` of the
    theory.

    The rule: the Monte-Carlo error (z SEM) and, separately, the theory's finite-size offset.
    A deterministic equivalent is exact only as n, d -> ∞; at a figure's finite sizes it is
    off by O(1/n), which markers from the conditional estimator resolve. A figure declares
    that offset as ``relative``, measured and stated where it is declared, so the report
    shows it rather than hiding it in wide error bars; 0 means none is resolved."""
    def check(ev: Evidence) -> Check:
        rows = [r for r in ev.rows() if np.isfinite(r["theory"])]
        gaps = [abs(r["mean"] - r["theory"]) / (z * r["sem"] + relative * r["theory"])
                if z * r["sem"] + relative * r["theory"] > 0 else np.inf for r in rows]
        worst = max(gaps, default=np.nan)
        signed = [(r["mean"] - r["theory"]) / abs(r["theory"]) for r in rows if r["theory"] != 0]
        return (bool(rows) and worst <= 1.0,
                {"markers": len(rows), "worst |mean - theory| / allowance": worst,
                 DECLARED_OFFSET: relative,
                 MEDIAN_GAP: float(np.median(signed)) if signed else np.nan},
                f"|mean - theory| <= {z:g} SEM" + (f" + {relative:g} x theory" if relative else ""))
    allowance = f"{z:g} standard errors" + (f" plus {relative:g} of the theory" if relative else "")
    return Claim(AGREEMENT,
                 f"Every Monte-Carlo marker agrees with the theory within {allowance}.", check)
