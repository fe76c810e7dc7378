"""The family of "Model Collapse Demystified" (TG Part B): ridge regression trained on
the n-th generation of a least-squares fake-data chain.

Methods: "conditional" (per draw of the designs, the exact expectation over the label
noises) and "sampled"; "auto", the method of every result stored before the conditional
estimator existed, stays "sampled", so their keys keep their meaning."""

from collections.abc import Mapping
from typing import Any

from ..family import Family, register
from .config import GenerationsSetting
from .exact import predict_generations
from .simulate import METHODS, resolve_method, simulate_one


def upgrade(stored: Mapping[str, Any]) -> GenerationsSetting:
    """A configuration stored by key version 1, whose ``r2`` was always the resolved ||w0||²:
    the default (None) where it equals what the default resolves to, as today's
    ``to_dict`` writes it."""
    setting = GenerationsSetting.from_dict(stored)
    default = setting.replace(r2=None)
    return default if default.norm2 == setting.r2 else setting


FAMILY = register(Family(
    name="generations", config=GenerationsSetting, run_one=simulate_one,
    predict=predict_generations, methods=METHODS, resolve=resolve_method,
    title="regression retrained on its own labels for n generations",
    legacy_tasks={"modelcollapse.generations.simulate:simulate_one": "simulate"},
    upgrade=upgrade))
