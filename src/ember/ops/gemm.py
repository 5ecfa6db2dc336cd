"""NumPy matrix products split over Ember's CPU threads (``ember.core.cpu_threads``).

Inside a ``parallel_region`` OpenBLAS runs single-threaded, so a large product is cut
here into one part per thread: a stack of matrices by its leading (batch) axis, one
matrix by the rows of its result, or, when it has few rows, by its columns. Each part is
an ordinary ``np.matmul`` into its slice of one result array. Every element is the same
sum as in the whole product, so the result equals NumPy's. Outside a region (and for
small products, other array types or broadcast batches) this is ``np.matmul``.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core import cpu_threads

#: below this many multiply-adds a part would not pay for the hand-off (about 20 us)
_MIN_WORK = 1 << 21
_MIN_ROWS = 16          # rows (or columns) per part, at least


def splitting() -> bool:
    """Whether a parallel region is active (checked first on hot paths: one lookup).

    >>> splitting()
    False
    """
    return cpu_threads._STATE["owner"] is not None


def matmul(a: Any, b: Any, out: Any = None) -> Any:
    """``np.matmul(a, b)`` (into ``out`` if given), split over the CPU threads when a
    parallel region is active and the product is large.

    >>> import numpy as np
    >>> float(matmul(np.ones((2, 3), np.float32), np.ones((3, 4), np.float32))[0, 0])
    3.0
    """
    parts = cpu_threads.parts()
    if (parts == 1 or type(a) is not np.ndarray or type(b) is not np.ndarray
            or a.ndim < 2 or b.ndim < 2):
        return np.matmul(a, b, out=out)
    m, k = a.shape[-2:]
    n = b.shape[-1]
    if a.ndim != b.ndim or b.shape[-2] != k:
        return np.matmul(a, b, out=out)
    try:
        batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        return np.matmul(a, b)      # NumPy's own error
    stack = 1
    for d in batch:
        stack *= d
    if stack * m * n * k < _MIN_WORK:
        return np.matmul(a, b, out=out)
    if out is None:
        out = np.empty(batch + (m, n), np.result_type(a, b))
    lead = batch[0] if batch else 0
    if lead >= parts and (lead % parts == 0 or lead >= 8 * parts
                          or max(m, n) < parts * _MIN_ROWS):
        cuts = _cuts(lead, parts)
        _run(cuts, lambda lo, hi: np.matmul(_rows(a, lo, hi), _rows(b, lo, hi),
                                            out=out[lo:hi]))
    elif max(m, n) < parts * _MIN_ROWS:
        np.matmul(a, b, out=out)
    elif m >= n:
        cuts = _cuts(m, parts)
        _run(cuts, lambda lo, hi: np.matmul(a[..., lo:hi, :], b, out=out[..., lo:hi, :]))
    else:
        cuts = _cuts(n, parts)
        _run(cuts, lambda lo, hi: np.matmul(a, b[..., lo:hi], out=out[..., lo:hi]))
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


def _cuts(size: int, parts: int) -> list:
    """``parts + 1`` boundaries cutting ``range(size)`` into near-equal pieces."""
    return [size * p // parts for p in range(parts + 1)]


def _run(cuts: list, part) -> None:
    cpu_threads.parallel(lambda p: part(cuts[p], cuts[p + 1]), len(cuts) - 1)
