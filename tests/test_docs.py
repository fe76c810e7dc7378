"""The documentation site: tutorials run as doctests, and every equation label the code cites
exists on a theory page.

Each tutorial (``docs/tutorials/*.md``) is one doctest: its ``>>>`` lines run in order in a
temporary directory (whatever a page writes stays there), with the Markdown code fences
removed so that a fence never counts as expected output.
"""

from __future__ import annotations

import doctest
import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
TUTORIALS = sorted((DOCS / "tutorials").glob("*.md"))
THEORY = DOCS / "theory"

# Where each label prefix is defined: "SMC eq. (2.16)" -> smc.md#eq-2.16, and so on.
LABEL_PAGES = {"SMC": ("smc.md",), "TG": ("tails.md", "regression-generations.md"),
               "WF": ("workflows.md",)}
FENCE = re.compile(r"^\s*```.*$", re.MULTILINE)


def test_there_is_a_tutorial_per_paper() -> None:
    assert {p.stem for p in TUTORIALS} >= {"strong-model-collapse", "tale-of-tails",
                                            "model-collapse-demystified"}


@pytest.mark.parametrize("page", TUTORIALS, ids=lambda p: p.stem)
def test_tutorial_runs(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    text = FENCE.sub("", page.read_text())
    test = doctest.DocTestParser().get_doctest(text, {}, page.stem, str(page), 0)
    assert test.examples, f"{page.name} has no >>> examples"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{page.name}: {result.failed} of {result.attempted} examples failed"


def _anchors() -> dict[str, set[str]]:
    """The anchors (ids) of every theory page: `<a id="eq-2.16">` and `{ #sec-5.2 }`."""
    found = {}
    for page in THEORY.glob("*.md"):
        text = page.read_text()
        found[page.name] = (set(re.findall(r'<a id="([^"]+)"', text))
                            | set(re.findall(r"\{ ?#([^ }]+) ?\}", text)))
    return found


def cited_labels() -> set[tuple[str, str]]:
    """(prefix, anchor) for every label the package's code cites: "SMC eq. (2.16)" gives
    ("SMC", "eq-2.16"), "TG §A.4.1" gives ("TG", "sec-A.4.1"), "WF (WF.3)" ("WF", "eq-WF.3");
    the first number of a range "(2.13)–(2.15)" or a list "(2.16), (2.18)" counts."""
    labels = set()
    for path in (ROOT / "src").rglob("*.py"):
        text = path.read_text()
        for prefix, connector, number in re.findall(
                r"\b(SMC|TG|WF) (eqs?\. \(|\(|Part |§)([0-9]+(?:\.[0-9]+)*|[ABC](?:\.[0-9]+)*"
                r"|WF\.[0-9]+)", text):
            anchor = "sec-" if connector in ("Part ", "§") else "eq-"
            labels.add((prefix, anchor + number.rstrip(".")))
    return labels


def test_every_cited_label_has_an_anchor() -> None:
    anchors = _anchors()
    labels = cited_labels()
    assert len(labels) > 100  # the pattern still finds the code's citations
    missing = sorted(f"{prefix} {anchor}" for prefix, anchor in labels
                     if not any(anchor in anchors.get(page, set())
                                for page in LABEL_PAGES[prefix]))
    assert not missing, "labels cited in src with no anchor on their theory page: " + ", ".join(missing)


def test_the_figure_table_lists_every_figure() -> None:
    from modelcollapse.reproduce import FIGURES

    spec = importlib.util.spec_from_file_location("figure_table",
                                                  DOCS / "_hooks" / "figure_table.py")
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    page = (DOCS / "reference" / "figures.md").read_text()
    table = hook.on_page_markdown(page)
    assert hook.MARKER in page and hook.MARKER not in table
    assert [name for name in FIGURES if f"| `{name}` |" not in table] == []
    assert "](../theory/" in table


def test_readme_links_exist() -> None:
    links = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", (ROOT / "README.md").read_text())
    local = [link for link in links if "://" not in link]
    assert len(local) >= 10
    assert [link for link in local if not (ROOT / link).exists()] == []
