"""``modelcollapse families``: every registered model family and what it takes.

For each family: its name (the FAMILY of ``predict``/``simulate`` and the ``setting`` of a
sweep file), title, whether it has a theory, its methods, its configuration fields with
their types and defaults, and whether the optional modules it needs are installed.
"""

from __future__ import annotations

import argparse
import json
import textwrap
import types
import typing
from dataclasses import MISSING, fields
from typing import Any

from ..configbase import plain
from ..family import install_hint


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "families",
        description="List every model family that `modelcollapse predict FAMILY` and "
                    "`modelcollapse simulate FAMILY --set KEY=VALUE ...` (and a sweep file's "
                    "`setting`) accept, with its configuration fields and their defaults.",
    )
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object: family name -> description")
    parser.set_defaults(handler=run)


def describe(family: Any) -> dict[str, Any]:
    """A family as plain data (what ``--json`` prints for it)."""
    hints = typing.get_type_hints(family.config)
    rows = []
    for f in fields(family.config):
        required = f.default is MISSING and f.default_factory is MISSING
        default = None if required else (f.default if f.default_factory is MISSING
                                         else f.default_factory())
        rows.append({"name": f.name, "type": type_text(hints[f.name]), "required": required,
                     "default": plain(default)})
    missing = family.missing()
    return {"name": family.name, "title": family.title, "theory": family.predict is not None,
            "methods": list(family.methods), "fields": rows, "requires": list(family.requires),
            "extra": family.extra or None, "installed": not missing, "missing": missing}


def type_text(hint: Any) -> str:
    """A type hint as a user reads it: ``int | None``, ``'A' | 'B' | 'C'``, ``float,...``."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Literal:
        return " | ".join(repr(a) for a in args)
    if origin in (typing.Union, types.UnionType):
        return " | ".join(type_text(a) for a in args)
    if origin is tuple:
        return f"{type_text(args[0])},..." if args else "tuple"
    if hint is type(None):
        return "None"
    return getattr(hint, "__name__", str(hint))


def run(args: argparse.Namespace) -> int:
    from ..family import families

    described = [describe(f) for f in families().values()]
    if args.json:
        print(json.dumps({d["name"]: d for d in described}, default=str))
        return 0
    print(f"modelcollapse families: {len(described)} (use as `modelcollapse predict|simulate "
          "FAMILY --set KEY=VALUE ...`)")
    for d in described:
        theory = "yes (predict, simulate)" if d["theory"] else "no (simulate only)"
        if not d["requires"]:
            extra = "none needed"
        elif d["installed"]:
            extra = f"[{d['extra']}] (installed)" if d["extra"] else "installed"
        else:
            extra = (f"[{d['extra']}] (missing {', '.join(d['missing'])}: "
                     f"{install_hint(d['extra'])})" if d["extra"]
                     else f"missing {', '.join(d['missing'])}")
        cells = [f"{r['name']} ({r['type']}, required)" if r["required"]
                 else f"{r['name']}={_cell(r['default'])}" for r in d["fields"]]
        print(f"\n{d['name']}: {d['title']}")
        print(f"  theory   {theory}")
        print(f"  methods  {', '.join(d['methods'])}")
        print(f"  extra    {extra}")
        print(textwrap.fill(", ".join(cells), width=96, initial_indent="  fields   ",
                            subsequent_indent=" " * 11, break_on_hyphens=False))
    return 0


def _cell(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, list):
        return ",".join(_cell(v) for v in value)
    return str(value)
