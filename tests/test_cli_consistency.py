"""One command line: --version, --no-progress and the terminal rule, --workers, concise output."""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import sys

import numpy as np
import pytest

from modelcollapse import Setting, predict, simulate
from modelcollapse.cli import build_parser, main
from modelcollapse.cli.common import show_progress, worker_count

SMC = ["--d", "20", "--n", "100", "--p2", "0.2", "--c2", "1"]


def _options(argv: list[str]) -> dict[str, argparse.Action]:
    """The options of the (sub)command ``argv`` names, by flag."""
    parser = build_parser(argv)
    for name in argv:
        action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = action.choices[name]
    return {flag: a for a in parser._actions for flag in a.option_strings}


def test_version_comes_from_the_package_metadata(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out == f"modelcollapse {importlib.metadata.version('modelcollapse')}\n"


PROGRESS = [["simulate"], ["sweep"], ["reproduce"], ["experiment", "images"],
            ["experiment", "lm"], ["tails"], ["workflow"]]


@pytest.mark.parametrize("argv", PROGRESS, ids=" ".join)
def test_every_command_with_progress_bars_takes_no_progress(argv):
    assert "--no-progress" in _options(argv)


@pytest.mark.parametrize("argv", [["simulate"], ["sweep"], ["reproduce"],
                                  ["experiment", "images"], ["experiment", "lm"]], ids=" ".join)
def test_every_workers_option_defaults_to_all_cores(argv):
    workers = _options(argv)["--workers"]
    assert workers.default is None and "default: all CPU cores" in workers.help


def test_worker_count_is_all_cores_capped_there():
    cores = os.cpu_count() or 1
    assert worker_count(None) == cores and worker_count(10 * cores) == cores
    assert worker_count(1) == 1


def test_progress_bars_only_on_a_terminal_and_never_with_no_progress(monkeypatch):
    for tty in (True, False):
        monkeypatch.setattr(sys.stderr, "isatty", lambda tty=tty: tty)
        assert show_progress(argparse.Namespace(no_progress=False)) is tty
        assert show_progress(argparse.Namespace(no_progress=True)) is False


def test_simulate_without_a_terminal_draws_no_bar_and_json_is_concise(capsys):
    assert main(["simulate", *SMC, "--seeds", "40", "--json"]) == 0
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert err == "" and "errors" not in data and data["seeds"] == 40
    assert main(["simulate", *SMC, "--seeds", "40", "--json", "--per-seed"]) == 0
    full = json.loads(capsys.readouterr().out)
    assert len(full["errors"]) == 40
    assert np.mean(full["errors"]) == pytest.approx(data["test_error"], rel=1e-12)


@pytest.mark.parametrize("argv", [
    ["tails", "--beta", "2", "--T", "1000", "--k", "100", "--simulate", "--seeds", "3"],
    ["workflow", "--workflow", "replace", "--d", "5", "--T", "20", "--generations", "2",
     "--simulate", "--seeds", "3"]], ids=lambda a: a[0])
def test_per_seed_values_only_behind_the_flag(capsys, argv):
    assert main([*argv, "--json"]) == 0
    assert "errors" not in json.loads(capsys.readouterr().out)
    assert main([*argv, "--json", "--per-seed"]) == 0
    assert len(json.loads(capsys.readouterr().out)["errors"]) == 3
    theory_only = [a for a in argv if a not in ("--simulate", "--seeds", "3")]
    assert main([*theory_only, "--per-seed"]) == 2
    assert "--per-seed: applies with --simulate only" in capsys.readouterr().err


def test_a_result_repr_summarises_the_per_seed_values():
    result = simulate(Setting(d=20, n=100, p2=0.2), seeds=50)
    text = repr(result)
    assert "errors=<50 per-seed values>" in text and "seeds=50" in text
    assert repr(float(result.errors[7])) not in text and len(text) < 300


def test_predict_with_n0_prints_the_derived_c2_and_refuses_c2(capsys):
    base = ["predict", "--d", "100", "--n", "1000", "--p2", "0.1"]
    assert main([*base, "--n0", "200", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["c2"] == pytest.approx(100 / (200 - 100 - 1))  # sigma^2 d / (n0 - d - 1)
    # isotropic: the OLS generator's answer is that of its c² given directly
    given = predict(Setting(d=100, n=1000, p2=0.1, c2=out["c2"])).test_error
    assert out["test_error"] == pytest.approx(given, rel=1e-12)
    assert main([*base, "--n0", "200", "--c2", "5"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--c2: with --n0 the synthetic-label quality is derived" in err


def test_the_missing_extra_error_names_both_install_commands(monkeypatch, capsys, tmp_path):
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` fails as if not installed
    assert main(["experiment", "lm", "--quick", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "pip install -e '.[nn]' (from a clone) or pip install 'modelcollapse[nn]'" in err

