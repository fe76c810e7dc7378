"""Write experiment results as CSV (one row per measurement) and JSON (config + rows).

The JSON file logs every hyper-parameter next to the numbers, so a result file alone says
how it was produced.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def write_results(out_dir: str | os.PathLike, name: str, rows: Sequence[dict[str, Any]],
                  meta: dict[str, Any]) -> tuple[Path, Path]:
    """Write ``out_dir/name.csv`` and ``out_dir/name.json``; return both paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    csv_path, json_path = out / f"{name}.csv", out / f"{name}.json"
    columns = list(dict.fromkeys(k for row in rows for k in row))
    with open(csv_path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    json_path.write_text(json.dumps({**meta, "rows": list(rows)}, indent=1, default=str))
    return csv_path, json_path
