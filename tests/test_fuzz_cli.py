"""Every subcommand's parser and validation over extreme values (issue 17).

Table-driven: each case is a valid, fast command line with one value replaced by an extreme
one (huge, tiny, NaN, inf, negative, empty, the wrong type, control characters). Every case
must end in exit status 0 or 2, with no traceback and at most one line on stderr, within
a time bound, writing nothing outside the test's directory. The cases that would allocate
by the user's sizes also run in a child process under a 4 GiB address-space limit, and a
long run stops cleanly on SIGINT.

Run: ``python -m pytest -q -p no:cacheprovider tests/test_fuzz_cli.py``
"""

from __future__ import annotations

import contextlib
import io
import os
import resource
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

from modelcollapse.cli import main

# One extreme value of each kind; every flag and field below is tried with each.
EXTREMES = ("0", "-1", "1e-320", "1.5", "1e308", "-1e308", "nan", "inf", "-inf", "", "abc",
            "\x1b[31m")
SECONDS = 30  # the most one in-process case may take
LIMIT = 4 * 2**30  # address space of a child process

PREDICT = ["predict", "--d", "10", "--n", "100", "--p2", "0.1", "--c2", "1"]
SIMULATE = ["simulate", "--d", "10", "--n", "100", "--p2", "0.1", "--c2", "1", "--seeds", "2",
            "--workers", "1", "--no-progress"]
TAILS = ["tails", "--beta", "2", "--T", "1e4"]
GENERATIONS = ["generations", "--d", "10", "--T", "100", "--T0", "100", "--generations", "2"]
WORKFLOW = ["workflow", "--workflow", "mix", "--pi", "0.5", "--d", "10", "--T", "100",
            "--generations", "2"]


def _with(base: list[str], flag: str, value: str) -> list[str]:
    """``base`` with ``flag``'s value replaced by ``value`` (appended if absent)."""
    argv = list(base)
    if flag in argv:
        argv[argv.index(flag) + 1] = value
    else:
        argv += [flag, value]
    return argv


def _flag_cases() -> list[list[str]]:
    tables = [
        (PREDICT, ["--d", "--n", "--m", "--p2", "--c2", "--sigma", "--ridge", "--spectrum",
                   "--n0", "--alpha", "--iterations"]),
        (SIMULATE, ["--d", "--n", "--p2", "--c2", "--sigma", "--ridge", "--spectrum", "--n0",
                    "--alpha", "--iterations", "--seeds", "--seed", "--method"]),
        (TAILS, ["--beta", "--T", "--k", "--top-p", "--temperature", "--T0", "--pi",
                 "--generations"]),
        ([*TAILS, "--simulate", "--seeds", "2", "--no-progress"], ["--T", "--seeds", "--seed"]),
        (GENERATIONS, ["--d", "--T", "--T0", "--generations", "--sigma", "--sigma0", "--ridge",
                       "--r2", "--spectrum"]),
        ([*GENERATIONS, "--simulate", "--seeds", "2"], ["--seeds", "--d", "--generations"]),
        (WORKFLOW, ["--d", "--T", "--generations", "--pi", "--sigma", "--ridge", "--design",
                    "--spectrum"]),
        (["workflow", "--workflow", "verify", "--d", "10", "--T", "100", "--generations", "2",
          "--tau", "1"], ["--tau", "--nv"]),
    ]
    cases = [_with(base, flag, value) for base, flags in tables for flag in flags
             for value in EXTREMES]
    families = [("predict", "tails", ["beta=2", "T=1e4"], ["beta", "T", "k"]),
                ("simulate", "tails", ["beta=2", "T=1e4"], ["beta", "T", "k"]),
                ("predict", "generations", ["d=10", "T=100", "T0=100"], ["d", "generations"]),
                ("predict", "workflow", ["d=10", "T=100", "workflow=replace"], ["d", "T"])]
    for verb, family, fields, keys in families:
        for key in keys:
            for value in EXTREMES:
                items = [f for f in fields if not f.startswith(f"{key}=")] + [f"{key}={value}"]
                extra = ["--seeds", "2", "--workers", "1"] if verb == "simulate" else []
                cases.append([verb, family, *[a for i in items for a in ("--set", i)], *extra])
    return cases


def _experiment_cases() -> list[list[str]]:
    cases = []
    for kind, keys in (("images", ["n_grid", "p2_grid", "rf_widths", "seeds"]),
                       ("lm", ["context", "sizes", "p2_grid", "steps"])):
        for key in keys:
            cases += [["experiment", kind, "--quick", "--show-config", "--set", f"{key}={v}"]
                      for v in EXTREMES]
        cases += [["experiment", kind, "--quick", "--show-config", "--threads", v]
                  for v in EXTREMES]
    return cases


SWEEP_FIELDS = {
    "seeds": "seeds = {v}\n[base]\nd = 10\nn = 100\n",
    "base_seed": "base_seed = {v}\n[base]\nd = 10\nn = 100\n",
    "d": "[base]\nd = {v}\nn = 100\n",
    "num": "[base]\nd = 10\n[grid]\nn = {{start = 10, stop = 1000, num = {v}}}\n",
    "stop": "[base]\nd = 10\n[grid]\nn = {{start = 10, stop = {v}, num = 3, log = true}}\n",
    "grid": "[base]\nd = 10\n[grid]\nn = {v}\n",
    "setting": "setting = {v}\n[base]\nd = 10\nn = 100\n",
    "name": "name = {v}\n[base]\nd = 10\nn = 100\n",
}
TOML_VALUES = ("0", "-1", "1e-320", "1.5", "1e308", "-1e308", "nan", "inf", "-inf", '""',
               '"abc"', "[]", "[1, 2]", "{}", "true", '"\\u001b[31m"', "1e12", "100000000")


def _sweep_cases() -> list[tuple[str, str]]:
    return [(f"{field}={value}", 'task = "theory"\n' + text.format(v=value))
            for field, text in SWEEP_FIELDS.items() for value in TOML_VALUES]


def _run(argv: list[str]) -> tuple[int, str]:
    """Exit status and stderr of ``modelcollapse ARGV`` in this process, within SECONDS."""
    def expire(*_):
        raise TimeoutError(f"took more than {SECONDS} s")

    err = io.StringIO()
    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(SECONDS)
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()), \
                warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", RuntimeWarning)  # numerical overflow, NaN
            try:
                code = main(argv)
            except SystemExit as stop:  # argparse: --help, or a malformed argument
                code = stop.code
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    numeric = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
    return code, err.getvalue() + "".join(f"RuntimeWarning: {m}\n" for m in numeric)


def _check(code: int, err: str, argv: object) -> None:
    assert code in (0, 2), (argv, code, err)
    assert "Traceback" not in err and "Warning" not in err, (argv, err)
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) <= 1, (argv, err)
    assert "\x1b" not in err, (argv, err)


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    """cwd, home and cache in one temporary directory for every case; afterwards, nothing of
    ours is in the home directory (libraries may keep caches in .config, .cache) and no output
    appeared in the repository."""
    root = tmp_path_factory.mktemp("fuzz")
    home = root / "home"
    home.mkdir()
    repo = Path(__file__).resolve().parents[1]
    before = set(os.listdir(repo))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        patch.setenv("MODELCOLLAPSE_CACHE", str(root / "cache"))
        patch.chdir(root)
        yield root
    assert [p.name for p in home.iterdir() if p.name not in (".config", ".cache")] == []
    assert not {"results", "report"} & (set(os.listdir(repo)) - before)


CASES = _flag_cases() + _experiment_cases()


@pytest.mark.parametrize("argv", CASES, ids=[" ".join(a)[-60:] for a in CASES])
def test_extreme_values_give_an_answer_or_one_line(sandbox, argv):
    if argv[0] == "experiment":
        pytest.importorskip("torch")
    _check(*_run(argv), argv)


SWEEPS = _sweep_cases()


@pytest.mark.parametrize(("case", "text"), SWEEPS, ids=[c for c, _ in SWEEPS])
def test_extreme_sweep_files_give_a_count_or_one_line(sandbox, case, text):
    path = sandbox / "s.toml"
    path.write_text(text)
    (sandbox / "r.duckdb").unlink(missing_ok=True)
    argv = ["sweep", str(path), "--dry-run", "--store", str(sandbox / "r.duckdb")]
    _check(*_run(argv), (case, text))
    assert not (sandbox / "r.duckdb").exists()  # a dry run creates no store


def test_stores_and_paths_that_cannot_be_used_give_one_line(sandbox):
    (sandbox / "text.duckdb").write_text("not a database\n")
    (sandbox / "a-file").write_text("")
    cases = [["results", "--store", ""], ["results", "--store", "missing.duckdb"],
             ["results", "--store", "/dev/null"], ["results", "--store", str(sandbox)],
             ["results", "--store", "text.duckdb"], ["results", "--where", "x"],
             ["results", "nope", "--store", "text.duckdb"], ["results", "--export", "x.csv"],
             ["sweep", str(sandbox)], ["sweep", "missing.toml"], ["sweep", "a-file"],
             ["reproduce", "--list"], ["reproduce", "nope"], ["reproduce", "--out", ""],
             ["reproduce", "classical-scaling", "--out", "a-file"], ["families"],
             ["families", "--json"], ["families", "--bogus"], ["nope"], [],
             ["experiment", "images", "--quick", "--out", "a-file"],
             ["--max-memory", "abc", "families"], ["--max-memory", "1e308", "families"]]
    for argv in cases:
        _check(*_run(argv), argv)


# The allocation cases: a child process under a 4 GiB address-space limit.
MEMORY_CASES = [
    ["predict", "--d", "1e9", "--n", "1e5", "--p2", "0.1", "--c2", "1", "--spectrum", "power:1.5"],
    ["simulate", "--d", "3e4", "--n", "1e6", "--p2", "0.1", "--c2", "1"],
    ["simulate", "--d", "1e7", "--n", "100", "--p2", "0.1", "--c2", "1"],
    ["simulate", "--d", "1e8", "--n", "100", "--p2", "0.1", "--c2", "1", "--spectrum", "power:1.5"],
    ["simulate", "--d", "10", "--n", "1e8", "--p2", "0.1", "--c2", "1", "--method", "direct"],
    ["simulate", "--d", "10", "--n", "1e30", "--p2", "0.1", "--c2", "1"],
    ["generations", "--d", "10", "--T", "100", "--T0", "100", "--generations", "1e12"],
    ["generations", "--d", "10", "--T", "100", "--T0", "100", "--generations", "1e5",
     "--simulate"],
    ["tails", "--beta", "2", "--T", "1e4", "--generations", "1e5", "--mechanism", "B"],
]


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


@pytest.mark.parametrize("argv", MEMORY_CASES, ids=[" ".join(a) for a in MEMORY_CASES])
def test_huge_sizes_are_refused_before_allocating_under_a_memory_limit(sandbox, argv):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, "-m", "modelcollapse", *argv], capture_output=True,
                          text=True, timeout=60, preexec_fn=_limit_memory, env=env)
    _check(done.returncode, done.stderr, argv)
    assert done.returncode == 2, done.stderr


def test_ctrl_c_stops_a_long_simulation_in_one_line(sandbox):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    argv = ["simulate", "--d", "200", "--n", "1000", "--p2", "0.1", "--c2", "1", "--seeds",
            "100000", "--workers", "1"]
    child = subprocess.Popen([sys.executable, "-m", "modelcollapse", *argv], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True)
    time.sleep(4)
    assert child.poll() is None, child.communicate()
    os.killpg(child.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
    _, err = child.communicate(timeout=30)
    assert child.returncode == 130 and err.strip() == "modelcollapse simulate: interrupted"
