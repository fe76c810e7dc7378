"""The examples in the experiments docstrings run and print what they say."""

import doctest

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

import modelcollapse.experiments
import modelcollapse.experiments.random_features


@pytest.mark.parametrize("module", [modelcollapse.experiments, modelcollapse.experiments.random_features])
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
