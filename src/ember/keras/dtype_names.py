"""Keras's dtype names: ``standardize_dtype`` (any dtype-like to a Keras name) and the
kind checks ``is_float_dtype`` / ``is_int_dtype`` (``keras.backend`` exports them)."""
from __future__ import annotations

from typing import Any

ALLOWED = ("float16", "float32", "float64", "uint8", "uint16", "uint32", "uint64", "int8",
           "int16", "int32", "int64", "bfloat16", "bool", "string", "float8_e4m3fn",
           "float8_e5m2", "complex64", "complex128")
# Python types as Keras's TensorFlow backend names them
PYTHON_DTYPES = {bool: "bool", int: "int64", "int": "int64", float: "float32", str: "string",
           complex: "complex128"}


def standardize_dtype(dtype: Any) -> str:
    """The Keras name of ``dtype`` (a name, a NumPy/Ember dtype or a Python type); None
    is ``keras.config.floatx()``.

    >>> standardize_dtype("float16"), standardize_dtype(int), standardize_dtype(None)
    ('float16', 'int64', 'float32')
    """
    if dtype is None:
        from .config import floatx
        return floatx()
    if isinstance(dtype, (type, str)) and dtype in PYTHON_DTYPES:
        dtype = PYTHON_DTYPES[dtype]
    if hasattr(dtype, "name"):
        dtype = dtype.name
    elif hasattr(dtype, "__name__"):
        dtype = dtype.__name__
    if dtype not in ALLOWED:
        raise ValueError(f"Invalid dtype: {dtype}")
    return dtype


def is_float_dtype(dtype: Any) -> bool:
    """Whether ``dtype`` is a floating point type (float8 to float64, bfloat16).

    >>> is_float_dtype("bfloat16"), is_float_dtype("int32")
    (True, False)
    """
    name = standardize_dtype(dtype)
    return name.startswith("float") or name.startswith("bfloat")


def is_int_dtype(dtype: Any) -> bool:
    """Whether ``dtype`` is a signed or unsigned integer type (not bool).

    >>> is_int_dtype("uint8"), is_int_dtype("bool")
    (True, False)
    """
    name = standardize_dtype(dtype)
    return name.startswith("int") or name.startswith("uint")
