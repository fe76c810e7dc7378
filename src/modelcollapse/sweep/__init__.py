"""Sweeps, the results store and execution backends (SMC §7).

Data flows one way: a :class:`Sweep` (a grid over the fields of any registered family's
configuration, from Python or a TOML file) expands into independent tasks, one per
(configuration, seed index); a backend runs them (:class:`LocalBackend` processes by default,
:class:`DaskBackend` for a cluster); the parent process commits each finished batch to the
DuckDB :class:`Store`, which later feeds plots and reports.

>>> from modelcollapse import Setting
>>> from modelcollapse.sweep import Store, Sweep, LocalBackend, run_sweep
>>> sweep = Sweep.grid("demo", Setting(d=50, n=100), n=[100, 1000], p2=[0.0, 0.2],
...                    seeds=3, task="theory")
>>> import tempfile, os
>>> with tempfile.TemporaryDirectory() as tmp, Store(os.path.join(tmp, "r.duckdb")) as store:
...     summary = run_sweep(sweep, store, LocalBackend(1), progress=False)
...     again = run_sweep(sweep, store, LocalBackend(1), progress=False)
...     [p.mean for p in store.points("demo")][:2]
...     (summary.ran, again.ran, again.skipped)
[1.0, 1.2]
(12, 0, 12)
"""

from .backends import Backend, DaskBackend, LocalBackend, open_backend
from .runner import SweepSummary, run_sweep
from .spec import Sweep, Task
from .store import DEFAULT_STORE, Point, Store, StoreLockedError
from .tasks import Outcome, compute, execute, execute_chunk

__all__ = ["DEFAULT_STORE", "Backend", "DaskBackend", "LocalBackend", "Outcome", "Point",
           "Store", "StoreLockedError", "Sweep", "SweepSummary", "Task", "compute", "execute",
           "execute_chunk", "open_backend", "run_sweep"]
