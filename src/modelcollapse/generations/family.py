"""The family of "Model Collapse Demystified" (TG Part B): ridge regression trained on
the n-th generation of a least-squares fake-data chain."""

from collections.abc import Mapping
from typing import Any

from ..family import Family, register
from .config import GenerationsSetting
from .exact import predict_generations
from .simulate import simulate_one


def upgrade(stored: Mapping[str, Any]) -> GenerationsSetting:
    """A configuration stored by key version 1, whose ``r2`` was always the resolved ||w0||²:
    the default (None) where it equals what the default resolves to, as today's
    ``to_dict`` writes it."""
    setting = GenerationsSetting.from_dict(stored)
    default = setting.replace(r2=None)
    return default if default.norm2 == setting.r2 else setting


FAMILY = register(Family(
    name="generations", config=GenerationsSetting, run_one=simulate_one,
    predict=predict_generations,
    title="regression retrained on its own labels for n generations",
    legacy_tasks={"modelcollapse.generations.simulate:simulate_one": "simulate"},
    upgrade=upgrade))
