"""The CLI as a whole: every subcommand registered, and a light start-up."""

import subprocess
import sys

import pytest

from modelcollapse.cli import COMMANDS, build_parser


def test_every_subcommand_has_help():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert set(COMMANDS) == set(sub.choices)
    for name in COMMANDS:
        assert sub.choices[name].format_help().startswith("usage: modelcollapse " + name)


def test_start_up_does_not_import_plotting_or_torch():
    """Heavy libraries are imported by the handlers that need them, not to print --help."""
    code = ("import sys; from modelcollapse.cli import build_parser; build_parser(); "
            "print(sorted(m for m in ('matplotlib', 'torch', 'transformers', 'dask') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_tails_mechanism_choices_match_the_engine():
    from modelcollapse.cli.tails import MECHANISMS
    from modelcollapse.tails.config import MECHANISMS as ENGINE

    assert tuple(MECHANISMS) == tuple(ENGINE)


def test_predict_loads_the_theory_alone():
    """`modelcollapse predict` on a Setting imports neither the Monte-Carlo engine (nor
    scipy through it), the store, plotting, nor the other families (issue: start-up time)."""
    code = ("import sys; from modelcollapse.cli import main; "
            "main(['predict', '--d', '10', '--n', '100', '--p2', '0.1', '--c2', '1', '--json']); "
            "print(sorted(m for m in ('scipy', 'matplotlib', 'duckdb', 'torch', "
            "'modelcollapse.simulate.engine', 'modelcollapse.tails', 'modelcollapse.generations', "
            "'modelcollapse.workflows', 'modelcollapse.reproduce', 'modelcollapse.sweep') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("args", [
    ["reproduce", "classical-scaling", "--quick", "--out", ""],
    ["results", "--store", " "],
    ["sweep", "x.toml", "--store", ""],
    ["experiment", "images", "--quick", "--out", ""],
])
def test_an_empty_path_is_refused_not_read_as_the_current_directory(args, capsys):
    from modelcollapse.cli import main

    with pytest.raises(SystemExit) as stop:
        main(args)
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "an empty path" in err
