"""The paper's claims, asserted from the data of the produced quick figures (spec SMC §7, §9).

One module-scoped run of ``modelcollapse reproduce ... --quick`` (Monte-Carlo through the
sweep layer and the simulator) writes the figures; every test reads the CSVs it produced.
"""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from modelcollapse.cli import main
from modelcollapse.reproduce import reproduce
from modelcollapse.sweep import LocalBackend, Store

pytest.importorskip("modelcollapse.simulate")

FIGURES = ["classical-scaling", "rp-model-size", "iterative-mixing"]


@pytest.fixture(scope="module")
def produced(tmp_path_factory):
    root = tmp_path_factory.mktemp("quick")
    out, store = root / "report", root / "r.duckdb"
    code = main(["reproduce", *FIGURES, "--quick", "--out", str(out), "--store", str(store),
                 "--workers", "2", "--no-progress"])
    assert code == 0
    return out, store


def _rows(out, name):
    with (out / f"{name}.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        for key in ("n", "d", "iterations", "mc_seeds"):
            r[key] = int(r[key])
        for key in ("p2", "c2", "sigma", "mc_mean", "mc_sem", "theory"):
            r[key] = float(r[key])
        r["m"] = int(r["m"]) if r["m"] else None
    return rows


def test_files_and_report(produced):
    out, _ = produced
    for name in FIGURES:
        for suffix in (".png", ".pdf", ".csv", "-theory.csv"):
            assert (out / f"{name}{suffix}").stat().st_size > 1000
    page = (out / "index.html").read_text()
    assert all(f"id=\"{name}\"" in page for name in FIGURES)
    manifest = json.loads((out / "report.json").read_text())
    assert manifest["classical-scaling"]["comparison"]["within_error_bar"] >= 0.8


def test_classical_plateaus_at_p2_squared_c2_while_clean_falls_like_d_over_n(produced):
    rows = _rows(produced[0], "classical-scaling")
    d, c2, sigma = rows[0]["d"], rows[0]["c2"], rows[0]["sigma"]
    by_p2 = {}
    for r in rows:
        by_p2.setdefault(r["p2"], []).append(r)
    clean = sorted(by_p2.pop(0.0), key=lambda r: r["n"])
    assert len(by_p2) >= 3
    for p2, curve in by_p2.items():
        curve.sort(key=lambda r: r["n"])
        floor = p2**2 * c2
        last, before = curve[-1]["mc_mean"], curve[-2]["mc_mean"]
        assert abs(last / floor - 1) < 0.10, (p2, last, floor)   # at the plateau
        assert abs(last / before - 1) < 0.10, (p2, last, before)  # and flat
        assert curve[0]["mc_mean"] > 1.5 * last                    # after falling to it
    # p2 = 0 keeps falling like σ²d/n: slope -1 in log-log, and the constant σ².
    n = np.array([r["n"] for r in clean], dtype=float)
    err = np.array([r["mc_mean"] for r in clean])
    slopes = np.diff(np.log(err[-4:])) / np.diff(np.log(n[-4:]))
    assert np.all(np.abs(slopes + 1) < 0.1), slopes
    assert abs(err[-1] * n[-1] / (sigma**2 * d) - 1) < 0.10
    assert err[-1] < min(p2**2 * c2 for p2 in by_p2) / 10


def _penalties(rows, p2):
    clean = {r["m"]: r for r in rows if r["p2"] == 0.0}
    pts = sorted((r["m"] / r["n"], r["mc_mean"] - clean[r["m"]]["mc_mean"],
                  np.hypot(r["mc_sem"], clean[r["m"]]["mc_sem"]))
                 for r in rows if r["p2"] == p2)
    return [np.array(col) for col in zip(*pts, strict=True)]


@pytest.mark.parametrize("p2", [0.2, 0.5])
def test_rp_penalty_rises_to_the_threshold_then_falls_but_not_to_zero(produced, p2):
    rows = _rows(produced[0], "rp-model-size")
    phi, c2 = rows[0]["d"] / rows[0]["n"], rows[0]["c2"]
    psi, pen, se = _penalties(rows, p2)
    below, beyond = psi < 1, psi > 1
    assert below.sum() >= 4 and beyond.sum() >= 4
    for part, sign in ((below, 1), (beyond, -1)):
        steps, step_se = np.diff(pen[part]), np.hypot(se[part][1:], se[part][:-1])
        assert np.all(sign * steps > -2 * step_se), (part, pen[part], se[part])
        ends = pen[part][[0, -1]]
        assert sign * (ends[1] - ends[0]) > 3 * np.hypot(*se[part][[0, -1]])
    peak = int(np.argmax(pen))
    assert psi[peak] in (psi[below].max(), psi[beyond].min())
    limit = p2**2 * c2 / phi + (1 - p2) * p2 * c2 / (phi - 1)
    assert pen[-1] > 3 * se[-1] and pen[-1] > 0.5 * limit


def test_iterative_mixing_stays_above_the_real_half(produced):
    rows = _rows(produced[0], "iterative-mixing")
    T = max(r["iterations"] for r in rows)
    half = {2 * r["n"]: r for r in rows if r["p2"] == 0.0}
    mixed = sorted((r for r in rows if r["iterations"] == T and r["n"] in half),
                   key=lambda r: r["n"])
    assert len(mixed) >= 4
    for r in mixed:
        h = half[r["n"]]
        assert r["mc_mean"] - h["mc_mean"] > 2 * np.hypot(r["mc_sem"], h["mc_sem"]), (r, h)
    # ... while following a d/n-type law (slope about -1 in log-log).
    n = np.array([r["n"] for r in mixed], dtype=float)
    err = np.array([r["mc_mean"] for r in mixed])
    slope = np.polyfit(np.log(n[-3:]), np.log(err[-3:]), 1)[0]
    assert abs(slope + 1) < 0.15, slope


def test_rerun_reuses_the_store_and_reproduces_the_data_bitwise(produced, tmp_path):
    out, store_path = produced
    before = (out / "classical-scaling.csv").read_bytes()
    with Store(store_path) as store:
        entries = reproduce(["classical-scaling"], tmp_path, quick=True, store=store,
                            backend=LocalBackend(1), progress=False)
    assert entries[0].computed == 0 and entries[0].tasks == 560
    assert (tmp_path / "classical-scaling.csv").read_bytes() == before
