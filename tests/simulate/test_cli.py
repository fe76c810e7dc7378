"""``modelcollapse simulate`` (cli/simulate.py): the contract shared with ``predict``."""

import json
import sys

import pytest

from modelcollapse import Setting, verbs
from modelcollapse.cli import main

ARGS = ["--d", "30", "--n", "200", "--p2", "0.2", "--c2", "1"]


def _run(capsys, argv):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_json_output_is_one_object_comparable_with_predict(capsys):
    code, out, err = _run(capsys, ["simulate", *ARGS, "--seeds", "5", "--seed", "3", "--json"])
    assert code == 0 and err == ""
    result = json.loads(out)
    assert {"test_error", "sem", "seeds", "method", "seconds"} <= set(result)
    assert result["seeds"] == 5 and result["seed"] == 3 and result["method"] == "conditional"
    code, out, _ = _run(capsys, ["predict", *ARGS, "--json"])
    theory = json.loads(out)
    shared = {k for k in theory if k in result and k not in ("test_error", "method")}
    assert {"d", "n", "p2", "c2", "sigma", "ridge", "model", "spectrum"} <= shared
    assert all(theory[k] == result[k] for k in shared)


def test_random_projections_and_options(capsys):
    code, out, _ = _run(capsys, ["simulate", "--model", "random-projections", "--m", "20", *ARGS,
                                 "--ridge", "0.1", "--spectrum", "power:1.5", "--method", "direct",
                                 "--estimator", "sampled", "--seeds", "3", "--iterations", "2",
                                 "--json", "--per-seed"])
    result = json.loads(out)
    assert code == 0 and result["method"] == "direct" and result["iterations"] == 2
    assert len(result["errors"]) == 3 and result["test_error"] > 0


@pytest.mark.parametrize(("argv", "name"), [
    (["--d", "30", "--n", "200", "--p2", "1.5", "--c2", "1"], "p2"),
    (["--model", "random-projections", *ARGS], "m"),
    ([*ARGS, "--seeds", "0"], "seeds"),
    ([*ARGS, "--spectrum", "cubic"], "spectrum"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, argv, name):
    code, out, err = _run(capsys, ["simulate", *argv, "--json"])
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and name in err and "Traceback" not in err


@pytest.mark.parametrize("flag", [["--method", "exact"], ["--method", "conditional"],
                                  ["--estimator", "exact"]])
def test_unknown_method_or_estimator_is_rejected_by_argparse(capsys, flag):
    with pytest.raises(SystemExit) as exit_info:
        main(["simulate", *ARGS, *flag])
    out, err = capsys.readouterr()
    assert exit_info.value.code == 2 and out == ""
    assert err.count("\n") == 1 and flag[0] in err and "Traceback" not in err


@pytest.mark.parametrize(("flags", "method"), [
    ([], "conditional"), (["--estimator", "conditional"], "conditional"),
    (["--method", "sufficient"], "conditional"), (["--method", "direct"], "direct-conditional"),
    (["--estimator", "sampled"], "sufficient"),
    (["--estimator", "sampled", "--method", "direct"], "direct"),
    (["--estimator", "sampled", "--method", "sufficient"], "sufficient"),
])
def test_estimator_and_method_pick_the_engine_method(capsys, flags, method):
    code, out, _ = _run(capsys, ["simulate", *ARGS, "--seeds", "3", "--json", "--per-seed", *flags])
    result = json.loads(out)
    assert code == 0 and result["method"] == method
    assert result["errors"] == verbs.simulate(Setting(d=30, n=200, p2=0.2, c2=1.0), seeds=3,
                                              method=method).errors.tolist()


def test_estimator_is_refused_for_other_families(capsys):
    code, out, err = _run(capsys, ["simulate", "tails", "--set", "beta=2", "--set", "T=1e3",
                                   "--estimator", "sampled"])
    assert code == 2 and out == "" and err.count("\n") == 1 and "--estimator" in err


def test_progress_bar_on_a_terminal_stderr_unless_no_progress(capsys, monkeypatch):
    monkeypatch.setattr(verbs, "PROGRESS_DELAY", 0.0)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code, out, err = _run(capsys, ["simulate", *ARGS, "--seeds", "3", "--json"])
    assert code == 0 and "simulate smc (conditional)" in err and "test_error" in json.loads(out)
    code, out, err = _run(capsys, ["simulate", *ARGS, "--seeds", "3", "--no-progress"])
    assert code == 0 and err == "" and "test_error" in out
