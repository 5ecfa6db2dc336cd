"""ReLU's gradient, and a bias add followed by ReLU, as compiled loops (float32).

NumPy's ``g * (y > 0)`` makes a mask array and then multiplies (two passes), and
``maximum(x + b, 0)`` adds into a buffer and then clamps it (two more); each loop here
reads its inputs once and writes its output once. The values are the NumPy paths'
exactly (one addition, one comparison, a multiplication by 1 or 0).
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .fast_tanh import FAST

_F = np.float32


@njit(fastmath=FAST, error_model="numpy", boundscheck=False, nogil=True, cache=True)
def grad(g, y, out):
    """Flat arrays: ``out = g * (y > 0)`` (the gradient at exactly 0 is 0, as in TF)."""
    for i in range(g.size):
        out[i] = g[i] * (_F(1.0) if y[i] > 0 else _F(0.0))


@njit(fastmath=FAST, error_model="numpy", boundscheck=False, nogil=True, cache=True)
def bias_relu(x, b, out):
    """Rows of ``x`` (R, n) and ``b`` (n,): ``out = maximum(x + b, 0)`` with NumPy's
    NaN rule (a NaN stays NaN) and zero (``maximum(-0.0, 0)`` is ``0.0``)."""
    R, n = x.shape
    for r in range(R):
        xr, orow = x[r], out[r]
        for j in range(n):
            v = xr[j] + b[j]
            orow[j] = _F(0.0) if v <= 0 else v
