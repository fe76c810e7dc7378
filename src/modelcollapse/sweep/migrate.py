"""Migrate a results store of key version 1 to version 2, in place and losing nothing.

Version 1 keys hashed the task's kind: ``"simulate"``, ``"theory"`` or an import path such
as ``"modelcollapse.tails.simulate:simulate_one"``, and a configuration named its type with
a ``setting_type`` entry (absent for the strong-model-collapse ``Setting``). Version 2 keys
hash the family's stable name instead (:func:`.spec.task_key`). Each stored row is read
back into its family's configuration (:attr:`Family.upgrade`, by default ``from_dict``) and
rewritten with its family, the configuration's current plain form and its new key, as are
the study memberships, so a sweep that asks for the same points finds every one of them.
A row no registered family claims (a task of a user's own import path) keeps its old key
and no family: it stays in its study, but no sweep of today can ask for it again.

The caller (:class:`.store.Store`) runs this inside its opening transaction.
"""

from __future__ import annotations

import json
from typing import Any

import duckdb

from ..family import DEFAULT, get
from .spec import task_key


def store_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The key version a store is written in; None for a new, empty file.

    A ValueError (completing "PATH is ...") for a DuckDB file that holds other tables and not
    a store's, so a store is never created inside somebody else's database, and for one whose
    version cannot be read; a damaged file raises ``duckdb.Error``.
    """
    tables = {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables").fetchall()}
    if tables and not {"results", "study_tasks"} <= tables:
        raise ValueError(f"a DuckDB database but not a modelcollapse store (its tables: "
                         f"{', '.join(sorted(tables)[:5])})")
    if "store_meta" in tables:
        row = con.execute("SELECT value FROM store_meta WHERE name = 'key_version'").fetchone()
        try:
            return int(row[0]) if row else None
        except ValueError:
            raise ValueError(f"a store of an unknown key version {row[0]!r}") from None
    return 1 if tables else None


def upgraded(kind: str, method: str, config: dict[str, Any], seed_index: int,
             base_seed: int) -> tuple[str, str, str, dict[str, Any]] | None:
    """(new key, family, kind, configuration) of one version-1 row; None if no family claims it."""
    config = dict(config)
    name = config.pop("setting_type", DEFAULT)
    try:
        family = get(name)
    except ValueError:
        return None
    new_kind = family.legacy_tasks.get(kind)
    if new_kind is None:
        return None
    try:
        setting = (family.upgrade or family.from_dict)(config)
    except (TypeError, ValueError):
        return None
    plain = setting.to_dict()
    return task_key(family.name, new_kind, method, plain, seed_index, base_seed), family.name, \
        new_kind, plain


def migrate_v1(con: duckdb.DuckDBPyConnection) -> int:
    """Rewrite a version-1 store in place (within the caller's transaction); returns the
    number of rows given a family."""
    rows = con.execute("SELECT key, kind, method, config, seed_index, base_seed "
                       "FROM results").fetchall()
    mapping = []
    for key, kind, method, config, seed_index, base_seed in rows:
        new = upgraded(kind, method, json.loads(config), seed_index, base_seed)
        if new is not None:
            new_key, family, new_kind, plain = new
            mapping.append((key, new_key, family, new_kind, json.dumps(plain, sort_keys=True)))
    con.execute("ALTER TABLE results ADD COLUMN family VARCHAR")
    con.execute("CREATE TEMPORARY TABLE key_map (old_key VARCHAR PRIMARY KEY, new_key VARCHAR, "
                "family VARCHAR, kind VARCHAR, config VARCHAR)")
    if mapping:
        con.executemany("INSERT INTO key_map VALUES (?, ?, ?, ?, ?)", mapping)
    con.execute("UPDATE results SET key = m.new_key, family = m.family, kind = m.kind, "
                "config = m.config FROM key_map m WHERE results.key = m.old_key")
    con.execute("UPDATE study_tasks SET key = m.new_key FROM key_map m "
                "WHERE study_tasks.key = m.old_key")
    con.execute("DROP TABLE key_map")
    return len(mapping)

