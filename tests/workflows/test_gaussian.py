"""Gaussian fitting over generations (WF §4): the exact laws (GF.0)-(GF.4) against
Monte-Carlo chains, the refusals, and the configuration's validation.

Every comparison averages independent chains (seed indices 0..K-1) of ``gaussian_one``,
generation by generation, and asks for agreement within 4 standard errors. Each also checks
that it can fail: a plausible wrong law (an off-by-one in the exponent, a dropped term) lies
more than 6 standard errors from the Monte-Carlo mean at some generation.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modelcollapse.workflows.gaussian import (
    GaussianSetting,
    accumulate_law,
    accumulate_limit,
    gaussian_one,
    mix_law,
    predict_gaussian,
    replace_law,
)

SPACES = [(1, "isotropic"), (3, "power:1")]


def chains(setting: GaussianSetting, seeds: int) -> dict[str, np.ndarray]:
    """Per-seed curves v_k (``v``) and e_k (``e``), seeds x (G + 1)."""
    runs = [gaussian_one(setting, i) for i in range(seeds)]
    return {"v": np.array([r["by_generation"] for r in runs]),
            "e": np.array([r["mean_error"] for r in runs])}


def mean_sem(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return samples.mean(axis=0), samples.std(axis=0, ddof=1) / np.sqrt(samples.shape[0])


def assert_agrees(samples: np.ndarray, law: np.ndarray, *wrong: np.ndarray) -> None:
    """Monte-Carlo mean within 4 SEM of ``law`` at every generation; every ``wrong`` law
    more than 6 SEM away at some generation (the comparison has the power to fail)."""
    mean, sem = mean_sem(samples)
    sem = np.where(sem > 0, sem, 1e-300)  # a deterministic entry (v_0 - v_0) must match exactly
    assert np.all(np.abs(mean - law) <= 4 * sem), (mean, sem, law)
    for bad in wrong:
        assert np.max(np.abs(mean - bad) / sem) > 6, (mean, sem, bad)


@pytest.mark.parametrize("p, spectrum", SPACES)
def test_replace_variance_collapse_and_mean_random_walk(p, spectrum):
    """(GF.1) E v_k = r^(k+1) (WF §4) and (GF.2) E e_k = 1 − r^(k+1), r = (T − 1)/T."""
    s = GaussianSetting(T=10, generations=5, workflow="replace", p=p, spectrum=spectrum)
    sim = chains(s, 4000)
    v, e = replace_law(10, 5)
    k = np.arange(6)
    r = 0.9
    assert_agrees(sim["v"], v, r**k, r ** (k + 2))
    # a random walk with steps that do not shrink would have E e_k = (k + 1)/T
    assert_agrees(sim["e"], e, (k + 1) / 10, 1 - r**k)
    out = predict_gaussian(s)
    assert out["by_generation"] == v.tolist() and out["test_error"] == v[-1]
    assert out["mean_error"] == e.tolist() and "exact" in out["method"]


@pytest.mark.parametrize("p, spectrum, T", [(1, "isotropic", 10), (3, "power:1", 5)])
def test_accumulate_law(p, spectrum, T):
    """(GF.3) E v_k = Π_{j=1..k+1}(1 − 1/(T j²)), E e_k = 1 − E v_k; also the change
    v_k − v_0, whose Monte-Carlo error is about half that of v_k."""
    s = GaussianSetting(T=T, generations=5, workflow="accumulate", p=p, spectrum=spectrum)
    sim = chains(s, 3000)
    v, e = accumulate_law(T, 5)
    j = np.arange(1, 7)
    harmonic = np.cumprod(1 - 1 / (T * j))
    assert_agrees(sim["v"], v, replace_law(T, 5)[0], harmonic)
    assert_agrees(sim["e"], e, 1 - harmonic)
    no_change = np.zeros(6)  # v_k = v_0: nothing after generation 0
    assert_agrees(sim["v"] - sim["v"][:, :1], v - v[0], no_change)


def test_accumulate_closed_form_is_the_two_dimensional_recursion():
    """(GF.3) is the trace recursion of (a_k, b_k) = (E||S_k||², E tr Q_k) solved in closed form."""
    T, G, trace = 7, 40, 2.5
    a, b, v = T * trace, T * trace, []
    for k in range(G + 1):
        n = (k + 1) * T
        v.append((b / n - a / n**2) / trace)
        a, b = a * ((1 + T / n) ** 2 - T / n**2) + (T / n) * b, b * (1 + T / n)
    np.testing.assert_allclose(accumulate_law(T, G)[0], v, rtol=1e-13)


@pytest.mark.parametrize("p, spectrum, wrong", [(1, "isotropic", ("a-1",)),
                                               (3, "power:1", ("a-1",)),
                                               (8, "isotropic", ("a-1", "a+1", "dropped"))])
def test_mix_law(p, spectrum, wrong):
    """(GF.4): the exact 2-dimensional linear recursion of (E v_k, E e_k), T = 4, π = 1/2.
    Wrong laws: replace; the real share a = round(πT) off by one either way; the recursion
    without its a·s·M cross term (p = 8 only, where the trace averages enough directions)."""
    T = 4
    s = GaussianSetting(T=T, generations=5, workflow="mix", pi=0.5, p=p, spectrum=spectrum)
    sim = chains(s, 3000)
    a, b = s.real_rows, T - s.real_rows
    v, e = mix_law(T, a, 5)
    dropped = np.concatenate([v[:1], v[1:] - a * b * e[:-1] / T**2])
    alternatives = {"a-1": mix_law(T, a - 1, 5)[0], "a+1": mix_law(T, a + 1, 5)[0],
                    "dropped": dropped}
    assert_agrees(sim["v"], v, replace_law(T, 5)[0], *(alternatives[w] for w in wrong))
    assert_agrees(sim["e"], e, replace_law(T, 5)[1])


def test_mix_recursion_is_an_affine_map_with_the_stated_fixed_point():
    T, a, G = 12, 5, 400
    s = T - a
    v, e = mix_law(T, a, G)
    np.testing.assert_allclose(v + e, 1.0, rtol=1e-13)
    np.testing.assert_allclose(v[1:], (a * (T - 1 + s) + s * (T - 1 - a) * v[:-1]) / T**2,
                               rtol=1e-13)
    assert v[-1] == pytest.approx(a * (T - 1 + s) / (T**2 - s * (T - 1 - a)), rel=1e-12)
    # π = 1: every generation fits T fresh real samples
    np.testing.assert_allclose(mix_law(T, T, 5)[0], (T - 1) / T, rtol=1e-15)


@pytest.mark.parametrize("p, spectrum", SPACES)
def test_mix_with_no_real_data_is_replace(p, spectrum):
    """π = 0: the same numbers as replace, the law (to rounding) and every chain (exactly)."""
    mix = GaussianSetting(T=6, generations=8, workflow="mix", pi=0.0, p=p, spectrum=spectrum)
    rep = GaussianSetting(T=6, generations=8, workflow="replace", p=p, spectrum=spectrum)
    for key in ("by_generation", "mean_error"):
        np.testing.assert_allclose(predict_gaussian(mix)[key], predict_gaussian(rep)[key],
                                   rtol=1e-14)
    for i in range(20):
        assert gaussian_one(mix, i, base_seed=3) == gaussian_one(rep, i, base_seed=3)


@pytest.mark.parametrize("p, spectrum", SPACES)
def test_accumulate_subsample_lies_between_replace_and_accumulate(p, spectrum):
    """Simulation only; and it keeps (GF.0), E[v_k + e_k] = 1, like every workflow."""
    T, G = 10, 8
    s = GaussianSetting(T=T, generations=G, workflow="accumulate-subsample", p=p,
                        spectrum=spectrum)
    sim = chains(s, 2000)
    mean, sem = mean_sem(sim["v"])
    low, high = replace_law(T, G)[0][-1], accumulate_law(T, G)[0][-1]  # 0.387, 0.854
    assert low + 4 * sem[-1] < mean[-1] < high - 4 * sem[-1], (low, mean[-1], sem[-1], high)
    assert_agrees(sim["v"] + sim["e"], np.ones(G + 1), np.full(G + 1, 0.9))


@pytest.mark.parametrize("workflow, pi", [("replace", None), ("accumulate", None), ("mix", 0.2),
                                          ("accumulate-subsample", None)])
def test_conservation_of_the_second_moment(workflow, pi):
    """(GF.0) E[v_k + e_k] = 1 in the theory (exactly) and in simulation (within 4 SEM)."""
    s = GaussianSetting(T=4, generations=6, workflow=workflow, pi=pi, p=2, spectrum="power:2")
    if workflow != "accumulate-subsample":
        out = predict_gaussian(s)
        np.testing.assert_allclose(np.add(out["by_generation"], out["mean_error"]), 1.0,
                                   rtol=1e-13)
    sim = chains(s, 1000)
    assert_agrees(sim["v"] + sim["e"], np.ones(7))


def test_accumulate_stays_bounded_away_from_zero_and_replace_collapses():
    T, G = 10, 1000
    acc = predict_gaussian(GaussianSetting(T=T, generations=G, workflow="accumulate"))
    rep = predict_gaussian(GaussianSetting(T=T, generations=G, workflow="replace"))
    limit = accumulate_limit(T)  # sin(π/√10)/(π/√10) = 0.8434
    j = np.arange(1, 10**6 + 1, dtype=float)
    assert limit == pytest.approx(np.prod(1 - 1 / (T * j**2)), rel=1e-6)
    v = np.array(acc["by_generation"])
    assert np.all(np.diff(v) < 0) and np.all(v > limit)
    assert v[-1] == pytest.approx(limit, rel=2e-4)  # Σ_{j>1001} 1/(T j²) ≈ 1e-4
    assert rep["test_error"] == pytest.approx(0.9**1001, rel=1e-9) and rep["test_error"] < 1e-40
    assert rep["mean_error"][-1] == pytest.approx(1.0)
    # a simulated replace chain collapses too (almost surely, not only in mean)
    chain = gaussian_one(GaussianSetting(T=T, generations=G), 0)
    assert chain["test_error"] < 1e-10 and chain["by_generation"][0] > 0.1


def test_accumulate_subsample_has_no_law():
    s = GaussianSetting(T=10, generations=3, workflow="accumulate-subsample")
    with pytest.raises(ValueError, match=r"^workflow: accumulate-subsample has no exact law for "
                                         r"Gaussian fitting; use simulation$"):
        predict_gaussian(s)


@pytest.mark.parametrize("workflow, pi", [("replace", None), ("accumulate", None), ("mix", 0.5),
                                          ("accumulate-subsample", None)])
def test_one_chain_is_a_function_of_its_seed(workflow, pi):
    s = GaussianSetting(T=5, generations=4, workflow=workflow, pi=pi, p=4, spectrum="power:0.5")
    out = gaussian_one(s, 2, base_seed=1)
    assert set(out) == {"test_error", "by_generation", "mean_error"}
    assert len(out["by_generation"]) == len(out["mean_error"]) == 5
    assert out["test_error"] == out["by_generation"][-1]
    assert all(isinstance(x, float) and x >= 0 for x in out["by_generation"] + out["mean_error"])
    assert out == gaussian_one(s, 2, base_seed=1) != gaussian_one(s, 3, base_seed=1)
    assert gaussian_one(s.replace(generations=0), 2, base_seed=1)["by_generation"] == \
        out["by_generation"][:1]


def test_fewer_samples_than_dimensions():
    """T − 1 < p: singular fits (rank T − 1) sample and pool fine."""
    for workflow, pi in [("replace", None), ("accumulate", None), ("mix", 0.4),
                         ("accumulate-subsample", None)]:
        out = gaussian_one(GaussianSetting(T=3, generations=5, workflow=workflow, pi=pi, p=6), 0)
        assert np.all(np.isfinite(out["by_generation"])) and out["test_error"] > 0


def test_speed():
    """A chain of 10 generations at T = 100 costs well under a few milliseconds."""
    import time
    s = GaussianSetting(T=100, generations=10, workflow="accumulate", p=3)
    start = time.perf_counter()
    for i in range(100):
        gaussian_one(s, i)
    assert (time.perf_counter() - start) / 100 < 5e-3


@pytest.mark.parametrize("fields, name", [
    ({"T": 1}, "T"), ({"T": 0}, "T"), ({"T": 2.5}, "T"), ({"T": "10"}, "T"),
    ({"T": 10, "generations": -1}, "generations"),
    ({"T": 10, "generations": 100_001}, "generations"),
    ({"T": 10, "workflow": "verify"}, "workflow"),
    ({"T": 10, "pi": 0.5}, "pi"), ({"T": 10, "workflow": "mix"}, "pi"),
    ({"T": 10, "workflow": "mix", "pi": 1.5}, "pi"), ({"T": 10, "workflow": "mix", "pi": -0.1}, "pi"),
    ({"T": 10, "workflow": "mix", "pi": math.nan}, "pi"),
    ({"T": 10, "p": 0}, "p"), ({"T": 10, "p": 2.5}, "p"), ({"T": 10, "p": 20_000}, "p"),
    ({"T": 10, "spectrum": "cubic"}, "spectrum"), ({"T": 10, "spectrum": "power:-1"}, "spectrum"),
    ({"T": 10, "spectrum": "power:1:source=2"}, "spectrum"), ({"T": 10, "spectrum": 3}, "spectrum"),
    ({"T": 10**6, "generations": 1000, "workflow": "accumulate-subsample"}, "T"),
])
def test_bad_settings_are_refused_naming_the_parameter(fields, name):
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        GaussianSetting(**fields)


def test_large_chains_without_rows_are_accepted():
    """Only accumulate-subsample keeps rows: the same size of replace is fine."""
    GaussianSetting(T=10**6, generations=1000, workflow="replace")
    assert GaussianSetting(T=10, workflow="mix", pi=1).pi == 1.0
    assert GaussianSetting(T=10.0, generations=3.0, p=2.0).T == 10


settings_strategy = st.builds(
    GaussianSetting,
    T=st.integers(2, 10**4), generations=st.integers(0, 200),  # a subsample pool <= 1 GiB
    workflow=st.sampled_from(["replace", "accumulate", "accumulate-subsample"]),
    p=st.integers(1, 50), spectrum=st.sampled_from(["isotropic", "power:1", "power:0.37"]),
) | st.builds(GaussianSetting, T=st.integers(2, 10**6), generations=st.integers(0, 200),
              workflow=st.just("mix"), pi=st.floats(0, 1), p=st.integers(1, 50))


@settings(max_examples=60, deadline=None, database=None)
@given(settings_strategy)
def test_round_trip_and_laws_in_the_unit_interval(s):
    assert GaussianSetting.from_dict(s.to_dict()) == s
    if s.workflow == "accumulate-subsample":
        return
    out = predict_gaussian(s)
    v, e = np.array(out["by_generation"]), np.array(out["mean_error"])
    assert len(v) == s.generations + 1 and out["test_error"] == v[-1]
    assert np.all((v > 0) & (v < 1)) and np.all((e > 0) & (e <= 1))
    np.testing.assert_allclose(v + e, 1.0, rtol=1e-9)
    if s.workflow in ("replace", "accumulate") or s.real_rows == 0:
        assert np.all(np.diff(v) <= 0)  # the variance only shrinks without fresh real data
