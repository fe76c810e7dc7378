"""The sweep files under examples/ (documented in docs/how-to/sweep-files.md) load and run.

Each file runs as written except for its seed count, cut to one seed index, into a temporary
store; every setting must come back with a finite mean, and a second run must find
everything stored.
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import pytest

from modelcollapse.sweep import LocalBackend, Store, Sweep, run_sweep

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.toml"))


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_runs(path: Path, tmp_path: Path) -> None:
    written = Sweep.from_toml(path)
    data = tomllib.loads(path.read_text())
    sweep = Sweep.from_dict({**data, "seeds": 1}, default_name=path.stem)
    assert sweep.settings == written.settings and sweep.task == written.task
    with Store(tmp_path / "store.duckdb") as store:
        first = run_sweep(sweep, store, LocalBackend(1), progress=False)
        again = run_sweep(sweep, store, LocalBackend(1), progress=False)
        points = store.points(sweep.name)
    assert (first.ran, again.ran) == (len(sweep.settings), 0)
    assert len(points) == len(sweep.settings)
    assert all(math.isfinite(p.mean) for p in points), [p.config for p in points
                                                        if not math.isfinite(p.mean)]


def test_every_sweep_key_appears_in_an_example() -> None:
    keys = set()
    for path in EXAMPLES:
        data = tomllib.loads(path.read_text())
        keys |= set(data)
        grids = data.get("grid", [])
        keys |= {"range" for g in ([grids] if isinstance(grids, dict) else grids)
                 if any(isinstance(v, dict) for v in g.values())}
        keys |= {"[[grid]]"} if isinstance(grids, list) else {"[grid]"}
    assert keys >= {"name", "setting", "seeds", "base_seed", "task", "method", "base", "grid",
                    "range", "[grid]", "[[grid]]"}
