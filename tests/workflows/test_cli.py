"""`modelcollapse workflow` command-line contract (checked exactly)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from modelcollapse.cli import main
from modelcollapse.workflows.theory import accumulate_fresh_law, replace_law

BASE = ["workflow", "--d", "20", "--T", "50", "--generations", "4"]


def run_json(capsys, *args: str) -> dict:
    assert main([*BASE, *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_theory_prints_the_error_of_every_generation(capsys):
    out = run_json(capsys, "--workflow", "accumulate")
    assert out["by_generation"] == pytest.approx(accumulate_fresh_law(20, 50, 4, 1.0).tolist())
    assert out["test_error"] == out["by_generation"][-1]
    assert len(out["by_generation"]) == 5 and "sem" not in out
    assert isinstance(out["test_error"], float)


def test_simulation_adds_the_standard_error(capsys):
    out = run_json(capsys, "--workflow", "replace", "--simulate", "--seeds", "400", "--seed", "3")
    law = replace_law(20, 50, 4, 1.0)
    assert len(out["by_generation"]) == 5 and out["sem"] > 0 and out["seeds"] == 400
    assert abs(out["test_error"] - law[-1]) < 4 * out["sem"]


@pytest.mark.parametrize("extra", [
    ["--workflow", "mix", "--pi", "0.4", "--ridge", "0.1", "--spectrum", "power:1.5"],
    ["--workflow", "verify", "--tau", "inf", "--simulate", "--seeds", "3"],
    ["--workflow", "verify", "--tau", "1", "--verifier", "learned", "--nv", "40",
     "--simulate", "--seeds", "3"],
    ["--workflow", "accumulate-subsample", "--design", "fixed", "--simulate", "--seeds", "3"],
])
def test_every_workflow_answers(capsys, extra):
    out = run_json(capsys, *extra)
    assert len(out["by_generation"]) == 5 and out["test_error"] > 0


@pytest.mark.parametrize(("args", "parameter"), [
    (["--workflow", "mix", "--pi", "1.5"], "pi"),
    (["--workflow", "mix", "--pi", "-0.1"], "pi"),
    (["--workflow", "mix"], "pi"),
    (["--workflow", "replace", "--pi", "0.5"], "pi"),
    (["--workflow", "mix", "--pi", "0.5", "--tau", "1"], "tau"),
    (["--workflow", "replace", "--verifier", "oracle"], "verifier"),
    (["--workflow", "sideways"], "workflow"),
    (["--workflow", "replace", "--design", "rotated"], "design"),
    (["--workflow", "verify", "--tau", "0"], "tau"),
    (["--workflow", "accumulate-subsample"], "workflow"),  # simulation only: no theory
    (["--workflow", "accumulate", "--ridge", "0.5"], "ridge"),
])
def test_bad_input_is_one_line_naming_the_parameter(capsys, args, parameter):
    assert main([*BASE, *args, "--json"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and err.startswith("modelcollapse workflow: error: ")
    assert err.removeprefix("modelcollapse workflow: error: ").startswith(parameter)


@pytest.mark.parametrize(("flag", "value"), [("--generations", "-1"), ("--T", "0")])
def test_bad_sizes_are_refused(capsys, flag, value):
    args = ["workflow", "--workflow", "replace", "--d", "5", "--T", "50", "--generations", "2"]
    args[args.index(flag) + 1] = value
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and flag.lstrip("-") in err


def test_a_malformed_number_is_one_line_too():
    proc = subprocess.run([sys.executable, "-m", "modelcollapse", *BASE, "--workflow", "mix",
                           "--pi", "half"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "--pi" in proc.stderr


def test_a_table_without_json(capsys):
    assert main([*BASE, "--workflow", "replace"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("modelcollapse workflow (replace, G = 4)") and "by_generation" in out


@pytest.mark.parametrize("command", [
    [*BASE, "--workflow", "replace"],
    ["generations", "--d", "5", "--T", "50", "--T0", "50", "--generations", "1"],
    ["tails", "--beta", "2", "--T", "1e4"],
])
@pytest.mark.parametrize("flag", [["--seeds", "50"], ["--seed", "3"]])
def test_seeds_without_simulate_are_refused_not_ignored(capsys, command, flag):
    assert main([*command, *flag]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and f"{flag[0]}: applies with --simulate only" in err
