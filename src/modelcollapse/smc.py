"""The strong-model-collapse family (spec SMC): a :class:`~modelcollapse.config.Setting`
answered by the deterministic equivalents (:func:`modelcollapse.theory.predict`) and by one
Monte-Carlo seed (:func:`modelcollapse.simulate.simulate_one`)."""

from .config import Setting
from .family import Family, register
from .simulate.engine import METHODS, resolve_method, simulate_one
from .theory import predict

FAMILY = register(Family(
    name="smc", config=Setting, run_one=simulate_one, predict=predict,
    title="strong model collapse: ridge / random projections on a real+synthetic mixture",
    methods=METHODS, resolve=resolve_method,
    legacy_tasks={"simulate": "simulate", "modelcollapse.simulate:simulate_one": "simulate",
                  "theory": "theory", "modelcollapse.sweep.tasks:theory_task": "theory"}))
