"""``modelcollapse sweep`` and ``modelcollapse results`` end to end."""

from __future__ import annotations

import json

from modelcollapse.cli import main

STUDY = """
name = "cli-study"
seeds = 3
task = "theory"
[base]
d = 20
c2 = 1.0
[grid]
n = [40, 400]
p2 = [0.0, 0.5]
"""


def test_sweep_then_results_list_show_export(tmp_path, capsys):
    path, store = tmp_path / "study.toml", str(tmp_path / "r.duckdb")
    path.write_text(STUDY)
    assert main(["sweep", str(path), "--store", store, "--workers", "1", "--dry-run"]) == 0
    assert "4 settings x 3 seeds = 12 tasks (theory), 0 already in" in capsys.readouterr().out
    assert main(["sweep", str(path), "--store", store, "--workers", "2", "--no-progress"]) == 0
    assert "cli-study: 12 tasks, 0 already stored, 12 ran" in capsys.readouterr().out
    assert main(["sweep", str(path), "--store", store, "--no-progress"]) == 0
    assert "12 already stored, 0 ran" in capsys.readouterr().out

    assert main(["results", "--store", store]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["study", "stored", "cpu"] and "12/12" in lines[1]
    assert main(["results", "cli-study", "--store", store]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("cli-study: 4 settings; fixed: c2=1.0, d=20")
    assert out[1].split() == ["n", "p2", "mean", "sem", "seeds"]
    assert out[2].split() == ["40", "0.0", "1", "0", "3"]  # φ = 0.5: E = φ/(1 − φ) = 1
    assert main(["results", "cli-study", "--store", store, "--where", "p2=0.5",
                 "--where", "n=400"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("cli-study: 1 settings") and out[2].split()[-1] == "3"
    assert main(["results", "cli-study", "--store", store, "--where", "colour=1"]) == 2
    assert "where: expected FIELD=VALUE" in capsys.readouterr().err
    assert main(["results", "cli-study", "--store", store, "--json"]) == 0
    first = json.loads(capsys.readouterr().out.splitlines()[0])
    assert (first["n"], first["mean"], first["seeds"]) == (40, 1.0, 3)
    target = tmp_path / "x.parquet"
    assert main(["results", "cli-study", "--store", store, "--export", str(target)]) == 0
    assert target.stat().st_size > 0


def test_cli_errors_are_one_line_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("[base]\nd = 5\nn = 10\n[grid]\np2 = [2.0]\n")
    assert main(["sweep", str(bad), "--store", str(tmp_path / "r.duckdb")]) == 2
    assert capsys.readouterr().err.strip() == \
        "modelcollapse sweep: error: p2 must be <= 1, got 2.0"
    assert main(["results", "--store", str(tmp_path / "none.duckdb")]) == 2
    assert "store: " in capsys.readouterr().err
    assert main(["results", "--export", "x.csv", "--store", str(tmp_path / "r.duckdb")]) == 2
    assert "export: name the STUDY" in capsys.readouterr().err
