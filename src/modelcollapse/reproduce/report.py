"""The HTML report ``DIR/index.html``: figures, parameters, simulation vs theory (SMC §7).

Entries accumulate in ``DIR/report.json`` (one per figure name, the latest run wins), so
reproducing figures one at a time into the same directory builds one report.
"""

from __future__ import annotations

import html
import json
import platform
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .claims import declared_offset
from .registry import ERROR_BAR_SEMS, FIGURES

MANIFEST = "report.json"


@dataclass(frozen=True)
class FigureEntry:
    """One figure's line in the report."""

    name: str
    title: str
    source: str
    claim: str
    quick: bool
    files: dict[str, str]
    parameters: dict[str, Any]
    comparison: dict[str, Any]
    study: str
    tasks: int
    computed: int
    seconds: float
    backend: str
    verdicts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def failed(self) -> list[dict[str, Any]]:
        """The verdicts of claims that did not hold in this run."""
        return [v for v in self.verdicts if not v["passed"]]


def load_entries(out: Path) -> dict[str, dict[str, Any]]:
    """The entries of ``out/report.json``; a file that is not a report manifest is refused
    rather than overwritten."""
    path = out / MANIFEST
    if not path.exists():
        return {}
    try:
        entries = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError):
        entries = None
    if not isinstance(entries, dict) or not all(isinstance(e, dict) for e in entries.values()):
        raise ValueError(f"out: {path} is not a modelcollapse report manifest; move it away or "
                         "choose another --out")
    return entries


def write_report(out: Path, entry: FigureEntry) -> Path:
    """Add ``entry`` to the manifest and rewrite ``index.html``; returns its path."""
    entries = load_entries(out)
    entries[entry.name] = {**asdict(entry),
                           "finished": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}
    order = list(FIGURES)  # registry order, then figures no longer registered
    entries = dict(sorted(entries.items(), key=lambda kv: (
        order.index(kv[0]) if kv[0] in order else len(order), kv[0])))
    (out / MANIFEST).write_text(json.dumps(entries, indent=2, default=str))
    index = out / "index.html"
    index.write_text(render(entries))
    return index


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, list | tuple):
        return ", ".join(_fmt(v) for v in value)
    return str(value)


def _num(value: Any, spec: str) -> str:
    """A number as ``spec`` formats it; anything else (a hand-edited report.json) as text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return format(value, spec)
        except ValueError:  # e.g. a float where an integer was expected
            return html.escape(str(value))
    return html.escape(str(value))


def _local(name: str) -> str:
    """``name`` if it is a file name in the report's directory, else empty: a link or image
    never leaves the directory (no scheme such as javascript:, no path)."""
    return name if isinstance(name, str) and re.fullmatch(r"[\w.\-]+", name) else ""


def _link(name: str) -> str:
    local = _local(name)
    return f"<a href='{html.escape(local)}'>{html.escape(local)}</a>" if local else html.escape(str(name))


def _verdict_table(verdicts: list[dict[str, Any]]) -> str:
    """The figure's claims as checked in this run: verdict, statement, numbers, tolerance."""
    if not verdicts:
        return ""
    esc = html.escape
    rows = []
    for v in verdicts:
        status = "held" if v["passed"] else "FAILED"
        numbers = (f"could not be evaluated: {v['error']}" if v.get("error") else
                   "; ".join(f"{k} = {_fmt(x)}" for k, x in v["measured"].items()))
        rows.append(f"<tr><td class='{status}'>{status}</td><td>{esc(str(v['statement']))}</td>"
                    f"<td>{esc(numbers)}</td><td>{esc(str(v['tolerance']))}</td></tr>")
    return ("<table class='claims'><caption>Claims checked on this run's data</caption>"
            "<tr><th>verdict</th><th>claim</th><th>measured</th><th>tolerance</th></tr>"
            + "".join(rows) + "</table>")


def _offset_cell(verdicts: list[dict[str, Any]]) -> str:
    """The figure's declared finite-size offset next to its markers' median signed gap."""
    found = declared_offset(verdicts)
    if found is None:
        return "<td>-</td>"
    offset, gap = found
    declared = "none" if offset == 0 else f"±{_num(offset, '.1%')}"
    return f"<td>{declared} (median gap {_num(gap, '+.2%')})</td>"


def render(entries: dict[str, dict[str, Any]]) -> str:
    esc = html.escape
    rows, sections = [], []
    for e in entries.values():
        c = e["comparison"]
        if c.get("points"):
            cells = (f"<td>{_num(c['points'], 'd')}</td><td>{_num(c['max_rel_error'], '.1%')}</td>"
                     f"<td>{_num(c['median_rel_error'], '.1%')}</td>"
                     f"<td>{_num(c['within_error_bar'], '.0%')}</td>")
        else:
            cells = "<td>0</td><td colspan=3>no comparable point</td>"
        verdicts = e.get("verdicts", [])
        held = sum(v["passed"] for v in verdicts)
        status = "held" if held == len(verdicts) else "FAILED"
        claims_cell = (f"<td class='{status}'>{held}/{len(verdicts)} {status}</td>" if verdicts
                       else "<td>none</td>")
        rows.append(f"<tr><td><a href='#{esc(e['name'])}'>{esc(e['name'])}</a></td>{cells}"
                    f"{_offset_cell(verdicts)}{claims_cell}<td>{'quick' if e['quick'] else 'full'}</td>"
                    f"<td>{_num(e['tasks'], 'd')}</td><td>{_num(e['seconds'], '.0f')} s</td></tr>")
        params = "".join(f"<tr><th>{esc(str(k))}</th><td>{esc(_fmt(v))}</td></tr>"
                         for k, v in e["parameters"].items())
        files = " · ".join(_link(f) for f in e["files"].values())
        sections.append(f"""
<section id="{esc(e['name'])}">
  <h2>{esc(e['name'])}: {esc(e['title'])}</h2>
  <p class="claim"><b>Claim.</b> {esc(e['claim'])} <i>({esc(e['source'])})</i></p>
  <img src="{esc(_local(e['files']['png']))}" alt="{esc(e['title'])}">
  <p>Files: {files}. Study <code>{esc(e['study'])}</code> in the results store:
     {_num(e['tasks'], 'd')} tasks ({_num(e['computed'], 'd')} computed in this run, on
     {esc(e['backend'])});
     finished {esc(e['finished'])}.</p>
  {_verdict_table(verdicts)}
  <table class="params"><caption>Parameters</caption>{params}</table>
</section>""")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>modelcollapse: model collapse reproductions</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; color: #222; }}
table {{ border-collapse: collapse; margin: 0.8em 0; }}
td, th {{ border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; font-size: 0.9em; }}
img {{ max-width: 100%; border: 1px solid #eee; }}
section {{ margin-top: 2.5em; }}
.claim {{ background: #f4f7fb; padding: 0.5em 0.8em; }}
.held {{ color: #1a7f37; font-weight: bold; }}
.FAILED {{ color: #b42318; font-weight: bold; }}
</style></head><body>
<h1>Model collapse: reproduced figures</h1>
<p>Reproduction of Dohmatob, Feng, Subramonian, Kempe, "Strong Model Collapse" (ICLR 2025),
and of the companion papers "A Tale of Tails" (Dohmatob, Feng, Yang, Charton, Kempe, ICML
2024; figures <code>tails-*</code>) and "Model Collapse Demystified" (Dohmatob, Feng, Kempe,
NeurIPS 2024; figures <code>generations-*</code>), with <code>modelcollapse reproduce</code>.
Lines are theory: deterministic equivalents (<code>modelcollapse.predict</code>), the exact
Hutter-LLM error (<code>modelcollapse.tails.test_error</code>) or the regression-chain
formulas (<code>modelcollapse.generations.predict_generations</code>); markers are Monte-Carlo
means with ±{ERROR_BAR_SEMS:g} standard errors over seeds. Python
{esc(platform.python_version())}.</p>
<h2>Simulation vs theory</h2>
<p>Per figure, over every Monte-Carlo setting with a finite theory value: the largest and
median relative error |mean − theory|/theory, and the fraction of settings whose theory value
lies within the ±{ERROR_BAR_SEMS:g} SEM error bar. Iterative mixing is compared with the
small-φ formula (5.4), so a finite-φ offset is expected there. A marker whose seeds all
agree (SEM 0, e.g. a tail-cut plateau) counts as within its bar when it equals the theory to
rounding. <i>Finite-size offset</i>: a deterministic equivalent is exact only in the
limit of large sizes; where the conditional estimator's markers resolve its O(1/n) offset
at a figure's sizes, the figure declares it (measured, with its source, in the figure's
module), and its agreement claim allows |mean − theory| up to z SEM (z is in the claim's
tolerance) plus that fraction of the theory; shown with the median signed gap
(mean − theory)/theory of the markers, so the offset is seen rather than hidden in wide error
bars. <i>Claims</i>: how many of the figure's claims held on this run's data; each
figure's section lists them with the numbers measured and the tolerance allowed.</p>
<table><tr><th>figure</th><th>settings</th><th>max rel. error</th><th>median rel. error</th>
<th>within error bar</th><th>finite-size offset</th><th>claims</th><th>mode</th><th>tasks</th>
<th>time</th></tr>
{''.join(rows)}
</table>
{''.join(sections)}
</body></html>
"""
