"""One BLAS thread for the Monte-Carlo engine's tests.

The suite runs many small factorisations; one thread is much faster than several on a
shared machine (and is what the engine uses in its worker processes).
"""

import pytest
from threadpoolctl import threadpool_limits


@pytest.fixture(autouse=True, scope="session")
def one_blas_thread():
    with threadpool_limits(limits=1):
        yield
