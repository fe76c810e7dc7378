"""Budgets checked before work: the memory a run may allocate, and how long it may loop.

Every size a user gives (d, n, generations, a context length...) is turned into an estimate
of what it would allocate *before* anything is allocated, and a run beyond the limit is
refused with one line that names the parameter and the estimate. The limit is half of this
machine's memory (or of the address-space limit a process runs under, if lower); the
command line's ``--max-memory`` or the ``MODELCOLLAPSE_MAX_MEMORY`` environment variable
(bytes, or a size such as ``8G``; inherited by worker processes) overrides it.

>>> import os
>>> os.environ[MEMORY_ENV] = "1G"
>>> check_memory("d", 8 * 30_000**2, "a 30000x30000 Gram matrix")
Traceback (most recent call last):
...
ValueError: d: a 30000x30000 Gram matrix would need 6.71 GiB, more than the 1 GiB memory limit (--max-memory)
>>> del os.environ[MEMORY_ENV]
"""

from __future__ import annotations

import math
import os
import resource
from typing import Any

MEMORY_ENV = "MODELCOLLAPSE_MAX_MEMORY"
# The largest magnitude of a number given on the command line: beyond it, the squares and
# products inside the formulas overflow a float (about 1e308) into inf or NaN.
MAX_INPUT = 1e100
_UNITS = {"": 1, "B": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


def parse_size(text: str) -> int:
    """Bytes from ``"8G"``, ``"512M"``, ``"1.5T"`` or a plain number of bytes (``"4e9"``)."""
    raw = str(text).strip().upper().removesuffix("IB").removesuffix("B")
    unit = raw[-1:] if raw[-1:] in _UNITS else ""
    try:
        value = float(raw[:len(raw) - len(unit)]) * _UNITS[unit]
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 2**20:
        raise ValueError(f"max-memory: expected a size of at least 1M such as 8G or 512M, "
                         f"got {text!r}")
    return int(value)


def machine_memory() -> int:
    """Half of the physical memory, or of the address-space limit if that is lower."""
    physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY:
        physical = min(physical, soft)
    return physical // 2


def memory_limit() -> int:
    """The bytes one run may allocate: ``MODELCOLLAPSE_MAX_MEMORY`` if set, else
    :func:`machine_memory`."""
    text = os.environ.get(MEMORY_ENV)
    return machine_memory() if not text else parse_size(text)


def gib(nbytes: float) -> str:
    """``nbytes`` as a short human size (``6.71 GiB``, ``728 TiB``)."""
    for unit, size in (("PiB", 2**50), ("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20)):
        if nbytes >= size:
            return f"{nbytes / size:.3g} {unit}"
    return f"{nbytes / 2**20:.3g} MiB"


def check_memory(name: str, nbytes: float, what: str) -> None:
    """Refuse, naming ``name``, a run whose arrays (``nbytes`` in all, described by ``what``)
    would exceed :func:`memory_limit`; called before anything is allocated."""
    limit = memory_limit()
    if not nbytes <= limit:
        raise ValueError(f"{name}: {what} would need {gib(nbytes)}, more than the "
                         f"{gib(limit)} memory limit (--max-memory)")


def check_steps(name: str, steps: float, limit: float, what: str, fix: str = "") -> None:
    """Refuse, naming ``name``, a loop of ``steps`` iterations beyond ``limit`` (a run that
    would take hours before its first answer); ``fix`` says what can do it instead."""
    if not steps <= limit:
        raise ValueError(f"{name}: {what}: {steps:.3g}, more than the {limit:.3g} one run may "
                         f"take{'; ' + fix if fix else ''}")


# Counts drawn by the samplers (Wishart degrees of freedom, multinomials) are 64-bit integers.
MAX_DRAWN_COUNT = float(2**62)
# Chain steps (seeds x generations) one simulation may draw: a minute or two of small fits.
MAX_CHAIN_DRAWS = 1e6
# Normals one seed of a direct method may draw (rows x inputs: up to a minute a seed with
# their Gram products); the sufficient-statistic methods cost the same at any n.
MAX_DIRECT_NORMALS = 2.0**28


def smc_simulation_bytes(setting: Any, method: str) -> tuple[str, float, str]:
    """(parameter, bytes, what) of one seed of an smc simulation (SMC §8.3) by ``method``
    (a resolved method name), an upper estimate of its largest arrays together.

    With p = min(q, d) features (q = m for random projections, else d): the
    sufficient-statistic methods hold a few p x p matrices (or n x p rows when n < p); the
    direct ones a q x q Gram matrix (d x d for the conditional one) when they have more rows
    than features, otherwise the rows themselves and their kernel; random projections add the
    m x d matrix S.
    """
    d, n = float(setting.d), float(setting.n)
    q = float(setting.m) if setting.model == "random-projections" else d
    p = min(q, d)
    vectors = 16 * d
    projection = q * d if setting.model == "random-projections" else 0.0
    if method in ("direct", "direct-conditional"):
        if n < q:
            name, elements, what = "d", 2 * n * (d + q) + 3 * n * n, f"{n:.3g} rows of {d:.3g} inputs"
        else:
            side = d if method == "direct-conditional" else q
            name, elements, what = "d", 8 * side * side + 2**22, f"{side:.3g}x{side:.3g} Gram matrices"
    elif n < p:
        name, elements, what = "d", 4 * n * p + 3 * n * n, f"{n:.3g} draws of {p:.3g} features"
    else:
        name, elements, what = "d", 8 * p * p, f"{p:.3g}x{p:.3g} Wishart draws"
    return name, 8 * (vectors + projection + elements), what


def check_smc_simulation(setting: Any, method: str, workers: int = 1) -> None:
    """Refuse, before any draw, an smc simulation that would not fit: counts beyond 64 bits,
    a direct method drawing too many rows (the sufficient ones cost the same at any n), or
    arrays (of every worker process together) beyond :func:`memory_limit`."""
    if setting.n > MAX_DRAWN_COUNT:
        raise ValueError(f"n: the simulation draws sample counts up to n, at most "
                         f"{MAX_DRAWN_COUNT:.3g} (64-bit); `modelcollapse predict` answers "
                         f"n = {setting.n:.3g}")
    name, nbytes, what = smc_simulation_bytes(setting, method)
    each = f" in each of {workers} worker processes" if workers > 1 else ""
    check_memory(name, nbytes * workers, f"{what}{each}")
    if method in ("direct", "direct-conditional"):
        normals = float(setting.n) * setting.d * setting.iterations
        check_steps("n", normals, MAX_DIRECT_NORMALS,
                    f"the {method} method draws n x d = {setting.n:.3g} x {setting.d} normals "
                    "a seed", "--method sufficient draws Wishart statistics instead, at the same "
                    "cost for any n")
