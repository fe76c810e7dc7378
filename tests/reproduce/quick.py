"""Shared by the figure tests: produce quick figures once into a temporary store and report."""

import json
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


def check_outputs(out: Path, figures: list[str], settings_in_csv) -> None:
    """Every figure wrote PNG/PDF/CSVs, has a report entry, and compares every CSV setting."""
    for name in figures:
        for suffix in (".png", ".pdf", ".csv", "-theory.csv"):
            assert (out / f"{name}{suffix}").stat().st_size > 1000
    page = (out / "index.html").read_text()
    manifest = json.loads((out / "report.json").read_text())
    for name in figures:
        assert f'id="{name}"' in page
        assert manifest[name]["comparison"]["points"] == settings_in_csv(name)
