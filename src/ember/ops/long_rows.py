"""Binary ufuncs with one small (broadcast) operand, run over long rows of the big one.

NumPy runs a broadcast ufunc as an inner loop over the last axis: adding a bias of 32
channels to an (N, H, W, 32) array calls that loop N*H*W times on 32 numbers, and
``maximum`` against a scalar misses its vectorized loop altogether (3-4x slower than
against an array). ``long_rows`` repeats the small operand into one row of a trailing
block of the big array's shape (at least ``ROW`` numbers) and runs the ufunc over the big
array viewed as rows of that block: the same ufunc on the same pairs of numbers, so the
same values, in a few long loop calls. It only does so for NumPy arrays of at least
``MIN_SIZE`` elements; anything else goes to the ufunc as it is.

>>> import numpy as np
>>> x = np.arange(-4.0, 4.0, dtype=np.float32).reshape(2, 4)
>>> long_rows(np.maximum, x, np.float32(0)).tolist()
[[0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 2.0, 3.0]]
"""
from __future__ import annotations

from typing import Any

import numpy as np

MIN_SIZE = 1 << 16      # smaller arrays: one ordinary ufunc call is as fast
ROW = 1 << 12           # the shortest row worth the copy of the small operand


def _row_block(shape: tuple, small_shape: tuple) -> int | None:
    """The first axis of the trailing block that covers ``small_shape`` and holds at
    least ``ROW`` elements (None: there is no such block short of the whole array)."""
    if len(small_shape) > len(shape):
        return None
    for s, d in zip(reversed(small_shape), reversed(shape)):
        if s != 1 and s != d:
            return None         # the small operand would broadcast the big one
    j, size = len(shape), 1
    while j > 0 and (size < ROW or len(shape) - j < len(small_shape)):
        j -= 1
        size *= shape[j]
    return j if j > 0 else None


def long_rows(ufunc: Any, big: Any, small: Any, out: Any = None,
              small_first: bool = False) -> Any:
    """``ufunc(big, small, out=out)`` (``ufunc(small, big, ...)`` with ``small_first``),
    where ``small`` broadcasts to ``big``'s shape, computed over long rows when that pays.

    ``out`` (when given) has ``big``'s shape; the result has ``big``'s dtype when the
    fast route is taken, which requires ``small`` of the same dtype.

    >>> import numpy as np
    >>> x = np.ones((300, 16, 16), np.float32)
    >>> b = np.arange(16, dtype=np.float32)
    >>> bool((long_rows(np.add, x, b) == x + b).all())
    True
    """
    if type(big) is not np.ndarray or big.size < MIN_SIZE or not big.flags.c_contiguous \
            or getattr(small, "dtype", None) != big.dtype \
            or (out is not None and (not out.flags.c_contiguous or out.shape != big.shape)):
        return ufunc(small, big, out=out) if small_first else ufunc(big, small, out=out)
    small = np.asarray(small)
    shape = big.shape
    j = _row_block(shape, small.shape) if small.size * 8 <= big.size else None
    if j is None:
        if small.ndim:
            return ufunc(small, big, out=out) if small_first else ufunc(big, small, out=out)
        shape, j = (big.size // ROW, ROW), 1     # a scalar: rows of ROW, then the rest
        if out is None:
            out = np.empty_like(big)
        flat_big, flat_out = big.reshape(-1), out.reshape(-1)
        cut = shape[0] * ROW
        _rows(ufunc, flat_big[:cut].reshape(shape), small, flat_out[:cut].reshape(shape),
              small_first, 1)
        if cut < big.size:
            _call(ufunc, flat_big[cut:], small, flat_out[cut:], small_first)
        return out
    if out is None:
        out = np.empty_like(big)
    _rows(ufunc, big, small, out, small_first, j)
    return out


def _rows(ufunc, big, small, out, small_first, j):
    block = big.shape[j:]
    row = np.ascontiguousarray(np.broadcast_to(small, block)).reshape(-1)
    _call(ufunc, big.reshape(-1, row.size), row, out.reshape(-1, row.size), small_first)


def _call(ufunc, big, small, out, small_first):
    if small_first:
        ufunc(small, big, out=out)
    else:
        ufunc(big, small, out=out)


def broadcast_binary(ufunc: Any, x: Any, y: Any, scalars: bool = False) -> Any:
    """``ufunc(x, y)``, through ``long_rows`` when one operand is a big NumPy array and the
    other a small one broadcast along it (a bias); a 0-d operand only with ``scalars``
    (NumPy's own scalar loops are fast, except ``maximum``/``minimum``'s).

    >>> import numpy as np
    >>> x = np.ones((300, 16, 16), np.float32)
    >>> b = np.arange(16, dtype=np.float32)
    >>> bool((broadcast_binary(np.subtract, b, x) == b - x).all())
    True
    """
    if type(x) is np.ndarray and x.size >= MIN_SIZE:
        if getattr(y, "ndim", 0) or scalars:
            return long_rows(ufunc, x, y)
    elif type(y) is np.ndarray and y.size >= MIN_SIZE and (getattr(x, "ndim", 0) or scalars):
        return long_rows(ufunc, y, x, small_first=True)
    return ufunc(x, y)
