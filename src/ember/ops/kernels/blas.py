"""``cblas_sgemm`` called from compiled loops, so a recurrent layer's whole time loop (a
matrix product and a cell kernel per step) runs in one Numba function: no Python between
steps, and no GIL, so two threads can run halves of a batch at once.

The function is NumPy's own OpenBLAS (``ember.core.cpu_threads.openblas``), called
through its address, which every call passes in: compiled code keeps no address, so it
can be cached. ``usable()`` checks a small product against NumPy once per process before
any kernel relies on it.
"""
from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

from ...core import cpu_threads

_ROW_MAJOR, _NO_TRANS, _TRANS = 101, 111, 112
_CHECKED: dict[str, bool] = {}


def _caller(int_bits: int):
    """An intrinsic calling ``cblas_sgemm`` at an address, with ``int_bits`` integers."""

    @intrinsic
    def call(typingctx, fn, trans_b, m, n, k, a, a_at, lda, b, b_at, ldb, beta, c, c_at,
             ldc):
        sig = types.void(fn, trans_b, m, n, k, a, a_at, lda, b, b_at, ldb, beta, c, c_at,
                         ldc)

        def codegen(context, builder, signature, args):
            (fn, trans_b, m, n, k, a, a_at, lda, b, b_at, ldb, beta, c, c_at,
             ldc) = args
            i32, f32 = ir.IntType(32), ir.FloatType()
            size = ir.IntType(int_bits)
            byte_ptr = ir.IntType(8).as_pointer()
            fnty = ir.FunctionType(ir.VoidType(), [i32, i32, i32, size, size, size, f32,
                                                   byte_ptr, size, byte_ptr, size, f32,
                                                   byte_ptr, size])

            def pointer(value, ty, at):
                data = context.make_array(ty)(context, builder, value).data
                return builder.bitcast(builder.gep(data, [at]), byte_ptr)

            def integer(value):
                return builder.trunc(value, size) if int_bits < 64 else value

            tb = builder.select(builder.icmp_signed("!=", trans_b, trans_b.type(0)),
                                i32(_TRANS), i32(_NO_TRANS))
            target = builder.inttoptr(fn, fnty.as_pointer())
            arg_types = signature.args
            builder.call(target, [
                i32(_ROW_MAJOR), i32(_NO_TRANS), tb, integer(m), integer(n), integer(k),
                f32(1.0), pointer(a, arg_types[5], a_at), integer(lda),
                pointer(b, arg_types[8], b_at), integer(ldb),
                builder.fptrunc(beta, f32) if beta.type != f32 else beta,
                pointer(c, arg_types[12], c_at), integer(ldc)])
            return context.get_dummy_value()
        return sig, codegen
    return call


_call64, _call32 = _caller(64), _caller(32)


@njit(inline="always", cache=True)
def sgemm(fn, ilp64, trans_b, m, n, k, a, a_at, lda, b, b_at, ldb, beta, c, c_at, ldc):
    """``C = A @ B (or B^T) + beta C`` on float32 arrays' memory, row-major: ``A`` is
    ``m x k`` at element ``a_at`` of ``a`` with row stride ``lda``, and so on."""
    if ilp64:
        _call64(fn, trans_b, m, n, k, a, a_at, lda, b, b_at, ldb, beta, c, c_at, ldc)
    else:
        _call32(fn, trans_b, m, n, k, a, a_at, lda, b, b_at, ldb, beta, c, c_at, ldc)


@njit(cache=True, nogil=True)
def _product(fn, ilp64, a, b, c, beta, trans_b):
    m, k = a.shape
    n = c.shape[1]
    sgemm(fn, ilp64, trans_b, m, n, k, a.ravel(), 0, k, b.ravel(), 0, b.shape[1], beta,
          c.ravel(), 0, n)


def address() -> tuple[int, bool]:
    """``(address of cblas_sgemm, whether it takes 64-bit ints)``; address 0 when there
    is none or it failed its check.

    >>> fn, ilp64 = address()
    >>> fn >= 0
    True
    """
    blas = cpu_threads.openblas()
    if blas is None or not blas.sgemm:
        return 0, False
    if "ok" not in _CHECKED:
        _CHECKED["ok"] = _check(blas.sgemm, blas.ilp64)
    return (blas.sgemm, blas.ilp64) if _CHECKED["ok"] else (0, False)


def _check(fn: int, ilp64: bool) -> bool:
    """One small product each way (and with ``beta``) against NumPy's."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((5, 7)).astype(np.float32)
    b = rng.standard_normal((7, 3)).astype(np.float32)
    c = rng.standard_normal((5, 3)).astype(np.float32)
    want = c * 0.5 + a @ b
    _product(fn, ilp64, a, b, c, np.float32(0.5), 0)
    bt = np.ascontiguousarray(b.T)
    got_t = np.empty((5, 3), np.float32)
    _product(fn, ilp64, a, bt, got_t, np.float32(0.0), 1)
    return bool(np.allclose(c, want, atol=1e-5) and np.allclose(got_t, a @ b, atol=1e-5))
