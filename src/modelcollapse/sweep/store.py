"""DuckDB results store: one row per (setting, seed) task, content-addressed (SMC §7).

Tables:

- ``results``: ``key`` (primary key, :attr:`Task.key`), the task kind and method, the seed
  index and base seed, the full configuration as JSON, ``test_error``, the whole result as
  JSON, the compute ``seconds``, the ``backend``, ``finished_at`` and the ``family``;
- ``studies``: one row per named sweep with its specification (JSON) and timestamps;
- ``study_tasks``: which task keys belong to which study, in sweep order;
- ``store_meta``: the key version the store is written in.

A store written before families existed (key version 1: keys hashed the task's import path,
and no ``family`` column) is migrated when it is opened for writing, in one transaction
(:mod:`.migrate`): every row gets its family and its version-2 key, so nothing stored is
lost or computed again. Opened read-only, such a store is refused with a message saying so.

Durability: the sweep's parent process is the only writer. Results that arrive together are
inserted in one transaction (``ON CONFLICT DO NOTHING`` on the primary key), and DuckDB
replays its write-ahead log on the next open, so a SIGKILL at any moment loses nothing that
was committed and never leaves a half or duplicate row; re-running the sweep recomputes
only the missing keys.

DuckDB lets one process hold a database file for writing. A second run on the same file
fails at once with :class:`StoreLockedError`, whose message names the holder.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from ..family import get
from ..result import mean_sem
from .migrate import migrate_v1, store_version
from .spec import KEY_VERSION, Sweep, Task
from .tasks import Outcome

DEFAULT_STORE = Path("results") / "modelcollapse.duckdb"

SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    key VARCHAR PRIMARY KEY,
    kind VARCHAR NOT NULL,
    method VARCHAR NOT NULL,
    seed_index INTEGER NOT NULL,
    base_seed BIGINT NOT NULL,
    config VARCHAR NOT NULL,
    test_error DOUBLE,
    result VARCHAR NOT NULL,
    seconds DOUBLE NOT NULL,
    backend VARCHAR NOT NULL,
    finished_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    family VARCHAR
);
CREATE TABLE IF NOT EXISTS studies (
    name VARCHAR PRIMARY KEY,
    spec VARCHAR NOT NULL,
    tasks BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
CREATE TABLE IF NOT EXISTS study_tasks (
    study VARCHAR NOT NULL,
    key VARCHAR NOT NULL,
    setting_index INTEGER NOT NULL,
    seed_index INTEGER NOT NULL,
    PRIMARY KEY (study, key)
);
CREATE TABLE IF NOT EXISTS store_meta (
    name VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);
"""

EXPORT_FORMATS = ("csv", "parquet")


class StoreLockedError(ValueError):
    """The store file is held by another process (DuckDB allows one writer per file)."""


@dataclass(frozen=True)
class Point:
    """Monte-Carlo summary of one setting of a study: mean ± standard error over seeds.

    ``values`` are the seeds' ``test_error`` values and ``results`` their whole stored
    results (e.g. a language model's loss curve), both in seed-index order; ``family`` is the
    family that computed them (None for a task no family claims, from a version-1 store).
    """

    config: dict[str, Any]
    mean: float
    sem: float
    seeds: int
    values: np.ndarray
    results: tuple[dict[str, Any], ...] = ()
    family: str | None = None

    def setting(self) -> Any:
        """The configuration object behind the point."""
        if self.family is None:
            raise ValueError("setting: this point's task belongs to no registered family")
        return get(self.family).from_dict(self.config)


class Store:
    """A results database file (default ``results/modelcollapse.duckdb``).

    Use as a context manager; ``read_only=True`` for queries (several readers may share a
    file, but not with a writer).
    """

    def __init__(self, path: str | Path = DEFAULT_STORE, *, read_only: bool = False) -> None:
        self.path = Path(path)
        if read_only and not self.path.exists():
            raise ValueError(f"store: {self.path} does not exist")
        if not read_only:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as err:
                raise ValueError(f"store: cannot create the directory {self.path.parent}: "
                                 f"{err.strerror}") from None
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as err:
            if "lock" in str(err).lower():
                raise StoreLockedError(
                    f"store: {self.path} is in use by another process{_holder(err)}; "
                    "DuckDB allows one writer per file: wait for that run to finish, or give "
                    "this one its own --store") from None
            raise ValueError(f"store: cannot open {self.path}: {err}") from None
        except duckdb.Error as err:
            raise ValueError(f"store: {self.path} is not a modelcollapse store: {err}") from None
        try:
            version = store_version(self.con)
        except (ValueError, duckdb.Error) as err:
            self.con.close()
            raise ValueError(f"store: {self.path} is {err}; give another --store") from None
        if version is not None and version > KEY_VERSION:
            self.con.close()
            raise ValueError(f"store: {self.path} was written by a newer modelcollapse (key "
                             f"version {version}, this one reads {KEY_VERSION}); upgrade "
                             "modelcollapse to read it")
        if read_only:
            if version not in (None, KEY_VERSION):
                self.con.close()
                raise ValueError(f"store: {self.path} was written by an older modelcollapse "
                                 f"(key version {version}); open it once for writing (e.g. "
                                 "run any sweep into it) to migrate it")
            return
        with self._transaction():
            if version == 1:
                migrate_v1(self.con)
            self.con.execute(SCHEMA)
            self.con.execute("INSERT INTO store_meta VALUES ('key_version', ?) ON CONFLICT "
                             "DO UPDATE SET value = excluded.value", [str(KEY_VERSION)])

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    # -- writing ---------------------------------------------------------------------------
    def register(self, sweep: Sweep, tasks: Sequence[Task]) -> None:
        """Record the study and its task keys (replacing an older definition of the name)."""
        spec = json.dumps(sweep.spec, sort_keys=True, default=str)
        with self._transaction():
            self.con.execute("DELETE FROM study_tasks WHERE study = ?", [sweep.name])
            self.con.execute(
                "INSERT INTO studies (name, spec, tasks) VALUES (?, ?, ?) ON CONFLICT (name) "
                "DO UPDATE SET spec = excluded.spec, tasks = excluded.tasks, "
                "updated_at = now()", [sweep.name, spec, len(tasks)])
            self.con.execute(
                "INSERT INTO study_tasks SELECT ?, unnest(?::VARCHAR[]), "
                "unnest(?::INTEGER[]), unnest(?::INTEGER[]) ON CONFLICT DO NOTHING",
                [sweep.name, [t.key for t in tasks], [t.setting_index for t in tasks],
                 [t.seed_index for t in tasks]])

    def done_keys(self, study: str) -> set[str]:
        rows = self.con.execute("SELECT r.key FROM results r JOIN study_tasks s USING (key) "
                                "WHERE s.study = ?", [study]).fetchall()
        return {r[0] for r in rows}

    def stored(self, keys: Iterable[str]) -> int:
        """How many of ``keys`` have a stored result."""
        found = self.con.execute("SELECT count(*) FROM results WHERE key IN "
                                 "(SELECT unnest(?::VARCHAR[]))", [list(keys)]).fetchone()
        return int(found[0])

    def add(self, pairs: Iterable[tuple[Task, Outcome]], backend: str) -> int:
        """Insert finished tasks in one transaction; returns the number of new rows."""
        cols: dict[str, list[Any]] = {k: [] for k in (
            "key", "kind", "method", "seed", "base", "config", "err", "result", "sec", "family")}
        for task, out in pairs:
            assert out.result is not None and out.key == task.key
            err = out.result["test_error"]
            for name, value in zip(cols, (
                    task.key, task.kind, task.method, task.seed_index, task.base_seed,
                    json.dumps(task.config, sort_keys=True), err,
                    json.dumps(out.result, sort_keys=True), out.seconds, task.family.name),
                    strict=True):
                cols[name].append(value)
        if not cols["key"]:
            return 0
        before = self._count()
        with self._transaction():
            self.con.execute(
                "INSERT INTO results (key, kind, method, seed_index, base_seed, config, "
                "test_error, result, seconds, family, backend) SELECT unnest(?::VARCHAR[]), "
                "unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::INTEGER[]), "
                "unnest(?::BIGINT[]), unnest(?::VARCHAR[]), unnest(?::DOUBLE[]), "
                "unnest(?::VARCHAR[]), unnest(?::DOUBLE[]), unnest(?::VARCHAR[]), ? "
                "ON CONFLICT DO NOTHING", [*cols.values(), backend])
        return self._count() - before

    def _count(self) -> int:
        return int(self.con.execute("SELECT count(*) FROM results").fetchone()[0])

    # -- reading ---------------------------------------------------------------------------
    def studies(self) -> list[dict[str, Any]]:
        """Every study with its task count, how many are stored, and the compute time."""
        rows = self.con.execute("""
            SELECT st.name, st.tasks, count(r.key), coalesce(sum(r.seconds), 0),
                   st.created_at, st.updated_at
            FROM studies st LEFT JOIN study_tasks s ON s.study = st.name
            LEFT JOIN results r ON r.key = s.key
            GROUP BY ALL ORDER BY st.name""").fetchall()
        names = ("study", "tasks", "done", "cpu_seconds", "created_at", "updated_at")
        return [dict(zip(names, r, strict=True)) for r in rows]

    def rows(self, study: str) -> list[dict[str, Any]]:
        """The stored rows of a study in sweep order (settings, then seed index)."""
        self._require(study)
        cur = self.con.execute("""
            SELECT r.key, s.setting_index, r.seed_index, r.base_seed, r.family, r.kind,
                   r.method, r.config, r.test_error, r.result, r.seconds, r.backend,
                   r.finished_at
            FROM study_tasks s JOIN results r USING (key)
            WHERE s.study = ? ORDER BY s.setting_index, r.seed_index""", [study])
        names = [c[0] for c in cur.description]
        out = []
        for row in cur.fetchall():
            item = dict(zip(names, row, strict=True))
            item["config"] = json.loads(item["config"])
            item["result"] = json.loads(item["result"])
            out.append(item)
        return out

    def points(self, study: str) -> list[Point]:
        """Mean and standard error over seeds, per setting, in sweep order.

        Aggregated in Python in a fixed order so the numbers are bitwise reproducible.
        """
        groups: dict[int, list[dict[str, Any]]] = {}
        for row in self.rows(study):
            groups.setdefault(row["setting_index"], []).append(row)
        points = []
        for rows in groups.values():
            values = np.array([np.nan if r["test_error"] is None else r["test_error"]
                               for r in rows])
            mean, sem = mean_sem(values)
            points.append(Point(rows[0]["config"], float(mean), float(sem), values.size, values,
                                tuple(r["result"] for r in rows), rows[0]["family"]))
        return points

    def export(self, study: str, path: str | Path) -> Path:
        """Write a study's rows to CSV or Parquet, chosen by the file suffix."""
        self._require(study)
        path = Path(path)
        fmt = path.suffix.lstrip(".").lower()
        if fmt not in EXPORT_FORMATS:
            raise ValueError(f"export: {path.name} must end in .csv or .parquet")
        path.parent.mkdir(parents=True, exist_ok=True)
        options = "FORMAT CSV, HEADER" if fmt == "csv" else "FORMAT PARQUET"
        query = ("SELECT s.study, s.setting_index, r.* FROM study_tasks s JOIN results r "
                 f"USING (key) WHERE s.study = {_sql_text(study)} "
                 "ORDER BY s.setting_index, r.seed_index")
        self.con.execute(f"COPY ({query}) TO {_sql_text(str(path))} ({options})")
        return path

    def _require(self, study: str) -> None:
        if not self.con.execute("SELECT 1 FROM studies WHERE name = ?", [study]).fetchone():
            known = ", ".join(s["study"] for s in self.studies()) or "none"
            raise ValueError(f"study: no study named {study!r} in {self.path} (stored: {known})")


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _holder(err: Exception) -> str:
    """" (PID 123)" from DuckDB's lock message, when it names the holder."""
    text = str(err)
    marker = "(PID "
    if marker not in text:
        return ""
    return " (PID " + text.split(marker, 1)[1].split(")", 1)[0] + ")"
