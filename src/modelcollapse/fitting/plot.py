"""Draw a fit: the data, the fitted law per p2 with its bootstrap band, and the floors."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .advice import CollapseFit, UnsupportedAnswer

# The curves run to this multiple of the largest fitted n (or to the largest --at n).
EXTEND = 16.0
PANELS_PER_ROW = 3


def plot_fit(fit: CollapseFit | Mapping[Any, CollapseFit], out: str | Path, at: Any = (),
             by: str = "m") -> Path:
    """Loss against n on log-log axes, one colour per p2: points, fitted law, band, floor
    (dashed); the fitted range ends at the dotted line. Given fits per group (``fit_by``),
    one panel per group, titled ``by = label``. Writes ``out`` (PNG or PDF)."""
    out = Path(out)
    fits = fit if isinstance(fit, Mapping) else {None: fit}
    cols = min(len(fits), PANELS_PER_ROW)
    rows = -(-len(fits) // cols)
    fig = Figure(figsize=(6.4 if cols == 1 else 4.4 * cols, 4.4 * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False, sharey=True).ravel()
    for spare in axes[len(fits):]:
        spare.set_visible(False)
    drawn = []
    for ax, (label, one) in zip(axes[:len(fits)], fits.items(), strict=True):
        drawn.append(_draw(ax, one, at))
        ax.set_title("collapse-aware fit: data, law, bootstrap band, floor (dashed)"
                     if label is None else f"{by} = {label}")
    values = np.concatenate(drawn)  # the axis fits data and fits, not a floor near zero
    axes[0].set_ylim(values.min() / 1.5, values.max() * 1.5)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=120)
    return out


def _draw(ax: Axes, fit: CollapseFit, at: Any) -> np.ndarray:
    """One fit on one axis; returns the losses drawn (data and law)."""
    curves = fit.curves
    largest = float(np.max(curves.n))
    top = max([EXTEND * largest, *np.atleast_1d(np.asarray(at, dtype=float))])
    grid = np.geomspace(float(np.min(curves.n)), top, 200)
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
    ax.set(xscale="log", yscale="log", xlabel="training-set size n", ylabel="loss")
    ax.legend(fontsize=8)
    return np.concatenate(drawn)
