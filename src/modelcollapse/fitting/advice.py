"""What a fitted law says about a data mix, with bootstrap intervals, or why it cannot say.

Every answer is read off the law L(n, p2) = E + F·p2² + (A + G·p2·p1)·v(n) (``law.py``):
the floor per p2, the loss at any n, the largest safe share at a target n, the n beyond
which a share costs more than a tolerance, and the cheapest real/synthetic mix reaching a
target loss. An answer the data cannot support raises :class:`UnsupportedAnswer` (a
ValueError) with the reason, and :meth:`CollapseFit.to_json` turns it into null + a note.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import brentq, minimize_scalar

from .data import Curves
from .fit import ALPHA_BOUNDS
from .law import PARAMS, collapse_law, law_floor, n_for_variance, variance_factor

# The floor coefficient F counts as identified when its interval spans at most this factor.
FLOOR_SPAN = 10.0
# Beyond this multiple of the largest fitted n a prediction is flagged as a far extrapolation
# (the recovery benchmark checks 16x).
FAR = 16.0


class UnsupportedAnswer(ValueError):
    """The curves cannot support this answer (the message says why)."""


@dataclass(frozen=True)
class CollapseFit:
    """A fitted collapse-aware law, its bootstrap replicates and the curves it was fitted on.

    ``params`` (E, A, alpha, F, G, n_c) is the point estimate, ``replicates`` one row of the
    same per bootstrap replicate (their E may be < 0: ``bootstrap.py``), ``ci`` the ``level``
    interval of each parameter (:meth:`_bounds`: percentiles, E's low end at least 0).
    Without replicates every interval is the point, and whether the floor is identified
    cannot be checked (only that some curve has p2 > 0).
    """

    params: dict[str, float]
    replicates: np.ndarray
    curves: Curves
    level: float = 0.95
    ci: dict[str, tuple[float, float]] = field(init=False)

    def __post_init__(self) -> None:
        low, high = self._bounds(self.replicates, self._with_e_zero(self.replicates),
                                 np.array([self.params[p] for p in PARAMS]))
        object.__setattr__(self, "ci", {p: (float(lo), float(hi))
                                        for p, lo, hi in zip(PARAMS, low, high, strict=True)})

    def _bounds(self, samples: np.ndarray, at_zero: np.ndarray,
                point: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The ``level`` interval of an answer g from its replicates: g(θ*) (``samples``,
        first axis) and g(θ* with E := 0) (``at_zero``).

        The percentile interval of g(θ*) (Efron & Tibshirani 1993, §13.3): the replicates
        are refits without the bound E ≥ 0 (``bootstrap.py``), so a replicate's clean loss
        or E may be ≤ 0, where an interval on the log scale is undefined; percentiles need no
        scale. Its low end is raised to the lower percentile of g(θ* with E := 0): every
        answer (a parameter, a floor, a loss, a safe share) is nondecreasing in E and the
        true E is ≥ 0, so g(θ) ≥ g(θ with E := 0), of which that percentile is a lower
        confidence bound. Each low end misses with probability (1 − level)/2, their maximum
        at most with the sum (Bonferroni); in benchmarks/fit_recovery.py it misses no more
        often than the percentile alone, whose low end for the clean loss at 16N falls to 0
        where this one stays near 0.7x the point.
        """
        if samples.shape[0] < 2:  # no bootstrap: a point interval, not a made-up width
            return point, point
        tail = 50 * (1 - self.level)
        low, high = np.percentile(samples, [tail, 100 - tail], axis=0)
        low = np.maximum(low, np.percentile(at_zero, tail, axis=0))
        return low, np.maximum(high, low)

    @staticmethod
    def _with_e_zero(replicates: np.ndarray) -> np.ndarray:
        """The replicates with E := 0 (:meth:`_bounds`)."""
        return np.column_stack([np.zeros(len(replicates)), replicates[:, 1:]])

    def _law(self, n: Any, p2: Any, params: dict[str, float] | np.ndarray) -> np.ndarray:
        if isinstance(params, dict):
            return collapse_law(n, p2, **params)
        return collapse_law(n, p2, *(params[..., i] for i in range(len(PARAMS))))

    # ---- identification -------------------------------------------------------------
    def _require_floor(self) -> None:
        if not self.curves.has_synthetic:
            raise UnsupportedAnswer("no curve with p2 > 0: the synthetic floor F·p2² is not "
                                    "identified; add a curve with synthetic data")
        low, high = self.ci["F"]
        if self.replicates.shape[0] >= 2 and not (low > 0 and high <= FLOOR_SPAN * low):
            raise UnsupportedAnswer(
                f"floor not identified: F's interval [{low:.3g}, {high:.3g}] spans more than "
                f"a factor {FLOOR_SPAN:g} (the curves have not flattened; add larger n)")

    def _check_n(self, n: np.ndarray, name: str) -> None:
        """The law holds above its interpolation threshold n_c (in every replicate)."""
        if np.any(~np.isfinite(n)) or np.any(n <= 0):
            raise ValueError(f"{name}: every value must be a finite number > 0")
        threshold = max([self.params["n_c"], *self.replicates[:, 5]])
        if np.any(n <= threshold):
            raise ValueError(f"{name}: the fitted law holds for n > {threshold:.4g} (its "
                             "interpolation threshold n_c); ask about a larger n")

    # ---- answers --------------------------------------------------------------------
    def floor(self, p2: float) -> float:
        """The loss as n → ∞ at share ``p2``: E + F·p2² (SMC eq. (2.19)); at p2 = 0 it is E."""
        _check_share(p2)
        if p2 > 0:
            self._require_floor()
        return float(law_floor(p2, self.params["E"], self.params["F"]))

    def floor_interval(self, p2: float) -> tuple[float, float]:
        """The bootstrap interval of :meth:`floor`."""
        self.floor(p2)
        samples = law_floor(p2, self.replicates[:, 0], self.replicates[:, 3])
        at_zero = law_floor(p2, 0.0, self.replicates[:, 3])
        low, high = self._bounds(samples[:, None], at_zero[:, None], np.array([self.floor(p2)]))
        return float(low[0]), float(high[0])

    def predict(self, n: Any, p2: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Predicted loss at (n, p2) with its bootstrap interval: (loss, low, high), each
        broadcast over ``n`` and ``p2``; the interval is the replicates' percentiles
        (:meth:`_bounds`)."""
        n = np.asarray(n, dtype=float)
        p2 = np.asarray(p2, dtype=float)
        self._check_n(n, "n")
        if np.any(~np.isfinite(p2)) or np.any((p2 < 0) | (p2 > 1)):
            raise ValueError("p2: every value must be in [0, 1]")
        if np.any(p2 > 0) and not self.curves.has_synthetic:
            self._require_floor()
        point = self._law(n, p2, self.params)
        if self.replicates.shape[0] < 2:
            return point, point, point
        samples, at_zero = (np.moveaxis(self._law(n[..., None], p2[..., None], rows), -1, 0)
                            for rows in (self.replicates, self._with_e_zero(self.replicates)))
        low, high = self._bounds(samples, at_zero, point)
        return point, low, high

    def max_safe_p2(self, target_n: float, tolerance: float) -> float:
        """The largest p2 in [0, 1] whose predicted loss at ``target_n`` is at most
        (1 + tolerance) × the predicted clean loss there."""
        _check_target(target_n, tolerance)
        self._check_n(np.asarray(target_n, dtype=float), "target_n")
        self._require_floor()
        return _max_safe_share(self.params, target_n, tolerance)

    def max_safe_p2_interval(self, target_n: float, tolerance: float) -> tuple[float, float]:
        """The bootstrap interval of :meth:`max_safe_p2`."""
        point = self.max_safe_p2(target_n, tolerance)
        if self.replicates.shape[0] < 2:
            return point, point
        samples, at_zero = (np.array([_max_safe_share(dict(zip(PARAMS, row, strict=True)),
                                                      target_n, tolerance) for row in rows])
                            for rows in (self.replicates, self._with_e_zero(self.replicates)))
        low, high = self._bounds(samples, at_zero, np.array(point))
        return float(low), float(high)

    def costly_from_n(self, p2: float, tolerance: float) -> float:
        """The n beyond which share ``p2`` costs more than ``tolerance`` relative to clean
        data: 0 when it does at every n, inf when it never does.

        The relative excess (F·p2² + G·p1·p2·v)/(E + A·v), v = v(n) the law's variance
        factor, is a ratio of two affine functions of v, hence monotone in n, so the answer
        is one threshold.
        """
        _check_share(p2)
        _check_target(1.0, tolerance)
        self._require_floor()
        P = self.params
        slope = P["G"] * p2 * (1 - p2) - tolerance * P["A"]  # excess − tol·clean = c0 + slope·v
        c0 = P["F"] * p2**2 - tolerance * P["E"]
        if c0 > 0 and slope >= 0:
            return 0.0
        if c0 <= 0:  # costly at most for small n (v above a threshold): never beyond one
            return math.inf
        # costly for v < −c0/slope, i.e. for n beyond the n at which v equals it
        return n_for_variance(-c0 / slope, P["alpha"], P["n_c"])

    def cheapest_mix(self, target_loss: float, cost_real: float,
                     cost_synthetic: float) -> dict[str, float]:
        """The mix (p2, n) of least cost n·(p1·cost_real + p2·cost_synthetic) whose predicted
        loss is ``target_loss``; p2 ranges over [0, 1] where the floor is below the target."""
        for name, value in (("target_loss", target_loss), ("cost_real", cost_real),
                            ("cost_synthetic", cost_synthetic)):
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a finite number > 0")
        P = self.params
        if target_loss <= P["E"]:
            raise UnsupportedAnswer(f"target_loss {target_loss:.4g} is at or below the clean "
                                    f"floor E = {P['E']:.4g}: no amount of data reaches it")
        top = 0.0
        if self.curves.has_synthetic:
            self._require_floor()
            top = 1.0 if P["F"] == 0 else min(1.0, math.sqrt((target_loss - P["E"]) / P["F"]))

        def needed_n(p2: float) -> float:
            v = (target_loss - P["E"] - P["F"] * p2**2) / (P["A"] + P["G"] * p2 * (1 - p2))
            return n_for_variance(v, P["alpha"], P["n_c"]) if v > 0 else math.inf

        def cost(p2: float) -> float:
            return needed_n(p2) * ((1 - p2) * cost_real + p2 * cost_synthetic)

        grid = np.linspace(0.0, top, 201)[:-1] if top < 1 else np.linspace(0.0, 1.0, 201)
        best = float(grid[np.argmin([cost(p) for p in grid])])
        step = top / 200 if top > 0 else 0.0
        if step > 0:
            res = minimize_scalar(cost, bounds=(max(0.0, best - step), min(top, best + step)),
                                  method="bounded", options={"xatol": 1e-9})
            best = float(res.x) if res.fun < cost(best) else best
        n = needed_n(best)
        return {"p2": best, "n": n, "n_real": (1 - best) * n, "n_synthetic": best * n,
                "cost": cost(best)}

    # ---- output ---------------------------------------------------------------------
    def to_json(self, at: Any = (), target_n: float | None = None,
                tolerance: float | None = None, costly_p2: Any = (),
                mix: tuple[float, float, float] | None = None) -> dict[str, Any]:
        """The command line's JSON object: params, ci, floor per p2 of the data, predictions
        at each n of ``at`` for each p2, with ``target_n`` the max_safe_p2 answer, for each
        share of ``costly_p2`` the n from which it costs more than ``tolerance``
        (:meth:`costly_from_n`; null where it never does), and with ``mix`` = (target loss,
        cost of a real sample, cost of a synthetic one) the :meth:`cheapest_mix`."""
        notes: list[str] = []
        out: dict[str, Any] = {
            "law": "L = E + F*p2^2 + (A + G*p2*(1-p2)) * n^(-alpha) / (1 - (n_c/n)^alpha)",
            "params": dict(self.params), "ci": {k: list(v) for k, v in self.ci.items()},
            "level": self.level, "bootstrap": int(self.replicates.shape[0]),
            "floor": [], "predictions": []}
        for p2 in self.curves.shares:
            entry = {"p2": float(p2)}
            try:
                low, high = self.floor_interval(float(p2))
                entry |= {"loss": self.floor(float(p2)), "low": low, "high": high}
            except UnsupportedAnswer as err:
                entry["loss"] = None
                _note(notes, err)
            out["floor"].append(entry)
        if not ALPHA_BOUNDS[0] < self.params["alpha"] < ALPHA_BOUNDS[1]:
            _note(notes, f"alpha = {self.params['alpha']:g} is at its bound: the curves do not "
                         "decay like a power law over the fitted range; read the answers as a "
                         "description of the data, not an extrapolation")
        largest = float(np.max(self.curves.n))
        for n in np.atleast_1d(np.asarray(at, dtype=float)):
            if n > FAR * largest:
                _note(notes, f"n = {n:g} is more than {FAR:g}x the largest fitted n "
                             f"({largest:g}): a far extrapolation; read its interval")
            for p2 in self.curves.shares:
                loss, low, high = self.predict(n, p2)
                out["predictions"].append({"p2": float(p2), "n": float(n), "loss": float(loss),
                                           "low": float(low), "high": float(high)})
        if target_n is not None:
            out |= {"target_n": target_n, "tolerance": tolerance}
            try:
                low, high = self.max_safe_p2_interval(target_n, tolerance)
                out |= {"max_safe_p2": self.max_safe_p2(target_n, tolerance),
                        "max_safe_p2_ci": [low, high]}
            except UnsupportedAnswer as err:
                out["max_safe_p2"] = None
                _note(notes, err)
        if len(costly_p2):
            out |= {"tolerance": tolerance, "costly_from_n": []}
            for p2 in np.atleast_1d(np.asarray(costly_p2, dtype=float)):
                try:
                    n = self.costly_from_n(float(p2), tolerance)
                except UnsupportedAnswer as err:
                    n = None
                    _note(notes, err)
                if n == math.inf:
                    n = None
                    _note(notes, f"p2 = {p2:g} never costs more than {tolerance:g} of the "
                                 "clean loss")
                out["costly_from_n"].append({"p2": float(p2), "n": n})
        if mix is not None:
            out["target_loss"] = mix[0]
            try:
                out["cheapest_mix"] = self.cheapest_mix(*mix)
            except UnsupportedAnswer as err:
                out["cheapest_mix"] = None
                _note(notes, err)
        if notes:
            out["note"] = "; ".join(notes)
        return out


def _note(notes: list[str], message: object) -> None:
    if str(message) not in notes:
        notes.append(str(message))


def _check_share(p2: float) -> None:
    if not (math.isfinite(p2) and 0 <= p2 <= 1):
        raise ValueError(f"p2 must be in [0, 1], got {p2}")


def _check_target(target_n: float, tolerance: float) -> None:
    if not (math.isfinite(target_n) and target_n > 0):
        raise ValueError(f"target_n must be a finite number > 0, got {target_n}")
    if not (math.isfinite(tolerance) and tolerance > 0):
        raise ValueError(f"tolerance must be a finite number > 0, got {tolerance}")


def _max_safe_share(params: dict[str, float], target_n: float, tolerance: float) -> float:
    """The largest p2 in [0, 1] with excess(p2) ≤ tolerance·L(n, 0), the excess over clean
    data being the quadratic F·p2² + G·v·p2·(1 − p2) (v the variance factor at n): 1 when p2 = 1 is within
    tolerance (the excess may peak in between, SMC §2.6), else the one root in (0, 1); 0 for
    a bootstrap replicate (E < 0) whose clean loss L(n, 0) is ≤ 0, where no share is within."""
    v = float(variance_factor(target_n, params["alpha"], params["n_c"]))
    budget = tolerance * (params["E"] + params["A"] * v)
    if budget <= 0:
        return 0.0
    gx = params["G"] * v

    def slack(p2: float) -> float:
        return params["F"] * p2**2 + gx * p2 * (1 - p2) - budget

    if slack(1.0) <= 0:
        return 1.0
    # slack(0) = −budget < 0 < slack(1): a quadratic has exactly one root in between.
    return float(brentq(slack, 0.0, 1.0, xtol=1e-12))
