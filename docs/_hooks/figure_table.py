"""MkDocs hook: the figure table of docs/reference/figures.md, read from the figure registry
at build time (so a newly registered figure is listed without editing the page)."""

from __future__ import annotations

from typing import Any

MARKER = "<!-- the figure table -->"
PAGES = {"SMC": "../theory/smc.md", "TG §A": "../theory/tails.md",
         "TG §B": "../theory/regression-generations.md", "WF": "../theory/workflows.md"}


def figure_table() -> str:
    from modelcollapse.reproduce import FIGURES

    rows = ["| figure | theory | claim checked on its data |", "|---|---|---|"]
    for name, figure in FIGURES.items():
        prefix = next((p for p in PAGES if figure.source.startswith(p)), None)
        label = figure.source.split(";")[0].split(",")[0]
        theory = f"[{label}]({PAGES[prefix]})" if prefix else label
        claim = figure.claim.replace("|", "\\|")
        rows.append(f"| `{name}` | {theory} | {claim} |")
    return "\n".join(rows)


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    return markdown.replace(MARKER, figure_table()) if MARKER in markdown else markdown
