"""One row times a matrix (``x @ W``, x of shape (1, k)) split by the matrix's columns,
each part a ``cblas_sgemv``, for ``ember.ops.gemm.row_product``: a one-sample predict's
dense layers.

Such a product reads every weight once, and OpenBLAS runs it on one core. Two cores
each reading half the columns take about half the time, but only if handing a part to
the second core costs less than the few microseconds saved: a Python part costs about
30 us (``cpu_threads.parallel``). So the part here is a Numba C callback
(``numba.cfunc``) that OpenBLAS's thread runs without the GIL
(``cpu_threads.parallel_native``), and each part reads its arguments from one row of
int64 fields (``FIELDS``), addresses included, which ``records`` fills.
"""
from __future__ import annotations

from llvmlite import ir
from numba import carray, cfunc, njit, types
from numba.extending import intrinsic

_ROW_MAJOR, _TRANS = 101, 112

#: the fields of a part's record, in order
FIELDS = ("fn", "ilp64", "k", "columns", "w", "ldw", "x", "y")
FN, ILP64, K, COLUMNS, W, LDW, X, Y = range(len(FIELDS))
_WIDTH = len(FIELDS)


def _caller(int_bits: int):
    """An intrinsic calling ``cblas_sgemv(RowMajor, Trans, k, columns, 1, w, ldw, x, 1,
    0, y, 1)`` at an address, with ``int_bits`` integers: ``y = x @ W[:, cols]``."""

    @intrinsic
    def call(typingctx, fn, k, columns, w, ldw, x, y):
        sig = types.void(fn, k, columns, w, ldw, x, y)

        def codegen(context, builder, signature, args):
            fn, k, columns, w, ldw, x, y = args
            i32, f32 = ir.IntType(32), ir.FloatType()
            size = ir.IntType(int_bits)
            byte_ptr = ir.IntType(8).as_pointer()
            fnty = ir.FunctionType(ir.VoidType(), [i32, i32, size, size, f32, byte_ptr,
                                                   size, byte_ptr, size, f32, byte_ptr,
                                                   size])

            def integer(value):
                return builder.trunc(value, size) if int_bits < 64 else value

            def pointer(address):
                return builder.inttoptr(address, byte_ptr)

            builder.call(builder.inttoptr(fn, fnty.as_pointer()), [
                i32(_ROW_MAJOR), i32(_TRANS), integer(k), integer(columns), f32(1.0),
                pointer(w), integer(ldw), pointer(x), size(1), f32(0.0), pointer(y),
                size(1)])
            return context.get_dummy_value()
        return sig, codegen
    return call


_call64, _call32 = _caller(64), _caller(32)


@cfunc(types.void(types.CPointer(types.int64)), cache=True)
def _part(record):
    r = carray(record, _WIDTH)
    if r[ILP64]:
        _call64(r[FN], r[K], r[COLUMNS], r[W], r[LDW], r[X], r[Y])
    else:
        _call32(r[FN], r[K], r[COLUMNS], r[W], r[LDW], r[X], r[Y])


PART = _part.address


@njit(cache=True)
def records(fn, ilp64, x, w, partial, out):
    """Fill ``out`` (parts, fields): part ``p`` multiplies row block ``p`` of ``w``
    (k, n) by the matching piece of ``x`` (1, k) into ``partial[p]``. Returns ``out``'s
    address."""
    count = out.shape[0]
    k, n = w.shape
    ldw = w.strides[0] // 4
    for p in range(count):
        lo, hi = k * p // count, k * (p + 1) // count
        r = out[p]
        r[FN], r[ILP64], r[K], r[COLUMNS], r[LDW] = fn, ilp64, hi - lo, n, ldw
        r[W] = w.ctypes.data + 4 * ldw * lo
        r[X] = x.ctypes.data + 4 * lo
        r[Y] = partial.ctypes.data + 4 * n * p
    return out.ctypes.data
