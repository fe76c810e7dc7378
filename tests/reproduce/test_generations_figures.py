"""Model Collapse Demystified in the report: the paper's claims from the produced quick figures.

One module-scoped ``reproduce(..., quick=True)`` runs the three regression-chain figures
through the sweep layer (per-seed ``generations.simulate:simulate_one`` tasks in a DuckDB
store); tests read each figure's CSV (Monte-Carlo mean, SEM and theory per marker) or, for
differences between markers, the per-seed values in the store: every marker of a figure uses
the same seed indices, so a difference between two markers has the SEM of the paired
per-seed differences, far below the independent SEMs.
"""

from __future__ import annotations

import csv

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from modelcollapse.generations import GenerationsSetting, optimal_ridge
from modelcollapse.generations.exact import ols_increment
from modelcollapse.generations.power_law import fast_rate, slow_rate
from modelcollapse.generations.simulate import simulate_one
from modelcollapse.sweep import Store

from .quick import check_outputs, produce_quick

FIGURES = ["generations-chain", "generations-ridge", "generations-crossover"]


@pytest.fixture(scope="module")
def produced(tmp_path_factory):
    return produce_quick(tmp_path_factory, "generations-quick", FIGURES)


def _rows(out, name):
    with (out / f"{name}.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        for key in ("d", "T", "generations", "mc_seeds"):
            r[key] = int(r[key])
        for key in ("ridge", "sigma", "mc_mean", "mc_sem", "theory"):
            r[key] = float(r[key])
    return rows


def _curve(rows, order, **match):
    chosen = sorted((r for r in rows if all(r[k] == v for k, v in match.items())),
                    key=lambda r: r[order])
    return (np.array([r[order] for r in chosen], dtype=float), np.array([r["mc_mean"] for r in chosen]),
            np.array([r["mc_sem"] for r in chosen]))


def _per_seed(path, study):
    """{(generations, ridge, T): per-seed test errors in seed order} from the store."""
    with Store(path, read_only=True) as store:
        return {(p.config["generations"], p.config["ridge"], p.config["T"]): p.values
                for p in store.points(study)}


def test_files_report_and_stored_settings(produced):
    out, path = produced
    check_outputs(out, FIGURES, lambda name: len(_rows(out, name)))
    with Store(path, read_only=True) as store:
        row = store.rows("generations-chain-quick")[-1]
    setting = GenerationsSetting.from_dict(row["config"])
    assert row["family"] == "generations" and setting.to_dict() == row["config"]
    with threadpool_limits(limits=1):  # as every backend runs tasks
        again = simulate_one(setting, row["seed_index"], row["base_seed"])
    assert again["test_error"] == row["test_error"]


def test_simulation_agrees_with_the_theory(produced):
    # 4 SEM: with ~75 markers, a 4-SEM excursion has probability ~5e-3 in all
    for name in FIGURES:
        for r in _rows(produced[0], name):
            assert abs(r["mc_mean"] - r["theory"]) <= 4 * r["mc_sem"], (name, r)


def test_chain_error_grows_with_the_generations(produced):
    rows = _rows(produced[0], "generations-chain")
    ridges = sorted({r["ridge"] for r in rows})
    assert 0.0 in ridges and len(ridges) >= 2
    slopes = {}
    for lam in ridges:
        m, err, sem = _curve(rows, "generations", ridge=lam)
        assert len(m) >= 6
        assert err[-1] - err[0] > 5 * np.hypot(sem[0], sem[-1]), (lam, err)
        slopes[lam] = float(np.polyfit(m, err, 1)[0])
    # OLS (λ = 0, T0 > d): each generation adds σ0² d/(T0 - d - 1), eq. (B.6); the fitted
    # slope's standard error is below sem/(spread of m) ≈ 3%, so 10% is generous
    r0 = next(r for r in rows if r["ridge"] == 0.0)
    increment = ols_increment(r0["d"], int(r0["T0"]), float(r0["sigma0"]))
    assert abs(slopes[0.0] / increment - 1) < 0.10, (slopes, increment)
    assert max(slopes[lam] for lam in ridges if lam > 0) < 0.8 * slopes[0.0]  # ridge slows it


def test_error_is_u_shaped_in_ridge_with_the_optimum_moving_up(produced):
    out, path = produced
    rows = _rows(out, "generations-ridge")
    per_seed = _per_seed(path, "generations-ridge-quick")
    gens = sorted({r["generations"] for r in rows})
    assert len(gens) >= 3
    best = []
    for n in gens:
        lam, err, _ = _curve(rows, "ridge", generations=n)
        i = int(np.argmin(err))
        assert 0 < i < lam.size - 1, (n, err)  # interior minimum: a U
        T = rows[0]["T"]
        at = per_seed[(n, lam[i], T)]
        for j in (0, lam.size - 1):  # both ends above the minimum, by paired differences
            diff = per_seed[(n, lam[j], T)] - at
            assert diff.mean() > 4 * diff.std(ddof=1) / np.sqrt(diff.size), (n, j, diff.mean())
        best.append(lam[i])
        # the Monte-Carlo minimiser is the marker nearest the theory's optimal λ (log grid)
        setting = GenerationsSetting.from_dict(next(r for r in _store_configs(path)
                                           if r["generations"] == n and r["ridge"] == lam[i]))
        optimum = float(optimal_ridge(setting))
        assert lam[np.argmin(np.abs(np.log(lam / optimum)))] == lam[i], (n, lam[i], optimum)
    assert np.all(np.diff(best) >= 0) and best[-1] > best[0], best


def _store_configs(path):
    with Store(path, read_only=True) as store:
        return [p.config for p in store.points("generations-ridge-quick")]


def test_rates_cross_over_from_fast_to_slow(produced):
    rows = _rows(produced[0], "generations-crossover")
    beta, r = 2.0, 0.5
    assert rows[0]["spectrum"] == f"power:{beta:g}" and float(rows[0]["source"]) == r
    slopes = {}
    for n in (0, 1):
        chosen = sorted((x for x in rows if x["generations"] == n), key=lambda x: x["T"])[-3:]
        logT = np.log([x["T"] for x in chosen])
        mc = -np.polyfit(logT, np.log([x["mc_mean"] for x in chosen]), 1)[0]
        theory = -np.polyfit(logT, np.log([x["theory"] for x in chosen]), 1)[0]
        # the last 3 T span a factor 4 with SEM ≤ 5% per point: slope error ≲ 0.05
        assert abs(mc - theory) < 0.15, (n, mc, theory)
        slopes[n] = mc
    # clean data near the fast rate 2βr = 2; after one generation the local slope is far
    # smaller, on its way to the slow rate 2βr/(2βr+1) = 0.67 (finite T keeps it above)
    assert abs(slopes[0] - fast_rate(beta, r)) < 0.3, slopes
    assert slow_rate(beta, r) - 0.1 < slopes[1] < 1.0 < slopes[0] - 0.7, slopes
    _, clean, _ = _curve(rows, "T", generations=0)
    _, synth, _ = _curve(rows, "T", generations=1)
    assert synth[-1] > 5 * clean[-1]  # at T >> T*, synthetic data cost a factor 5+
    assert abs(synth[0] / clean[0] - 1) < 0.3  # below T* both follow the fast rate
