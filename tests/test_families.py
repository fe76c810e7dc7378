"""The common checks every registered family passes (scikit-learn's ``check_estimator`` idea):
configuration round trip, the seed rule, in-process == stored, bad input refused.

A new family gets the battery by adding a strategy for its configuration to STRATEGIES and,
if it is cheap, an example to CHEAP; the first test fails until it does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from modelcollapse import GenerationsSetting, Setting, Spectrum, WorkflowSetting, predict, simulate
from modelcollapse.configbase import ConfigBase
from modelcollapse.experiments.gcd import GCDConfig
from modelcollapse.experiments.images_generations_config import ImagesGenerationPoint
from modelcollapse.experiments.lm_config import LMPoint
from modelcollapse.experiments.lm_generations_config import LMGenerationPoint
from modelcollapse.experiments.points import ImagesPoint
from modelcollapse.family import BUILTIN, Family, families, family_of, get, register
from modelcollapse.seeds import seed_generator
from modelcollapse.sweep import LocalBackend, Store, Sweep, run_sweep
from modelcollapse.tails import TailsSetting
from modelcollapse.tails.bigram import BigramSetting
from modelcollapse.tails.memory import MemorySetting
from modelcollapse.tails.workflows import TailsWorkflowSetting
from modelcollapse.workflows.gaussian import GaussianSetting


def _valid(build):
    """Draws of ``build`` that pass validation (invalid combinations are skipped)."""
    @st.composite
    def strategy(draw):
        try:
            return build(draw)
        except ValueError:
            assume(False)
    return strategy()


spectra = st.one_of(st.just("isotropic"), st.floats(0.5, 3).map(lambda b: f"power:{b:g}"),
                    st.tuples(st.floats(0.5, 3), st.floats(0.1, 2)).map(
                        lambda t: f"power:{t[0]:g}:source={t[1]:g}"))
unit = st.floats(0, 1, allow_nan=False)

STRATEGIES = {
    "smc": _valid(lambda draw: Setting(
        d=(d := draw(st.integers(1, 50))), n=draw(st.integers(1, 10**6)), p2=draw(unit),
        c2=draw(st.floats(0, 5)), sigma=draw(st.floats(0, 2)), ridge=draw(st.floats(0, 3)),
        spectrum=draw(st.one_of(spectra, st.just(Spectrum.from_eigenvalues(
            np.linspace(1, 2, d), signal=np.arange(1, d + 1)))) if d > 1 else spectra),
        **draw(st.sampled_from([{}, {"model": "random-projections", "m": 7}, {"n0": d + 5},
                                {"alpha": 0.3}, {"iterations": 3}])))),
    "tails": _valid(lambda draw: TailsSetting(
        beta=draw(st.floats(1.1, 4)), T=draw(st.integers(1, 10**9)),
        **draw(st.sampled_from([{}, {"k": 10}, {"top_p": 0.9}, {"temperature": 0.8},
                                {"T0": 1000.0}, {"generations": 2, "mechanism": "A"},
                                {"k": 100, "pi": 0.1}])))),
    "bigram": _valid(lambda draw: BigramSetting(
        beta=draw(st.floats(1.1, 4)), T=draw(st.integers(1, 10**6)),
        k=draw(st.none() | st.integers(1, 50)), contexts=draw(st.integers(1, 4096)))),
    "memory": _valid(lambda draw: MemorySetting(
        beta=draw(st.floats(1.1, 4)), T=draw(st.integers(1, 10**6)), d=draw(st.integers(1, 64)),
        storage=draw(st.sampled_from(["frequency", "seen", "top"])))),
    "generations": _valid(lambda draw: GenerationsSetting(
        d=draw(st.integers(1, 40)), T=draw(st.integers(1, 500)),
        T0=draw(st.integers(1, 500) | st.tuples(st.integers(1, 500), st.integers(1, 500))),
        generations=2, sigma=draw(st.floats(0, 2)), ridge=draw(st.floats(0, 2) | st.just("adaptive")),
        spectrum=draw(st.sampled_from(["isotropic", "power:2"])))),
    "images": _valid(lambda draw: ImagesPoint(
        n=draw(st.integers(1, 10**5)), p2=draw(unit), model=draw(st.sampled_from(
            ["random-features", "two-layer"])), dataset=draw(st.sampled_from(["digits", "mnist"])),
        ridge=draw(st.floats(1e-6, 1)))),
    "lm": _valid(lambda draw: LMPoint(size=draw(st.sampled_from(["micro", "tiny"])),
                                      p2=draw(unit), steps=draw(st.integers(1, 100)))),
    "gcd": _valid(lambda draw: GCDConfig(generations=draw(st.integers(0, 5)), pi=draw(unit))),
    "lm-generations": _valid(lambda draw: LMGenerationPoint(
        size=draw(st.sampled_from(["micro", "tiny"])), generation=draw(st.integers(0, 20)),
        blocks=draw(st.integers(1, 10**5)), epochs=draw(st.floats(0.1, 10)),
        **draw(st.sampled_from([{"workflow": "replace"}, {"workflow": "accumulate"},
                                {"workflow": "accumulate-subsample"},
                                {"workflow": "mix", "pi": 0.3}])))),
    "images-generations": _valid(lambda draw: ImagesGenerationPoint(
        n=draw(st.integers(1, 10**4)), generation=draw(st.integers(0, 20)),
        model=draw(st.sampled_from(["random-features", "two-layer"])),
        dataset=draw(st.sampled_from(["digits", "fashion-mnist"])),
        **draw(st.sampled_from([{"workflow": "replace"}, {"workflow": "accumulate"},
                                {"workflow": "mix", "pi": 0.5}])))),
    "workflow": _valid(lambda draw: WorkflowSetting(
        d=draw(st.integers(1, 40)), T=draw(st.integers(1, 500)), generations=draw(st.integers(0, 5)),
        sigma=draw(st.floats(0, 2)), ridge=draw(st.floats(0, 2)),
        design=draw(st.sampled_from(["fresh", "fixed"])), spectrum=draw(spectra),
        **draw(st.sampled_from([{"workflow": "replace"}, {"workflow": "accumulate"},
                                {"workflow": "accumulate-subsample"},
                                {"workflow": "mix", "pi": 0.25},
                                {"workflow": "verify", "tau": 1.5},
                                {"workflow": "verify", "tau": float("inf")},
                                {"workflow": "verify", "tau": 2.0, "verifier": "learned",
                                 "nv": 30}])))),
    "tails-workflow": _valid(lambda draw: TailsWorkflowSetting(
        beta=draw(st.floats(1.1, 4)), T=draw(st.integers(1, 10**9)),
        generations=draw(st.integers(0, 20)), mechanism=draw(st.sampled_from(["A", "B", "C"])),
        **draw(st.sampled_from([{"workflow": "replace"}, {"workflow": "accumulate"},
                                {"workflow": "mix", "pi": 0.2}])))),
    "gaussian": _valid(lambda draw: GaussianSetting(
        T=draw(st.integers(2, 10**4)), generations=draw(st.integers(0, 50)), p=draw(st.integers(1, 8)),
        spectrum=draw(st.sampled_from(["isotropic", "power:1.5"])),
        **draw(st.sampled_from([{"workflow": "replace"}, {"workflow": "accumulate"},
                                {"workflow": "accumulate-subsample"},
                                {"workflow": "mix", "pi": 0.3}])))),
}

# Families whose per-seed run takes milliseconds: checked end to end through a real sweep.
CHEAP = {
    "smc": Setting(d=20, n=500, p2=0.3, c2=1.0, spectrum="power:1.5"),
    "tails": TailsSetting(beta=2.0, T=1e4, k=30, pi=0.1),
    "bigram": BigramSetting(beta=2.0, T=1e4, contexts=1 << 10, vocab=1 << 8),
    "memory": MemorySetting(beta=2.0, T=1e3, d=16, items=256),
    "generations": GenerationsSetting(d=8, T=30, T0=(20, 12), generations=2, ridge=0.1),
    "workflow": WorkflowSetting(d=8, T=30, generations=3, workflow="mix", pi=0.5, ridge=0.1),
    "gaussian": GaussianSetting(T=20, generations=5, workflow="accumulate", p=3),
    "tails-workflow": TailsWorkflowSetting(beta=2.0, T=1e3, generations=3, workflow="mix", pi=0.3),
}


def test_every_builtin_family_is_covered_by_the_common_checks():
    builtin = {n for n, f in families().items() if f.run_one.__module__.split(".")[0] == "modelcollapse"}
    assert builtin == set(STRATEGIES)
    assert len(BUILTIN) == 5  # the modules that register them


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_configuration_round_trips_through_plain_data(name):
    family = get(name)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
    @given(STRATEGIES[name])
    def check(config):
        assert family_of(config) is family
        plain = config.to_dict()
        assert family.config.from_dict(plain) == config
        assert family.config.from_dict(json.loads(json.dumps(plain))) == config  # JSON types only

    check()


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_bad_input_is_a_value_error_naming_the_field(name):
    family = get(name)
    with pytest.raises(ValueError, match="^colour: not a field of"):
        family.config.from_dict({"colour": 1})
    with pytest.raises(ValueError, match=f"^setting: the {name} family takes"):
        family.run("not a config", 0, 0)
    with pytest.raises(ValueError, match="^method: "):
        family.run(family.config.from_dict(_example(name).to_dict()), 0, 0, method="bogus")


def _example(name):
    return CHEAP.get(name) or {"images": ImagesPoint(n=10), "lm": LMPoint(),
                               "gcd": GCDConfig(), "lm-generations": LMGenerationPoint(),
                               "images-generations": ImagesGenerationPoint()}[name]


@pytest.mark.parametrize("name", sorted(CHEAP))
def test_seed_rule_in_process_equals_the_stored_sweep_bitwise(name, tmp_path):
    """simulate(config, K, seed=b) and a stored sweep of K seeds with base seed b make the
    same run_one calls, whichever worker runs them."""
    config = CHEAP[name]
    in_process = simulate(config, seeds=4, seed=7)
    again = simulate(config, seeds=4, seed=7, workers=2)
    sweep = Sweep(f"{name}-seeds", (config,), seeds=4, base_seed=7)
    with Store(tmp_path / "r.duckdb") as store:
        summary = run_sweep(sweep, store, LocalBackend(2), progress=False)
        stored = [r["test_error"] for r in store.rows(sweep.name)]
        assert summary.ran == 4 and {r["family"] for r in store.rows(sweep.name)} == {name}
    assert list(in_process.errors) == stored == list(again.errors)
    assert in_process.family == name and in_process.seeds == 4 and in_process.seed == 7
    assert len(set(stored)) == 4  # four different draws
    assert simulate(config, seeds=1, seed=8).errors[0] not in stored


@pytest.mark.parametrize("name", sorted(n for n in CHEAP if get(n).predict is not None))
def test_theory_and_simulation_answer_the_same_configuration(name):
    config = CHEAP[name]
    theory, sim = predict(config), simulate(config, seeds=200)
    assert theory.family == sim.family == name and theory.seeds == 0 and sim.sem > 0
    assert abs(sim.test_error - theory.test_error) < 4 * sim.sem + 0.03 * theory.test_error


# -- a family defined here, in the tests: one registration line is all it takes ------------
@dataclass(frozen=True)
class Coin(ConfigBase):
    """A coin of bias p thrown n times; the test error is the squared error of the frequency."""

    p: float
    n: int = 100


def coin_one(config: Coin, seed_index: int, base_seed: int = 0) -> float:
    heads = seed_generator(base_seed, seed_index).binomial(config.n, config.p)
    return (heads / config.n - config.p) ** 2


def coin_theory(config: Coin) -> float:
    return config.p * (1 - config.p) / config.n


# registered at import, so that a sweep worker unpickling a Coin registers it too
COIN = register(Family("test-coin", Coin, coin_one, predict=coin_theory))


def test_a_family_defined_in_the_tests_runs_everywhere(tmp_path):
    coin = COIN
    config = Coin(p=0.3, n=50)
    assert family_of(config) is coin and predict(config).test_error == pytest.approx(0.0042)
    sweep = Sweep.from_dict({"name": "coins", "setting": "test-coin", "seeds": 3,
                             "base": {"n": 50}, "grid": {"p": [0.1, 0.3]}})
    assert [s.p for s in sweep.settings] == [0.1, 0.3]
    with Store(tmp_path / "r.duckdb") as store:
        run_sweep(sweep, store, LocalBackend(1), progress=False)
        points = store.points("coins")
    assert [p.setting() for p in points] == list(sweep.settings)
    assert list(points[1].values) == list(simulate(config, seeds=3).errors)
    with pytest.raises(ValueError, match="^family: 'test-coin' .* clashes"):
        register(Family("test-coin", Coin, coin_one))


@pytest.mark.parametrize(("family", "items", "message"), [
    ("bigram", ["beta=2", "T=1e30"], "^T must be <= "),
    ("bigram", ["beta=2", "T=10", "contexts=1e12"], "^contexts: .* would need .*, more than .* memory limit"),
    ("memory", ["beta=2", "T=1e4", "d=1e9"], "^d: .* would need .*, more than .* memory limit"),
    ("gcd", ["train_size=1e12"], "^train_size: .* would need .*, more than .* memory limit"),
    # values whose squares or powers overflow: refused by name, not a silent inf or NaN
    ("tails", ["beta=1e300", "T=1e4"], "^beta must be <= 64"),
    ("tails-workflow", ["beta=100", "T=1e4"], "^beta must be <= 64"),
    ("smc", ["d=10", "n=100", "sigma=1e200"], "^sigma must be <= 1e"),
    ("workflow", ["d=10", "T=100", "sigma=1e200"], "^sigma must be <= 1e"),
    ("workflow", ["d=1e5", "T=100"], "^d: .* would need .*, more than .* memory limit"),
])
def test_huge_values_are_refused_before_anything_is_allocated(family, items, message):
    from modelcollapse.cli.common import family_config

    with pytest.raises(ValueError, match=message):
        family_config(get(family), items)


def test_an_in_process_run_holds_at_most_a_million_seeds():
    with pytest.raises(ValueError, match="^seeds must be <= 1e\\+06"):
        simulate(CHEAP["tails"], seeds=10**12)
