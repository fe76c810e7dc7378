"""Declarative sweeps: a study is a set of configurations, each run for K seeds (SMC §7).

A :class:`Sweep` is written in Python (``Sweep.grid(...)``, ``+`` to join blocks) or in a
TOML file (``Sweep.from_toml``) and expands into independent :class:`Task` objects, one per
(configuration, seed index). A configuration is any registered family's configuration type
(:mod:`modelcollapse.family`; ``modelcollapse families`` lists them); a sweep file
names the family with ``setting``. A task's ``key`` is a hash of everything its result
depends on: the family's stable name, the configuration's plain-data form, the seed index,
the base seed, the task (``"simulate"``: the family's ``run_one``; ``"theory"``: its
``predict``) and the method. No module path enters a key, so moving code orphans nothing,
and a sweep file names no code: the store is content-addressed, and a point computed by one
study is reused by any other study that asks for the same point.

TOML form (every ``[[grid]]`` block is a Cartesian product over its fields, on top of
``[base]``; a single ``[grid]`` table works too; a range is ``{start, stop, num, log}``, and
a log range over a whole-number field such as ``n`` is rounded)::

    name = "plateaus"
    setting = "smc"       # a family (`modelcollapse families` lists them), e.g. smc, workflow
    seeds = 20            # seed indices 0..19
    base_seed = 0
    task = "simulate"     # or "theory"
    method = "auto"       # a method the family offers (smc: auto, direct, sufficient, conditional, ...)

    [base]
    d = 100
    c2 = 1.0

    [[grid]]
    n = {start = 200, stop = 1e6, num = 9, log = true}
    p2 = [0.0, 0.1, 0.5]
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import MISSING, dataclass, field, fields
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from ..config import check_number
from ..family import DEFAULT, Family, family_of, get

TASKS: tuple[str, ...] = ("simulate", "theory")
# The most tasks one study may hold: its task list and keys are built in memory (about a
# kilobyte a task), so a larger study is refused before anything is built; split it.
MAX_TASKS = 1_000_000
# Bumped if the meaning of a stored result changes, so old rows are not reused by mistake.
# Version 1 hashed the task's import path; version 2 the family's name (see store.migrate).
KEY_VERSION = 2


def task_key(family: str, kind: str, method: str, config: Mapping[str, Any], seed_index: int,
             base_seed: int) -> str:
    """The content address of one task's result (see the module docstring)."""
    payload = {"v": KEY_VERSION, "family": family, "kind": kind, "method": method,
               "setting": config, "seed_index": seed_index, "base_seed": base_seed}
    text = json.dumps(payload, sort_keys=True, allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Task:
    """One independent unit of work: a configuration and one seed index (SMC §8.3).

    ``kind`` is ``"simulate"`` (the family's ``run_one``) or ``"theory"`` (its ``predict``);
    the result depends only on the fields hashed into ``key``.
    """

    setting: Any
    seed_index: int
    base_seed: int = 0
    kind: str = "simulate"
    method: str = "auto"
    setting_index: int = 0

    @cached_property
    def family(self) -> Family:
        return family_of(self.setting)

    def __reduce__(self) -> tuple[Any, ...]:
        # Workers get the fields alone: the family is looked up there, by the config's type.
        return (Task, (self.setting, self.seed_index, self.base_seed, self.kind, self.method,
                       self.setting_index))

    @cached_property
    def config(self) -> dict[str, Any]:
        """The configuration's plain-data form, as stored in the results table."""
        return self.setting.to_dict()

    @cached_property
    def key(self) -> str:
        return task_key(self.family.name, self.kind, self.method, self.config, self.seed_index,
                        self.base_seed)


def seed_index_count(seeds: Sequence[int]) -> int:
    """K for an experiment whose seeds are the indices 0..K-1 (what a stored sweep runs)."""
    if tuple(seeds) != tuple(range(len(seeds))):
        raise ValueError(f"seeds: stored tasks use seed indices 0..K-1, got {tuple(seeds)}")
    return len(seeds)


def check_runnable(setting: Any, kind: str, method: str) -> Family:
    """The family of ``setting``, after checking it can run task ``kind`` with ``method``."""
    family = family_of(setting)
    if kind not in TASKS:
        raise ValueError(f"task: {kind!r} is not a task; choose from {', '.join(TASKS)}")
    if kind == "theory" and family.predict is None:
        raise ValueError(f"task: the {family.name} family has no theory; use task = 'simulate'")
    family.check_method(method)
    if kind == "simulate":
        family.check_budget(setting, method)
    return family


@dataclass(frozen=True)
class Sweep:
    """A named study: ``settings`` × ``seeds`` seed indices, computed by ``task``.

    >>> from modelcollapse import Setting
    >>> s = Sweep.grid("demo", Setting(d=10, n=100), n=[100, 1000], p2=[0.0, 0.5], seeds=3)
    >>> len(s.settings), len(s.tasks())
    (4, 12)
    """

    name: str
    settings: tuple[Any, ...]
    seeds: int = 10
    base_seed: int = 0
    task: str = "simulate"
    method: str = "auto"
    spec: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError("name: a sweep needs a non-empty name")
        if not self.name.isprintable():  # escape codes would be printed raw by every listing
            raise ValueError(f"name: a sweep name is printable text, got {self.name!r}")
        object.__setattr__(self, "seeds", int(check_number("seeds", self.seeds, low=1,
                                                           integer=True)))
        object.__setattr__(self, "base_seed", int(check_number("base_seed", self.base_seed,
                                                               low=0, integer=True)))
        if not self.settings:
            raise ValueError("grid: the sweep has no settings")
        _check_budget("seeds", len(self.settings) * self.seeds,
                      f"{len(self.settings)} settings x {self.seeds} seeds")
        for setting in self.settings:
            check_runnable(setting, self.task, self.method)
        unique = tuple(dict.fromkeys(self.settings))
        object.__setattr__(self, "settings", unique)
        if not self.spec:
            object.__setattr__(self, "spec", self._describe())

    @classmethod
    def grid(cls, name: str, base: Any, *, seeds: int = 10, base_seed: int = 0,
             task: str = "simulate", method: str = "auto", **axes: Iterable[Any]) -> Sweep:
        """The Cartesian product of ``axes`` (field of ``base`` -> values) applied to ``base``."""
        return cls(name, tuple(expand(base, axes)), seeds, base_seed, task, method)

    def __add__(self, other: Sweep) -> Sweep:
        """Join two blocks of one study (same seeds, task and method; duplicates dropped)."""
        for attr in ("seeds", "base_seed", "task", "method"):
            if getattr(self, attr) != getattr(other, attr):
                raise ValueError(f"{attr}: cannot join sweeps that differ in {attr}")
        return Sweep(self.name, self.settings + other.settings, self.seeds, self.base_seed,
                     self.task, self.method)

    def tasks(self) -> list[Task]:
        """Every (setting, seed index) task, settings in order, seeds innermost."""
        return [Task(s, k, self.base_seed, self.task, self.method, i)
                for i, s in enumerate(self.settings) for k in range(self.seeds)]

    def _describe(self) -> dict[str, Any]:
        return {"name": self.name, "seeds": self.seeds, "base_seed": self.base_seed,
                "task": self.task, "method": self.method,
                "settings": [{"family": family_of(s).name, **s.to_dict()}
                             for s in self.settings]}

    # -- files -----------------------------------------------------------------------------
    @classmethod
    def from_toml(cls, path: str | Path) -> Sweep:
        """Read a sweep file (format in the module docstring)."""
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text())
        except FileNotFoundError:
            raise ValueError(f"sweep file: {path} does not exist") from None
        except UnicodeDecodeError:
            raise ValueError(f"sweep file: {path} is not a text (TOML) file") from None
        except OSError as err:  # a directory, a file we may not read
            raise ValueError(f"sweep file: cannot read {path}: {err.strerror}") from None
        except tomllib.TOMLDecodeError as err:
            raise ValueError(f"sweep file: {path} is not valid TOML: {err}") from None
        return cls.from_dict(data, default_name=path.stem)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], default_name: str = "sweep") -> Sweep:
        known = {"name", "setting", "seeds", "base_seed", "task", "method", "base", "grid"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"{unknown[0]}: unknown sweep key; expected {', '.join(sorted(known))}")
        family = get(str(data.get("setting", DEFAULT)))
        base_fields = dict(data.get("base", {}))
        _check_fields("base", base_fields, family.config)
        blocks = data.get("grid", [{}])
        blocks = [blocks] if isinstance(blocks, Mapping) else list(blocks)
        required = [f.name for f in fields(family.config) if f.default is MISSING]
        settings: list[Any] = []
        for block in blocks:
            _check_fields("grid", block, family.config)
            axes = {k: axis_values(k, v, family) for k, v in block.items()}
            _check_budget("grid", math.prod(len(v) for v in axes.values()),
                          " x ".join(f"{len(v)} {k}" for k, v in axes.items()))
            merged = {**base_fields, **{k: v[0] for k, v in axes.items()}}
            for key in required:
                if key not in merged:
                    raise ValueError(f"{key}: every setting needs {key} (in [base] or a grid)")
            settings.extend(expand(family.from_dict(merged), axes))
        sweep = cls(str(data.get("name", default_name)), tuple(settings),
                    data.get("seeds", 10), data.get("base_seed", 0),
                    str(data.get("task", "simulate")), str(data.get("method", "auto")))
        object.__setattr__(sweep, "spec", {**sweep.spec, "source": dict(data)})
        return sweep


def _check_budget(name: str, tasks: int, what: str) -> None:
    if tasks > MAX_TASKS:
        raise ValueError(f"{name}: {what} = {tasks:.3g} tasks, more than one study holds "
                         f"({MAX_TASKS:.0e}); split it into several studies")


def _check_fields(where: str, values: Mapping[str, Any], cls: type) -> None:
    known = cls.field_names()
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ValueError(f"{where}: unknown setting field {unknown[0]!r}; "
                         f"choose from {', '.join(known)}")


def axis_values(name: str, raw: Any, family: Family) -> list[Any]:
    """Values of one grid axis: a list, a scalar, or a range table {start, stop, num, log}
    (rounded to whole numbers on the family's whole-number fields)."""
    if isinstance(raw, Mapping):
        extra = sorted(set(raw) - {"start", "stop", "num", "log"})
        if extra or not {"start", "stop", "num"} <= set(raw):
            raise ValueError(f"{name}: a range needs start, stop, num (and optional log)")
        num = int(check_number(f"{name}.num", raw["num"], low=1, high=MAX_TASKS, integer=True))
        start = check_number(f"{name}.start", raw["start"])
        stop = check_number(f"{name}.stop", raw["stop"])
        if raw.get("log", False):
            if start <= 0 or stop <= 0:
                raise ValueError(f"{name}: a log range needs start and stop > 0")
            values = np.geomspace(start, stop, num)
        else:
            values = np.linspace(start, stop, num)
        if name in family.whole_fields():
            return list(dict.fromkeys(round(float(v)) for v in values))
        return [float(v) for v in values]
    if isinstance(raw, str) or not isinstance(raw, Sequence):
        return [raw]
    if not raw:
        raise ValueError(f"{name}: a grid axis needs at least one value")
    return list(raw)


def expand(base: Any, axes: Mapping[str, Iterable[Any]]) -> list[Any]:
    """Settings of the Cartesian product of ``axes`` over ``base`` (last axis innermost)."""
    family = family_of(base)
    _check_fields("grid", axes, type(base))
    names = list(axes)
    columns = [axis_values(k, vals if isinstance(vals, str | Mapping) else list(vals), family)
               for k, vals in axes.items()]
    return [base.replace(**dict(zip(names, combo, strict=True)))
            for combo in itertools.product(*columns)]
