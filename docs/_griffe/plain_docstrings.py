"""A griffe extension for the API reference: the package's docstrings are plain text with
reStructuredText habits (``:class:`Setting```, ``double backticks``, ``>>>`` examples and
``::`` literal blocks); this turns them into the Markdown that mkdocstrings renders.

Only the rendered copy changes (griffe reads the source without importing it).
"""

from __future__ import annotations

import re
from typing import Any

from griffe import Extension, Object

ROLE = re.compile(r":(?:mod|class|func|meth|attr|data|exc|obj):`~?\.?([^`]+)`")
DOUBLE = re.compile(r"``([^`]+)``")


def markdown(text: str) -> str:
    """Roles and double backticks become code spans; each run of ``>>>`` lines (with the
    output after it) becomes a fenced ``pycon`` block; ``::`` ends a sentence."""
    text = DOUBLE.sub(r"`\1`", ROLE.sub(r"`\1`", text))
    out: list[str] = []
    in_example = False
    for line in text.splitlines():
        starts = line.lstrip().startswith(">>>")
        if starts and not in_example:
            out.append("```pycon")
            in_example = True
        elif in_example and not line.strip():
            out.append("```")
            in_example = False
        out.append(line.replace("::", ":") if line.rstrip().endswith("::") and not starts
                   else line)
    if in_example:
        out.append("```")
    return "\n".join(out)


class PlainDocstrings(Extension):
    def on_instance(self, *, obj: Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = markdown(obj.docstring.value)
