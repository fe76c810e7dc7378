"""Monte-Carlo on demand: the points a view lists, run in a background thread through
``modelcollapse.simulate`` (the engine ``modelcollapse simulate`` uses), with progress and
cancellation between points."""

from __future__ import annotations

import itertools
import sys
import threading
from dataclasses import dataclass, field
from typing import Any

from ..result import json_value
from ..verbs import simulate
from .params import MAX_SEEDS
from .view import SimulationPoint

# Finished jobs kept for their last progress request; older ones are forgotten.
KEPT_JOBS = 8


@dataclass
class Job:
    """One Simulate press: ``points`` run one after the other, ``seeds`` seeds each."""

    id: str
    points: list[SimulationPoint]
    seeds: int
    state: str = "running"  # running, done, cancelled or failed
    markers: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    cancelled: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        try:
            for point in self.points:
                if self.cancelled.is_set():
                    self.state = "cancelled"
                    return
                self.markers.append(_marker(point, simulate(
                    point.config, seeds=self.seeds, method=point.method, progress=False)))
            self.state = "done"
        except ValueError as err:  # a point the engine refuses: the page says why
            self.state, self.error = "failed", str(err)
        except Exception as err:  # never a traceback from a background thread
            self.state, self.error = "failed", f"{type(err).__name__}: {err}"
            print(f"modelcollapse explore: job {self.id}: {self.error}", file=sys.stderr)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "state": self.state, "done": len(self.markers),
                "total": len(self.points), "seeds": self.seeds, "markers": self.markers,
                "error": self.error}


def _marker(point: SimulationPoint, result: Any) -> dict[str, Any]:
    """A simulated point (or curve) as the page draws it: mean and standard error."""
    if point.curve is None:
        y, sem = result.test_error, result.sem
    else:
        y, sem = getattr(result, point.curve), getattr(result, f"{point.curve}_sem")
    return {"group": point.group, "x": json_value(point.x), "y": json_value(y),
            "sem": json_value(sem)}


class Jobs:
    """The server's jobs: one runs at a time (a new one cancels the running one)."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def start(self, points: list[SimulationPoint], seeds: int) -> Job:
        if isinstance(seeds, bool) or not isinstance(seeds, int) or not 1 <= seeds <= MAX_SEEDS:
            raise ValueError(f"seeds must be a whole number from 1 to {MAX_SEEDS}, got {seeds!r}")
        if not points:
            raise ValueError("points: this view has nothing to simulate")
        with self._lock:
            self.cancel_all()
            job = Job(str(next(self._ids)), points, seeds)
            self._jobs[job.id] = job
            for old in list(self._jobs)[:-KEPT_JOBS]:
                del self._jobs[old]
        threading.Thread(target=job.run, name=f"explore-job-{job.id}", daemon=True).start()
        return job

    def get(self, job_id: str) -> Job:
        job = self._jobs.get(job_id)
        if job is None:
            raise KeyError(job_id)
        return job

    def cancel_all(self) -> None:
        for job in self._jobs.values():
            job.cancelled.set()
