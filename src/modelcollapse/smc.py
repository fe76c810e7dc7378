"""The strong-model-collapse family (SMC): a :class:`~modelcollapse.config.Setting`
answered by the deterministic equivalents (:func:`modelcollapse.theory.predict`) and by one
Monte-Carlo seed (:func:`modelcollapse.simulate.simulate_one`).

The engine is imported when a seed runs, not when the family registers: ``predict`` on the
command line then loads the theory alone (start-up time).
"""

from .budget import check_smc_simulation
from .config import Setting
from .family import Family, register
from .simulate.methods import METHODS
from .theory import predict


def run_one(setting: Setting, seed_index: int, base_seed: int = 0, method: str = "auto") -> float:
    """One Monte-Carlo seed: :func:`modelcollapse.simulate.simulate_one`."""
    from .simulate.engine import simulate_one

    return simulate_one(setting, seed_index, base_seed, method)


def resolve(setting: Setting, method: str) -> str:
    """The engine's method for ``method``: :func:`modelcollapse.simulate.resolve_method`."""
    from .simulate.engine import resolve_method

    return resolve_method(setting, method)


def budget(setting: Setting, method: str, workers: int = 1) -> None:
    """Refuse a simulation whose arrays (in ``workers`` processes) or direct draws would
    not fit: :func:`modelcollapse.budget.check_smc_simulation` for the engine's method."""
    check_smc_simulation(setting, resolve(setting, method), workers)


FAMILY = register(Family(
    name="smc", config=Setting, run_one=run_one, predict=predict,
    title="strong model collapse: ridge / random projections on a real+synthetic mixture",
    methods=METHODS, resolve=resolve, budget=budget,
    legacy_tasks={"simulate": "simulate", "modelcollapse.simulate:simulate_one": "simulate",
                  "theory": "theory", "modelcollapse.sweep.tasks:theory_task": "theory"}))
