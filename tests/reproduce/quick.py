"""Shared by the figure tests: produce quick figures once into a temporary store and report."""

import json
from pathlib import Path

from threadpoolctl import threadpool_limits

from modelcollapse.family import get
from modelcollapse.reproduce import FIGURES, Evidence, Verdict, reproduce
from modelcollapse.reproduce.run import theory_at
from modelcollapse.sweep import LocalBackend, Store, run_sweep


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


def run_quick_sweep(tmp_path_factory, name: str) -> tuple[Path, list, list]:
    """Run figure ``name``'s quick sweep into a fresh store: (store path, points, rows)."""
    path = tmp_path_factory.mktemp(name) / "r.duckdb"
    with Store(path) as store:
        summary = run_sweep(FIGURES[name].sweep(True), store, LocalBackend(2), progress=False)
        points = store.points(summary.study)
        rows = store.rows(summary.study)
    assert summary.failed == 0, summary.errors
    return path, points, rows


def check_drawn_from_store(path: Path, name: str, out: Path) -> None:
    """A figure without theory whose tasks are all stored: reproducing it computes nothing,
    compares nothing, and writes its PNG and report entry."""
    with Store(path) as store:
        (entry,) = reproduce([name], out, quick=True, store=store, backend=LocalBackend(1),
                             progress=False)
    assert entry.computed == 0 and entry.comparison == {"points": 0}
    assert (out / f"{name}.png").stat().st_size > 1000
    assert f'id="{name}"' in (out / "index.html").read_text()


def verdicts(path: Path, name: str) -> list[Verdict]:
    """Figure ``name``'s own claims evaluated on its quick data in the store at ``path``: the
    checks every ``reproduce`` run makes (the tests do not restate them)."""
    figure = FIGURES[name]
    with Store(path, read_only=True) as store:
        points = store.points(figure.sweep(True).name)
    evidence = Evidence(points, theory_at(points), quick=True)
    return [claim.evaluate(evidence) for claim in figure.claims]


def assert_claims_hold(path: Path, name: str) -> None:
    results = verdicts(path, name)
    assert results, f"{name} declares no claims"
    failed = [v.line() for v in results if not v.passed]
    assert not failed, failed


def assert_last_row_reruns_bitwise(path: Path, study: str, family: str) -> None:
    """The study's last stored row is its family's run_one for that seed and method, bit for
    bit, and its configuration reads back through the family."""
    with Store(path, read_only=True) as store:
        row = store.rows(study)[-1]
    setting = get(family).from_dict(row["config"])
    assert row["family"] == family and setting.to_dict() == row["config"]
    with threadpool_limits(limits=1):  # as every backend runs tasks
        again = get(family).run(setting, row["seed_index"], row["base_seed"], row["method"])
    assert again["test_error"] == row["test_error"]
