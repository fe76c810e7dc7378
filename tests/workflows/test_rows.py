"""accumulate-subsample and verify (modelcollapse.workflows.rows) against the exact
least-squares laws of WF §2 and against one-at-a-time reference samplers."""

from __future__ import annotations

import itertools
import math
import time

import numpy as np
import pytest

from modelcollapse.seeds import seed_generator
from modelcollapse.workflows.config import WorkflowSetting
from modelcollapse.workflows.draws import draw_rows, draw_target, excess_risk, ridge_fit
from modelcollapse.workflows.rows import subsample_chain, verify_chain
from modelcollapse.workflows.theory import (
    accumulate_fixed_law,
    accumulate_fresh_law,
    replace_law,
    v,
)

INF = float("inf")


def chains(chain, setting: WorkflowSetting, seeds: int) -> dict[str, np.ndarray]:
    """Every output of ``chain`` over seed indices 0..seeds-1, stacked (seeds, G + 1)."""
    outs = [chain(setting, seed_generator(0, i)) for i in range(seeds)]
    return {key: np.array([o[key] for o in outs]) for key in outs[0]}


def mean_sem(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return values.mean(axis=0), values.std(axis=0, ddof=1) / math.sqrt(len(values))


def subsample(design: str, generations: int = 5, **kw) -> WorkflowSetting:
    return WorkflowSetting(d=10, T=40, generations=generations, workflow="accumulate-subsample",
                           design=design, **kw)


def verify(tau: float, design: str = "fresh", generations: int = 3, d: int = 10, T: int = 40,
           **kw) -> WorkflowSetting:
    return WorkflowSetting(d=d, T=T, generations=generations, workflow="verify", tau=tau,
                           design=design, **kw)


# --- accumulate-subsample ---------------------------------------------------------------

@pytest.mark.parametrize(("design", "accumulate_law"),
                         [("fresh", accumulate_fresh_law), ("fixed", accumulate_fixed_law)])
def test_subsample_lies_between_accumulate_and_replace(design, accumulate_law):
    E = chains(subsample_chain, subsample(design), 1500)["by_generation"]
    mean, sem = mean_sem(E)
    low, high = accumulate_law(10, 40, 5, 1.0), replace_law(10, 40, 5, 1.0)
    assert abs(mean[0] - v(40, 10)) < 4 * sem[0]  # generation 0: one real block
    for k in range(2, 6):
        assert low[k] + 4 * sem[k] < mean[k] < high[k] - 4 * sem[k], (k, low[k], mean[k], high[k])


def test_subsample_fixed_design_matches_explicit_rows():
    """The fixed design's multiplicity shortcut against the pool of repeated rows itself,
    drawing the same numbers in the same order."""
    setting = subsample("fixed", generations=4, sigma=0.7)
    T = setting.T
    for i in range(5):
        rng = seed_generator(0, i)
        lam, w_star = draw_target(setting, rng)
        X = draw_rows(rng, T, lam)
        pool_x, pool_y = X, X @ w_star + setting.sigma * rng.standard_normal(T)
        w = ridge_fit(X.T @ X, X.T @ pool_y, T, 0.0)
        expected = [excess_risk(w, w_star, lam)]
        for k in range(1, setting.generations + 1):
            pool_x = np.vstack([pool_x, X])
            pool_y = np.concatenate([pool_y, X @ w + setting.sigma * rng.standard_normal(T)])
            pick = rng.choice((k + 1) * T, size=T, replace=False)
            xs, ys = pool_x[pick], pool_y[pick]
            w = np.linalg.lstsq(xs, ys, rcond=None)[0]
            expected.append(excess_risk(w, w_star, lam))
        got = subsample_chain(setting, seed_generator(0, i))["by_generation"]
        np.testing.assert_allclose(got, expected, rtol=1e-8)


@pytest.mark.parametrize("design", ["fresh", "fixed"])
def test_subsample_runs_with_ridge_and_few_rows(design):
    for setting in (subsample(design, ridge=0.1), WorkflowSetting(
            d=10, T=6, generations=4, workflow="accumulate-subsample", design=design)):
        out = subsample_chain(setting, seed_generator(0, 0))
        assert out["by_generation"].shape == (setting.generations + 1,)
        assert np.all(np.isfinite(out["by_generation"])) and np.all(out["by_generation"] >= 0)


# --- verify -----------------------------------------------------------------------------

@pytest.mark.parametrize("design", ["fresh", "fixed"])
def test_verify_without_rejection_is_replace(design):
    out = chains(verify_chain, verify(INF, design), 2000)
    mean, sem = mean_sem(out["by_generation"])
    law = replace_law(10, 40, 3, 1.0)
    assert np.all(np.abs(mean - law) < 4 * sem), (mean, law, sem)
    assert np.all(out["acceptance"] == 1.0) and np.all(out["candidates_per_row"] == 1.0)


def test_verify_reports_per_generation():
    for design in ("fresh", "fixed"):
        for kw in ({"verifier": "oracle"}, {"verifier": "learned", "nv": 30}):
            setting = verify(0.8, design, **kw)
            out = verify_chain(setting, seed_generator(0, 7))
            assert set(out) == {"by_generation", "acceptance", "candidates_per_row"}
            assert all(a.shape == (4,) for a in out.values())
            assert out["acceptance"][0] == 1.0 and out["candidates_per_row"][0] == 1.0
            assert np.all((out["acceptance"] > 0) & (out["acceptance"] <= 1))
            np.testing.assert_allclose(out["acceptance"] * out["candidates_per_row"], 1.0)
            again = verify_chain(setting, seed_generator(0, 7))
            assert all(np.array_equal(out[k], again[k]) for k in out)


@pytest.mark.parametrize("design", ["fresh", "fixed"])
def test_oracle_verification_keeps_error_bounded(design):
    E = chains(verify_chain, verify(0.5, design, generations=10), 300)["by_generation"].mean(axis=0)
    replace = replace_law(10, 40, 10, 1.0)
    assert abs(replace[10] - 11 * replace[0]) < 1e-12
    assert E[10] < 2 * E[0] and np.all(np.isfinite(E))


@pytest.mark.parametrize("design", ["fresh", "fixed"])
def test_acceptance_falls_as_tau_shrinks(design):
    rates = [chains(verify_chain, verify(tau, design), 40)["acceptance"][:, 1:].mean()
             for tau in (4.0, 2.0, 1.0, 0.5, 0.2)]
    assert all(a > b for a, b in itertools.pairwise(rates)), rates


@pytest.mark.parametrize("design", ["fresh", "fixed"])
def test_learned_verifier_beats_unverified_replace(design):
    out = chains(verify_chain, verify(0.5, design, generations=10, verifier="learned", nv=100), 200)
    E = out["by_generation"].mean(axis=0)
    assert np.all(np.isfinite(E)) and E[10] < replace_law(10, 40, 10, 1.0)[10] / 2
    # the chain settles near the verifier's own error, v(nv) for least squares on nv rows
    assert E[10] < 3 * v(100, 10)
    assert np.all((out["acceptance"] > 0) & (out["acceptance"] <= 1))


def _reference_fresh_verify(setting: WorkflowSetting, rng: np.random.Generator) -> dict:
    """Rejection as WF §5 words it: each candidate draws its whole row x, one after the
    other (in chunks, counting up to the T-th kept candidate)."""
    T, sigma = setting.T, setting.sigma
    lam, w_star = draw_target(setting, rng)
    xv = draw_rows(rng, setting.nv, lam)
    yv = xv @ w_star + sigma * rng.standard_normal(setting.nv)
    w_v = ridge_fit(xv.T @ xv, xv.T @ yv, setting.nv, 0.0)
    x = draw_rows(rng, T, lam)
    w = ridge_fit(x.T @ x, x.T @ (x @ w_star + sigma * rng.standard_normal(T)), T, 0.0)
    errors, rates = [excess_risk(w, w_star, lam)], [1.0]
    for _ in range(setting.generations):
        xs, ys, drawn = [], [], 0
        while len(ys) < T:
            x = draw_rows(rng, 4 * T, lam)
            y = x @ w + sigma * rng.standard_normal(4 * T)
            for i in np.flatnonzero(np.abs(y - x @ w_v) <= setting.tau):
                if len(ys) < T:
                    xs.append(x[i])
                    ys.append(y[i])
                    last = i
            drawn += last + 1 if len(ys) == T else 4 * T
        x, y = np.array(xs), np.array(ys)
        w = ridge_fit(x.T @ x, x.T @ y, T, 0.0)
        errors.append(excess_risk(w, w_star, lam))
        rates.append(T / drawn)
    return {"by_generation": np.array(errors), "acceptance": np.array(rates)}


def test_fresh_verify_matches_whole_row_rejection():
    """Judging candidates on x·(ŵ − w_v) and drawing x given it afterwards is the same law
    as drawing whole rows, checked where the verifier selects inputs strongly (a poor learned
    verifier, so ŵ − w_v is large)."""
    setting = verify(0.5, d=5, T=20, generations=2, verifier="learned", nv=9)
    ours, ref = chains(verify_chain, setting, 1500), chains(_reference_fresh_verify, setting, 1500)
    for key in ("by_generation", "acceptance"):
        (m1, s1), (m2, s2) = mean_sem(ours[key]), mean_sem(ref[key])
        assert np.all(np.abs(m1 - m2)[1:] < 4 * np.hypot(s1, s2)[1:]), (key, m1, m2)
    assert ours["acceptance"][:, 1].mean() < 0.5  # the verifier does select


@pytest.mark.parametrize("design", ["fresh", "fixed"])
@pytest.mark.parametrize("verifier", ["oracle", "learned"])
def test_hopeless_tau_raises_quickly(design, verifier):
    setting = verify(1e-9, design, T=200, verifier=verifier, nv=50 if verifier == "learned" else None)
    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"^tau: .*tau=1e-09.*raise tau$"):
        verify_chain(setting, seed_generator(0, 0))
    assert time.perf_counter() - start < 2.0


def test_noiseless_fixed_design_cannot_hang():
    """σ = 0: a row the verifier disagrees with is rejected forever; the cap ends it."""
    setting = verify(1e-3, "fixed", verifier="learned", nv=5, sigma=0.0)
    with pytest.raises(ValueError, match="^tau: "):
        verify_chain(setting, seed_generator(0, 1))
