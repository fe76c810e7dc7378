"""Shared fixtures: torch is optional (the [nn] extra), and tests use one CPU thread."""

import pytest

torch = pytest.importorskip("torch")


@pytest.fixture(autouse=True)
def _one_thread():
    torch.set_num_threads(1)
    yield
