"""What a view returns: curves, floors, Monte-Carlo markers and a readout, as plain data.

The page draws a :class:`Figure` with Plotly and offers it as CSV (:meth:`Figure.to_csv`);
values the theory leaves undefined (a divergence, +inf) travel as None, which the page
draws as a gap.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from ..result import json_value


@dataclass
class Trace:
    """One curve: ``kind`` is ``theory``, ``floor`` (a dashed limit), ``simulation``
    (markers with ``sem`` error bars), ``data`` (uploaded points) or ``fit`` (a fitted law
    with its interval ``band`` = (low, high))."""

    name: str
    x: Any
    y: Any
    kind: str = "theory"
    sem: Any = None
    band: tuple[Any, Any] | None = None
    group: str = ""  # traces of one group share a colour (a curve, its floor, its markers)

    def to_dict(self) -> dict[str, Any]:
        out = {"name": self.name, "x": json_value(self.x), "y": json_value(self.y),
               "kind": self.kind, "group": self.group or self.name}
        if self.sem is not None:
            out["sem"] = json_value(self.sem)
        if self.band is not None:
            out["low"], out["high"] = (json_value(b) for b in self.band)
        return out


@dataclass
class Figure:
    """A view's answer (see the module docstring). ``readout``: the numbers printed under
    the plot, each ``{"label", "value", "where"}``, at the abscissa ``probe`` (marked on the
    plot); ``notes``: sentences for the reader."""

    title: str
    x_label: str
    y_label: str
    x_log: bool = True
    y_log: bool = True
    traces: list[Trace] = field(default_factory=list)
    readout: list[dict[str, Any]] = field(default_factory=list)
    probe: float | None = None
    notes: list[str] = field(default_factory=list)

    def read(self, label: str, where: str, value: Any, note: str | None = None) -> None:
        """Print ``value`` under the plot; a missing value's ``note`` (why the library has
        no finite number there) becomes a note once."""
        self.readout.append({"label": label, "where": where, "value": value})
        if note and note not in self.notes:
            self.notes.append(note)

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "x": {"title": self.x_label, "log": self.x_log},
                "y": {"title": self.y_label, "log": self.y_log},
                "traces": [t.to_dict() for t in self.traces],
                "readout": [{**r, "value": json_value(r["value"])} for r in self.readout],
                "probe": json_value(self.probe),
                "notes": self.notes}

    def to_csv(self) -> str:
        """One row per point of every curve: curve, kind, x, y, and where the curve has them
        the standard error (markers) and the interval (a fit)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        extras = ("sem", "low", "high")
        writer.writerow(["curve", "kind", self.x_label, self.y_label, *extras])
        for trace in self.traces:
            data = trace.to_dict()
            columns = [data["x"], data["y"], *(data.get(k) or [None] * len(data["x"])
                                               for k in extras)]
            for row in zip(*columns, strict=True):
                writer.writerow([trace.name, trace.kind, *(_cell(v) for v in row)])
        return out.getvalue()


def _cell(value: Any) -> str:
    return "" if value is None else repr(value) if isinstance(value, float) else str(value)
