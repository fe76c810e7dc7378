"""A Tale of Tails in the report: the papers' claims, asserted from the produced quick figures.

One module-scoped ``reproduce(..., quick=True)`` runs the four tails figures through the sweep
layer (per-seed ``tails.simulate:simulate_one`` tasks in a DuckDB store); every test reads the
CSV a figure wrote (Monte-Carlo mean, SEM and exact theory per marker) or the store itself.
Tolerances are a few standard errors of the mean plus, for fitted slopes, the finite-T
curvature of the exact error, which the tests bound from the theory column.
"""

from __future__ import annotations

import csv

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from modelcollapse.sweep import Store
from modelcollapse.tails import TailsSetting, laws, tail_mass
from modelcollapse.tails.simulate import simulate_one

from .quick import check_outputs, produce_quick

FIGURES = ["tails-double-scaling", "tails-narrowing", "tails-mixing", "tails-generations"]


@pytest.fixture(scope="module")
def produced(tmp_path_factory):
    return produce_quick(tmp_path_factory, "tails-quick", FIGURES)


def _rows(out, name):
    with (out / f"{name}.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        for key in ("beta", "T", "pi", "mc_mean", "mc_sem", "theory"):
            r[key] = float(r[key])
        r["k"] = int(r["k"]) if r["k"] else None
        r["temperature"] = float(r["temperature"]) if r["temperature"] else 1.0
        r["generations"] = int(r["generations"])
    return rows


def _curve(rows, order, **match):
    chosen = [r for r in rows if all(r[k] == v for k, v in match.items())]
    chosen.sort(key=lambda r: r[order])
    return (np.array([r[order] for r in chosen], dtype=float), np.array([r["mc_mean"] for r in chosen]),
            np.array([r["mc_sem"] for r in chosen]))


def _slope(T, y):
    return float(np.polyfit(np.log(T), np.log(y), 1)[0])


def test_files_report_and_stored_settings(produced):
    out, path = produced
    check_outputs(out, FIGURES, lambda name: len(_rows(out, name)))
    with Store(path, read_only=True) as store:
        rows = store.rows("tails-mixing-quick")
    setting = TailsSetting.from_dict(rows[0]["config"])
    assert rows[0]["family"] == "tails" and setting.to_dict() == rows[0]["config"]
    # a task's value depends only on (setting, seed index, base seed): recompute one, with
    # single-threaded BLAS as every backend runs tasks
    with threadpool_limits(limits=1):
        again = simulate_one(setting, rows[0]["seed_index"], rows[0]["base_seed"])
    assert again == rows[0]["test_error"]


def test_simulation_agrees_with_the_exact_error(produced):
    # Every marker within 4 SEM of the exact error, plus 1e-3 relative for markers where all
    # seeds agree (SEM = 0 near a plateau: the exact error still holds the chance of missing
    # a head item, e.g. (1 - q_k)^T ≈ 2e-3 of the mass p_k at k = 10, T = 1000, which 20
    # seeds rarely see).
    for name in FIGURES:
        for r in _rows(produced[0], name):
            assert abs(r["mc_mean"] - r["theory"]) <= 4 * r["mc_sem"] + 1e-3 * r["theory"], (name, r)


def test_tail_cuts_plateau_while_clean_data_keep_falling_as_T_to_the_minus_c(produced):
    rows = _rows(produced[0], "tails-double-scaling")
    beta = rows[0]["beta"]
    c = 1 - 1 / beta
    T, clean, _ = _curve(rows, "T", k=None)
    late = T >= 1e4
    assert abs(_slope(T[late], clean[late]) + c) < 0.02  # SEM < 4% per point over 4 decades
    ks = sorted({r["k"] for r in rows if r["k"]})
    assert len(ks) >= 2 and T[0] <= ks[-1] ** beta / 10  # the largest cut is seen falling
    for k in ks:
        Tk, err, _ = _curve(rows, "T", k=k)
        floor = float(tail_mass(beta, k))  # Σ_{i>k} p_i, eq. (A.8)
        on = Tk >= 10 * k**beta
        assert on.sum() >= 2
        np.testing.assert_allclose(err[on], floor, rtol=1e-3)   # flat, at the plateau
        early = Tk <= k**beta / 10
        assert np.all(err[early] > 2 * floor)                   # after following the clean law
        assert clean[-1] < floor / 10                           # while clean data go below it


def test_lower_temperature_gives_a_smaller_slope(produced):
    rows = _rows(produced[0], "tails-narrowing")
    beta = rows[0]["beta"]
    taus = sorted({r["temperature"] for r in rows})
    assert len(taus) >= 3
    slopes = []
    for tau in taus:
        T, err, _ = _curve(rows, "T", temperature=tau)
        late = T >= 1e4
        slopes.append(-_slope(T[late], err[late]))
        # eq. (A.13): slope c·τ; ±0.02 covers SEM ≤ 3% per point over 4 decades
        assert abs(slopes[-1] - laws.narrowing_exponent(beta, beta / tau)) < 0.02, (tau, slopes)
    assert np.all(np.diff(slopes) > 0.05), (taus, slopes)  # ordered by τ, well separated


def test_mixing_plateaus_then_recovers(produced):
    rows = _rows(produced[0], "tails-mixing")
    beta, k = rows[0]["beta"], rows[0]["k"]
    c, floor = 1 - 1 / beta, float(tail_mass(beta, k))
    pis = sorted({r["pi"] for r in rows})
    assert len(pis) >= 2
    for pi in pis:
        T, err, _ = _curve(rows, "T", pi=pi)
        onset, grok = k**beta, float(laws.grokking_onset(beta, k, pi))
        plateau = (T >= onset) & (T <= grok)
        assert plateau.sum() >= 2
        # on the plateau the error stays near the cut data's floor, falling per decade far
        # less than the clean law's 10^-c ≈ 0.32
        assert np.all((err[plateau] > 0.5 * floor) & (err[plateau] < 1.5 * floor)), (pi, err)
        decades = np.log10(T[plateau][-1] / T[plateau][0])
        assert err[plateau][-1] / err[plateau][0] > 10 ** (-c * decades) * 1.5
        recovered = T >= 10 * grok
        assert recovered.sum() >= 2
        assert err[recovered][-1] < floor / 10
        assert abs(_slope(T[recovered], err[recovered]) + c) < 0.05  # back on the clean slope


def test_error_grows_with_the_number_of_generations(produced):
    rows = _rows(produced[0], "tails-generations")
    for mech in "ABC":
        n, err, sem = _curve(rows, "generations", mechanism=mech)
        assert len(n) >= 3
        combined = np.sqrt(sem[1:] ** 2 + sem[:-1] ** 2)
        assert np.all(np.diff(err) > -2 * combined), (mech, err)  # non-decreasing within 2 SEM
        assert err[-1] - err[0] > 5 * np.hypot(sem[0], sem[-1]), (mech, err)
