"""The view type: a name, its parameters, how to draw it and which points to simulate."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .figure import Figure
from .params import Param, read


@dataclass(frozen=True)
class SimulationPoint:
    """One Monte-Carlo run a view asks for: ``config`` simulated with ``method``, drawn at
    ``x`` in the colour of ``group``; with ``curve`` set, the run's value is the curve of
    that name (e.g. ``by_generation``) drawn at the positions ``x`` (a list)."""

    group: str
    x: Any
    config: Any
    method: str = "auto"
    curve: str | None = None


@dataclass(frozen=True)
class View:
    """One page of the explorer: ``draw(values)`` answers the theory, ``simulation(values)``
    lists the Monte-Carlo points (the same configurations) for the Simulate button."""

    name: str
    title: str
    params: tuple[Param, ...]
    draw: Callable[[dict[str, Any]], Figure]
    simulation: Callable[[dict[str, Any]], list[SimulationPoint]] | None = None
    about: str = ""

    def values(self, query: Mapping[str, str]) -> dict[str, Any]:
        """The view's parameters read from a query string (see :func:`params.read`)."""
        return read(self.params, query, self.name)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "about": self.about,
                "params": [p.to_dict() for p in self.params],
                "simulates": self.simulation is not None}
