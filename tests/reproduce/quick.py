"""Shared by the figure tests: produce quick figures once into a temporary store and report."""

from pathlib import Path

from modelcollapse.reproduce import reproduce
from modelcollapse.sweep import LocalBackend, Store


def produce_quick(tmp_path_factory, label: str, figures: list[str]) -> tuple[Path, Path]:
    """Run ``figures`` in quick mode; return (report directory, store path)."""
    root = tmp_path_factory.mktemp(label)
    out, path = root / "report", root / "r.duckdb"
    with Store(path) as store:
        reproduce(figures, out, quick=True, store=store, backend=LocalBackend(2), progress=False)
    return out, path
