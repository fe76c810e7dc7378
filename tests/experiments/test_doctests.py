"""The examples in the experiments docstrings run and print what they say."""

import doctest

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

import modelcollapse.experiments
import modelcollapse.experiments.lm_config
import modelcollapse.experiments.points
import modelcollapse.experiments.random_features

MODULES = [modelcollapse.experiments, modelcollapse.experiments.random_features,
           modelcollapse.experiments.points, modelcollapse.experiments.lm_config]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
