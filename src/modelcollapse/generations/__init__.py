"""The regression fake-data chain of "Model Collapse Demystified" (TG Part B).

``predict_generations(setting)`` answers a :class:`GenerationsSetting` with theory and
``simulate_generations(setting, seeds)`` with Monte-Carlo; ``power_law`` holds the
scaling-law consequences (rates, crossover, adaptive regularisation). The package computes
and never draws: the figures of §B.5 are drawn by
:mod:`modelcollapse.reproduce.generations_drawing` and declared in
:mod:`modelcollapse.reproduce.generations`.
"""

from .config import GenerationsSetting
from .exact import GenerationsPrediction, optimal_ridge, predict_generations
from .simulate import GenerationsSimulation, simulate_generations

__all__ = ["GenerationsPrediction", "GenerationsSetting", "GenerationsSimulation", "optimal_ridge",
           "predict_generations", "simulate_generations"]
