"""One configuration type for the regression chain under a data workflow (WF §1, §5).

A :class:`WorkflowSetting` is answered by theory (:func:`~.theory.predict_workflow`, where
a law exists) and by one Monte-Carlo chain per seed (:func:`~.simulate.workflow_one`).
Every field is validated when the object is built; a bad value raises ``ValueError`` whose
message starts with the parameter's name.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar

from ..config import MAX_GENERATIONS, MAX_SIGMA, Spectrum, check_choice, check_number, check_pi, check_size
from ..configbase import ConfigBase

WORKFLOWS = ("replace", "accumulate", "accumulate-subsample", "mix", "verify")
DESIGNS = ("fresh", "fixed")
VERIFIERS = ("oracle", "learned")
# τ = ∞ in plain data (JSON has no infinity): keep every candidate, the unverified chain.
INF = "inf"


@dataclass(frozen=True)
class WorkflowSetting(ConfigBase):
    """A chain of ridge fits, generation k labelling the data of generation k + 1 (WF §1).

    - ``d``: input dimension; x ~ N(0, Σ), Σ from ``spectrum`` (``"isotropic"``,
      ``"power:BETA"``, ``"power:BETA:source=R"`` or a :class:`~modelcollapse.config.Spectrum`);
      the target w* has ||w*|| = 1 with random signs in Σ's eigenbasis (uniform
      direction when isotropic) and the spectrum's energy profile.
    - ``T``: rows per block; generation 0 fits one block of T real rows.
    - ``generations`` = G >= 0; the chain reports generations 0..G.
    - ``workflow``: what generation k >= 1 trains on (WF §1): ``replace`` (one fresh
      block labelled by ŵ_{k-1}), ``accumulate`` (every block so far), ``accumulate-subsample``
      (T rows drawn without replacement from every block so far), ``mix`` (round(πT) fresh
      real rows and T - round(πT) fresh rows labelled by ŵ_{k-1}; needs ``pi``) or
      ``verify`` (candidates labelled by ŵ_{k-1}, kept when |ỹ - x·w_v| <= ``tau``).
    - ``sigma``: label noise of every block; ``ridge``: λ >= 0 on the mean squared loss.
    - ``design``: ``fresh`` inputs for every block, or one ``fixed`` T×d design reused by
      every block (Gerstgrasser et al.'s setting).
    - ``verifier`` (``verify`` only): ``oracle`` (w_v = w*) or ``learned`` (ridge with the
      same λ on ``nv`` real rows); ``tau`` = ∞ (``"inf"`` in plain data) keeps every
      candidate.
    """

    d: int
    T: int
    generations: int = 1
    workflow: str = "replace"
    pi: float | None = None
    sigma: float = 1.0
    ridge: float = 0.0
    design: str = "fresh"
    spectrum: str | Spectrum = "isotropic"
    tau: float | None = None
    verifier: str | None = None
    nv: int | None = None

    NESTED: ClassVar[Mapping[str, Any]] = {"spectrum": Spectrum}

    def __post_init__(self) -> None:
        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731
        set_("d", int(check_number("d", self.d, low=1, integer=True)))
        set_("T", int(check_number("T", self.T, low=1, integer=True)))
        set_("generations", int(check_number("generations", self.generations, low=0,
                                             high=MAX_GENERATIONS, integer=True)))
        check_choice("workflow", self.workflow, WORKFLOWS)
        check_choice("design", self.design, DESIGNS)
        set_("sigma", check_number("sigma", self.sigma, low=0.0, high=MAX_SIGMA))
        set_("ridge", check_number("ridge", self.ridge, low=0.0))
        Spectrum.check(self.spectrum, self.d)
        set_("pi", check_pi(self.workflow, self.pi, "rows"))
        self._check_verification()
        self._check_memory()

    def _check_verification(self) -> None:
        given = [k for k in ("tau", "verifier", "nv") if getattr(self, k) is not None]
        if self.workflow != "verify":
            if given:
                raise ValueError(f"{given[0]}: applies to the verify workflow only, "
                                 f"not {self.workflow!r}")
            return
        if self.tau is None:
            raise ValueError("tau: the verify workflow needs the tolerance tau (inf keeps all)")
        if self.tau in (INF, math.inf):
            object.__setattr__(self, "tau", math.inf)
        else:
            object.__setattr__(self, "tau", check_number("tau", self.tau, low=0.0, low_open=True))
        if self.verifier is None:
            object.__setattr__(self, "verifier", "oracle")
        check_choice("verifier", self.verifier, VERIFIERS)
        if self.verifier == "learned":
            if self.nv is None:
                raise ValueError("nv: a learned verifier needs the number nv of real rows it "
                                 "is fitted on")
            object.__setattr__(self, "nv", int(check_number("nv", self.nv, low=1, integer=True)))
        elif self.nv is not None:
            raise ValueError("nv: applies to the learned verifier only")

    def _check_memory(self) -> None:
        """Refuse, before anything is allocated, a chain whose arrays would not fit."""
        check_size("d", float(self.d) ** 2, f"a {self.d}x{self.d} Gram matrix")
        if self.design == "fixed" or self.workflow in ("accumulate-subsample", "verify"):
            blocks = self.generations + 1 if self.workflow == "accumulate-subsample" else 1
            check_size("T", float(blocks) * self.T * self.d,
                       f"{blocks} block(s) of {self.T} rows x {self.d} inputs")
        if self.verifier == "learned":
            check_size("nv", float(self.nv) * self.d, f"{self.nv} verifier rows x {self.d} inputs")

    def to_dict(self) -> dict[str, Any]:
        """Plain data, with τ = ∞ written as ``"inf"`` (JSON has no infinity)."""
        data = super().to_dict()
        if data["tau"] == math.inf:
            data["tau"] = INF
        return data

    @cached_property
    def covariance(self) -> Spectrum:
        """The resolved :class:`Spectrum`."""
        if isinstance(self.spectrum, Spectrum):
            return self.spectrum
        return Spectrum.parse(self.spectrum, self.d)

    @property
    def real_rows(self) -> int:
        """Fresh real rows per generation k >= 1: round(πT) under mix, else 0."""
        return round(self.pi * self.T) if self.workflow == "mix" else 0
