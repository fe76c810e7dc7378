"""Declarative sweeps: a study is a set of Settings, each run for K seeds (spec SMC §7).

A :class:`Sweep` is written in Python (``Sweep.grid(...)``, ``+`` to join blocks) or in a
TOML file (``Sweep.from_toml``) and expands into independent :class:`Task` objects, one per
(setting, seed index). A setting is any configuration type of :data:`SETTING_TYPES`: the
regression :class:`~modelcollapse.config.Setting`, :class:`~modelcollapse.tails.TailsSetting`,
:class:`~modelcollapse.generations.GenerationsSetting` or the image experiment's
:class:`~modelcollapse.experiments.points.ImagesPoint`; the type's name is stored with the
configuration (``setting_type``; absent for ``Setting``, whose keys predate the others), so
:func:`setting_from_config` rebuilds any stored task's setting. A task's ``key`` is a hash
of everything its result depends on (the setting's plain-data form, the seed index, the base
seed, the task kind and the method), so the results store is content-addressed: a point
computed by one study is reused by any other study that asks for the same point.

TOML form (every ``[[grid]]`` block is a Cartesian product over its fields, on top of
``[base]``; a single ``[grid]`` table works too; a range is ``{start, stop, num, log}``)::

    name = "plateaus"
    setting = "smc"       # or "tails", "generations", "images", "lm" (keys of SETTING_TYPES)
    seeds = 20            # seed indices 0..19
    base_seed = 0
    task = "simulate"     # or "theory", or "package.module:function"
    method = "auto"

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
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import MISSING, dataclass, field, fields
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from ..config import Setting, check_number
from ..experiments.lm_config import LMPoint
from ..experiments.points import ImagesPoint
from ..generations.config import GenerationsSetting
from ..tails.config import TailsSetting

# Configuration types a sweep runs, by the name stored with each task's configuration.
SETTING_TYPES: dict[str, type] = {"smc": Setting, "tails": TailsSetting,
                                  "generations": GenerationsSetting, "images": ImagesPoint,
                                  "lm": LMPoint}
SETTING_TYPE_KEY = "setting_type"
AnySetting = Setting | TailsSetting | GenerationsSetting | ImagesPoint | LMPoint
SETTING_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Setting))
# Fields stored as integers (sample sizes, counts); a log-spaced range over them is rounded.
WHOLE_FIELDS = frozenset({"d", "n", "m", "n0", "iterations", "T", "T0", "k", "generations",
                          "width"})
# Bumped if the meaning of a stored result changes, so old rows are not reused by mistake.
KEY_VERSION = 1


@dataclass(frozen=True)
class Task:
    """One independent unit of work: a Setting and one seed index (spec SMC §8.3).

    ``kind`` names the function that computes it (see :mod:`modelcollapse.sweep.tasks`);
    its result depends only on the fields hashed into ``key``.
    """

    setting: AnySetting
    seed_index: int
    base_seed: int = 0
    kind: str = "simulate"
    method: str = "auto"
    setting_index: int = 0

    @cached_property
    def config(self) -> dict[str, Any]:
        """The setting's plain-data form, as stored in the results table."""
        return setting_config(self.setting)

    @cached_property
    def key(self) -> str:
        payload = {"v": KEY_VERSION, "kind": self.kind, "method": self.method,
                   "setting": self.config, "seed_index": self.seed_index,
                   "base_seed": self.base_seed}
        text = json.dumps(payload, sort_keys=True, allow_nan=False)
        return hashlib.sha256(text.encode()).hexdigest()[:32]


def seed_index_count(seeds: Sequence[int]) -> int:
    """K for an experiment whose seeds are the indices 0..K-1 (what a stored sweep runs)."""
    if tuple(seeds) != tuple(range(len(seeds))):
        raise ValueError(f"seeds: stored tasks use seed indices 0..K-1, got {tuple(seeds)}")
    return len(seeds)


def setting_type(setting: Any) -> str:
    """The :data:`SETTING_TYPES` name of a configuration object."""
    for name, cls in SETTING_TYPES.items():
        if type(setting) is cls:
            return name
    raise ValueError(f"setting: a sweep runs {', '.join(c.__name__ for c in SETTING_TYPES.values())}"
                     f", got {type(setting).__name__}")


def setting_config(setting: AnySetting) -> dict[str, Any]:
    """Plain-data form of a setting with its type name (none for ``Setting``)."""
    name = setting_type(setting)
    config = setting.to_dict()
    return config if name == "smc" else {SETTING_TYPE_KEY: name, **config}


def setting_from_config(config: Mapping[str, Any]) -> AnySetting:
    """Rebuild a setting from its stored configuration (inverse of :func:`setting_config`)."""
    config = dict(config)
    name = config.pop(SETTING_TYPE_KEY, "smc")
    if name not in SETTING_TYPES:
        raise ValueError(f"setting: unknown setting type {name!r}; choose from "
                         f"{', '.join(SETTING_TYPES)}")
    return SETTING_TYPES[name](**config)


def _fields(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def _plain_setting(setting: AnySetting) -> AnySetting:
    setting_type(setting)
    if hasattr(setting, "spectrum") and not isinstance(setting.spectrum, str):
        raise ValueError("spectrum: a sweep takes 'isotropic' or 'power:BETA' so every task "
                         "can be rebuilt from its stored configuration")
    return setting


@dataclass(frozen=True)
class Sweep:
    """A named study: ``settings`` × ``seeds`` seed indices, computed by ``task``.

    >>> from modelcollapse import Setting
    >>> s = Sweep.grid("demo", Setting(d=10, n=100), n=[100, 1000], p2=[0.0, 0.5], seeds=3)
    >>> len(s.settings), len(s.tasks())
    (4, 12)
    """

    name: str
    settings: tuple[AnySetting, ...]
    seeds: int = 10
    base_seed: int = 0
    task: str = "simulate"
    method: str = "auto"
    spec: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError("name: a sweep needs a non-empty name")
        object.__setattr__(self, "seeds", int(check_number("seeds", self.seeds, low=1,
                                                           integer=True)))
        object.__setattr__(self, "base_seed", int(check_number("base_seed", self.base_seed,
                                                               low=0, integer=True)))
        if not self.settings:
            raise ValueError("grid: the sweep has no settings")
        unique = tuple(dict.fromkeys(_plain_setting(s) for s in self.settings))
        object.__setattr__(self, "settings", unique)
        if not self.spec:
            object.__setattr__(self, "spec", self._describe())

    @classmethod
    def grid(cls, name: str, base: AnySetting, *, seeds: int = 10, base_seed: int = 0,
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
                "settings": [setting_config(s) for s in self.settings]}

    # -- files -----------------------------------------------------------------------------
    @classmethod
    def from_toml(cls, path: str | Path) -> Sweep:
        """Read a sweep file (format in the module docstring)."""
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text())
        except FileNotFoundError:
            raise ValueError(f"sweep file: {path} does not exist") from None
        except tomllib.TOMLDecodeError as err:
            raise ValueError(f"sweep file: {path} is not valid TOML: {err}") from None
        return cls.from_dict(data, default_name=path.stem)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], default_name: str = "sweep") -> Sweep:
        known = {"name", "setting", "seeds", "base_seed", "task", "method", "base", "grid"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"{unknown[0]}: unknown sweep key; expected {', '.join(sorted(known))}")
        kind = str(data.get("setting", "smc"))
        if kind not in SETTING_TYPES:
            raise ValueError(f"setting: unknown setting type {kind!r}; choose from "
                             f"{', '.join(SETTING_TYPES)}")
        setting_cls = SETTING_TYPES[kind]
        base_fields = dict(data.get("base", {}))
        _check_fields("base", base_fields, setting_cls)
        blocks = data.get("grid", [{}])
        blocks = [blocks] if isinstance(blocks, Mapping) else list(blocks)
        required = [f.name for f in fields(setting_cls) if f.default is MISSING]
        settings: list[AnySetting] = []
        for block in blocks:
            _check_fields("grid", block, setting_cls)
            axes = {k: axis_values(k, v) for k, v in block.items()}
            merged = {**base_fields, **{k: v[0] for k, v in axes.items()}}
            for key in required:
                if key not in merged:
                    raise ValueError(f"{key}: every setting needs {key} (in [base] or a grid)")
            settings.extend(expand(setting_cls(**merged), axes))
        sweep = cls(str(data.get("name", default_name)), tuple(settings),
                    data.get("seeds", 10), data.get("base_seed", 0),
                    str(data.get("task", "simulate")), str(data.get("method", "auto")))
        object.__setattr__(sweep, "spec", {**sweep.spec, "source": dict(data)})
        return sweep


def _check_fields(where: str, values: Mapping[str, Any], cls: type = Setting) -> None:
    known = _fields(cls)
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ValueError(f"{where}: unknown setting field {unknown[0]!r}; "
                         f"choose from {', '.join(known)}")


def axis_values(name: str, raw: Any) -> list[Any]:
    """Values of one grid axis: a list, a scalar, or a range table {start, stop, num, log}."""
    if isinstance(raw, Mapping):
        extra = sorted(set(raw) - {"start", "stop", "num", "log"})
        if extra or not {"start", "stop", "num"} <= set(raw):
            raise ValueError(f"{name}: a range needs start, stop, num (and optional log)")
        num = int(check_number(f"{name}.num", raw["num"], low=1, integer=True))
        start = check_number(f"{name}.start", raw["start"])
        stop = check_number(f"{name}.stop", raw["stop"])
        if raw.get("log", False):
            if start <= 0 or stop <= 0:
                raise ValueError(f"{name}: a log range needs start and stop > 0")
            values = np.geomspace(start, stop, num)
        else:
            values = np.linspace(start, stop, num)
        if name in WHOLE_FIELDS:
            return list(dict.fromkeys(round(float(v)) for v in values))
        return [float(v) for v in values]
    if isinstance(raw, str) or not isinstance(raw, Sequence):
        return [raw]
    if not raw:
        raise ValueError(f"{name}: a grid axis needs at least one value")
    return list(raw)


def expand(base: AnySetting, axes: Mapping[str, Iterable[Any]]) -> list[AnySetting]:
    """Settings of the Cartesian product of ``axes`` over ``base`` (last axis innermost)."""
    _check_fields("grid", axes, type(base))
    names = list(axes)
    columns = [axis_values(k, vals if isinstance(vals, str | Mapping) else list(vals))
               for k, vals in axes.items()]
    return [base.replace(**dict(zip(names, combo, strict=True)))
            for combo in itertools.product(*columns)]
