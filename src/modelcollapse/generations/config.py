"""One configuration type for the regression fake-data chain of TG Part B (§B.2).

A :class:`GenerationsSetting` is answered by theory (``predict_generations``) and by
Monte-Carlo (``simulate_generations``) alike, so switching between the two is one word.
Every field is validated when the object is built; a bad value raises ``ValueError`` whose
message starts with the parameter's name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar, Literal

import numpy as np

from ..config import MAX_GENERATIONS, MAX_SIGMA, Spectrum, check_number
from ..configbase import ConfigBase

ADAPTIVE = "adaptive"


def _schedule(name: str, value: Any, generations: int, *, low: float, integer: bool,
              high: float | None = None) -> Any:
    """A scalar, or one value per generation (TG eq. (B.7)); validated and normalised."""
    if isinstance(value, list | tuple | np.ndarray):
        values = tuple(value)
        if len(values) != generations:
            raise ValueError(f"{name} needs one value per generation ({generations}), got {len(values)}")
        checked = tuple(check_number(name, v, low=low, high=high, integer=integer) for v in values)
        return tuple(int(v) for v in checked) if integer else checked
    checked = check_number(name, value, low=low, high=high, integer=integer)
    return int(checked) if integer else checked


@dataclass(frozen=True)
class GenerationsSetting(ConfigBase):
    """The chain w0 -> ŵ_1 -> ... -> ŵ_n -> downstream ridge of TG §B.2.

    - ``d``: input dimension; x ~ N(0, Σ) with Σ from ``spectrum`` (eq. (B.1)).
    - ``T0``: samples per synthetic generator, ``sigma0`` its label noise (eq. (B.2)); each may
      be one value per generation (eq. (B.7)). Generators are least squares, minimum-norm
      when T0 < d.
    - ``generations`` = n >= 0; n = 0 is the clean baseline (downstream trained on real data).
    - ``T``: downstream samples, ``sigma`` their label noise, ``ridge`` λ >= 0 (eq. (B.3)) or
      ``"adaptive"``: the λ minimising the predicted error for this n
      (:func:`~modelcollapse.generations.exact.optimal_ridge`).
    - ``spectrum``: ``"isotropic"``, ``"power:BETA"`` or a :class:`~modelcollapse.config.Spectrum`;
      ``source`` = r puts w0 under the source condition λ_j c_j² ∝ j^(-1-2βr) (eq. (B.17)).
    - ``r2`` = ||w0||². Default (None): 1, except under a source condition, where the
      convention (an [OPEN] choice of TG §C) is λ_j c_j² = j^(-1-2βr) exactly, i.e.
      ||w0||² = Σ_j j^(β-1-2βr); it reproduces the numbers of TG §B.6 claims 9-10.
    """

    d: int
    T: int
    T0: int | tuple[int, ...]
    generations: int = 1
    sigma: float = 1.0
    sigma0: float | tuple[float, ...] = 1.0
    ridge: float | Literal["adaptive"] = 0.0
    spectrum: str | Spectrum = "isotropic"
    source: float | None = None
    r2: float | None = None

    NESTED: ClassVar[Mapping[str, Any]] = {"spectrum": Spectrum}

    def __post_init__(self) -> None:
        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731
        set_("d", int(check_number("d", self.d, low=1, integer=True)))
        set_("T", int(check_number("T", self.T, low=1, integer=True)))
        set_("generations", int(check_number("generations", self.generations, low=0,
                                             high=MAX_GENERATIONS, integer=True)))
        set_("T0", _schedule("T0", self.T0, self.generations, low=1, integer=True))
        set_("sigma0", _schedule("sigma0", self.sigma0, self.generations, low=0.0, integer=False,
                                 high=MAX_SIGMA))
        set_("sigma", check_number("sigma", self.sigma, low=0.0, high=MAX_SIGMA))
        if self.ridge != ADAPTIVE:
            if isinstance(self.ridge, str):
                raise ValueError(f"ridge must be a number >= 0 or 'adaptive', got {self.ridge!r}")
            set_("ridge", check_number("ridge", self.ridge, low=0.0))
        if self.r2 is not None:
            set_("r2", check_number("r2", self.r2, low=0.0))
        if self.source is not None:
            set_("source", check_number("source", self.source, low=0.0, low_open=True))
            if not (isinstance(self.spectrum, str) and self.spectrum.startswith("power:")):
                raise ValueError("source only applies to a spectrum given as 'power:BETA'")
        Spectrum.check(self.spectrum, self.d)

    @cached_property
    def covariance(self) -> Spectrum:
        """The resolved :class:`Spectrum` (eigenvalues of Σ and the energy profile of w0)."""
        if isinstance(self.spectrum, Spectrum):
            return self.spectrum
        if self.source is not None and self.beta is not None:
            return Spectrum.power_law(self.d, self.beta, source=self.source)
        return Spectrum.parse(self.spectrum, self.d)

    @property
    def beta(self) -> float | None:
        """β of a spectrum given as ``"power:BETA"``, else None."""
        if isinstance(self.spectrum, str) and self.spectrum.startswith("power:"):
            return float(self.spectrum.split(":", 1)[1])
        return None

    @property
    def norm2(self) -> float:
        """||w0||² in force (see the class docstring for the default)."""
        if self.r2 is not None:
            return self.r2
        if self.source is None or self.beta is None:
            return 1.0
        j = np.arange(1, self.d + 1, dtype=float)
        return float(np.sum(j ** (self.beta - 1.0 - 2.0 * self.beta * self.source)))

    @property
    def w0_energy(self) -> np.ndarray:
        """Σ_{j in group g} (w0)_j² for each eigenvalue group g of the spectrum."""
        return self.norm2 * self.covariance.signal

    @property
    def schedule(self) -> tuple[np.ndarray, np.ndarray]:
        """(T0_m, σ0_m) for generations m = 1..n, as float arrays of length n."""
        n = self.generations
        t0 = np.broadcast_to(np.asarray(self.T0, dtype=float), (n,))
        s0 = np.broadcast_to(np.asarray(self.sigma0, dtype=float), (n,))
        return t0, s0
