import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))  # lets test files `import opcheck`


try:  # tiny test matrices: one BLAS thread is faster, and steady on a busy machine
    from threadpoolctl import threadpool_limits
    _BLAS_LIMIT = threadpool_limits(limits=1, user_api="blas")
except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
    _BLAS_LIMIT = None


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture
def two_cpu_threads():
    """Ops split their work over two threads (``ember.core.cpu_threads``): OpenBLAS,
    which this file keeps on one thread, is set to two for the test; skip where
    OpenBLAS's threads cannot be used. Yields NumPy's OpenBLAS."""
    from ember.core import cpu_threads
    blas = cpu_threads.openblas()
    if blas is None or blas.run is None or blas.workers.value < 2:
        pytest.skip("no multi-threaded pthreads OpenBLAS in this NumPy: parts run in turn")
    before = blas.get()
    blas.set(2)
    cpu_threads.set_thread_count(2)
    try:
        yield blas
    finally:
        cpu_threads.set_thread_count(0)
        blas.set(before)
