"""``modelcollapse results``: list, show and export the studies in a results store."""

from __future__ import annotations

import argparse
import json
import sys

from ..family import families
from ..sweep import DEFAULT_STORE, Store
from .common import path


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "results",
        description="Without STUDY: one line per study (tasks stored / total, compute time). "
                    "With STUDY: one line per setting with the Monte-Carlo mean, its standard "
                    "error and the seed count, showing only the fields that vary. --export "
                    "writes every (setting, seed) row to .csv or .parquet.",
    )
    parser.add_argument("study", nargs="?", help="study name (see the list)")
    parser.add_argument("--store", type=path, default=DEFAULT_STORE, metavar="PATH",
                        help=f"DuckDB results store (default: {DEFAULT_STORE})")
    parser.add_argument("--export", type=path, default=None, metavar="FILE",
                        help="write the study's rows to FILE (.csv or .parquet)")
    parser.add_argument("--where", action="append", default=[], metavar="FIELD=VALUE",
                        help="show only settings with this field value, e.g. --where p2=0.1 "
                             "(repeatable)")
    parser.add_argument("--json", action="store_true", help="print JSON lines")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.export is not None and args.study is None:
        raise ValueError("export: name the STUDY to export")
    with Store(args.store, read_only=True) as store:
        if args.study is None:
            _list(store, args.json)
        elif args.export is not None:
            if args.export.is_file():
                print(f"modelcollapse results: replacing {args.export}", file=sys.stderr)
            print(store.export(args.study, args.export))
        else:
            _show(store, args.study, args.json, where_filters(args.where))
    return 0


def _list(store: Store, as_json: bool) -> None:
    studies = store.studies()
    if as_json:
        for s in studies:
            print(json.dumps(s, default=str))
        return
    if not studies:
        print(f"no studies in {store.path}")
        return
    names = [_printable(s["study"]) for s in studies]
    width = max(map(len, names))
    print(f"{'study':<{width}}  {'stored':>15}  {'cpu s':>9}  updated")
    for name, s in zip(names, studies, strict=True):
        stored = f"{s['done']}/{s['tasks']}"
        print(f"{name:<{width}}  {stored:>15}  {s['cpu_seconds']:9.1f}  "
              f"{s['updated_at']:%Y-%m-%d %H:%M}")


def _printable(name: str) -> str:
    """A study name as printed: escaped if it holds control characters (a store written
    before names were checked), so no escape code reaches the terminal."""
    return name if name.isprintable() else repr(name)


def where_filters(items: list[str]) -> dict[str, str]:
    """--where FIELD=VALUE items as a dict (a ValueError naming an unknown field)."""
    # Any field of any family's configuration (a study's other families never match).
    known = sorted({name for f in families().values() for name in f.config.field_names()})
    out = {}
    for item in items:
        field, sep, value = item.partition("=")
        if not sep or field not in known:
            raise ValueError(f"where: expected FIELD=VALUE with FIELD one of "
                             f"{', '.join(known)}, got {item!r}")
        out[field] = value
    return out


def _matches(value: object, text: str) -> bool:
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return float(text) == value
        except ValueError:
            return False
    return str(value) == text


def selected_points(store: Store, study: str, where: dict[str, str]) -> list:
    """The study's stored points whose configuration matches every --where filter."""
    return [p for p in store.points(study)
            if all(k in p.config and _matches(p.config[k], v) for k, v in where.items())]


def _show(store: Store, study: str, as_json: bool, where: dict[str, str]) -> None:
    points = selected_points(store, study, where)
    if as_json:
        for p in points:
            print(json.dumps({**p.config, "mean": p.mean, "sem": p.sem, "seeds": p.seeds}))
        return
    if not points:
        print(f"{study}: no stored setting matches")
        return
    varying = [k for k in points[0].config
               if len({json.dumps(p.config[k]) for p in points}) > 1]
    fixed = {k: v for k, v in points[0].config.items() if k not in varying and v is not None}
    print(f"{_printable(study)}: {len(points)} settings; fixed: "
          + ", ".join(f"{k}={v}" for k, v in fixed.items()))
    header = [*varying, "mean", "sem", "seeds"]
    rows = [[str(p.config[k]) for k in varying] + [f"{p.mean:.6g}", f"{p.sem:.3g}", str(p.seeds)]
            for p in points]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    for line in [header, *rows]:
        print("  ".join(cell.rjust(w) for cell, w in zip(line, widths, strict=True)))
