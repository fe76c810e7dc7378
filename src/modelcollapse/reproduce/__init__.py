"""Reproduce the figures of "Strong Model Collapse" (SMC §7) and of its companions
"A Tale of Tails" and "Model Collapse Demystified" (TG §A.7.1, §B.5).

``modelcollapse reproduce FIGURE`` (or :func:`reproduce`) runs a figure's Monte-Carlo sweep
into the results store, overlays the theory and writes PNG + PDF + CSV and a report entry in
``DIR/index.html``. Built-in figures: ``classical-scaling``, ``rp-model-size``, ``pareto``,
``iterative-mixing``, ``power-law-scaling`` (:mod:`.classical` ... :mod:`.power_law`);
``tails-double-scaling``, ``tails-narrowing``, ``tails-mixing``, ``tails-generations``,
``tails-shifted-scaling`` (:mod:`.tails`, drawn by :mod:`.tails_drawing`);
``generations-chain``, ``generations-ridge``, ``generations-crossover``
(:mod:`.generations`, drawn by :mod:`.generations_drawing`); ``nn-images``
(:mod:`.networks`, SMC §7 Fig. 7: networks on real images) and ``nn-lm``
(:mod:`.language_models`, Fig. 8: language models on real and generated text), both
without a theory curve; ``workflow-chain``, ``workflow-mix``, ``workflow-verify`` and
``workflow-gaussian`` (:mod:`.workflows`, WF; drawn by :mod:`.workflows_drawing`);
``nn-lm-generations`` and ``nn-images-generations`` (:mod:`.networks_generations`: language
and image models over generations under the workflows of WF §1, no theory curve).
The theory compared with each marker follows the setting's
type (:func:`.run.predicted_error`).

Adding a figure (tails, generations, neural-network experiments...) takes one module:

1. write ``sweep(quick: bool) -> Sweep`` giving the Monte-Carlo points behind the markers
   (configurations of any registered family, :mod:`modelcollapse.family`; task
   ``"simulate"`` or ``"theory"``), with a study name ending in ``-quick`` for quick mode;
2. write ``draw(points: list[Point], quick: bool) -> Drawing``: a matplotlib figure with
   theory curves and ``registry.markers`` on the same axes, the curves as
   :class:`~.registry.Curve` data and a dict of parameters for the report;
3. write its claims as checks over its data (:mod:`.claims`): each a :class:`Claim` whose
   function takes the :class:`Evidence` (stored points and theory) and returns whether the
   claim held, the numbers measured and the tolerance;
4. register it at import time::

       from modelcollapse.reproduce import Claim, Figure, register
       FIGURE = register(Figure(name="my-figure", title="...", source="SMC §x",
                                claim="one sentence", sweep=sweep, draw=draw,
                                claims=(Claim("name", "statement", check),)))

5. import the module below (``BUILTIN``) or from your package's ``__init__`` so the CLI
   lists it. Quick mode should stay under a minute on 2 cores.
"""

import sys
from collections.abc import Callable
from importlib import import_module
from pathlib import Path

from ..sweep import Backend, LocalBackend, Store
from .claims import Check, Claim, Evidence, Verdict
from .registry import FIGURES, Curve, Drawing, Figure, register
from .report import FigureEntry
from .run import check_out, figure_names, reproduce_figure

BUILTIN = ("classical", "random_projections", "pareto", "mixing", "power_law", "tails",
           "tails_models", "generations", "networks", "language_models", "workflows",
           "networks_generations")
for _module in BUILTIN:
    import_module(f"{__name__}.{_module}")


def reproduce(names: list[str], out: str | Path = "report", *, quick: bool = False,
              store: Store | None = None, backend: Backend | None = None,
              progress: bool | None = None,
              on_entry: Callable[[FigureEntry], None] | None = None) -> list[FigureEntry]:
    """Reproduce figures by name (``["all"]`` for every one that can run here) into ``out``.

    The whole plan is checked before any work (:func:`.run.figure_names`,
    :func:`.run.check_out`): an unknown figure, one that cannot run here in this mode, or an
    output directory that cannot be written is a ValueError at once.

    The store defaults to ``results/modelcollapse.duckdb`` and the backend to all local
    CPUs. ``on_entry`` is called with each figure's report entry (its claims' verdicts
    included) as soon as that figure is done. Returns the entries (also in
    ``out/index.html``).
    """
    selected = figure_names(names, quick)
    previous = check_out(Path(out), selected)
    if previous:
        print(f"reproduce: replacing the files of a previous run in {out}: "
              f"{', '.join(f'{name}.*' for name in previous)} (index.html keeps the other "
              "figures)", file=sys.stderr)
    own = store is None
    store = Store() if store is None else store
    backend = backend or LocalBackend()
    entries = []
    try:
        for name in selected:
            entries.append(reproduce_figure(FIGURES[name], Path(out), store, backend,
                                            quick=quick, progress=progress))
            if on_entry is not None:
                on_entry(entries[-1])
        return entries
    finally:
        if own:
            store.close()


__all__ = ["BUILTIN", "FIGURES", "Check", "Claim", "Curve", "Drawing", "Evidence", "Figure",
           "FigureEntry", "Verdict", "register", "reproduce"]
