"""``predict``: the theory engine's entry point, vectorised over grids of settings.

``predict(setting)`` answers one :class:`~modelcollapse.config.Setting`;
``predict(setting, n=ns[:, None], p2=p2s)`` answers a whole grid at once: any of the
numeric fields below may be overridden by an array, and all arrays broadcast together.
κ and the spectral sums depend only on (n, ridge, m), so they are solved once per distinct
triple and shared across p2, c2, σ and r² (a figure of 10⁴ points typically needs a
hundred fixed-point solves).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..config import Setting
from .generator import ols_generator_c2, synthetic_quality
from .isotropic import isotropic_ridge
from .mixing import iterative_mixing_error, weighted_mixing_error
from .prediction import Prediction
from .random_projections import rp_isotropic_ridgeless, rp_terms
from .ridge import linear_terms, mixture_error

# Fields a grid may override, with (lower bound, lower bound excluded, upper bound).
GRID_FIELDS: dict[str, tuple[float, bool, float | None]] = {
    "n": (0.0, True, None), "p2": (0.0, False, 1.0), "c2": (0.0, False, None),
    "sigma": (0.0, False, None), "ridge": (0.0, False, None), "m": (0.0, True, None),
    "r2": (0.0, False, None),
}

DIVERGENCE_NOTE = ("diverges at the interpolation threshold (effective rank equals n with "
                   "ridge 0); use a ridge > 0")


def _grid_values(setting: Setting, axes: dict[str, Any]) -> dict[str, np.ndarray]:
    unknown = set(axes) - set(GRID_FIELDS)
    if unknown:
        raise ValueError(f"{sorted(unknown)[0]} cannot be a grid axis; "
                         f"choose from {', '.join(GRID_FIELDS)}")
    values = {}
    for name, (low, open_low, high) in GRID_FIELDS.items():
        raw = axes.get(name, getattr(setting, name))
        if raw is None:  # m of the linear model
            continue
        arr = np.asarray(raw, dtype=float)
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} must be finite")
        if np.any(arr < low) or (open_low and np.any(arr == low)):
            raise ValueError(f"{name} must be {'>' if open_low else '>='} {low:g}")
        if high is not None and np.any(arr > high):
            raise ValueError(f"{name} must be <= {high:g}")
        values[name] = arr
    if "m" in axes and setting.model != "random-projections":
        raise ValueError("m only applies to the random-projections model")
    return values


def predict(setting: Setting, **axes: Any) -> Prediction:
    """Deterministic equivalent of the test error for ``setting`` (SMC §2–§5).

    Dispatch: isotropic linear ridge uses the closed forms (2.13)–(2.15); any other
    spectrum the general solver of §2.2; random projections the two-level solver of
    ``random_projections.py``, with the closed forms (3.5)–(3.9) for isotropic ridgeless
    points; weighted and iterative mixing the formulas of §5. Where the error diverges
    (ridge 0 at the interpolation threshold) the value is +inf and ``note`` says why.

    >>> from modelcollapse import Setting, predict
    >>> round(predict(Setting(d=500, n=1000, p2=0.1, c2=1.0)).test_error, 4)
    1.1
    """
    if setting.alpha is not None:
        return weighted_mixing_error(setting, **axes)
    if setting.iterations > 1:
        return iterative_mixing_error(setting, **axes)
    v = _grid_values(setting, axes)
    spectrum = setting.covariance
    d = float(setting.d)
    rp = setting.model == "random-projections"
    c2_v = v["c2"] if setting.n0 is None else synthetic_quality(setting)
    n, p2, c2, sigma, ridge, r2, *m = np.broadcast_arrays(
        v["n"], v["p2"], c2_v, v["sigma"], v["ridge"], v["r2"], *([v["m"]] if rp else []))
    shape = n.shape
    if setting.n0 is not None:  # c² follows σ through the generator (SMC eq. (4.2))
        c2 = ols_generator_c2(d, setting.n0, sigma)

    if not rp and spectrum.is_isotropic:
        lam1 = spectrum.eigenvalues[0]
        # Σ = λ1·I reduces to Σ = I with ridge λ/λ1 and r² scaled by λ1 (c² is invariant).
        iso = isotropic_ridge(d / n, ridge / lam1, p2, c2, sigma, r2 * lam1)
        kappa = iso["kappa"] * lam1
        out = {k: iso[k] for k in ("test_error", "bias", "variance", "synthetic_penalty")}
        extra = {"kappa": kappa, "df1": d / (1 + iso["kappa"]), "df2": d / (1 + iso["kappa"]) ** 2,
                 "mu": None}
        method = "isotropic closed form, SMC eqs. (2.13)-(2.15)"
    else:
        keys = [n.ravel(), ridge.ravel()] + ([m[0].ravel()] if rp else [])
        uniq, inverse = _unique_rows(keys)
        inverse = inverse.reshape(shape)
        if rp:
            terms = rp_terms(spectrum, uniq[:, 0], uniq[:, 1], uniq[:, 2])
        else:
            terms = linear_terms(spectrum, uniq[:, 0], uniq[:, 1])
        t = {k: val[inverse] for k, val in terms.items()}
        total, bias, var, zeta = mixture_error(t["res_w"], t["h1"], t["h2"], t["D2"],
                                               p2, c2, sigma, r2)
        out = {"test_error": total, "bias": bias, "variance": var, "synthetic_penalty": zeta}
        extra = {"kappa": t["kappa"], "df1": t["df1"], "df2": t["df2"], "mu": t.get("mu")}
        method = ("random projections, two-level deterministic equivalent" if rp
                  else "general spectrum, SMC eqs. (2.4)-(2.5)")
        if rp and spectrum.is_isotropic:
            fast = ridge == 0
            if np.any(fast):
                # Closed forms are written for Σ = I; a scaled identity only rescales r².
                lam1 = spectrum.eigenvalues[0]
                E, z, D2 = rp_isotropic_ridgeless(d / n, m[0] / n, p2, c2, sigma, r2 * lam1)
                with np.errstate(divide="ignore", invalid="ignore"):
                    variance = np.where(sigma > 0, sigma**2 * D2 / (1 - D2), 0.0)
                    bias_cf = np.where(np.isfinite(E), E - variance - z, np.inf)
                for key, val in (("test_error", E), ("synthetic_penalty", z),
                                 ("variance", variance), ("bias", bias_cf)):
                    out[key] = np.where(fast, val, out[key])
                method += "; isotropic ridgeless closed forms, SMC eqs. (3.5)-(3.9)"
    note = None
    n_inf = int(np.sum(~np.isfinite(out["test_error"])))
    if n_inf:
        note = DIVERGENCE_NOTE if shape == () else f"{n_inf} point(s) {DIVERGENCE_NOTE}"
    return _package(out, extra, method, note, shape)


def _unique_rows(keys: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(np.stack(keys, axis=1), axis=0, return_inverse=True)``, by a lexsort.

    The same rows in the same (lexicographic) order and the same inverse, without the
    structured-array sort np.unique uses for rows (20x slower on a 10⁴-point grid).
    """
    order = np.lexsort(keys[::-1])
    cols = [k[order] for k in keys]
    first = np.zeros(order.size, dtype=bool)
    first[:1] = True
    for c in cols:
        first[1:] |= c[1:] != c[:-1]
    inverse = np.empty(order.size, dtype=np.intp)
    inverse[order] = np.cumsum(first) - 1
    return np.stack([c[first] for c in cols], axis=1), inverse


def _package(out: dict[str, np.ndarray], extra: dict[str, Any], method: str,
             note: str | None, shape: tuple[int, ...]) -> Prediction:
    def shaped(x: Any) -> Any:
        if x is None:
            return None
        arr = np.broadcast_to(np.asarray(x, dtype=float), shape)
        return float(arr) if shape == () else np.array(arr)

    return Prediction(**{k: shaped(val) for k, val in {**out, **extra}.items()},
                      method=method, note=note)
