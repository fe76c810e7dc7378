"""`modelcollapse generations` command-line contract."""

import json
import subprocess
import sys

import pytest

from modelcollapse.cli import main

CLAIM1 = ["generations", "--d", "40", "--T", "100", "--T0", "120", "--sigma", "0.5", "--sigma0", "0.7"]


def test_json_exact(capsys):
    assert main([*CLAIM1, "--generations", "3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["test_error"] == pytest.approx(0.9138, abs=1e-4)
    assert out["clean_error"] == pytest.approx(0.1695, abs=1e-4)
    assert "exact" in out["method"] and "sem" not in out


def test_json_simulated_has_sem(capsys):
    assert main([*CLAIM1, "--generations", "3", "--simulate", "--seeds", "400", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["seeds"] == 400 and out["sem"] > 0
    assert abs(out["test_error"] - out["predicted_test_error"]) < 3 * out["sem"]


def test_adaptive_ridge_reports_the_chosen_ridge(capsys):
    args = ["generations", "--d", "100", "--T", "200", "--T0", "400", "--generations", "5",
            "--sigma", "0.5", "--sigma0", "0.5", "--ridge", "adaptive", "--json"]
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ridge"] == pytest.approx(0.379, rel=0.015)  # TG §B.6 claim 6
    assert out["test_error"] == pytest.approx(0.412, abs=1e-3)


def test_power_law_with_source_and_table(capsys):
    assert main(["generations", "--d", "300", "--T", "100", "--T0", "600", "--generations", "2",
                 "--spectrum", "power:2", "--source", "0.5", "--ridge", "0.001"]) == 0
    out = capsys.readouterr().out
    assert "test_error" in out and "synthetic_variance" in out


def test_divergence_is_null_with_a_note(capsys):
    assert main(["generations", "--d", "40", "--T", "41", "--T0", "100", "--generations", "1",
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["test_error"] is None and "diverges" in out["note"]


BASE = {"--d": "10", "--T": "30", "--T0": "40", "--generations": "2"}


@pytest.mark.parametrize(("override", "flags", "name"), [
    ({"--d": "0"}, [], "d"), ({"--sigma": "-1"}, [], "sigma"), ({"--ridge": "-0.5"}, [], "ridge"),
    ({"--source": "0.5"}, [], "source"), ({"--spectrum": "zipf"}, [], "spectrum"),
    ({"--seeds": "1"}, ["--simulate"], "seeds"),
])
def test_bad_input_is_one_line_naming_the_parameter(override, flags, name, capsys):
    opts = {**BASE, **override}
    assert main(["generations", *[x for item in opts.items() for x in item], *flags]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and f"error: {name}" in lines[0]


def test_exit_status_from_the_shell():
    proc = subprocess.run([sys.executable, "-m", "modelcollapse", *CLAIM1, "--generations", "1",
                           "--ridge", "lots"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "adaptive" in proc.stderr
