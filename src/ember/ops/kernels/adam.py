"""The Adam update as one compiled pass (float32), for ``ember.raw_ops.apply_adam``.

NumPy needs twelve passes over each parameter for the same formula (one scratch
buffer); here every element is read and written once. IEEE division and square root
(no fast-math), so the result is the NumPy path's to within one rounding.
"""
from __future__ import annotations

import math

from numba import njit


@njit(error_model="numpy", boundscheck=False, nogil=True, cache=True)
def adam_update(x, m, v, g, alpha, one_minus_beta_1, one_minus_beta_2, epsilon):
    """In place over flat float32 arrays: ``m += (g - m)(1 - b1)``,
    ``v += (g^2 - v)(1 - b2)``, ``x -= alpha m / (sqrt(v) + eps)``."""
    a = x.dtype.type(alpha)
    b1 = x.dtype.type(one_minus_beta_1)
    b2 = x.dtype.type(one_minus_beta_2)
    eps = x.dtype.type(epsilon)
    for i in range(x.size):
        gi = g[i]
        mi = m[i] + (gi - m[i]) * b1
        vi = v[i] + (gi * gi - v[i]) * b2
        m[i] = mi
        v[i] = vi
        x[i] -= a * (mi / (math.sqrt(vi) + eps))
