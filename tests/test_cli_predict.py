"""`modelcollapse predict` command-line contract."""

import json
import subprocess
import sys

import pytest

from modelcollapse.cli import main


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "modelcollapse", *args],
                          capture_output=True, text=True, timeout=60)


def test_json_output_has_the_contract_keys(capsys):
    assert main(["predict", "--d", "500", "--n", "1000", "--p2", "0.1", "--c2", "1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    for key in ("test_error", "bias", "variance", "synthetic_penalty", "kappa"):
        assert isinstance(out[key], float)
    assert out["test_error"] == pytest.approx(1.1)


def test_random_projections_json(capsys):
    args = ["predict", "--model", "random-projections", "--d", "2000", "--n", "1000", "--m", "1200",
            "--p2", "0.2", "--c2", "1", "--sigma", "0.5", "--json"]
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["test_error"] == pytest.approx(5.58)


def test_human_table(capsys):
    assert main(["predict", "--d", "50", "--n", "100", "--p2", "0.5", "--c2", "1",
                 "--spectrum", "power:1.5", "--ridge", "0.01"]) == 0
    out = capsys.readouterr().out
    assert "test_error" in out and "synthetic_penalty" in out


@pytest.mark.parametrize(("args", "name"), [
    (["--d", "0", "--n", "10", "--p2", "0.1", "--c2", "1"], "d"),
    (["--d", "5", "--n", "-10", "--p2", "0.1", "--c2", "1"], "n"),
    (["--d", "5", "--n", "10", "--p2", "1.1", "--c2", "1"], "p2"),
    (["--d", "5", "--n", "10", "--p2", "0.1", "--c2", "-1"], "c2"),
    (["--d", "5", "--n", "10", "--p2", "0.1", "--c2", "1", "--sigma", "-1"], "sigma"),
    (["--d", "5", "--n", "10", "--p2", "0.1", "--c2", "1", "--ridge", "-1"], "ridge"),
    (["--d", "5", "--n", "10", "--p2", "0.1", "--c2", "1", "--model", "mlp"], "--model"),
    (["--d", "5", "--n", "10", "--p2", "0.1", "--c2", "1", "--spectrum", "zipf"], "spectrum"),
    (["--d", "5", "--n", "10", "--p2", "0.1", "--c2", "1", "--model", "random-projections"], "m"),
    (["--d", "5", "--n", "10", "--m", "0", "--p2", "0.1", "--c2", "1",
      "--model", "random-projections"], "m"),
    (["--d", "five", "--n", "10", "--p2", "0.1", "--c2", "1"], "--d"),
    (["--d", "5", "--n", "10", "--p2", "x", "--c2", "1"], "--p2"),
])
def test_bad_input_is_one_line_and_exit_2(args, name):
    proc = run("predict", *args)
    assert proc.returncode == 2
    last = proc.stderr.strip().splitlines()[-1]
    assert name in last and "Traceback" not in proc.stderr


def test_divergence_prints_null_and_a_note(capsys):
    assert main(["predict", "--d", "100", "--n", "100", "--p2", "0.1", "--c2", "1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["test_error"] is None and "interpolation" in out["note"]
