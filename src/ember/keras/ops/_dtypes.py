"""Keras 3's result dtype of mixed inputs (its JAX-style promotion lattice), keeping
64-bit dtypes as Keras's TensorFlow backend does.

"int" and "float" are the weak types of Python scalars: they rank below every sized dtype
of their kind, so an int8 tensor plus 3 stays int8, and float16 plus 0.5 stays float16.

>>> result_type("int8", int), result_type("int32", float), result_type("uint8", "int8")
('int8', 'float32', 'int16')
"""
from __future__ import annotations

import functools
from typing import Any

# each dtype and the dtypes directly above it
_UP = {
    "bool": ("int",), "int": ("uint8", "int8"),
    "uint8": ("uint16", "int16"), "uint16": ("uint32", "int32"),
    "uint32": ("uint64", "int64"), "uint64": ("float",),
    "int8": ("int16",), "int16": ("int32",), "int32": ("int64",), "int64": ("float",),
    "float": ("bfloat16", "float16"), "bfloat16": ("float32",), "float16": ("float32",),
    "float32": ("float64", "complex64"), "float64": ("complex128",),
    "complex64": ("complex128",), "complex128": (),
}


@functools.cache
def _upper(dtype: str) -> frozenset:
    """``dtype`` and every dtype above it."""
    if dtype not in _UP:
        raise TypeError(f"Unsupported dtype {dtype!r} for Keras type promotion")
    out = {dtype}
    for d in _UP[dtype]:
        out |= _upper(d)
    return frozenset(out)


@functools.cache
def result_type(*dtypes: Any) -> str:
    """The least dtype at or above all ``dtypes`` (names, or the Python types ``int`` and
    ``float`` for weak scalars); a result that is only weak becomes int32 / float32."""
    names = [{int: "int", float: "float"}.get(d, d) if isinstance(d, type) else str(d)
             for d in dtypes]
    common = frozenset.intersection(*(_upper(n) for n in names))
    join = next(d for d in common if common <= _upper(d))
    return {"int": "int32", "float": "float32"}.get(join, join)


def float_dtype(x: Any) -> str:
    """``result_type(x.dtype, float)``, Keras's dtype for float ops of tensor ``x``: ints
    and bool give float32, float and complex dtypes are kept."""
    return result_type(x.dtype.name, float)


def sum_dtype(x: Any) -> str:
    """Keras's accumulator for sums and products of tensor ``x``: bool, int8 and int16
    widen to int32, uint8 and uint16 to uint32; other dtypes are kept."""
    name = x.dtype.name
    if name in ("bool", "int8", "int16"):
        return "int32"
    if name in ("uint8", "uint16"):
        return "uint32"
    return name
