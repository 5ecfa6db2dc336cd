"""``cblas_sgemm`` and ``cblas_sgemv`` called from compiled loops, so a recurrent layer's
whole time loop (a matrix product and a cell kernel per step) runs in one Numba function:
no Python between steps, and no GIL, so two threads can run halves of a batch at once.

The functions are NumPy's own OpenBLAS's (``ember.core.cpu_threads.openblas``), called
through their addresses, which every call passes in: compiled code keeps no address, so
it can be cached. ``address()`` and ``gemv_address()`` check a small product against
NumPy once per process before any kernel relies on them.
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
    def call(typingctx, fn, trans_a, trans_b, m, n, k, a, a_at, lda, b, b_at, ldb, beta, c,
             c_at, ldc):
        sig = types.void(fn, trans_a, trans_b, m, n, k, a, a_at, lda, b, b_at, ldb, beta, c,
                         c_at, ldc)

        def codegen(context, builder, signature, args):
            (fn, trans_a, trans_b, m, n, k, a, a_at, lda, b, b_at, ldb, beta, c, c_at,
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

            def transpose(flag):
                return builder.select(builder.icmp_signed("!=", flag, flag.type(0)),
                                      i32(_TRANS), i32(_NO_TRANS))

            target = builder.inttoptr(fn, fnty.as_pointer())
            arg_types = signature.args
            builder.call(target, [
                i32(_ROW_MAJOR), transpose(trans_a), transpose(trans_b), integer(m),
                integer(n), integer(k), f32(1.0), pointer(a, arg_types[6], a_at),
                integer(lda), pointer(b, arg_types[9], b_at), integer(ldb),
                builder.fptrunc(beta, f32) if beta.type != f32 else beta,
                pointer(c, arg_types[13], c_at), integer(ldc)])
            return context.get_dummy_value()
        return sig, codegen
    return call


_call64, _call32 = _caller(64), _caller(32)


def _gemv_caller(int_bits: int):
    """An intrinsic calling ``cblas_sgemv`` at an address, row-major and transposed, with
    ``int_bits`` integers: ``y = A.T @ x`` for ``A`` (``m x n``, row stride ``lda``),
    every operand given by its address."""

    @intrinsic
    def call(typingctx, fn, m, n, a, lda, x, y):
        sig = types.void(fn, m, n, a, lda, x, y)

        def codegen(context, builder, signature, args):
            fn, m, n, a, lda, x, y = args
            i32, f32, size = ir.IntType(32), ir.FloatType(), ir.IntType(int_bits)
            byte_ptr = ir.IntType(8).as_pointer()
            fnty = ir.FunctionType(ir.VoidType(), [i32, i32, size, size, f32, byte_ptr,
                                                   size, byte_ptr, size, f32, byte_ptr,
                                                   size])

            def integer(value):
                return builder.trunc(value, size) if int_bits < 64 else value

            target = builder.inttoptr(fn, fnty.as_pointer())
            builder.call(target, [
                i32(_ROW_MAJOR), i32(_TRANS), integer(m), integer(n), f32(1.0),
                builder.inttoptr(a, byte_ptr), integer(lda), builder.inttoptr(x, byte_ptr),
                size(1), f32(0.0), builder.inttoptr(y, byte_ptr), size(1)])
            return context.get_dummy_value()
        return sig, codegen
    return call


_gemv64, _gemv32 = _gemv_caller(64), _gemv_caller(32)


@njit(inline="always", cache=True)
def sgemm(fn, ilp64, trans_a, trans_b, m, n, k, a, a_at, lda, b, b_at, ldb, beta, c, c_at,
          ldc):
    """``C = op(A) @ op(B) + beta C`` on float32 arrays' memory, row-major, ``op`` the
    transpose where its flag is set: ``op(A)`` is ``m x k``, stored from element ``a_at``
    of ``a``'s memory (any array: its first element is element 0) with row stride
    ``lda``, and so on."""
    if ilp64:
        _call64(fn, trans_a, trans_b, m, n, k, a, a_at, lda, b, b_at, ldb, beta, c, c_at,
                ldc)
    else:
        _call32(fn, trans_a, trans_b, m, n, k, a, a_at, lda, b, b_at, ldb, beta, c, c_at,
                ldc)


@njit(inline="always", cache=True)
def sgemv_t(fn, ilp64, m, n, a, lda, x, y):
    """``y = A.T @ x`` in float32 for row-major ``A`` (``m x n``, ``lda`` elements between
    rows), the vector ``x`` (``m``) and the result ``y`` (``n``), each given by the address
    of its first element."""
    if ilp64:
        _gemv64(fn, m, n, a, lda, x, y)
    else:
        _gemv32(fn, m, n, a, lda, x, y)


@njit(cache=True, nogil=True)
def _vector_product(fn, ilp64, a, x, y):
    sgemv_t(fn, ilp64, a.shape[0], a.shape[1], a.ctypes.data, a.shape[1], x.ctypes.data,
            y.ctypes.data)


@njit(cache=True, nogil=True)
def _product(fn, ilp64, a, b, c, beta, trans_a, trans_b):
    m, n = c.shape
    k = a.shape[0] if trans_a else a.shape[1]
    sgemm(fn, ilp64, trans_a, trans_b, m, n, k, a, 0, a.shape[1], b, 0, b.shape[1], beta,
          c, 0, n)


def address() -> tuple[int, bool]:
    """``(address of cblas_sgemm, whether it takes 64-bit ints)``; address 0 when there
    is none or it failed its check.

    >>> fn, ilp64 = address()
    >>> fn >= 0
    True
    """
    return _checked("ok", "sgemm", _check)


def gemv_address() -> tuple[int, bool]:
    """``(address of cblas_sgemv, whether it takes 64-bit ints)``; address 0 when there
    is none or it failed its check.

    >>> fn, ilp64 = gemv_address()
    >>> fn >= 0
    True
    """
    return _checked("gemv", "sgemv", _check_gemv)


def _checked(key: str, name: str, check) -> tuple[int, bool]:
    """OpenBLAS's function ``name`` and its integer width, once ``check`` has passed."""
    blas = cpu_threads.openblas()
    fn = getattr(blas, name) if blas is not None else 0
    if not fn:
        return 0, False
    if key not in _CHECKED:
        _CHECKED[key] = check(fn, blas.ilp64)
    return (fn, blas.ilp64) if _CHECKED[key] else (0, False)


def _check_gemv(fn: int, ilp64: bool) -> bool:
    """One small matrix-vector product against NumPy's, over a result of NaNs (which
    ``beta = 0`` must not read)."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((7, 5)).astype(np.float32)
    x = rng.standard_normal(7).astype(np.float32)
    y = np.full(5, np.nan, np.float32)
    _vector_product(fn, ilp64, a, x, y)
    return bool(np.allclose(y, x @ a, atol=1e-5))


def _check(fn: int, ilp64: bool) -> bool:
    """One small product plain (with ``beta``) and one with both transposed, against
    NumPy's."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((5, 7)).astype(np.float32)
    b = rng.standard_normal((7, 3)).astype(np.float32)
    c = rng.standard_normal((5, 3)).astype(np.float32)
    want = c * 0.5 + a @ b
    _product(fn, ilp64, a, b, c, np.float32(0.5), 0, 0)
    at, bt = np.ascontiguousarray(a.T), np.ascontiguousarray(b.T)
    got_t = np.empty((5, 3), np.float32)
    _product(fn, ilp64, at, bt, got_t, np.float32(0.0), 1, 1)
    return bool(np.allclose(c, want, atol=1e-5) and np.allclose(got_t, a @ b, atol=1e-5))
