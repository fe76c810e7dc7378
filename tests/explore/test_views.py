"""The explorer's views answer with the library's numbers, refuse bad parameters by name,
and their simulated markers agree with their theory curves."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

from modelcollapse import Setting, predict
from modelcollapse.explore import VIEWS
from modelcollapse.explore.jobs import Job
from modelcollapse.explore.params import MAX_CURVES, MAX_D, MAX_POINTS, MAX_SIM_D
from modelcollapse.family import get
from modelcollapse.tails import TailsSetting
from modelcollapse.verbs import predict as predict_any
from modelcollapse.workflows.config import WorkflowSetting


def draw(name: str, **query: str):
    view = VIEWS[name]
    return view.draw(view.values(query))


def curve(figure, name: str) -> np.ndarray:
    trace = next(t for t in figure.traces if t.name == name)
    return np.asarray(trace.y, dtype=float)


@pytest.mark.parametrize("name", [n for n in VIEWS if n != "data"])
def test_every_view_draws_plain_json_at_its_defaults(name):
    figure = draw(name)
    data = json.loads(json.dumps(figure.to_dict(), allow_nan=False))
    assert data["traces"] and data["readout"]
    assert all(len(t["x"]) == len(t["y"]) for t in data["traces"])


def test_smc_curves_and_readout_are_predict():
    figure = draw("smc-n", d="50", p2="0,0.2", c2="2", sigma="0.5", n="3000", points="50")
    ns = np.asarray(figure.traces[0].x)
    assert ns[0] == 1000 and ns[-1] == 1e7 and ns.size == 50
    base = Setting(d=50, n=3000, p2=0.2, c2=2.0, sigma=0.5)
    np.testing.assert_array_equal(curve(figure, "p2 = 0.2"), predict(base, n=ns).test_error)
    assert figure.readout[1] == {"label": "p2 = 0.2", "where": "n = 3000",
                                 "value": predict(base).test_error}


def test_smc_floor_is_p2_squared_c2_and_the_curve_reaches_it():
    figure = draw("smc-n", d="100", p2="0.1", c2="3")
    floor = curve(figure, "floor, p2 = 0.1")
    assert floor == pytest.approx([0.1**2 * 3] * 2)  # SMC eq. (2.19), ridge 0
    assert curve(figure, "p2 = 0.1")[-1] == pytest.approx(floor[0], rel=0.01)  # n = 1e7


def test_power_spectrum_and_random_projections_reach_the_library():
    figure = draw("smc-m", spectrum="power", beta="2", d="300", n="200", m="150", p2="0.3")
    setting = Setting(d=300, n=200, m=150, p2=0.3, model="random-projections", sigma=1.0,
                      spectrum="power:2.0")
    assert figure.readout[0]["value"] == predict(setting).synthetic_penalty


def test_workflow_curves_are_the_family_theory():
    figure = draw("workflows", workflows="replace,mix", d="10", T="30", generations="5",
                  pi="0.3")
    mix = WorkflowSetting(d=10, T=30, generations=5, workflow="mix", pi=0.3)
    np.testing.assert_array_equal(curve(figure, "mix (π = 0.3)"),
                                  predict_any(mix).by_generation)
    verify = draw("workflows", workflows="verify")
    assert not verify.traces and "Simulate" in verify.notes[0]


def test_tails_curves_plateau_at_the_cut_mass():
    figure = draw("tails", beta="2", cuts="50", temperature="", pi="0", Tmax="1e9", points="40",
                  T="1e6")
    setting = TailsSetting(beta=2.0, T=1e6, k=50)
    assert figure.readout[1]["value"] == get("tails").theory(setting)
    k_curve = curve(figure, "top-k, k = 50")
    tail_mass = 1 - np.sum(np.arange(1, 51) ** -2.0) / (np.pi**2 / 6)  # Σ_{i>k} p_i
    assert curve(figure, "plateau, top-k, k = 50")[0] == pytest.approx(tail_mass, rel=1e-9)
    assert k_curve[-1] == pytest.approx(tail_mass, rel=1e-3)


@pytest.mark.parametrize(("name", "query", "message"), [
    ("smc-n", {"d": "abc"}, "d must be a number, got 'abc'"),
    ("smc-n", {"d": str(MAX_D + 1)}, f"d must be <= {MAX_D}"),
    ("smc-n", {"points": str(MAX_POINTS + 1)}, f"points must be <= {MAX_POINTS}"),
    ("smc-n", {"p2": ",".join(["0.1"] * (MAX_CURVES + 1))}, f"p2: at most {MAX_CURVES} values"),
    ("smc-n", {"p2": "0.5,1.5"}, "p2 must be <= 1"),
    ("smc-n", {"n": "0"}, "n must be >= 1"),
    ("smc-n", {"nmin": "1e5", "nmax": "10"}, "nmin: the range must have low < high"),
    ("smc-n", {"sigma": "nan"}, "sigma must be finite"),
    ("smc-n", {"zeta": "1"}, "zeta: not a parameter of the smc-n view"),
    ("smc-n", {"spectrum": "gauss"}, "spectrum must be one of isotropic, power"),
    ("smc-m", {"m": "0"}, "m must be >= 1"),
    ("workflows", {"workflows": "replace,shuffle"}, "workflows: each value must be one of"),
    ("workflows", {"generations": "100000"}, "generations must be <= 200"),
    ("workflows", {"pi": "2"}, "pi must be <= 1"),
    ("tails", {"beta": "0.5"}, "beta"),
    ("tails", {"temperature": "3"}, "temperature must be < beta"),
])
def test_bad_parameters_are_refused_by_name(name, query, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        draw(name, **query)


def test_csv_export_holds_every_point():
    figure = draw("smc-n", p2="0,0.1", points="30")
    rows = list(csv.reader(io.StringIO(figure.to_csv())))
    assert rows[0][:4] == ["curve", "kind", "n (samples)", "test error"]
    assert len(rows) - 1 == sum(len(t.x) for t in figure.traces)
    first = rows[1]
    assert first[0] == "p2 = 0" and float(first[3]) == figure.traces[0].y[0]


def test_simulation_refuses_a_large_d():
    view = VIEWS["smc-n"]
    with pytest.raises(ValueError, match=f"d must be <= {MAX_SIM_D} for a simulation"):
        view.simulation(view.values({"d": str(MAX_SIM_D + 1)}))


@pytest.mark.parametrize(("name", "query"), [
    ("smc-n", {"d": "20", "p2": "0.2", "nmin": "100", "nmax": "1e5"}),
    ("workflows", {"workflows": "replace,mix", "d": "5", "T": "30", "generations": "4"}),
    ("tails", {"cuts": "30", "temperature": "", "pi": "0", "Tmax": "1e5"}),
])
def test_simulated_markers_agree_with_the_theory(name, query):
    view = VIEWS[name]
    job = Job("1", view.simulation(view.values(query)), seeds=24)
    job.run()
    assert job.state == "done" and len(job.markers) == len(job.points)
    for point, marker in zip(job.points, job.markers, strict=True):
        theory = predict_any(point.config)
        expected = np.asarray(theory.test_error if point.curve is None
                              else getattr(theory, point.curve))
        y, sem = np.asarray(marker["y"]), np.asarray(marker["sem"])
        assert np.all(np.abs(y - expected) <= 4 * sem + 1e-3 * expected), (point, marker)
