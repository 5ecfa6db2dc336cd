"""Layer normalization over contiguous rows and its gradient, as compiled loops
(float32), for ``ember.raw_ops.layer_norm``.

A row (the normalized trailing axes) is read from memory once and then stays in cache
for the few loops over it, where NumPy makes about ten passes over the whole tensor.
Sums are reassociated (vectorized), so values differ from the NumPy path by a few ulp.
"""
from __future__ import annotations

import math

from numba import njit

_FLAGS = {"contract", "reassoc"}


@njit(fastmath=_FLAGS, error_model="numpy", boundscheck=False, nogil=True, cache=True)
def forward(x, gamma, beta, epsilon, y, xh, inv):
    """Rows of ``x`` (R, n): ``xh = (x - mean) * inv`` with ``inv = 1 / sqrt(var +
    epsilon)`` (biased variance), ``y = xh * gamma + beta``."""
    R, n = x.shape
    eps = x.dtype.type(epsilon)
    for r in range(R):
        xr, hr, yr = x[r], xh[r], y[r]
        s = x.dtype.type(0)
        for j in range(n):
            s += xr[j]
        mean = s / n
        for j in range(n):
            hr[j] = xr[j] - mean
        q = x.dtype.type(0)
        for j in range(n):
            q += hr[j] * hr[j]
        k = 1 / math.sqrt(q / n + eps)
        inv[r] = k
        for j in range(n):
            hr[j] *= k
        for j in range(n):
            yr[j] = hr[j] * gamma[j] + beta[j]


@njit(fastmath=_FLAGS, error_model="numpy", boundscheck=False, nogil=True, cache=True)
def backward(g, gamma, xh, inv, dx, dgamma, dbeta):
    """From the output gradient ``g`` (R, n) and the forward's ``xh``, ``inv``:
    ``dx = inv (dh - mean(dh) - xh mean(dh xh))`` with ``dh = g gamma``, and the sums
    over rows ``dgamma = sum(xh g)``, ``dbeta = sum(g)`` (written, not accumulated)."""
    R, n = g.shape
    dgamma[:] = 0
    dbeta[:] = 0
    for r in range(R):
        gr, hr, dr = g[r], xh[r], dx[r]
        a = g.dtype.type(0)
        b = g.dtype.type(0)
        for j in range(n):
            dh = gr[j] * gamma[j]
            a += dh
            b += dh * hr[j]
        a /= n
        b /= n
        k = inv[r]
        for j in range(n):
            dr[j] = (gr[j] * gamma[j] - a - hr[j] * b) * k
        for j in range(n):
            dgamma[j] += hr[j] * gr[j]
        for j in range(n):
            dbeta[j] += gr[j]
