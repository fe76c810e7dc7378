"""Classical-model scaling figure: E_test vs n, one curve per p2 (SMC §7, §2.5–§2.6).

Theory: isotropic ridgeless closed form (2.16) through ``predict``; dashed lines mark the
floors p2²c² of eq. (2.19), and a dotted line the clean rate σ²d/n of eq. (2.17).
"""

from __future__ import annotations

import numpy as np

from ..config import Setting
from ..sweep import Point, Sweep
from ..theory import predict
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

QUICK = {"d": 100, "p2": [0.0, 0.1, 0.2, 0.5], "n": (400, 1_000_000, 7), "seeds": 20}
# Full mode reaches n = 10⁹: the sufficient-statistic sampler costs the same at any n, and
# the p2 = 0.001 plateau (10⁻⁶) only shows once σ²d/n is below it.
FULL = {"d": 200, "p2": [0.0, 0.001, 0.01, 0.05, 0.1, 0.2, 0.5], "n": (400, 1_000_000_000, 15),
        "seeds": 40}
BASE = {"c2": 1.0, "sigma": 1.0, "ridge": 0.0}


def _params(quick: bool) -> dict:
    return QUICK if quick else FULL


def _n_grid(quick: bool) -> list[int]:
    lo, hi, num = _params(quick)["n"]
    return [round(float(v)) for v in np.geomspace(lo, hi, num)]


def sweep(quick: bool) -> Sweep:
    p = _params(quick)
    base = Setting(d=p["d"], n=p["n"][0], **BASE)
    return Sweep.grid(f"classical-scaling{'-quick' if quick else ''}", base, seeds=p["seeds"],
                      method=CONDITIONAL, p2=p["p2"], n=_n_grid(quick))


def draw(points: list[Point], quick: bool) -> Drawing:
    p = _params(quick)
    d, c2, sigma = p["d"], BASE["c2"], BASE["sigma"]
    ns = np.geomspace(p["n"][0], p["n"][1], 200)
    base = Setting(d=d, n=p["n"][0], **BASE)
    theory = predict(base, n=ns[:, None], p2=np.array(p["p2"])[None, :]).test_error
    fig, ax = new_figure(1, 7.0, 5.0)
    colors = palette("viridis", len(p["p2"]), 0.9)
    curves = []
    for j, (p2, color) in enumerate(zip(p["p2"], colors, strict=True)):
        ax.plot(ns, theory[:, j], color=color, lw=1.6, label=f"$p_2$ = {p2:g}")
        curves.append(Curve("main", f"p2={p2:g}", "n", ns, "test_error", theory[:, j]))
        if p2 > 0:
            ax.axhline(p2**2 * c2, color=color, ls="--", lw=0.9, alpha=0.8)
        chosen = select(points, "n", p2=float(p2))
        markers(ax, [q.config["n"] for q in chosen], chosen, color=color)
    ax.plot(ns, sigma**2 * d / ns, color="0.35", ls=":", lw=1.2, label=r"$\sigma^2 d/n$ (clean rate)")
    ax.plot([], [], color="0.35", ls="--", lw=0.9, label=r"floors $p_2^2 c^2$")
    ax.set_xscale("log")
    ax.set_yscale("log")
    finish(ax, xlabel="training-set size $n$", ylabel="test error $E_{test}$ (excess risk)",
           title=f"Strong model collapse: isotropic ridgeless, d = {d}, $c^2$ = {c2:g}, "
                 f"$\\sigma$ = {sigma:g}\n{monte_carlo_note(points)}",
           legend_title="synthetic fraction", loc="lower left")
    params = {"d": d, **BASE, "p2": p["p2"], "n": f"{p['n'][0]:g} to {p['n'][1]:g}, "
              f"{p['n'][2]} log-spaced", "seeds": p["seeds"],
              "theory": "eq. (2.16) via predict; floors eq. (2.19)"}
    return Drawing(fig, curves, params)


def plateaus(ev: Evidence) -> Check:
    """Every p2 > 0 curve ends flat at p2²c² (eq. (2.19)), after falling to it."""
    c2 = BASE["c2"]
    off, flat, fall = {}, {}, {}
    for p2 in sorted({r["p2"] for r in ev.rows()} - {0.0}):
        _, err, _ = ev.curve("n", p2=p2)
        off[p2] = err[-1] / (p2**2 * c2) - 1
        flat[p2] = err[-1] / err[-2] - 1
        fall[p2] = err[0] / err[-1]
    held = (len(off) >= 3 and all(abs(v) < 0.10 for v in off.values())
            and all(abs(v) < 0.10 for v in flat.values()) and all(v > 1.5 for v in fall.values()))
    return held, {"last / floor - 1": list(off.values()), "last / previous - 1": list(flat.values()),
                  "first / last": list(fall.values())}, \
        "within 10% of p2²c² and of the previous marker; first marker > 1.5x the last"


def clean_rate(ev: Evidence) -> Check:
    """p2 = 0 keeps falling like σ²d/n (eq. (2.17)), below every floor."""
    d, sigma = ev.rows()[0]["d"], BASE["sigma"]
    n, err, _ = ev.curve("n", p2=0.0)
    slopes = np.diff(np.log(err[-4:])) / np.diff(np.log(n[-4:]))
    ratio = err[-1] * n[-1] / (sigma**2 * d)
    floors = min(p2**2 * BASE["c2"] for p2 in {r["p2"] for r in ev.rows()} - {0.0})
    held = bool(np.all(np.abs(slopes + 1) < 0.1)) and abs(ratio - 1) < 0.10 and err[-1] < floors / 10
    return held, {"log-log slopes": slopes, "E·n/(σ²d)": ratio, "last / lowest floor": err[-1] / floors}, \
        "slopes within 0.1 of -1; constant within 10% of σ²d; 10x below the lowest floor"


FIGURE = register(Figure(
    name="classical-scaling",
    title="Classical model: test error vs n, one curve per synthetic fraction p2",
    source="SMC §7 (classical-model scaling figure), eqs. (2.16), (2.17), (2.19)",
    claim="For any p2 > 0 the scaling law plateaus at p2²c², while p2 = 0 keeps falling "
          "like σ²d/n (strong model collapse).",
    sweep=sweep, draw=draw,
    claims=(Claim("plateau", "Every p2 > 0 curve stops falling at the floor p2²c².", plateaus),
            Claim("clean-rate", "Clean data (p2 = 0) keep falling like σ²d/n, below every floor.",
                  clean_rate),
            agrees_with_theory())))
