"""Draw a fit: the data, the fitted law per p2 with its bootstrap band, and the floors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure

from .advice import CollapseFit, UnsupportedAnswer

# The curves run to this multiple of the largest fitted n (or to the largest --at n).
EXTEND = 16.0


def plot_fit(fit: CollapseFit, out: str | Path, at: Any = ()) -> Path:
    """Loss against n on log-log axes, one colour per p2: points, fitted law, band, floor
    (dashed); the fitted range ends at the dotted line. Writes ``out`` (PNG or PDF)."""
    out = Path(out)
    curves = fit.curves
    largest = float(np.max(curves.n))
    top = max([EXTEND * largest, *np.atleast_1d(np.asarray(at, dtype=float))])
    grid = np.geomspace(float(np.min(curves.n)), top, 200)
    fig = Figure(figsize=(6.4, 4.4), layout="constrained")
    ax = fig.add_subplot()
    colours = colormaps["viridis"](np.linspace(0, 0.9, curves.shares.size))
    drawn = [curves.loss]
    for p2, colour in zip(curves.shares, colours, strict=True):
        mine = curves.p2 == p2
        ax.scatter(curves.n[mine], curves.loss[mine], s=14, color=colour, zorder=3)
        loss, low, high = fit.predict(grid, p2)
        drawn.append(loss)
        ax.plot(grid, loss, color=colour, lw=1.5, label=f"p2 = {p2:g}")
        ax.fill_between(grid, low, high, color=colour, alpha=0.2, lw=0)
        try:
            ax.axhline(fit.floor(float(p2)), color=colour, lw=0.8, ls="--")
        except UnsupportedAnswer:
            pass  # no identified floor: nothing to draw
    ax.axvline(largest, color="0.5", lw=0.8, ls=":")
    drawn = np.concatenate(drawn)  # the axis fits data and fits, not a floor near zero
    ax.set_ylim(drawn.min() / 1.5, drawn.max() * 1.5)
    ax.set(xscale="log", yscale="log", xlabel="training-set size n", ylabel="loss",
           title="collapse-aware fit: data, law, bootstrap band, floor (dashed)")
    ax.legend(fontsize=8)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=120)
    return out
