"""Softmax over contiguous rows and its gradient, as compiled loops (float32), for
``ember.nn.softmax`` along the last axis.

A row is read from memory once and stays in cache for the few loops over it: the
maximum, ``exp(x - max)`` (``fast_exp.exp32``), the sum and the scaling. NumPy makes
about five passes over the whole tensor, one of them its scalar ``exp``. Sums are
reassociated (vectorized), so values differ from the NumPy path by a few ulp.
"""
from __future__ import annotations

from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

from .fast_exp import exp32
from .fast_tanh import FAST


@intrinsic
def _max(typingctx, a, b):
    """``llvm.maxnum`` with "no NaNs": one ``maxps`` per 8 lanes, and LLVM vectorizes
    a loop of them (Numba's compare-and-select maximum stays scalar). A NaN may be
    skipped here; it still makes its exp, the row's sum and so every output of its row
    NaN, as in NumPy."""
    if a != types.float32 or b != types.float32:
        return None

    def codegen(context, builder, signature, args):
        f = ir.FloatType()
        fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(f, [f, f]),
                                            "llvm.maxnum.f32")
        return builder.call(fn, args, fastmath=("nnan", "nsz"))
    return types.float32(types.float32, types.float32), codegen


@njit(fastmath=FAST, error_model="numpy", boundscheck=False, nogil=True, cache=True)
def forward(x, y):
    """Rows of ``x`` (R, n), n >= 1: ``y = exp(x - max) / sum(exp(x - max))``."""
    R, n = x.shape
    for r in range(R):
        xr, yr = x[r], y[r]
        m = xr[0]
        for j in range(n):
            m = _max(m, xr[j])
        for j in range(n):
            yr[j] = exp32(xr[j] - m)
        s = y.dtype.type(0)
        for j in range(n):
            s += yr[j]
        k = 1 / s
        for j in range(n):
            yr[j] *= k


@njit(fastmath=FAST, error_model="numpy", boundscheck=False, nogil=True, cache=True)
def backward(g, y, dx):
    """Rows of the output gradient ``g`` and the forward's ``y`` (R, n):
    ``dx = y (g - sum(g y))``."""
    R, n = g.shape
    for r in range(R):
        gr, yr, dr = g[r], y[r], dx[r]
        s = g.dtype.type(0)
        for j in range(n):
            s += gr[j] * yr[j]
        for j in range(n):
            dr[j] = yr[j] * (gr[j] - s)
