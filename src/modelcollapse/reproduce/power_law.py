"""Power-law scaling figure: capacity λ_j = j^(-β), tuned ridge (SMC §6, eqs. (6.1)–(6.3)).

β = 2 with an isotropic target gives the source exponent r = (β − 1)/(2β) = 1/4, so with
the ridge tuned as λ = 1/n (κ ≍ n^(-β/(2βr+1))) the clean error falls like
n^(-2βr/(2βr+1)) = n^(-1/2) (eq. (6.2)); with a constant synthetic share p2 it plateaus at
p2²c² (eq. (6.3)). Theory: the general-spectrum equivalent (2.4)–(2.5) through ``predict``.

With Δ ∝ I on this spectrum, c² = δᵀΣδ is carried by a few leading directions, so it
varies a lot from seed to seed: the p2 > 0 markers need many seeds, and because seed i
draws the same δ at every n, a curve's markers share their deviation from the theory.
"""

from __future__ import annotations

import numpy as np

from ..config import Setting
from ..sweep import Point, Sweep
from ..theory import predict
from ..theory.scaling import clean_rate
from .claims import Check, Claim, Evidence, agrees_with_theory
from .registry import (
    CONDITIONAL,
    Curve,
    Drawing,
    Figure,
    finish,
    markers,
    monte_carlo_note,
    new_figure,
    palette,
    register,
    select,
)

BETA = 2.0
SOURCE = (BETA - 1) / (2 * BETA)  # isotropic w1* on a power-law Σ (SMC eq. (6.1))
QUICK = {"d": 200, "p2": [0.0, 0.05, 0.1, 0.3], "n": (20, 100_000, 7), "seeds": 100}
FULL = {"d": 500, "p2": [0.0, 0.01, 0.05, 0.1, 0.3], "n": (20, 3_000_000, 12), "seeds": 100}
BASE = {"c2": 1.0, "sigma": 0.5, "spectrum": f"power:{BETA:g}"}


def _params(quick: bool) -> dict:
    return QUICK if quick else FULL


def tuned_ridge(n: float) -> float:
    """λ(n) = 1/n: the κ ≍ n^(-β/(2βr+1)) schedule of SMC §6 for β = 2, r = 1/4."""
    return 1.0 / n


def sweep(quick: bool) -> Sweep:
    p = _params(quick)
    lo, hi, num = p["n"]
    base = Setting(d=p["d"], n=lo, **BASE)
    settings = tuple(base.replace(n=n, ridge=tuned_ridge(n), p2=p2) for p2 in p["p2"]
                     for n in (round(float(v)) for v in np.geomspace(lo, hi, num)))
    return Sweep(f"power-law-scaling{'-quick' if quick else ''}", settings, seeds=p["seeds"],
                 method=CONDITIONAL)


def draw(points: list[Point], quick: bool) -> Drawing:
    p = _params(quick)
    d, c2, lo, hi = p["d"], BASE["c2"], p["n"][0], p["n"][1]
    ns = np.geomspace(lo, hi, 200)
    base = Setting(d=d, n=lo, **BASE)
    theory = predict(base, n=ns[:, None], ridge=(1 / ns)[:, None],
                     p2=np.array(p["p2"])[None, :]).test_error
    rate = clean_rate(BETA, SOURCE)
    fig, ax = new_figure(1, 7.0, 5.0)
    colors = palette("cividis", len(p["p2"]), 0.85)
    curves = []
    for j, (p2, color) in enumerate(zip(p["p2"], colors, strict=True)):
        ax.plot(ns, theory[:, j], color=color, lw=1.6, label=f"$p_2$ = {p2:g}")
        curves.append(Curve("main", f"p2={p2:g}", "n", ns, "test_error", theory[:, j]))
        if p2 > 0:
            ax.axhline(p2**2 * c2, color=color, ls="--", lw=0.9)
        chosen = select(points, "n", p2=float(p2))
        markers(ax, [q.config["n"] for q in chosen], chosen, color=color)
    anchor = theory[len(ns) // 2, 0] * (ns / ns[len(ns) // 2]) ** -rate
    ax.plot(ns, anchor, color="0.35", ls=":", lw=1.2, label=f"$n^{{-{rate:g}}}$ (eq. 6.2)")
    ax.plot([], [], color="0.35", ls="--", lw=0.9, label=r"floors $p_2^2 c^2$")
    ax.set_xscale("log")
    ax.set_yscale("log")
    finish(ax, xlabel="training-set size $n$", ylabel="test error $E_{test}$",
           title=f"Power-law spectrum $\\lambda_j = j^{{-{BETA:g}}}$, d = {d}, ridge "
                 f"$\\lambda$ = 1/n, $\\sigma$ = {BASE['sigma']:g}, $c^2$ = {c2:g}\n"
                 f"{monte_carlo_note(points)}", legend_title="synthetic fraction",
           loc="lower left")
    params = {"d": d, **BASE, "beta": BETA, "source r": SOURCE, "ridge": "1/n (tuned)",
              "p2": p["p2"], "n": f"{lo:g} to {hi:g}, {p['n'][2]} log-spaced",
              "seeds": p["seeds"], "theory": "eqs. (2.4)-(2.5) via predict; rate eq. (6.2)"}
    return Drawing(fig, curves, params)


def clean_power_law(ev: Evidence) -> Check:
    """Clean markers fall like n^(-2βr/(2βr+1)) (eq. (6.2)) over the range of n where the
    law holds at this finite d: where the deterministic equivalent's own local slope is
    within 0.05 of the rate (for n ≫ d it bends towards the d/n rate, slope -1)."""
    rows = sorted(ev.rows(p2=0.0), key=lambda r: r["n"])
    n = np.log([r["n"] for r in rows])
    theory = np.diff(np.log([r["theory"] for r in rows])) / np.diff(n)
    rate = clean_rate(BETA, SOURCE)
    window = sorted({i + k for i in np.flatnonzero(np.abs(theory + rate) < 0.05) for k in (0, 1)})
    slope = float(np.polyfit(n[window], np.log([rows[i]["mean"] for i in window]), 1)[0])
    return len(window) >= 3 and abs(slope + rate) < 0.1, \
        {"markers in the window": len(window), "n from": rows[window[0]]["n"],
         "n to": rows[window[-1]]["n"], "log-log slope": slope, "rate": -rate}, \
        "at least 3 markers; slope within 0.1 of the rate"


def synthetic_plateaus(ev: Evidence) -> Check:
    """Every p2 > 0 curve ends near its floor p2²c² (eq. (6.3)), far above the clean curve."""
    _, clean, _ = ev.curve("n", p2=0.0)
    ratios, above = {}, {}
    for p2 in sorted({r["p2"] for r in ev.rows()} - {0.0}):
        _, err, _ = ev.curve("n", p2=p2)
        ratios[f"p2={p2:g}"] = err[-1] / (p2**2 * BASE["c2"])
        above[f"p2={p2:g}"] = err[-1] / clean[-1]
    held = all(0.7 < v < 1.3 for v in ratios.values()) and all(v > 2 for v in above.values())
    return held, {"last / p2²c²": ratios, "last / clean": above}, \
        "last marker within 30% of p2²c² (c² varies from seed to seed) and > 2x the clean error"


FIGURE = register(Figure(
    name="power-law-scaling",
    title="Power-law scaling law: clean rate n^(-1/2) and plateaus at p2²c²",
    source="SMC §6, eqs. (6.1)-(6.3)",
    claim="With a power-law spectrum and tuned ridge the clean error follows "
          "n^(-2βr/(2βr+1)), and any constant synthetic share p2 makes it plateau at p2²c².",
    sweep=sweep, draw=draw,
    claims=(Claim("clean-rate", "Clean data follow n^(-2βr/(2βr+1)).", clean_power_law),
            Claim("plateau", "A constant synthetic share p2 makes the error plateau at p2²c².",
                  synthetic_plateaus),
            agrees_with_theory())))
