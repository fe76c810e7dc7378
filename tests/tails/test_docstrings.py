"""Docstring examples of the tails package run as tests."""

import doctest
import importlib

import pytest


@pytest.mark.parametrize("name", ["", ".config", ".hutter", ".transforms", ".laws", ".simulate",
                                  ".workflows"])
def test_docstring_examples_run(name):
    module = importlib.import_module(f"modelcollapse.tails{name}")
    result = doctest.testmod(module)
    assert result.failed == 0 and result.attempted > 0
