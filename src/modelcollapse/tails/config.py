"""One configuration type for the Zipf / Hutter-LLM setting of "A Tale of Tails" (TG §A).

A :class:`TailsSetting` says how the T training samples of the downstream Hutter model are
produced from real Zipf(β) data (TG eq. (A.1)); ``modelcollapse.tails.test_error``
answers it exactly and ``modelcollapse.tails.simulate`` by Monte-Carlo.

Conventions (choices where the paper is [OPEN], TG §C):

- At most one AI-data transform: ``k`` (top-k tail cut, eq. (A.5)), ``top_p`` (nucleus cut,
  eq. (A.11)), ``temperature`` (tail narrowing β' = β/τ, eq. (A.6)) or ``T0`` (a finite-sample
  generator trained on T0 clean samples, eq. (A.9)).
- ``generations`` = n counts synthetic generators between the real data and the downstream
  model; each is trained on ``T0`` samples of its predecessor (T0 defaults to T, the
  "shifted scaling" case of eq. (A.16)). The mechanism between generations must be named:
  ``"A"`` resample the previous empirical distribution, ``"B"`` keep the previously seen
  support with p-proportional weights, ``"C"`` draw inputs from p and label them with the
  previous model (TG §A.3).
- ``T0`` alone is one generation; its mechanism defaults to ``"B"``, which is literally the
  tail cut of paper eq. 6 (the generator cannot produce what it never saw).
- ``temperature`` with ``generations`` compounds the narrowing, β^(n) = β/τ^n (eq. (A.17));
  no finite-sample mechanism is involved then.
- ``pi`` mixes a fraction π of clean samples into the downstream training set (eq. (A.19)).
  Under mechanism C the downstream model would see conflicting labels for one input, for which
  the theory gives no rule, so ``pi > 0`` is refused there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from ..config import MAX_GENERATIONS, check_number
from ..configbase import ConfigBase
from .hutter import MAX_BETA, check_beta

Mechanism = Literal["A", "B", "C"]
MECHANISMS: tuple[str, ...] = ("A", "B", "C")


@dataclass(frozen=True)
class TailsSetting(ConfigBase):
    """Zipf(β) real data, T downstream samples, optional tail transform / mixing / generations.

    >>> TailsSetting(beta=2.0, T=1e6, k=100).transform
    'k'
    """

    beta: float
    T: float
    k: int | None = None
    top_p: float | None = None
    temperature: float | None = None
    T0: float | None = None
    pi: float = 0.0
    generations: int = 0
    mechanism: Mechanism | None = None

    WHOLE: ClassVar[tuple[str, ...]] = ("T", "T0")  # sample counts, typed float to pass 2**63

    def __post_init__(self) -> None:
        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731
        set_("beta", check_beta(self.beta))
        set_("T", check_number("T", self.T, low=1.0))
        given = [name for name in ("k", "top_p", "temperature", "T0") if getattr(self, name) is not None]
        if len(given) > 1:
            raise ValueError(f"{given[1]}: give at most one of k, top_p, temperature, T0 "
                             f"(got {', '.join(given)})")
        if self.k is not None:
            set_("k", int(check_number("k", self.k, low=1, integer=True)))
        if self.top_p is not None:
            set_("top_p", check_number("top_p", self.top_p, low=0.0, high=1.0, low_open=True))
            if self.top_p == 1.0:
                raise ValueError("top_p must be < 1 (top_p = 1 keeps the whole distribution)")
        if self.temperature is not None:
            tau = check_number("temperature", self.temperature, low=0.0, low_open=True)
            if not self.beta / tau > 1.0:
                raise ValueError(f"temperature must be < beta = {self.beta:g} so that "
                                 f"beta/temperature > 1 (a normalisable Zipf law), got {tau:g}")
            set_("temperature", tau)
        if self.T0 is not None:
            set_("T0", check_number("T0", self.T0, low=1.0))
        set_("pi", check_number("pi", self.pi, low=0.0, high=1.0))
        set_("generations", int(check_number("generations", self.generations, low=0,
                                             high=MAX_GENERATIONS, integer=True)))
        if self.mechanism is not None and self.mechanism not in MECHANISMS:
            raise ValueError(f"mechanism must be one of {', '.join(MECHANISMS)}, got {self.mechanism!r}")
        self._check_combinations(set_)

    def _check_combinations(self, set_: Any) -> None:
        if self.temperature is not None:
            if self.mechanism is not None:
                raise ValueError("mechanism: temperature narrowing compounds without a finite-sample "
                                 "mechanism (TG eq. (A.17)); drop --mechanism or use --T0")
            if self.pi > 0:
                raise ValueError("pi: mixing is implemented for tail cuts (k, top_p) and "
                                 "finite-sample generations (T0), not for temperature")
            if self.generations > 0 and self.temperature ** self.generations >= self.beta:
                raise ValueError(f"temperature: beta/temperature^generations must stay > 1, got "
                                 f"{self.beta:g}/{self.temperature:g}^{self.generations}")
            if not self.trained_beta <= MAX_BETA:  # the narrowed law's exponent, as beta's
                raise ValueError(f"temperature: the narrowed exponent beta/temperature^"
                                 f"generations must be <= {MAX_BETA:g}, got {self.trained_beta:g}")
            return
        if self.generations > 0 and (self.k is not None or self.top_p is not None):
            raise ValueError("generations: chains are defined for finite-sample generators "
                             "(T0, mechanism A/B/C) or temperature, not for k / top_p")
        if self.T0 is not None and self.generations == 0:
            set_("generations", 1)
            set_("mechanism", self.mechanism or "B")
        if self.generations > 0:
            if self.mechanism is None:
                raise ValueError("mechanism: choose A, B or C when generations >= 1 (TG §A.3)")
            if self.mechanism == "C" and self.pi > 0:
                raise ValueError("pi: mixing clean data is not defined under mechanism C (the "
                                 "downstream model would see conflicting labels); use A or B")
        elif self.mechanism is not None:
            raise ValueError("mechanism only applies with generations >= 1 or T0")

    @property
    def c(self) -> float:
        """Clean exponent c = 1 − 1/β (TG eq. (A.3))."""
        return 1.0 - 1.0 / self.beta

    @property
    def transform(self) -> str:
        """Which AI-data transform is in force: none, k, top_p, temperature or generations."""
        if self.temperature is not None:
            return "temperature"
        if self.generations > 0:
            return "generations"
        if self.k is not None:
            return "k"
        if self.top_p is not None:
            return "top_p"
        return "none"

    @property
    def trained_beta(self) -> float:
        """Zipf exponent of the (narrowed) training law, β/τ^n with n = max(generations, 1)."""
        if self.temperature is None:
            return self.beta
        return self.beta / self.temperature ** max(self.generations, 1)

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form, for JSON output and the results store."""
        out = super().to_dict()
        for name in ("T", "T0"):  # sample sizes print as integers when they are whole
            if out[name] is not None and float(out[name]).is_integer():
                out[name] = int(out[name])
        return out
