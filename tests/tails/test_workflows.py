"""The Hutter LLM under replace / accumulate / mix workflows: laws (TW.0)-(TW.3) vs Monte-Carlo."""

import doctest
import functools
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import modelcollapse.tails.workflows as wf
from modelcollapse.config import MAX_COUNT
from modelcollapse.tails.hutter import clean_error, tail_mass
from modelcollapse.tails.transforms import chain_law
from modelcollapse.tails.workflows import (
    TailsWorkflowSetting,
    mix_bounds,
    predict_tails_workflow,
    tails_workflow_one,
)

# β = 2, T <= 1000: items beyond 4096 carry a truncation bias below 1e-8 (reported per run),
# and a 4096-item multinomial is 20 µs, so thousands of seeds cost about a second.
SUPPORT = 1 << 12


@functools.cache
def monte_carlo(setting: TailsWorkflowSetting, seeds: int, support: int = SUPPORT):
    """Per-generation mean, standard error and truncation bound over ``seeds`` chains."""
    runs = [tails_workflow_one(setting, i, support=support) for i in range(seeds)]
    errors = np.array([r["by_generation"] for r in runs])
    return errors.mean(0), errors.std(0, ddof=1) / np.sqrt(seeds), runs[0]["truncation_bound"]


def law(setting: TailsWorkflowSetting) -> np.ndarray:
    return np.array(predict_tails_workflow(setting)["by_generation"])


def test_docstring_examples_run():
    result = doctest.testmod(wf)
    assert result.failed == 0 and result.attempted > 0


# -- (TW.1) accumulate -------------------------------------------------------------------

@pytest.mark.parametrize("mechanism", ["A", "B", "C"])
def test_accumulate_keeps_generation_0_error_on_every_run(mechanism):
    """Exact and pathwise: no block after the first brings an item with its right label."""
    s = TailsWorkflowSetting(beta=2.0, T=300, generations=5, workflow="accumulate", mechanism=mechanism)
    for seed in range(20):
        errors = tails_workflow_one(s, seed, support=SUPPORT)["by_generation"]
        assert errors == [errors[0]] * 6
    out = predict_tails_workflow(s)
    assert out["by_generation"] == [float(clean_error(2.0, 300))] * 6
    assert out["method"].startswith("exact")


def test_accumulate_law_against_monte_carlo():
    s = TailsWorkflowSetting(beta=2.0, T=1000, generations=3, workflow="accumulate")
    mean, sem, bound = monte_carlo(s, 1500)
    assert np.all(np.abs(mean - law(s)) <= 4 * sem + bound)


# -- (TW.2), (TW.3) against Monte-Carlo ----------------------------------------------------

CASES = {
    "replace-B": (TailsWorkflowSetting(beta=2.0, T=1000, generations=6), 2000, SUPPORT),
    "replace-C": (TailsWorkflowSetting(beta=2.0, T=100, generations=6, mechanism="C"), 2000, SUPPORT),
    "mix-B": (TailsWorkflowSetting(beta=2.0, T=1000, generations=6, workflow="mix", pi=0.1), 2000,
              SUPPORT),
    "mix-B-1.5": (TailsWorkflowSetting(beta=1.5, T=1000, generations=4, workflow="mix", pi=0.5), 800,
                  1 << 14),
}


@pytest.mark.parametrize("name", CASES)
def test_law_matches_monte_carlo_at_every_generation(name):
    s, seeds, support = CASES[name]
    mean, sem, bound = monte_carlo(s, seeds, support)
    assert bound < 0.1 * sem.min()
    assert np.all(np.abs(mean - law(s)) <= 4 * sem + bound), ((mean - law(s)) / sem)


def test_the_seeds_would_reject_a_wrong_law():
    """The same Monte-Carlo rejects the laws the synthetic part would give if it did not
    matter: mix as pooled real data, Σ p(1 − p)^(T + k·a), and replace as no collapse."""
    mix, seeds, support = CASES["mix-B"]
    mean, sem, _ = monte_carlo(mix, seeds, support)
    pooled = clean_error(2.0, 1000 + mix.real_samples * np.arange(7.0))
    assert np.all(np.abs(mean - pooled)[1:] > 20 * sem[1:])
    replace, seeds, support = CASES["replace-B"]
    mean, sem, _ = monte_carlo(replace, seeds, support)
    assert np.all(np.abs(mean - mean[0])[1:] > 20 * sem[1:])


def test_replace_b_is_the_mechanism_b_chain_of_transforms():
    """(TW.3) with a = 0 is the existing chain with T0 = T: the same numbers."""
    s = TailsWorkflowSetting(beta=1.5, T=1e4, generations=5)
    chain = [float(chain_law(1.5, "B", k, 1e4).error(1.5, 1e4)) for k in range(1, 6)]
    np.testing.assert_allclose(law(s)[1:], chain, rtol=1e-12)
    assert law(s)[0] == pytest.approx(float(clean_error(1.5, 1e4)), rel=1e-13)


def test_replace_c_closed_form():
    s = TailsWorkflowSetting(beta=2.0, T=50, generations=3, mechanism="C")
    p = 1.0 / np.arange(1, 2_000_001) ** 2 / (np.pi**2 / 6)
    beyond = tail_mass(2.0, p.size)  # unseen beyond 2e6 items, to a relative 1e-4
    brute = [p @ (1 - (1 - (1 - p) ** 50) ** (k + 1)) + beyond for k in range(4)]
    np.testing.assert_allclose(law(s), brute, rtol=1e-6)


# -- orderings -------------------------------------------------------------------------

@pytest.mark.parametrize("mechanism", ["A", "B", "C"])
def test_replace_error_never_falls_on_a_run(mechanism):
    """Under replace the known set can only shrink (S_k ⊆ S_{k−1}), run by run."""
    s = TailsWorkflowSetting(beta=2.0, T=200, generations=8, mechanism=mechanism)
    for seed in range(20):
        errors = np.array(tails_workflow_one(s, seed, support=SUPPORT)["by_generation"])
        assert np.all(np.diff(errors) >= 0)


@pytest.mark.parametrize("mechanism", ["B", "C"])
def test_accumulate_at_most_replace_per_generation(mechanism):
    replace = TailsWorkflowSetting(beta=2.0, T=1000, generations=6, mechanism=mechanism)
    accumulate = replace.replace(workflow="accumulate")
    assert np.all(law(accumulate) <= law(replace))
    assert np.all(np.diff(law(replace)) > 0)
    mean_r, sem_r, _ = monte_carlo(replace, 300)
    mean_a, sem_a, _ = monte_carlo(accumulate, 300)
    assert np.all(mean_a <= mean_r + 4 * np.hypot(sem_a, sem_r))


def test_mix_error_rises_to_a_fixed_point_that_falls_with_pi():
    pis = [0.0, 0.1, 0.3, 0.5, 0.9, 1.0]
    curves = [law(TailsWorkflowSetting(beta=2.0, T=1000, generations=40, workflow="mix", pi=pi))
              for pi in pis]
    last = np.array([c[-1] for c in curves])
    assert np.all(np.diff(last) < 0)  # decreasing in π
    E0 = float(clean_error(2.0, 1000))
    assert last[-1] == pytest.approx(E0, rel=1e-12)  # π = 1: fresh real data every time
    for c in curves[1:-1]:
        assert np.all(np.diff(c) >= -1e-15) and c[-1] > E0  # rises, and stays above E_0
        assert c[-1] == pytest.approx(c[-2], rel=1e-6)  # at its fixed point
    replace = law(TailsWorkflowSetting(beta=2.0, T=1000, generations=40))
    np.testing.assert_array_equal(curves[0], replace)  # π = 0 is replace


def test_mix_with_pi_zero_is_replace_draw_for_draw():
    mix = TailsWorkflowSetting(beta=2.0, T=500, generations=4, workflow="mix", pi=0.0, mechanism="A")
    replace = TailsWorkflowSetting(beta=2.0, T=500, generations=4, mechanism="A")
    for seed in range(3):
        assert tails_workflow_one(mix, seed) == tails_workflow_one(replace, seed)


def test_mix_between_its_exact_bounds():
    s, seeds, support = CASES["mix-B"]
    lower, upper = mix_bounds(s)
    assert np.all(lower <= law(s) + 1e-15) and np.all(law(s) <= upper + 1e-15)
    mean, sem, _ = monte_carlo(s, seeds, support)
    assert np.all(lower - 4 * sem <= mean) and np.all(mean <= upper + 4 * sem)


# -- theory at scale, seeds, sizes -----------------------------------------------------------

def test_theory_at_huge_T_and_many_generations_is_fast_and_finite():
    out = predict_tails_workflow(TailsWorkflowSetting(beta=1.5, T=1e12, generations=500,
                                                      workflow="mix", pi=0.01))
    errors = np.array(out["by_generation"])
    assert errors.shape == (501,) and np.all(np.isfinite(errors)) and np.all(errors > 0)
    assert out["test_error"] == errors[-1]


def test_a_run_depends_only_on_its_seed():
    s = TailsWorkflowSetting(beta=2.0, T=1000, generations=3, workflow="mix", pi=0.2, mechanism="A")
    first = tails_workflow_one(s, 7, base_seed=3, support=SUPPORT)
    assert first == tails_workflow_one(s, 7, base_seed=3, support=SUPPORT)
    assert first != tails_workflow_one(s, 8, base_seed=3, support=SUPPORT)
    assert first != tails_workflow_one(s, 7, base_seed=4, support=SUPPORT)
    json.dumps(first)


def test_default_support_covers_the_whole_chain():
    s = TailsWorkflowSetting(beta=2.0, T=1e9, generations=2, workflow="mix", pi=0.5)
    run = tails_workflow_one(s, 0)
    assert run["support"] >= 1 << 20 and run["truncation_bound"] < 1e-3 * run["test_error"]
    assert abs(run["test_error"] - predict_tails_workflow(s)["test_error"]) < 0.05 * run["test_error"]


# -- validation ------------------------------------------------------------------------------

@pytest.mark.parametrize(("changes", "name"), [
    ({"beta": 1.0}, "beta"),
    ({"T": 0.5}, "T"),
    ({"T": 10.5}, "T"),
    ({"T": 2.0**63}, "T"),
    ({"generations": -1}, "generations"),
    ({"generations": 10**6}, "generations"),
    ({"generations": 1.5}, "generations"),
    ({"workflow": "accumulate-subsample"}, "workflow"),
    ({"workflow": "mix"}, "pi"),
    ({"pi": 0.5}, "pi"),
    ({"workflow": "mix", "pi": 1.5}, "pi"),
    ({"mechanism": "D"}, "mechanism"),
    ({"workflow": "mix", "pi": 0.5, "mechanism": "C"}, "mechanism"),
    ({"workflow": "accumulate", "T": 2.0**61, "generations": 4}, "T"),
])
def test_invalid_settings_name_the_parameter(changes, name):
    base = {"beta": 2.0, "T": 1000, "generations": 2}
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        TailsWorkflowSetting(**{**base, **changes})


@pytest.mark.parametrize("workflow", ["replace", "mix"])
def test_mechanism_a_has_no_law_outside_accumulate(workflow):
    s = TailsWorkflowSetting(beta=2.0, T=100, generations=2, workflow=workflow, mechanism="A",
                             pi=0.5 if workflow == "mix" else None)
    with pytest.raises(ValueError, match=r"^mechanism: .*simulat"):
        predict_tails_workflow(s)
    assert predict_tails_workflow(s.replace(generations=0))["by_generation"] == [
        float(clean_error(2.0, 100))]


def test_simulation_refuses_a_chain_too_long_to_draw():
    s = TailsWorkflowSetting(beta=1.5, T=1e12, generations=100_000, workflow="mix", pi=0.5)
    with pytest.raises(ValueError, match=r"^generations: "):
        tails_workflow_one(s, 0)
    assert MAX_COUNT == 2.0**62


# -- plain data ------------------------------------------------------------------------------

@st.composite
def workflow_settings(draw):
    workflow = draw(st.sampled_from(["replace", "accumulate", "mix"]))
    mechanism = draw(st.sampled_from(["A", "B"] if workflow == "mix" else ["A", "B", "C"]))
    return TailsWorkflowSetting(
        beta=draw(st.floats(1.0, 8.0, exclude_min=True, allow_nan=False)),
        T=float(draw(st.integers(1, 10**15))),
        generations=draw(st.integers(0, 1000)),
        workflow=workflow,
        pi=draw(st.floats(0.0, 1.0)) if workflow == "mix" else None,
        mechanism=mechanism)


@settings(max_examples=100, deadline=None)
@given(workflow_settings())
def test_plain_data_round_trip(s):
    data = s.to_dict()
    assert TailsWorkflowSetting.from_dict(json.loads(json.dumps(data))) == s
    assert TailsWorkflowSetting.from_dict(data) == s
