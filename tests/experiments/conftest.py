"""Tests of the network experiments use one CPU thread (the machine is shared)."""

import pytest


@pytest.fixture(autouse=True)
def _one_thread():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    yield
