"""The examples in the sweep docstrings run and print what they say."""

from __future__ import annotations

import doctest

import pytest

import modelcollapse.sweep
import modelcollapse.sweep.spec


@pytest.mark.parametrize("module", [modelcollapse.sweep, modelcollapse.sweep.spec])
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
