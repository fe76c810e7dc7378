"""The one face of the CLI: `predict|simulate FAMILY --set KEY=VALUE`, `families`, and the
one seed rule (the CLI's per-seed errors are a stored sweep's, bit for bit)."""

import json
import subprocess
import sys

import pytest

from modelcollapse import Setting, verbs
from modelcollapse.cli import main
from modelcollapse.family import Family, families
from modelcollapse.sweep import Store

# One cheap configuration per family, as plain values: written as --set pairs and as the
# [base] table of a sweep file.
CHEAP = {
    "smc": {"d": 20, "n": 100, "p2": 0.2, "c2": 1.0},
    "tails": {"beta": 2.0, "T": 1000.0, "k": 100},
    "bigram": {"beta": 2.0, "T": 10000.0, "contexts": 1024, "vocab": 256},
    "memory": {"beta": 2.0, "T": 1000.0, "d": 16, "items": 256, "outputs": 16,
               "storage": "seen"},
    "generations": {"d": 10, "T": 30, "T0": 40, "generations": 2, "sigma0": 0.5},
}
SMC_FLAGS = ["--d", "20", "--n", "100", "--p2", "0.2", "--c2", "1.0"]  # CHEAP["smc"]


def sets(values: dict) -> list[str]:
    return [x for key, value in values.items() for x in ("--set", f"{key}={value}")]


def toml_value(value) -> str:
    return json.dumps(value) if isinstance(value, str) else repr(value)


def run(capsys, argv):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, argv) -> dict:
    code, out, err = run(capsys, [*argv, "--json"])
    assert code == 0 and err == "", err
    assert len(out.splitlines()) == 1
    return json.loads(out)


# -- the new shape ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(CHEAP))
def test_simulate_family_json_and_text(capsys, name):
    values = CHEAP[name]
    out = run_json(capsys, ["simulate", name, *sets(values), "--seeds", "3", "--seed", "2",
                            "--per-seed"])
    config = families()[name].config.from_dict(values)
    assert {k: out[k] for k in config.to_dict()} == json.loads(json.dumps(config.to_dict()))
    assert out["seeds"] == 3 and out["seed"] == 2 and len(out["errors"]) == 3
    assert out["test_error"] == pytest.approx(sum(out["errors"]) / 3, rel=1e-12)
    assert out["sem"] > 0 and out["method"] in families()[name].methods

    code, text, _ = run(capsys, ["simulate", name, *sets(values), "--seeds", "3", "--seed", "2"])
    lines = text.splitlines()
    assert code == 0 and lines[0] == f"modelcollapse simulate {name}"
    keys = [line.split()[0] for line in lines[1:]]
    assert {"test_error", "sem", "seeds", "seed", *values} <= set(keys) and "errors" not in keys


def test_predict_family_matches_the_flags_shape_and_the_library(capsys):
    old = run_json(capsys, ["predict", *SMC_FLAGS])
    new = run_json(capsys, ["predict", "smc", *sets(CHEAP["smc"])])
    assert new == old
    tails = run_json(capsys, ["predict", "tails", "--set", "beta=2", "--set", "T=1e4"])
    from modelcollapse.tails import TailsSetting, test_error

    assert tails["test_error"] == test_error(TailsSetting(beta=2.0, T=1e4))
    assert tails["beta"] == 2.0 and tails["k"] is None
    gen = run_json(capsys, ["predict", "generations", *sets(CHEAP["generations"]),
                            "--set", "ridge=adaptive"])
    assert gen["ridge"] > 0 and gen["test_error"] > 0  # the chosen ridge, parsed as a string
    code, text, _ = run(capsys, ["predict", "tails", "--set", "beta=1.5", "--set", "T=1000"])
    assert code == 0 and text.startswith("modelcollapse predict tails\n") and "test_error" in text


def test_set_values_are_parsed_sensibly(capsys):
    out = run_json(capsys, ["simulate", "generations", "--set", "d=10", "--set", "T=30",
                            "--set", "T0=40,50", "--set", "sigma0=0.5, 0.7", "--set",
                            "generations=2", "--set", "source=none", "--seeds", "2"])
    assert out["T0"] == [40, 50] and out["sigma0"] == [0.5, 0.7] and out["source"] is None
    out = run_json(capsys, ["simulate", "tails", "--set", "beta=2", "--set", "T=1e3",
                            "--set", "T0=100", "--set", "generations=2", "--set", "mechanism=A",
                            "--seeds", "2"])
    assert out["mechanism"] == "A" and out["T0"] == 100


def one_line_error(capsys, argv, command="simulate") -> str:
    code, out, err = run(capsys, argv)
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"modelcollapse {command}: error: "), err
    return lines[0]


@pytest.mark.parametrize(("argv", "needle"), [
    (["simulate", "nope", "--set", "d=3"], "unknown family 'nope'; choose from smc, tails, bigram"),
    (["simulate", "tails", "--set", "beta=2", "--set", "T=1e3", "--set", "colour=3"],
     "colour: not a field of TailsSetting; choose from beta, T"),
    (["simulate", "tails", "--set", "beta=2", "--set", "T=1e3", "--set", "top-p=x"],
     "top_p must be a number, got 'x'"),
    (["simulate", "bigram", "--set", "beta=0.5", "--set", "T=1e3"], "beta must be > 1"),
    (["simulate", "memory", "--set", "beta=2", "--set", "T=1e3"],
     "d: the memory family needs d; give --set d=VALUE"),
    (["simulate", "generations", "--set", "d"], "--set expects KEY=VALUE, got 'd'"),
    (["simulate", "tails", "--set", "beta=2", "--set", "T=1e3", "--method", "direct"],
     "method: tails offers auto"),
    (["simulate", "tails", "--set", "beta=2", "--set", "T=1e3", "--d", "5"],
     "--d: the smc flags do not mix with a FAMILY; give --set d=VALUE"),
    (["simulate", "smc", *SMC_FLAGS], "--d: the smc flags do not mix with a FAMILY"),
    (["simulate", "--set", "beta=2"], "--set: name a FAMILY"),
    (["simulate", "--d", "20", "--n", "100"], "the following arguments are required: --p2, --c2"),
    (["simulate"], "the following arguments are required: --d, --n, --p2, --c2"),
    (["predict", "bigram", *sets(CHEAP["bigram"])],
     "the bigram family has no theory; use `modelcollapse simulate bigram`"),
    (["predict", "memory"], "no theory"),
    (["predict", "tails", "--set", "beta=2", "--set", "T=1e3", "--m", "4"], "--m: the smc flags"),
    (["predict", "--c2", "1"], "the following arguments are required: --d, --n, --p2"),
    (["predict", "smc", "--set", "d=10", "--set", "n=x"], "n must be a number, got 'x'"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, argv, needle):
    assert needle in one_line_error(capsys, argv, argv[0])


def test_missing_extra_names_it(capsys, monkeypatch):
    monkeypatch.setattr(Family, "missing", lambda self: list(self.requires))
    line = one_line_error(capsys, ["simulate", "gcd", "--set", "generations=1"])
    assert "gcd: needs torch, which is not installed" in line
    assert "pip install 'modelcollapse[nn]'" in line


def test_process_exit_status_is_2():
    proc = subprocess.run([sys.executable, "-m", "modelcollapse", "predict", "lm"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [
        "modelcollapse predict: error: lm: the lm family has no theory; use "
        "`modelcollapse simulate lm` with the same --set pairs"]


# -- one seed rule ---------------------------------------------------------------------------

def stored_errors(tmp_path, capsys, name: str, values: dict) -> list[float]:
    """Per-seed test errors of a stored sweep of seed indices 0..2 with base seed 5."""
    study = f"seed-rule-{name}"
    spec = tmp_path / f"{study}.toml"
    spec.write_text("\n".join([f'name = "{study}"', f'setting = "{name}"', "seeds = 3",
                               "base_seed = 5", "[base]",
                               *(f"{k} = {toml_value(v)}" for k, v in values.items())]) + "\n")
    store = tmp_path / "store.duckdb"
    assert main(["sweep", str(spec), "--store", str(store), "--workers", "1",
                 "--no-progress"]) == 0
    capsys.readouterr()
    with Store(store, read_only=True) as db:
        rows = db.rows(study)
    assert [(r["seed_index"], r["base_seed"], r["family"]) for r in rows] == \
        [(i, 5, name) for i in range(3)]
    return [r["test_error"] for r in rows]


@pytest.mark.parametrize("name", list(CHEAP))
def test_one_seed_rule(tmp_path, capsys, name):
    stored = stored_errors(tmp_path, capsys, name, CHEAP[name])
    # a sweep's default method "auto" is, for smc and generations, the sampled estimator
    sampled = ["--estimator", "sampled"] if name in ("smc", "generations") else []
    cli = run_json(capsys, ["simulate", name, *sets(CHEAP[name]), "--seeds", "3", "--seed", "5",
                            "--per-seed", *sampled])
    assert cli["errors"] == stored  # bitwise: floats survive JSON exactly
    if name == "smc":  # the flags shape of `simulate`
        old = run_json(capsys, ["simulate", *SMC_FLAGS, "--seeds", "3", "--seed", "5",
                                "--per-seed", *sampled])
        assert old["errors"] == stored and old["test_error"] == cli["test_error"]
    if name == "tails":  # `tails --simulate --seed`, which keeps its own keys
        old = run_json(capsys, ["tails", "--beta", "2", "--T", "1000", "--k", "100",
                                "--simulate", "--seeds", "3", "--seed", "5", "--per-seed"])
        assert old["errors"] == stored
        assert (old["test_error"], old["sem"]) == (cli["test_error"], cli["sem"])
        assert {"support", "truncation_bound", "exact", "clean_law"} <= set(old)
    if name == "generations":  # `generations --simulate --seed` reports no per-seed errors
        old = run_json(capsys, ["generations", "--d", "10", "--T", "30", "--T0", "40",
                                "--generations", "2", "--sigma0", "0.5", "--simulate",
                                "--seeds", "3", "--seed", "5"])
        conditional = run_json(capsys, ["simulate", name, *sets(CHEAP[name]), "--seeds", "3",
                                        "--seed", "5"])  # both default to the conditional one
        assert (old["test_error"], old["sem"]) == (conditional["test_error"], conditional["sem"])
        assert conditional["method"] == "conditional"


def test_the_cli_is_verbs_simulate(capsys):
    out = run_json(capsys, ["simulate", "smc", *sets(CHEAP["smc"]), "--seeds", "3",
                            "--seed", "5", "--method", "direct", "--estimator", "sampled",
                            "--workers", "2", "--per-seed"])
    result = verbs.simulate(Setting(**CHEAP["smc"]), seeds=3, seed=5, method="direct")
    assert out["errors"] == result.errors.tolist() and out["method"] == "direct"


# -- families --------------------------------------------------------------------------------

def test_families_json(capsys):
    code, out, err = run(capsys, ["families", "--json"])
    assert code == 0 and err == "" and len(out.splitlines()) == 1
    data = json.loads(out)
    assert list(data) == list(families())
    assert {"smc", "tails", "bigram", "memory", "generations", "images", "lm", "gcd"} <= set(data)
    smc, bigram, gcd = data["smc"], data["bigram"], data["gcd"]
    assert smc["theory"] is True and smc["methods"] == ["auto", "direct", "sufficient",
                                                        "conditional", "direct-conditional"]
    fields = {f["name"]: f for f in smc["fields"]}
    assert fields["d"] == {"name": "d", "type": "int", "required": True, "default": None}
    assert fields["p2"]["default"] == 0.0 and fields["m"]["type"] == "int | None"
    assert bigram["theory"] is False and bigram["extra"] is None and bigram["installed"] is True
    assert gcd["extra"] == "nn" and gcd["requires"] == ["torch"]
    assert gcd["installed"] == (not families()["gcd"].missing())
    mechanism = next(f for f in data["tails"]["fields"] if f["name"] == "mechanism")
    assert mechanism["type"] == "'A' | 'B' | 'C' | None"


def test_families_text(capsys, monkeypatch):
    monkeypatch.setattr(Family, "missing", lambda self: list(self.requires))
    code, out, err = run(capsys, ["families"])
    assert code == 0 and err == ""
    blocks = out.split("\n\n")
    assert blocks[0].startswith(f"modelcollapse families: {len(families())}")
    by_name = {b.split(":")[0]: b for b in blocks[1:]}
    assert list(by_name) == list(families())
    assert "theory   yes" in by_name["smc"] and "auto, direct, sufficient" in by_name["smc"]
    assert "d (int, required)" in by_name["smc"] and "p2=0.0" in by_name["smc"]
    assert "theory   no (simulate only)" in by_name["bigram"]
    assert "extra    none needed" in by_name["tails"]
    assert ("[nn] (missing torch: pip install -e '.[nn]' (from a clone) or "
            "pip install 'modelcollapse[nn]')") in by_name["gcd"]
