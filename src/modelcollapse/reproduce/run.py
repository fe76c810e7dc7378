"""Produce figures: sweep -> store -> theory comparison -> PNG/PDF/CSV -> report (SMC §7).

For every figure, :func:`reproduce_figure` runs its Monte-Carlo sweep through a backend into
the results store (already-stored tasks are skipped), reads the per-setting means back,
compares each with the theory at the same setting (:func:`predicted_error`, chosen by the
setting's type), and writes to ``out``:

- ``NAME.png`` and ``NAME.pdf``: theory curves and Monte-Carlo markers on the same axes;
- ``NAME.csv``: one row per Monte-Carlo setting (configuration, mean, SEM, seeds, theory);
- ``NAME-theory.csv``: the theory curves as drawn (figures with a theory);
- an entry in ``index.html`` (see :mod:`.report`) with the verdict of each of the figure's
  claims (:mod:`.claims`), evaluated on this run's data.
"""

from __future__ import annotations

import csv
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from ..config import check_directory
from ..sweep import Backend, Point, Store, run_sweep
from ..verbs import predict
from .claims import Evidence
from .registry import ERROR_BAR_SEMS, FIGURES, Curve, Figure
from .report import FigureEntry, load_entries, write_report


def figure_names(names: list[str], quick: bool) -> list[str]:
    """Validate figure names and check each can run here in this mode, before any work.

    ``all`` means every registered figure that can: one that cannot (optional modules
    missing, e.g. the network figures without the ``[nn]`` extra; full-mode ``nn-lm``
    without a GPU) is skipped with a note on stderr. A figure named explicitly that cannot
    run is a ValueError saying why and what would fix it.
    """
    if "all" in names:
        runnable = []
        for name, fig in FIGURES.items():
            reason = fig.unavailable(quick)
            if reason:
                print(f"reproduce: skipping {name}: {reason}", file=sys.stderr)
            else:
                runnable.append(name)
        return runnable
    unknown = [n for n in names if n not in FIGURES]
    if unknown:
        raise ValueError(f"figure: unknown figure {unknown[0]!r}; choose from "
                         f"{', '.join(FIGURES)} or all")
    for name in names:
        reason = FIGURES[name].unavailable(quick)
        if reason:
            raise ValueError(f"figure: {name} {reason}")
    return list(dict.fromkeys(names))


def check_out(out: Path, names: list[str]) -> list[str]:
    """Refuse, before any work, an output directory the report cannot be written to (a file,
    ``/dev/null``, a directory that cannot be created or written, a ``report.json`` that is
    not a report manifest); return the figures of ``names`` whose files a previous run left
    there (this run replaces them; ``index.html`` keeps the other figures' entries)."""
    check_directory("--out", out)
    load_entries(out)  # a ValueError for a file that is not a report manifest
    return [name for name in names if (out / f"{name}.png").exists()]


def predicted_error(setting: Any) -> float:
    """The theory's test error for a configuration of any family with a theory (a
    ValueError for the others, e.g. the network families); +inf where it diverges."""
    return float(predict(setting).test_error)


def theory_at(points: list[Point]) -> np.ndarray:
    """The theory at each Monte-Carlo setting (NaN where the theory does not apply)."""
    out = np.full(len(points), np.nan)
    for i, p in enumerate(points):
        try:
            out[i] = predicted_error(p.setting())
        except ValueError:  # no theory, or a mixing scheme the closed forms do not cover
            continue
    return out


def compare(points: list[Point], theory: np.ndarray) -> dict[str, Any]:
    """Simulation vs theory: relative errors and the fraction within the error bars."""
    mean = np.array([p.mean for p in points])
    sem = np.array([p.sem for p in points])
    ok = np.isfinite(theory) & np.isfinite(mean) & (theory > 0)
    if not ok.any():
        return {"points": 0}
    rel = np.abs(mean[ok] - theory[ok]) / theory[ok]
    # a zero-width bar (every seed gave the same value, e.g. a deterministic plateau) holds
    # the theory when they agree to rounding
    within = np.abs(mean[ok] - theory[ok]) <= ERROR_BAR_SEMS * sem[ok] + 1e-9 * theory[ok]
    return {"points": int(ok.sum()), "max_rel_error": float(rel.max()),
            "median_rel_error": float(np.median(rel)), "within_error_bar": float(within.mean())}


def _write_points(path: Path, points: list[Point], theory: np.ndarray) -> None:
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        columns = list(dict.fromkeys(k for p in points for k in p.config))
        writer.writerow([*columns, "mc_mean", "mc_sem", "mc_seeds", "theory"])
        for p, t in zip(points, theory, strict=True):
            writer.writerow([p.config.get(k) for k in columns]
                            + [repr(p.mean), repr(p.sem), p.seeds, repr(float(t))])


def _write_curves(path: Path, curves: list[Curve]) -> None:
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["panel", "curve", "x_name", "x", "y_name", "y"])
        for c in curves:
            for x, y in zip(c.x, c.y, strict=True):
                writer.writerow([c.panel, c.label, c.x_name, repr(float(x)), c.y_name,
                                 repr(float(y))])


def reproduce_figure(figure: Figure, out: Path, store: Store, backend: Backend, *,
                     quick: bool, progress: bool | None = None) -> FigureEntry:
    """Run one figure end to end and return its report entry (also written to ``out``)."""
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    sweep = figure.sweep(quick)
    summary = run_sweep(sweep, store, backend, progress=progress)
    if summary.failed:
        raise RuntimeError(f"figure {figure.name}: {summary}")
    points = store.points(sweep.name)
    theory = theory_at(points)
    drawing = figure.draw(points, quick)
    files = {"png": f"{figure.name}.png", "pdf": f"{figure.name}.pdf",
             "csv": f"{figure.name}.csv"}
    drawing.figure.savefig(out / files["png"], dpi=150)
    drawing.figure.savefig(out / files["pdf"])
    _write_points(out / files["csv"], points, theory)
    if drawing.curves:  # a figure without a theory (the networks) has no theory file
        files["theory_csv"] = f"{figure.name}-theory.csv"
        _write_curves(out / files["theory_csv"], drawing.curves)
    evidence = Evidence(points, theory, quick)
    verdicts = [claim.evaluate(evidence) for claim in figure.claims]
    entry = FigureEntry(
        name=figure.name, title=figure.title, source=figure.source, claim=figure.claim,
        quick=quick, files=files, parameters=drawing.parameters,
        comparison=compare(points, theory), study=sweep.name, tasks=summary.tasks,
        computed=summary.ran, seconds=time.perf_counter() - start, backend=summary.backend,
        verdicts=[asdict(v) for v in verdicts])
    write_report(out, entry)
    return entry
