"""The family protocol: every model family registers once, and the shared layers look it up.

A :class:`Family` is a stable name, a configuration type, an optional theory (``predict``)
and one per-seed function ``run_one(config, seed_index, base_seed)``. The sweep layer
hashes the name (never a module path) into store keys and calls ``run_one`` in its
workers; ``reproduce`` and the CLI find the theory and the task of any configuration here;
none of them names a family. Adding a family is its own module plus one line in
:data:`BUILTIN` (or a :func:`register` call from any package; the tests register one of
their own).

>>> from modelcollapse.family import family_of, get
>>> from modelcollapse import Setting
>>> family_of(Setting(d=10, n=100)).name
'smc'
>>> sorted(families())[:3]
['bigram', 'gcd', 'generations']
>>> get("nope")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ValueError: family: unknown family 'nope'; choose from smc, tails, bigram, memory, ...
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import re
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

# The modules that register the built-in families, in the order they are listed.
BUILTIN: tuple[str, ...] = ("modelcollapse.smc", "modelcollapse.tails.family",
                            "modelcollapse.generations.family", "modelcollapse.experiments.family",
                            "modelcollapse.workflows.family")
# The family a sweep file that names none means (and a version-1 store's untyped rows).
DEFAULT = "smc"

_NAME = re.compile(r"[a-z][a-z0-9-]*\Z")


@dataclass(frozen=True)
class Family:
    """One model family (see the module docstring).

    - ``name``: stable and unique; it is hashed into every stored result's key and is the
      ``setting`` of a sweep file, so renaming a family orphans its stored results.
    - ``config``: the configuration type (a validated frozen dataclass with ``to_dict`` and
      ``from_dict``, see :mod:`modelcollapse.configbase`).
    - ``run_one(config, seed_index, base_seed)``: one Monte-Carlo seed or training run, drawing
      its randomness from :func:`modelcollapse.seeds.seed_generator` only; it returns the test
      error, a dict holding ``test_error``, or an object whose ``to_dict()`` does.
    - ``predict(config)``: the theory's answer (same return forms), or None.
    - ``methods``: the samplers ``run_one`` offers through a ``method=`` keyword; a family
      with the single method ``"auto"`` is called without it. ``resolve(config, method)``,
      if given, names the sampler ``"auto"`` picks (reported by ``simulate``).
    - ``budget(config, method, workers)``, if given, refuses (a ValueError naming the
      parameter and the estimate) a run whose arrays or draws would exceed the limits of
      :mod:`modelcollapse.budget`, before anything is allocated; ``simulate`` and every
      sweep call it (:meth:`check_budget`).
    - ``requires``/``extra``: optional modules ``run_one`` imports, and the extra that
      installs them.
    - ``legacy_tasks`` and ``upgrade``: how a results store written before families existed
      (key version 1) named this family's tasks (version-1 kind -> ``"simulate"`` or
      ``"theory"``), and how to read such a stored configuration (default
      ``config.from_dict``); used only when a store is migrated.
    """

    name: str
    config: type
    run_one: Callable[..., Any]
    predict: Callable[[Any], Any] | None = None
    title: str = ""
    methods: tuple[str, ...] = ("auto",)
    resolve: Callable[[Any, str], str] | None = None
    budget: Callable[[Any, str, int], None] | None = None
    requires: tuple[str, ...] = ()
    extra: str = ""
    legacy_tasks: Mapping[str, str] = field(default_factory=dict)
    upgrade: Callable[[Mapping[str, Any]], Any] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _NAME.match(self.name):
            raise ValueError(f"name: a family name is lower-case letters, digits and '-', "
                             f"got {self.name!r}")
        for attr in ("to_dict", "from_dict", "replace"):
            if not hasattr(self.config, attr):
                raise ValueError(f"config: {self.config.__name__} has no {attr}; derive it "
                                 "from modelcollapse.configbase.ConfigBase")
        if not self.methods or self.methods[0] != "auto":
            raise ValueError(f"methods: the first method must be 'auto', got {self.methods!r}")

    def run(self, config: Any, seed_index: int, base_seed: int = 0, method: str = "auto") -> Any:
        """``run_one`` for one seed, with ``method`` checked against :attr:`methods`."""
        self.check(config)
        self.check_method(method)
        if len(self.methods) == 1:
            return self.run_one(config, seed_index, base_seed)
        return self.run_one(config, seed_index, base_seed, method=method)

    def theory(self, config: Any, **axes: Any) -> Any:
        """``predict(config, **axes)``; a ValueError if the family has no theory, or if its
        theory takes no grid ``axes`` (arrays overriding numeric fields)."""
        self.check(config)
        if self.predict is None:
            raise ValueError(f"theory: the {self.name} family has no theory "
                             "(only simulation or training)")
        if axes:
            try:
                inspect.signature(self.predict).bind(config, **axes)
            except TypeError:
                raise ValueError(f"axes: the {self.name} family's theory takes no grid axes; "
                                 "call it once per configuration") from None
        return self.predict(config, **axes)

    def check(self, config: Any) -> None:
        if type(config) is not self.config:
            raise ValueError(f"setting: the {self.name} family takes a {self.config.__name__}, "
                             f"got {type(config).__name__}")

    def check_budget(self, config: Any, method: str = "auto", workers: int = 1) -> None:
        """Refuse a run of ``config`` by ``method`` in ``workers`` processes that would not
        fit (see ``budget``); families without a budget size their work themselves."""
        if self.budget is not None:
            self.budget(config, method, workers)

    def check_method(self, method: str) -> None:
        if method not in self.methods:
            raise ValueError(f"method: {self.name} offers {', '.join(self.methods)}, "
                             f"got {method!r}")

    def from_dict(self, data: Mapping[str, Any]) -> Any:
        return self.config.from_dict(data)

    def missing(self) -> list[str]:
        """The modules of ``requires`` that cannot be imported here."""
        return [m for m in self.requires if importlib.util.find_spec(m) is None]

    def whole_fields(self) -> frozenset[str]:
        """Fields holding whole numbers (sample sizes, counts): a sweep file's log-spaced range
        over one is rounded. Read from the type hints (``int``), plus the configuration's
        ``WHOLE`` (counts typed as floats so they may exceed 2**63, e.g. tails' T)."""
        hints = typing.get_type_hints(self.config)
        whole = {f.name for f in fields(self.config) if "int" in _hint_names(hints[f.name])}
        return frozenset(whole | set(getattr(self.config, "WHOLE", ())))


def install_hint(extra: str) -> str:
    """How to install an extra, the same words everywhere (README, errors, notes)."""
    return f"pip install -e '.[{extra}]' (from a clone) or pip install 'modelcollapse[{extra}]'"


def _hint_names(hint: Any) -> set[str]:
    args = typing.get_args(hint)
    if not args:
        return {getattr(hint, "__name__", str(hint))}
    return {getattr(a, "__name__", str(a)) for a in args}


_FAMILIES: dict[str, Family] = {}
_imported: set[str] = set()  # the BUILTIN modules imported so far
_loading: list[str] = []  # the BUILTIN module being imported, while it is


def register(family: Family) -> Family:
    """Add ``family`` to the registry; a second family of the same name or type is refused."""
    if not _loading:  # from outside: the built-in families come first, a clash is caught here
        families()
    for other in _FAMILIES.values():
        if other is family:
            return family
        if other.name == family.name or other.config is family.config:
            raise ValueError(f"family: {family.name!r} ({family.config.__name__}) clashes with "
                             f"the registered {other.name!r} ({other.config.__name__})")
    _FAMILIES[family.name] = family
    return family


def families() -> dict[str, Family]:
    """Every registered family by name, the built-in ones first."""
    for module in BUILTIN:
        _import_builtin(module)
    return dict(_FAMILIES)


def _import_builtin(module: str) -> None:
    if module not in _imported:
        _imported.add(module)
        _loading.append(module)
        try:
            importlib.import_module(module)
        finally:
            _loading.pop()


def _find(match: Callable[[Family], bool]) -> Family | None:
    """The first family ``match`` accepts, importing the built-in family modules one at a
    time, in order, until one registers it: the command line's ``predict`` loads the smc
    family's modules, not every family's (start-up time)."""
    for module in (None, *BUILTIN):
        if module is not None:
            _import_builtin(module)
        found = next((f for f in _FAMILIES.values() if match(f)), None)
        if found is not None:
            return found
    return None


def get(name: str) -> Family:
    """The family called ``name``."""
    found = _find(lambda f: f.name == name)
    if found is None:
        raise ValueError(f"family: unknown family {name!r}; choose from {', '.join(families())}")
    return found


def family_of(config: Any) -> Family:
    """The family whose configuration type is ``type(config)``."""
    found = _find(lambda f: type(config) is f.config)
    if found is None:
        raise ValueError(f"setting: {type(config).__name__} is no registered family's "
                         f"configuration; choose from "
                         f"{', '.join(f.config.__name__ for f in families().values())}")
    return found
