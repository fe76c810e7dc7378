"""On-disk cache of the network experiments' expensive intermediate products (SMC §7).

Trained generators (their checkpoints) and sampled corpora are stored under content hashes,
so any run that needs the same product, in this process, another worker or a later session,
loads it instead of recomputing it. Stored sweep tasks use :func:`cache_dir`
(``$MODELCOLLAPSE_CACHE``, else ``$XDG_CACHE_HOME/modelcollapse``, else
``~/.cache/modelcollapse``); ``modelcollapse experiment`` uses its ``--out`` directory.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CACHE_ENV = "MODELCOLLAPSE_CACHE"


def cache_dir() -> Path:
    """The cache root for stored tasks (created on first use by the writers)."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "modelcollapse"


@contextmanager
def locked(path: str | os.PathLike) -> Iterator[None]:
    """Hold an exclusive lock on ``path + ".lock"`` (POSIX ``flock``), so two workers that
    need the same product compute it once: the second waits, then finds it stored. The
    empty lock file stays: removing it could let a third process lock a new file while the
    second still waits on the old one."""
    lock = Path(f"{os.fspath(path)}.lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
