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
