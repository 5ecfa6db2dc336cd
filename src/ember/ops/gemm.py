"""NumPy matrix products split over Ember's CPU threads (``ember.core.cpu_threads``).

OpenBLAS threads one large product itself, and well: splitting one here ran 0.95-1.3x
its time. What it leaves on one core is a stack of small matrices (attention's
per-head products), since each is one call below its threading threshold (about 2^18
multiply-adds). Such a stack is cut here by its leading (batch) axis, one part per
thread, each an ordinary ``np.matmul`` into its slice of one result array, so the result
equals NumPy's. Everything else (one matrix, large matrices, other array types, a small
total) is ``np.matmul``.

A few rows times a large float32 matrix (a one-sample predict's dense layer) is shared
with a worker thread of Ember's own, by chunks of the matrix's rows (``dot``;
``ember.ops.kernels.row_product``).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core import cpu_threads
from . import kernels

#: below this many multiply-adds in all a part would not pay for the hand-off (~30 us)
_MIN_WORK = 1 << 21
#: above this many per matrix, OpenBLAS threads each product itself
_BLAS_THREADS_FROM = 1 << 18
#: ``dot`` splits a product of at most this many rows ...
_FEW_ROWS = 4
#: ... by a matrix of at least this many elements (1 MB in float32)
_SPLIT_ROWS_FROM = 1 << 18
_FLOAT32 = np.dtype(np.float32)


def dot(a: Any, b: Any) -> Any:
    """``a.dot(b)`` for two matrices; a few float32 rows times a large float32 matrix
    run on two cores (``ember.ops.kernels.row_product``) when the compiled kernels and
    more than one CPU thread are available.

    >>> import numpy as np
    >>> dot(np.ones((1, 3), np.float32), np.ones((3, 2), np.float32)).tolist()
    [[3.0, 3.0]]
    """
    if (a.shape[0] <= _FEW_ROWS and b.size >= _SPLIT_ROWS_FROM and type(a) is np.ndarray
            and type(b) is np.ndarray and a.dtype == _FLOAT32 == b.dtype
            and cpu_threads.thread_count() > 1):
        rows = kernels.kernels_for("row_product")
        if rows is not None:
            out = rows.product(a, b)
            if out is not None:
                return out
    return a.dot(b)


def matmul(a: Any, b: Any, out: Any = None) -> Any:
    """``np.matmul(a, b)`` (into ``out`` if given); a large stack of small products is
    split over the CPU threads by its batch axis.

    >>> import numpy as np
    >>> float(matmul(np.ones((2, 3), np.float32), np.ones((3, 4), np.float32))[0, 0])
    3.0
    """
    if (type(a) is not np.ndarray or type(b) is not np.ndarray or a.ndim < 3
            or a.ndim != b.ndim):
        return np.matmul(a, b, out=out)
    m, k = a.shape[-2:]
    n = b.shape[-1]
    lead = max(a.shape[0], b.shape[0])
    if b.shape[-2] != k or m * n * k > _BLAS_THREADS_FROM or lead < 2:
        return np.matmul(a, b, out=out)
    try:
        batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        return np.matmul(a, b)      # NumPy's own error
    stack = 1
    for d in batch:
        stack *= d
    if stack * m * n * k < _MIN_WORK or cpu_threads.parts() == 1:
        return np.matmul(a, b, out=out)
    if out is None:
        out = np.empty(batch + (m, n), np.result_type(a, b))
    cpu_threads.parallel_ranges(lead, lambda lo, hi: np.matmul(
        _rows(a, lo, hi), _rows(b, lo, hi), out=out[lo:hi]), lead)
    return out


def matmul_xp(xp: Any, a: Any, b: Any) -> Any:
    """``xp.matmul(a, b)``, through ``matmul`` (split over the CPU threads) for NumPy.

    >>> import numpy as np
    >>> matmul_xp(np, np.ones((1, 2)), np.ones((2, 1))).shape
    (1, 1)
    """
    return matmul(a, b) if xp is np else xp.matmul(a, b)


def _rows(x, lo: int, hi: int):
    """Batch entries ``lo:hi`` of ``x``, or all of a broadcast (size-1) batch axis."""
    return x if x.shape[0] == 1 else x[lo:hi]
