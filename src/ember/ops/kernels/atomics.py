"""Atomic operations on an int64 array's elements, and the pieces of a spin wait, for
compiled loops on two threads that hand work to each other without Python or the GIL
(``ember.ops.kernels.row_product``).

Every operation is sequentially consistent: a value stored before ``store`` or a
successful ``compare_exchange`` is seen by a thread that then reads the stored word.
"""
from __future__ import annotations

import platform

from llvmlite import ir
from numba import types
from numba.extending import intrinsic

_X86 = platform.machine().lower() in ("x86_64", "amd64", "i686", "x86")


def _element(context, builder, array_type, array, index):
    return builder.gep(context.make_array(array_type)(context, builder, array).data, [index])


@intrinsic
def load(typingctx, array, index):
    """``array[index]``, read atomically (never hoisted out of a loop)."""
    def codegen(context, builder, signature, args):
        at = _element(context, builder, signature.args[0], *args)
        return builder.load_atomic(at, "seq_cst", 8)
    return types.int64(array, index), codegen


@intrinsic
def store(typingctx, array, index, value):
    """``array[index] = value``, written atomically."""
    def codegen(context, builder, signature, args):
        at = _element(context, builder, signature.args[0], args[0], args[1])
        builder.store_atomic(args[2], at, "seq_cst", 8)
        return context.get_dummy_value()
    return types.void(array, index, value), codegen


@intrinsic
def compare_exchange(typingctx, array, index, expected, new):
    """Set ``array[index] = new`` if it holds ``expected``, as one step; True if it did."""
    def codegen(context, builder, signature, args):
        at = _element(context, builder, signature.args[0], args[0], args[1])
        result = builder.cmpxchg(at, args[2], args[3], "seq_cst", "seq_cst")
        return builder.extract_value(result, 1)
    return types.boolean(array, index, expected, new), codegen


@intrinsic
def cycles(typingctx):
    """The CPU's cycle counter (the time-stamp counter on x86), for a spin's time limit."""
    def codegen(context, builder, signature, args):
        fn = builder.module.declare_intrinsic(
            "llvm.readcyclecounter", fnty=ir.FunctionType(ir.IntType(64), []))
        return builder.call(fn, [])
    return types.int64(), codegen


@intrinsic
def pause(typingctx):
    """A spin-wait hint (x86 ``pause``; nothing elsewhere): the spinning core backs off."""
    def codegen(context, builder, signature, args):
        if _X86:
            fn = builder.module.declare_intrinsic(
                "llvm.x86.sse2.pause", fnty=ir.FunctionType(ir.VoidType(), []))
            builder.call(fn, [])
        return context.get_dummy_value()
    return types.void(), codegen


@intrinsic
def call_int(typingctx, fn, value):
    """Call the C function ``int f(unsigned)`` at address ``fn`` (``usleep``)."""
    def codegen(context, builder, signature, args):
        fnty = ir.FunctionType(ir.IntType(32), [ir.IntType(32)])
        target = builder.inttoptr(args[0], fnty.as_pointer())
        builder.call(target, [builder.trunc(args[1], ir.IntType(32))])
        return context.get_dummy_value()
    return types.void(fn, value), codegen
