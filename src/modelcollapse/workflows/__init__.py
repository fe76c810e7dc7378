"""Data workflows over generations (WF): what each generation trains on when the
previous one labels (or generates) its data: replace, accumulate, accumulate-subsample,
mix with fresh real data, or verify.

>>> from modelcollapse import predict
>>> setting = WorkflowSetting(d=20, T=50, generations=4, workflow="accumulate", design="fixed")
>>> round(predict(setting).test_error, 4)
1.0094
"""

from .config import WorkflowSetting

__all__ = ["WorkflowSetting"]
