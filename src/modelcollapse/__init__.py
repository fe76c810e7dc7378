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

from .config import Setting, Spectrum, TwoSourceSetting
from .generations import GenerationsSetting, predict_generations, simulate_generations
from .result import Result
from .simulate import simulate_one, simulate_ridge_path  # the package first: the verb wins the name
from .theory import Prediction
from .verbs import predict, simulate
from .workflows import WorkflowSetting

__all__ = [
           "GenerationsSetting",
           "Prediction",
           "Result",
           "Setting",
           "Spectrum",
           "TwoSourceSetting",
           "WorkflowSetting",
           "predict",
           "predict_generations",
           "simulate",
           "simulate_generations",
           "simulate_one",
           "simulate_ridge_path",
]
__version__ = "0.1.0"
