"""Figure 10: iterative mixing, variant R (SMC §7, §5.2).

p1 = p2 = 1/2: a fixed real half is reused at every iteration, and the synthetic half is
relabelled by the previous model (variant R, the toolkit's convention). Left: E_test vs n
after T iterations, against training on the real half alone, all-real data and one-step
mixing (which plateaus at p2²c0²). Right: E_t vs iteration t at one n, approaching
its limit, above the real-half error. Theory: the finite-φ law of variant R
(``iterative_mixing_finite``, what ``predict`` answers) with its small-φ form (5.4) dashed;
eq. (2.16) via ``predict`` for the others.
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import MaxNLocator

from ..config import Setting
from ..sweep import Point, Sweep
from ..theory import predict
from ..theory.mixing import iterative_mixing_finite, iterative_mixing_small_phi
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
    register,
    select,
)

QUICK = {"d": 50, "n": (400, 20_000, 5), "iterations": 10, "n_panel": 4000, "seeds": 20}
FULL = {"d": 100, "n": (400, 100_000, 8), "iterations": 20, "n_panel": 4000, "seeds": 40}
BASE = {"p2": 0.5, "c2": 1.0, "sigma": 1.0, "ridge": 0.0}


def _params(quick: bool) -> dict:
    return QUICK if quick else FULL


def _n_grid(quick: bool) -> list[int]:
    lo, hi, num = _params(quick)["n"]
    return [2 * round(float(v) / 2) for v in np.geomspace(lo, hi, num)]  # even: n/2 is exact


def _base(quick: bool) -> Setting:
    p = _params(quick)
    return Setting(d=p["d"], n=p["n"][0], **BASE)


def sweep(quick: bool) -> Sweep:
    p = _params(quick)
    name = f"iterative-mixing{'-quick' if quick else ''}"
    base, ns = _base(quick), _n_grid(quick)
    iterated = Sweep.grid(name, base, seeds=p["seeds"], method=CONDITIONAL,
                          iterations=[p["iterations"]], n=ns)
    real_half = Sweep.grid(name, base.replace(p2=0.0), seeds=p["seeds"], method=CONDITIONAL,
                           n=[n // 2 for n in ns])
    by_iteration = Sweep.grid(name, base.replace(n=p["n_panel"]), seeds=p["seeds"],
                              method=CONDITIONAL,
                              iterations=list(range(1, p["iterations"] + 1)))
    return iterated + real_half + by_iteration


def draw(points: list[Point], quick: bool) -> Drawing:
    p = _params(quick)
    d, T, sigma, c0, p2 = p["d"], p["iterations"], BASE["sigma"], BASE["c2"], BASE["p2"]
    base = _base(quick)
    ns = np.geomspace(p["n"][0], p["n"][1], 60)
    mixed_T = np.array([iterative_mixing_finite(base.replace(n=2 * round(n / 2)), T)[-1]
                        for n in ns])
    small_T = iterative_mixing_small_phi(T, d / ns, p2, c0, sigma)
    half = predict(base.replace(p2=0.0), n=ns / 2).test_error
    full = predict(base.replace(p2=0.0), n=ns).test_error
    one_step = predict(base, n=ns).test_error
    fig, (ax_n, ax_t) = new_figure(2, 12.0, 4.8)
    curves = []
    for label, y, color, ls in ((f"iterative mixing, T = {T}", mixed_T, "tab:red", "-"),
                                (f"small-φ form (5.4), T = {T}", small_T, "tab:red", ":"),
                                ("real half only (n/2 real)", half, "tab:blue", "-"),
                                ("all n real", full, "0.4", ":"),
                                ("one-step mixing, T = 1", one_step, "tab:orange", "--")):
        ax_n.plot(ns, y, color=color, ls=ls, lw=1.5, label=label)
        curves.append(Curve("vs n", label, "n", ns, "test_error", y))
    it = select(points, "n", iterations=T)
    markers(ax_n, [q.config["n"] for q in it], it, color="tab:red")
    rh = select(points, "n", p2=0.0)
    markers(ax_n, [2 * q.config["n"] for q in rh], rh, color="tab:blue", marker="s")
    ax_n.set_xscale("log")
    ax_n.set_yscale("log")
    finish(ax_n, xlabel="total training-set size $n$ (real half = n/2)",
           ylabel="test error $E_{test}$",
           title=f"Iterative mixing (variant R), $p_1 = p_2$ = 1/2, d = {d}, $c_0^2$ = {c0:g}"
                 f"\n{monte_carlo_note(points)}")

    n0 = p["n_panel"]
    ts = np.arange(1, T + 1)
    phi = d / n0
    e_t = iterative_mixing_finite(base.replace(n=n0), T)
    ax_t.plot(ts, e_t, color="tab:red", lw=1.5, label="iterative mixing (finite φ)")
    ax_t.plot(ts, iterative_mixing_small_phi(ts, phi, p2, c0, sigma), color="tab:red", ls=":",
              lw=1.2, label="small-φ form (5.4)")
    half_n0 = predict(base.replace(p2=0.0, n=n0 // 2)).test_error
    ax_t.axhline(half_n0, color="tab:blue", lw=1.2, label="real half only")
    curves.append(Curve("vs t", "iterative mixing (finite φ)", "t", ts.astype(float),
                        "test_error", e_t))
    by_t = select(points, "iterations", n=n0, p2=p2)
    markers(ax_t, [q.config["iterations"] for q in by_t], by_t, color="tab:red")
    ax_t.set_yscale("log")
    ax_t.xaxis.set_major_locator(MaxNLocator(integer=True))
    finish(ax_t, xlabel="iteration $t$", ylabel="test error $E_t$",
           title=f"n = {n0} ($\\phi$ = {phi:g}): converges above the real-half error")
    params = {"d": d, **BASE, "c0^2": c0, "iterations T": T, "n": f"{p['n'][0]:g} to "
              f"{p['n'][1]:g}, {p['n'][2]} log-spaced", "n (right panel)": n0,
              "seeds": p["seeds"], "variant": "R (fixed real half, spec §5.2)",
              "theory": "variant R at finite phi (small-phi form (5.4) dotted); (2.16) for real "
                        "half / all real / one step"}
    return Drawing(fig, curves, params)


def above_the_real_half(ev: Evidence) -> Check:
    """After T iterations the error stays above training on the real half alone, while
    following a d/n-type law (slope about -1 in log-log)."""
    rows = ev.rows()
    T = max(r["iterations"] for r in rows)
    half = {2 * r["n"]: r for r in rows if r["p2"] == 0.0}
    mixed = sorted((r for r in rows if r["iterations"] == T and r["n"] in half),
                   key=lambda r: r["n"])
    margins = [(r["mean"] - half[r["n"]]["mean"]) / np.hypot(r["sem"], half[r["n"]]["sem"])
               for r in mixed]
    n = np.array([r["n"] for r in mixed], dtype=float)
    slope = float(np.polyfit(np.log(n[-3:]), np.log([r["mean"] for r in mixed][-3:]), 1)[0])
    held = len(mixed) >= 4 and min(margins) > 2 and abs(slope + 1) < 0.15
    return held, {"smallest margin (SEM)": min(margins), "log-log slope": slope}, \
        "every marker > 2 combined SEM above the real half; slope within 0.15 of -1"


FIGURE = register(Figure(
    name="iterative-mixing",
    title="Figure 10: iterative mixing (variant R) vs training on the real half",
    source="SMC §7 (Figure 10), §5.2, eqs. (5.4)-(5.6) and their finite-φ law",
    claim="Iterative mixing restores a d/n-type scaling law after O(log(n/d)) iterations, "
          "but stays above the real-half curve.",
    sweep=sweep, draw=draw,
    claims=(Claim("above-real-half", "After T iterations the error follows a d/n-type law but "
                  "stays above training on the real half alone.", above_the_real_half),
            agrees_with_theory(z=4.0))))
