"""Configuration types shared by theory, simulation, sweeps and plots.

One :class:`Setting` describes one point of the strong-model-collapse problem (SMC §0,
§1): ``modelcollapse.predict(setting)`` answers it with theory and
``modelcollapse.simulate(setting)`` with Monte-Carlo, so switching between the two is one word.

Every field is validated when the object is built; a bad value raises ``ValueError`` whose
message starts with the parameter's name, which the CLI turns into a one-line error.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np

from .budget import check_memory, gib, memory_limit
from .configbase import ConfigBase

Model = Literal["linear", "random-projections"]
MODELS: tuple[str, ...] = ("linear", "random-projections")

# Power-law spectra longer than this are stored in groups of nearly equal eigenvalues
# (see Spectrum.power_law); shorter ones are stored exactly.
EXACT_SPECTRUM_LIMIT = 4096


def check_number(name: str, value: Any, *, low: float | None = None, high: float | None = None,
                 low_open: bool = False, integer: bool = False) -> float:
    """Return ``value`` as a float after checking it is a finite number in range.

    The message always starts with ``name`` so a user knows which parameter to fix.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(f"{name} must be a number, got {value!r}")
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if integer and x != int(x):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if low is not None and (x < low or (low_open and x == low)):
        bound = f"> {low:g}" if low_open else f">= {low:g}"
        raise ValueError(f"{name} must be {bound}, got {value!r}")
    if high is not None and x > high:
        raise ValueError(f"{name} must be <= {high:g}, got {value!r}")
    return x


# The largest array one configuration may ask for is this share of the run's memory limit
# (--max-memory, else half the machine): a run holds several arrays of its largest size.
ARRAY_SHARE = 1 / 8
# A noise standard deviation (or a ridge) beyond this would overflow σ² (λ²) times the
# theory's factors (a silent inf or NaN that reads as a divergence): refused by name instead.
# At λ = 1e100 the estimator is already 0 to double precision (test error ||w1*||²_Σ).
MAX_SIGMA = 1e100
# Sample counts drawn by multinomials must fit a 64-bit integer.
MAX_COUNT = float(2**62)


# Generations one chain may ask for (every family with generations): a chain is a loop, and
# a loop of 10^5 steps is the longest a run should be asked to take before its first answer.
MAX_GENERATIONS = 100_000



def check_directory(name: str, directory: Path) -> None:
    """Refuse, before any work, an output directory that is a file, cannot be created or
    cannot be written (a ValueError naming ``name``); create it otherwise."""
    if directory.exists() and not directory.is_dir():
        raise ValueError(f"{name}: {directory} exists and is not a directory; choose another {name}")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=directory):
            pass
    except OSError as err:
        raise ValueError(f"{name}: cannot write to {directory} ({err.strerror or err})") from None

def check_choice(name: str, value: Any, options: tuple[str, ...]) -> None:
    """A ValueError naming ``name`` unless ``value`` is one of ``options``."""
    if value not in options:
        raise ValueError(f"{name} must be one of {', '.join(options)}, got {value!r}")


def check_pi(workflow: str, pi: Any, items: str) -> float | None:
    """π, the fraction of fresh real ``items`` per generation of a chain: required by the
    ``mix`` workflow (in [0, 1]) and refused by every other workflow."""
    if pi is None:
        if workflow == "mix":
            raise ValueError(f"pi: the mix workflow needs the fraction pi of fresh real {items}")
        return None
    if workflow != "mix":
        raise ValueError(f"pi: the fraction of fresh real {items} applies to the mix workflow "
                         f"only, not {workflow!r}")
    return check_number("pi", pi, low=0.0, high=1.0)


def check_size(name: str, elements: float, what: str) -> None:
    """Refuse a configuration whose largest array (``elements`` float64 entries, described by
    ``what``) would exceed :data:`ARRAY_SHARE` of the memory limit
    (:func:`~modelcollapse.budget.memory_limit`), naming the parameter, before anything is
    allocated."""
    limit = memory_limit()
    if not 8.0 * elements <= ARRAY_SHARE * limit:
        raise ValueError(f"{name}: {what} would need {gib(8.0 * elements)}, more than "
                         f"{gib(ARRAY_SHARE * limit)} (an eighth of the {gib(limit)} memory "
                         "limit, --max-memory: a run holds several arrays this large)")


def _positive(message: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(message) from None
    if not value > 0 or not math.isfinite(value):
        raise ValueError(message)
    return value


def _normalised(name: str, weights: np.ndarray, size: int) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    if w.shape != (size,):
        raise ValueError(f"{name} must have one entry per eigenvalue group ({size}), got shape {w.shape}")
    if not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
        raise ValueError(f"{name} must be finite, non-negative and not all zero")
    return w / w.sum()


@dataclass(frozen=True, eq=False)
class Spectrum:
    """Covariance spectrum of the inputs, with where the signal and the label shift live.

    The formulas of SMC §2.2 and §3 depend on Σ, w1* and Δ = Cov(δ) only through the
    eigenvalues of Σ, the energy of w1* along each eigen-direction and the diagonal of Δ in
    Σ's eigenbasis. A spectrum therefore stores, per group g of equal eigenvalues:

    - ``eigenvalues[g] > 0`` and ``multiplicities[g]`` (how many directions share it);
    - ``signal[g]``: the fraction of ||w1*||² on the group (sums to 1);
    - ``shift[g]``: the fraction of c² = tr(ΣΔ) contributed by the group (sums to 1).

    Defaults: w1* spread evenly over directions (isotropic target) and Δ ∝ I (isotropic
    label shift), as in SMC §0 item 3. With Σ = I this is the isotropic setting of SMC §2.4.
    """

    eigenvalues: np.ndarray
    multiplicities: np.ndarray
    signal: np.ndarray
    shift: np.ndarray
    name: str = "custom"

    def __post_init__(self) -> None:
        lam = np.atleast_1d(np.asarray(self.eigenvalues, dtype=float))
        if lam.ndim != 1 or lam.size == 0:
            raise ValueError("spectrum eigenvalues must be a non-empty 1-d array")
        if not np.all(np.isfinite(lam)) or np.any(lam <= 0):
            raise ValueError("spectrum eigenvalues must be finite and > 0")
        mult = np.broadcast_to(np.asarray(self.multiplicities, dtype=float), lam.shape).copy()
        if np.any(mult <= 0) or np.any(mult != np.round(mult)):
            raise ValueError("spectrum multiplicities must be positive whole numbers")
        object.__setattr__(self, "eigenvalues", lam)
        object.__setattr__(self, "multiplicities", mult)
        object.__setattr__(self, "signal", _normalised("spectrum signal", self.signal, lam.size))
        object.__setattr__(self, "shift", _normalised("spectrum shift", self.shift, lam.size))

    # -- constructors -------------------------------------------------------------------
    @classmethod
    def from_eigenvalues(cls, eigenvalues: Any, multiplicities: Any = 1, *,
                         signal: Any = None, shift: Any = None, name: str = "custom") -> Spectrum:
        """Spectrum from eigenvalues (with optional multiplicities) and optional profiles.

        ``signal`` and ``shift`` default to the isotropic target and isotropic shift.
        """
        lam = np.atleast_1d(np.asarray(eigenvalues, dtype=float))
        mult = np.broadcast_to(np.asarray(multiplicities, dtype=float), lam.shape)
        sig = mult if signal is None else signal
        sh = lam * mult if shift is None else shift
        return cls(lam, mult, np.asarray(sig, dtype=float), np.asarray(sh, dtype=float), name)

    @classmethod
    def isotropic(cls, d: int) -> Spectrum:
        """Σ = I_d (SMC §0 item 3)."""
        d = int(check_number("d", d, low=1, integer=True))
        return cls.from_eigenvalues([1.0], [d], name="isotropic")

    @classmethod
    def power_law(cls, d: int, beta: float, *, source: float | None = None,
                  rel_width: float = 0.005) -> Spectrum:
        """Power-law spectrum λ_j = j^(-β), j = 1..d (SMC §6, eq. (6.1)).

        ``source`` = r sets the target's profile by the source condition
        λ_j (w1*)_j² ∝ j^(-1-2βr); by default w1* is isotropic.

        Spectra longer than EXACT_SPECTRUM_LIMIT are stored in groups: indices
        j in [J, J(1 + rel_width)) share one eigenvalue, their mean, so tr Σ is exact and
        each group's eigenvalues differ by a relative β·rel_width at most. Every quantity
        used by the theory is a sum of a smooth function of λ_j over j; replacing λ_j by its
        group mean changes such a sum by a relative O((β·rel_width)²), about 1e-5 at the
        defaults (tested against the exact spectrum in tests/test_config.py).
        """
        d = int(check_number("d", d, low=1, integer=True))
        beta = check_number("beta", beta, low=0.0)
        # j, λ_j, the target's profile and the group sums: five arrays of d numbers
        check_memory("d", 40.0 * d, f"a power-law spectrum of {d:.3g} eigenvalues")
        j = np.arange(1, d + 1, dtype=float)
        if d <= EXACT_SPECTRUM_LIMIT:
            edges = np.arange(d + 1)
        else:
            head = np.arange(1000)
            tail, J = [], 1000
            while J < d:
                tail.append(J)
                J = max(J + 1, math.ceil(J * (1 + rel_width)))
            edges = np.concatenate([head, tail, [d]])
        lam_j = j**-beta
        if source is None:
            sig_j = np.ones(d)
        else:
            source = check_number("source", source, low=0.0, low_open=True)
            sig_j = j ** (-1.0 - 2.0 * beta * source) / lam_j
        sums = np.add.reduceat
        mult = np.diff(edges).astype(float)
        lam = sums(lam_j, edges[:-1]) / mult
        signal = sums(sig_j, edges[:-1])
        shift = sums(lam_j, edges[:-1])  # Δ ∝ I: group g contributes Σ_j λ_j to tr(ΣΔ)
        name = f"power:{beta:g}" if source is None else f"power:{beta:g}:source={source:g}"
        return cls(lam, mult, signal, shift, name)

    @classmethod
    def parse(cls, text: str, d: int) -> Spectrum:
        """Parse ``isotropic``, ``power:BETA`` or ``power:BETA:source=R`` (the CLI's
        ``--spectrum``; the last is the name :meth:`power_law` gives a source condition)."""
        usage = "'isotropic', 'power:BETA' or 'power:BETA:source=R'"
        if not isinstance(text, str):
            raise ValueError(f"spectrum must be {usage}, got {text!r}")
        if text == "isotropic":
            return cls.isotropic(d)
        if not text.startswith("power:"):
            raise ValueError(f"spectrum must be {usage}, got {text!r}")
        beta_text, _, option = text.removeprefix("power:").partition(":")
        beta = _positive(f"spectrum power exponent must be a number > 0, got {text!r}", beta_text)
        if not option:
            return cls.power_law(d, beta)
        if not option.startswith("source="):
            raise ValueError(f"spectrum must be {usage}, got {text!r}")
        source = _positive(f"spectrum source exponent must be a number > 0, got {text!r}",
                           option.removeprefix("source="))
        return cls.power_law(d, beta, source=source)

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (the arrays as lists), read back by :meth:`from_dict`."""
        return {"eigenvalues": self.eigenvalues.tolist(),
                "multiplicities": self.multiplicities.tolist(), "signal": self.signal.tolist(),
                "shift": self.shift.tolist(), "name": self.name}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Spectrum:
        """Inverse of :meth:`to_dict`, bit for bit (the stored profiles are already normalised)."""
        keys = ("eigenvalues", "multiplicities", "signal", "shift", "name")
        if not isinstance(data, Mapping) or set(data) != set(keys):
            raise ValueError(f"spectrum: a stored spectrum has the keys {', '.join(keys)}")
        spectrum = cls(**{k: data[k] if k == "name" else np.asarray(data[k], dtype=float)
                          for k in keys})
        object.__setattr__(spectrum, "signal", np.asarray(data["signal"], dtype=float))
        object.__setattr__(spectrum, "shift", np.asarray(data["shift"], dtype=float))
        return spectrum

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Spectrum):
            return NotImplemented
        return self.name == other.name and all(
            np.array_equal(getattr(self, k), getattr(other, k))
            for k in ("eigenvalues", "multiplicities", "signal", "shift"))

    def __hash__(self) -> int:
        return hash((self.name, self.eigenvalues.tobytes(), self.signal.tobytes()))

    @classmethod
    def check(cls, spectrum: str | Spectrum, d: int) -> None:
        """Validate a ``spectrum`` field cheaply: its text parses, or its d equals ``d``."""
        if isinstance(spectrum, Spectrum):
            if spectrum.d != d:
                raise ValueError(f"spectrum has d={spectrum.d} but d={d}")
        else:
            cls.parse(spectrum, 1)

    # -- derived quantities --------------------------------------------------------------
    @property
    def d(self) -> int:
        return int(self.multiplicities.sum())

    @property
    def trace(self) -> float:
        return float(self.eigenvalues @ self.multiplicities)

    @property
    def is_isotropic(self) -> bool:
        """Σ ∝ I (then the target and the shift are isotropic too)."""
        return self.eigenvalues.size == 1

    def per_direction(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Expand groups to d directions: (λ_j, w_j² per unit r², Δ_jj per unit c²).

        Used by simulations, which need the diagonal covariance itself.
        """
        mult = self.multiplicities.astype(int)
        lam = np.repeat(self.eigenvalues, mult)
        w2 = np.repeat(self.signal / self.multiplicities, mult)
        delta = np.repeat(self.shift / (self.multiplicities * self.eigenvalues), mult)
        return lam, w2, delta

    def __repr__(self) -> str:
        return f"Spectrum({self.name}, d={self.d}, groups={self.eigenvalues.size})"


@dataclass(frozen=True)
class Setting(ConfigBase):
    """One point of the strong-model-collapse problem (SMC §0, §1).

    n training samples, a fraction ``p2`` of them synthetic (labels from w2* = w1* + δ with
    tr(Σ Cov δ) = ``c2``), label noise of standard deviation ``sigma``, ridge ``ridge``
    (0 = minimum-norm least squares), and, for the random-projections model
    f(x) = v·(Sx), model size ``m`` (S iid N(0, 1/d)). ``r2`` = ||w1*||².

    Optional schemes: ``n0`` makes the synthetic labeller an OLS generator fitted on n0
    fresh real samples (SMC §4), so c² = σ²d/(n0 − d − 1) is derived and ``c2`` is
    ignored; ``alpha`` puts weight α on the synthetic part of the loss (§5.1, eq. (5.1));
    ``iterations`` > 1 runs iterative mixing "variant R" (§5.2), where ``c2`` is the initial
    generator's error c0² and each iteration relabels fresh synthetic inputs with the
    previous model.
    """

    d: int
    n: int
    p2: float = 0.0
    c2: float = 1.0
    sigma: float = 1.0
    ridge: float = 0.0
    model: Model = "linear"
    m: int | None = None
    r2: float = 1.0
    spectrum: str | Spectrum = "isotropic"
    n0: int | None = None
    alpha: float | None = None
    iterations: int = 1

    NESTED: ClassVar[Mapping[str, Any]] = {"spectrum": Spectrum}

    def __post_init__(self) -> None:
        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731
        set_("d", int(check_number("d", self.d, low=1, high=MAX_COUNT, integer=True)))
        set_("n", int(check_number("n", self.n, low=1, integer=True)))
        set_("p2", check_number("p2", self.p2, low=0.0, high=1.0))
        set_("c2", check_number("c2", self.c2, low=0.0))
        set_("sigma", check_number("sigma", self.sigma, low=0.0, high=MAX_SIGMA))
        set_("ridge", check_number("ridge", self.ridge, low=0.0, high=MAX_SIGMA))
        set_("r2", check_number("r2", self.r2, low=0.0))
        if self.model not in MODELS:
            raise ValueError(f"model must be one of {', '.join(MODELS)}, got {self.model!r}")
        if self.model == "random-projections":
            if self.m is None:
                raise ValueError("m (model size) is required for the random-projections model")
            set_("m", int(check_number("m", self.m, low=1, integer=True)))
        elif self.m is not None:
            raise ValueError("m (model size) only applies to the random-projections model")
        if self.n0 is not None:
            set_("n0", int(check_number("n0", self.n0, low=1, integer=True)))
            if self.n0 <= self.d + 1:
                raise ValueError(f"n0 must be > d + 1 = {self.d + 1} for an OLS generator "
                                 f"(its error is infinite otherwise), got {self.n0}")
        if self.alpha is not None:
            set_("alpha", check_number("alpha", self.alpha, low=0.0, high=1.0))
        set_("iterations", int(check_number("iterations", self.iterations, low=1,
                                            high=MAX_GENERATIONS, integer=True)))
        Spectrum.check(self.spectrum, self.d)

    @cached_property
    def covariance(self) -> Spectrum:
        """The resolved :class:`Spectrum`, with the label-shift profile in force.

        With an OLS generator (``n0``) the shift is Δ ∝ Σ⁻¹ (SMC §4), so every
        direction contributes equally to c² = tr(ΣΔ).
        """
        spec = self.spectrum if isinstance(self.spectrum, Spectrum) else Spectrum.parse(
            self.spectrum, self.d)
        if self.n0 is not None:
            spec = Spectrum(spec.eigenvalues, spec.multiplicities, spec.signal,
                            spec.multiplicities, spec.name)
        return spec

    @property
    def n_synthetic(self) -> int:
        """Number of synthetic rows, round(p2·n) (SMC §0 item 6)."""
        return round(self.p2 * self.n)

    @property
    def phi(self) -> float:
        return self.d / self.n

    @property
    def psi(self) -> float | None:
        return None if self.m is None else self.m / self.n


@dataclass(frozen=True)
class TwoSourceSetting:
    """General two-source problem of SMC §2.3: Σ1 ≠ Σ2, σ1 ≠ σ2, fixed w1*, w2*.

    Covariances are full d×d matrices; P1 (real, also the test distribution) and P2.
    """

    sigma1_cov: np.ndarray
    sigma2_cov: np.ndarray
    w1: np.ndarray
    w2: np.ndarray
    n: int
    p2: float
    noise1: float = 1.0
    noise2: float = 1.0
    ridge: float = 0.0

    def __post_init__(self) -> None:
        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731
        c1 = np.asarray(self.sigma1_cov, dtype=float)
        c2 = np.asarray(self.sigma2_cov, dtype=float)
        d = c1.shape[0]
        for name, c in (("sigma1_cov", c1), ("sigma2_cov", c2)):
            if c.shape != (d, d) or not np.allclose(c, c.T) or not np.all(np.isfinite(c)):
                raise ValueError(f"{name} must be a finite symmetric {d}x{d} matrix")
        for name, w in (("w1", self.w1), ("w2", self.w2)):
            if np.asarray(w).shape != (d,):
                raise ValueError(f"{name} must be a vector of length {d}")
        set_("sigma1_cov", c1)
        set_("sigma2_cov", c2)
        set_("w1", np.asarray(self.w1, dtype=float))
        set_("w2", np.asarray(self.w2, dtype=float))
        set_("n", int(check_number("n", self.n, low=1, integer=True)))
        set_("p2", check_number("p2", self.p2, low=0.0, high=1.0))
        set_("noise1", check_number("noise1", self.noise1, low=0.0))
        set_("noise2", check_number("noise2", self.noise2, low=0.0))
        set_("ridge", check_number("ridge", self.ridge, low=0.0))

    @property
    def d(self) -> int:
        return self.sigma1_cov.shape[0]
