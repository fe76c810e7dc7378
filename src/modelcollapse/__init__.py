"""modelcollapse: predict, simulate and reproduce model collapse.

The same configuration answers theory and simulation, one word apart, for every model
family (:mod:`modelcollapse.family`), with one result type (:class:`Result`):

>>> from modelcollapse import Setting, predict, simulate
>>> setting = Setting(d=100, n=10_000, p2=0.01, c2=1.0)
>>> round(predict(setting).test_error, 5)
0.0103
>>> result = simulate(setting, seeds=50)
>>> abs(result.test_error - predict(setting).test_error) < 4 * result.sem
True

Note that ``modelcollapse.simulate`` is the function; the engine's modules live in the
``modelcollapse.simulate`` package (``from modelcollapse.simulate import simulate_one``).
"""

import importlib
from typing import Any

from . import simulate as _engine  # noqa: F401  (the package first: the verb below wins the name)
from .config import Setting, Spectrum, TwoSourceSetting
from .result import Result
from .verbs import predict, simulate

# Loaded on first use, so `import modelcollapse` (and the command line) costs what it uses.
_LAZY = {"GenerationsSetting": "generations", "predict_generations": "generations",
         "simulate_generations": "generations", "simulate_one": "simulate",
         "simulate_ridge_path": "simulate", "Prediction": "theory",
         "WorkflowSetting": "workflows"}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'modelcollapse' has no attribute {name!r}")
    module = importlib.import_module(f".{_LAZY[name]}", __name__)
    return getattr(module, name)


__all__ = ["GenerationsSetting", "Prediction", "Result", "Setting", "Spectrum", "TwoSourceSetting",
           "WorkflowSetting", "predict", "predict_generations", "simulate", "simulate_generations",
           "simulate_one", "simulate_ridge_path"]
__version__ = "0.1.0"
