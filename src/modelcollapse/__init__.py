"""modelcollapse: predict, simulate and reproduce model collapse.

>>> from modelcollapse import Setting, predict
>>> setting = Setting(d=100, n=10_000, p2=0.01, c2=1.0)
>>> round(predict(setting).test_error, 5)
0.0103
"""

from .config import Setting, Spectrum, TwoSourceSetting
from .theory import Prediction, predict

__all__ = ["Prediction", "Setting", "Spectrum", "TwoSourceSetting", "predict"]
__version__ = "0.1.0"
