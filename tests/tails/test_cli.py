"""`modelcollapse tails` command-line contract (issue 6 interface)."""

import json
import subprocess
import sys

import pytest

from modelcollapse.cli import main
from modelcollapse.tails import TailsSetting, test_error


def run_json(capsys, *args: str) -> dict:
    assert main(["tails", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(("args", "setting"), [
    (["--beta", "2", "--T", "1e9", "--k", "100"], TailsSetting(beta=2, T=1e9, k=100)),
    (["--beta", "2", "--T", "1e6", "--top-p", "0.99"], TailsSetting(beta=2, T=1e6, top_p=0.99)),
    (["--beta", "2", "--T", "1e6", "--temperature", "0.5"], TailsSetting(beta=2, T=1e6, temperature=0.5)),
    (["--beta", "2", "--T", "1e8", "--k", "100", "--pi", "0.01"],
     TailsSetting(beta=2, T=1e8, k=100, pi=0.01)),
    (["--beta", "2", "--T", "1e8", "--T0", "1e4"], TailsSetting(beta=2, T=1e8, T0=1e4)),
    (["--beta", "2", "--T", "1e8", "--T0", "1e4", "--generations", "4", "--mechanism", "C"],
     TailsSetting(beta=2, T=1e8, T0=1e4, generations=4, mechanism="C")),
])
def test_exact_matches_the_library(capsys, args, setting):
    out = run_json(capsys, *args)
    assert out["test_error"] == pytest.approx(test_error(setting), rel=1e-12)
    assert out["exact"] is True and "asymptotic_law" in out


def test_claim_values_through_the_cli(capsys):
    assert run_json(capsys, "--beta", "2", "--T", "1e4")["test_error"] == pytest.approx(0.00691, rel=1e-3)
    out = run_json(capsys, "--beta", "2", "--T", "1e9", "--k", "100", "--pi", "0.01")
    assert out["test_error"] == pytest.approx(2.185e-4, rel=1e-3)


def test_simulate_prints_sem(capsys):
    out = run_json(capsys, "--beta", "2", "--T", "1e3", "--k", "100", "--simulate", "--seeds", "4")
    assert out["sem"] > 0 and out["seeds"] == 4 and out["exact"] is False
    assert out["test_error"] == pytest.approx(0.0219, abs=4 * out["sem"])


def test_simulate_seed_is_the_base_seed(capsys):
    args = ["--beta", "2", "--T", "1e3", "--simulate", "--seeds", "3", "--per-seed"]
    default, zero, other = (run_json(capsys, *args, *extra)
                            for extra in ([], ["--seed", "0"], ["--seed", "7"]))
    assert default["seed"] == 0 and default["errors"] == zero["errors"]
    assert other["seed"] == 7 and other["errors"] != default["errors"]


def test_human_table(capsys):
    assert main(["tails", "--beta", "1.5", "--T", "1000"]) == 0
    assert "test_error" in capsys.readouterr().out


@pytest.mark.parametrize(("args", "name"), [
    (["--beta", "0.5", "--T", "10"], "beta"),
    (["--beta", "2", "--T", "10", "--generations", "2"], "mechanism"),
    (["--beta", "2", "--T", "10", "--top-p", "1.5"], "top_p"),
    (["--beta", "2", "--T", "10", "--T0", "5", "--mechanism", "C", "--pi", "0.1"], "pi"),
    (["--beta", "2", "--T", "10", "--simulate", "--seeds", "1"], "seeds"),
])
def test_bad_values_exit_2_with_one_line(capsys, args, name):
    assert main(["tails", *args, "--json"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"modelcollapse tails: error: {name}")


def test_process_exit_status_is_2():
    r = subprocess.run([sys.executable, "-m", "modelcollapse", "tails", "--beta", "1", "--T", "10"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and r.stderr.startswith("modelcollapse tails: error: beta")


@pytest.mark.parametrize("args", [["--beta", "2"], ["--beta", "x", "--T", "1"],
                                  ["--beta", "2", "--T", "1", "--k", "3", "--top-p", "0.5"],
                                  ["--beta", "2", "--T", "1", "--mechanism", "D"]])
def test_argparse_errors_exit_2(args):
    with pytest.raises(SystemExit) as err:
        main(["tails", *args])
    assert err.value.code == 2


def test_simulated_chain_agrees_with_exact(capsys):
    args = ["--beta", "2", "--T", "1e6", "--T0", "1e4", "--generations", "3", "--mechanism", "A"]
    sim = run_json(capsys, *args, "--simulate", "--seeds", "6")
    exact = run_json(capsys, *args)
    tolerance = 4 * sim["sem"] + sim["truncation_bound"]
    assert sim["test_error"] == pytest.approx(exact["test_error"], abs=tolerance)
