"""Nothing in the repository points outside it.

A clone has no working notes, no sibling directories and nobody's home directory, so code,
docstrings, help texts, documentation, examples and configuration must not refer to them:
formulas are cited by the project's own labels ("SMC eq. (2.16)"), defined on its theory
pages (docs/theory/), and everything else by a path inside the repository.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXT_SUFFIXES = {".py", ".md", ".toml", ".yml", ".yaml", ".txt", ".cfg", ".ini", ".sh", ".js",
                 ".css", ".html", ".json", ".rst"}
TEXT_NAMES = {"run", "Makefile", "Dockerfile", ".gitignore"}
SEARCHED = ("src", "tests", "benchmarks", "docs", "examples", ".ci")  # without git

FORBIDDEN = {
    "a sibling directory": r"\.\./+shared\b",
    "the working tree of a machine": r"/work/|/check/",
    "working notes outside the repo": r"\bshared/spec\b|\bspec/[\w-]+\.md\b",
    "a specification document instead of a theory page": (
        r"\bspecs?\s+(?:SMC|TG|WF)\b|\b(?:SMC|TG|WF)\s+specs?\b|\bthe\s+specs?\b(?!\s*=)"
        r"|\bspecs?'s?\s"),
    "someone's home directory": r"(?<![\w~])/(?:home|Users)/[\w.-]+|(?<![\w~])/root/",
}
PATTERN = re.compile("|".join(f"(?P<g{i}>{p})" for i, p in enumerate(FORBIDDEN.values())),
                     re.IGNORECASE)
REASONS = list(FORBIDDEN)


def repository_files() -> list[Path]:
    """Tracked files and new files git does not ignore; without git, the searched folders."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=ROOT, capture_output=True, check=True, text=True).stdout.split("\0")
        paths = [ROOT / name for name in listed if name]
    except (OSError, subprocess.CalledProcessError):
        paths = [p for folder in SEARCHED for p in (ROOT / folder).rglob("*")]
        paths += [ROOT / "README.md", ROOT / "pyproject.toml", ROOT / "mkdocs.yml"]
    return sorted(p for p in set(paths) if p.is_file()
                  and (p.suffix in TEXT_SUFFIXES or p.name in TEXT_NAMES))


# A relative path that climbs: fine while it stays inside the repository (docs links).
CLIMB = re.compile(r"(?<![\w.])(?:\.\./)+[\w.-]*")


def offences(text: str, where: Path = ROOT) -> list[tuple[int, str, str]]:
    """(line number, reason, matched text) for every reference to a path outside the repo;
    ``where`` is the file's folder, against which a relative ``../`` path is resolved."""
    found = []
    for match in PATTERN.finditer(text):
        reason = REASONS[int(next(k for k, v in match.groupdict().items() if v)[1:])]
        found.append((match.start(), reason, " ".join(match.group().split())))
    for match in CLIMB.finditer(text):
        if not (where / match.group()).resolve().is_relative_to(ROOT):
            found.append((match.start(), "a path that leaves the repository", match.group()))
    return [(text.count("\n", 0, start) + 1, reason, snippet) for start, reason, snippet in found]


def test_the_patterns_catch_what_they_should() -> None:
    caught = ["The specifications live in ../shared/spec/.", "see /work/shared/STYLE.md",
              "as in spec SMC eq. (2.16)", "cite it as spec\nTG §A.3", "the spec's example",
              "Spec TG §B.4: with", "under /home/alice/data", "open /Users/bob/x",
              "in /root/.cache", "the specs say", "see spec/workflows.md", "../../../notes.md"]
    kept = ["SMC eq. (2.16)", "TG §A.3", "modelcollapse.sweep.spec", "from .spec import Task",
            "~/.cache/modelcollapse", "test_the_spec_example", "spec = {...}",
            "a sweep's spec (JSON)", "docs/theory/smc.md", "src/modelcollapse/home/x",
            "[SMC](../theory/smc.md)"]
    where = ROOT / "docs" / "tutorials"
    assert all(offences(text, where) for text in caught), [t for t in caught
                                                           if not offences(t, where)]
    assert not any(offences(text, where) for text in kept), [t for t in kept if offences(t, where)]


def test_no_file_points_outside_the_repository() -> None:
    files = repository_files()
    assert any(p.name == "README.md" for p in files) and any(p.suffix == ".py" for p in files)
    this = Path(__file__).resolve()
    report = [f"{path.relative_to(ROOT)}:{line}: {reason}: {snippet!r}"
              for path in files if path.resolve() != this
              for line, reason, snippet in offences(path.read_text(errors="replace"), path.parent)]
    assert not report, "references to paths outside the repository:\n" + "\n".join(report)
