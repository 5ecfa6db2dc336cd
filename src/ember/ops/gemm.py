"""NumPy matrix products split over Ember's CPU threads (``ember.core.cpu_threads``).

OpenBLAS threads one large product itself, and well: splitting one here ran 0.95-1.3x
its time. What it leaves on one core:

- a stack of small matrices (attention's per-head products), since each is one call
  below its threading threshold (about 2^18 multiply-adds). ``matmul`` cuts such a
  stack by its leading (batch) axis, one part per thread, each an ordinary
  ``np.matmul`` into its slice of one result array, so the result equals NumPy's;
- one row times a large matrix (a one-sample predict's dense layer). ``row_product``
  cuts the matrix's rows, one block per thread, and adds the parts' results.

Everything else (one matrix, large matrices, other array types, a small total) is
``np.matmul``.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core import cpu_threads
from .kernels import kernels_for

#: below this many multiply-adds in all a part would not pay for the hand-off (~30 us)
_MIN_WORK = 1 << 21
#: above this many per matrix, OpenBLAS threads each product itself
_BLAS_THREADS_FROM = 1 << 18


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


#: a one-row product over fewer weights than this runs whole (the split costs ~5 us)
_ROW_SPLIT_FROM = 1 << 18
_ROW_CHECKED: dict[str, bool] = {}


def row_product(a: Any, b: Any) -> Any:
    """``a @ b`` for one float32 row ``a`` (1, k) and a matrix ``b`` (k, n) with
    contiguous rows, as ``b``'s row blocks times ``a``'s matching pieces, one block per
    thread, added; None where that does not apply (too small, other types or layouts,
    one thread, no kernels) and the caller multiplies.

    On two cores each reads half the weights, which then stay in its own cache between
    calls: the two halves of a 784x512 float32 layer took 14 us against 19 us whole, and
    a one-sample predict of a 784-512-256-10 MLP 36-39 us against 39-44 us.

    >>> import numpy as np
    >>> row_product(np.ones((1, 3), np.float32), np.ones((3, 2), np.float32)) is None
    True
    """
    k, n = b.shape
    if k * n < _ROW_SPLIT_FROM or type(a) is not np.ndarray or type(b) is not np.ndarray \
            or a.dtype != np.float32 or b.dtype != np.float32 or b.strides[1] != 4 \
            or b.strides[0] % 4 or b.strides[0] < 4 * n:
        return None
    count = cpu_threads.parts()
    kernels = kernels_for("row_product") if count > 1 else None
    if kernels is None or not _row_kernel_works(kernels):
        return None
    blas = cpu_threads.openblas()
    x = np.ascontiguousarray(a)     # held here: the parts read it by address
    partial = np.empty((count, n), np.float32)
    records = np.empty((count, len(kernels.FIELDS)), np.int64)
    at = kernels.records(blas.sgemv, blas.sgemv_ilp64, x, b, partial, records)
    cpu_threads.parallel_native(kernels.PART, at, count, records.strides[0])
    return np.add(partial[0:1], partial[1:2]) if count == 2 \
        else partial.sum(axis=0, keepdims=True)


def _row_kernel_works(kernels: Any) -> bool:
    """Whether ``cblas_sgemv`` exists and its product (one part, here) matches NumPy's;
    checked once per process."""
    if "ok" not in _ROW_CHECKED:
        blas = cpu_threads.openblas()
        ok = blas is not None and blas.sgemv != 0
        if ok:
            rng = np.random.default_rng(0)
            x = rng.standard_normal((1, 5)).astype(np.float32)
            w = rng.standard_normal((5, 8)).astype(np.float32)[:, :3]   # row stride 8
            y = np.zeros((1, 3), np.float32)
            records = np.empty((1, len(kernels.FIELDS)), np.int64)
            at = kernels.records(blas.sgemv, blas.sgemv_ilp64, x, w, y, records)
            cpu_threads.parallel_native(kernels.PART, at, 1, records.strides[0])
            ok = bool(np.allclose(y, x @ w, atol=1e-5))
        _ROW_CHECKED["ok"] = ok
    return _ROW_CHECKED["ok"]


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
