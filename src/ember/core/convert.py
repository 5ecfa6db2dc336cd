"""Turning Python and NumPy values into arrays and tensors.

Python floats become float32 and Python ints int32 (TensorFlow's defaults; ints that do
not fit int32 make int64, as in TensorFlow), Python complex numbers complex128; NumPy
arrays keep their dtype.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import dtypes as _dtypes
from .backend import cupy_ndarray
from .tensor import Tensor

_DEFAULT_FOR_KIND = {"f": np.dtype(np.float32), "i": np.dtype(np.int32),
                     "u": np.dtype(np.int32), "c": np.dtype(np.complex128)}
_INT32 = np.iinfo(np.int32)
_SCALARS = (bool, int, float, complex)


def python_to_array(value: Any, dtype: Any = None) -> np.ndarray:
    """Convert Python data (scalars, nested lists, tensors inside lists) to an ndarray.

    >>> python_to_array([1.0, 2.0]).dtype
    dtype('float32')
    """
    if dtype is not None:
        npd = _dtypes.to_numpy(dtype)
        try:
            arr = np.asarray(value, dtype=npd)
        except (OverflowError, ValueError, TypeError) as e:
            raise TypeError(f"Cannot convert {_short(value)} to a tensor of dtype "
                            f"{_dtypes.from_numpy(npd).name}: {e}") from None
        if npd.kind in "iub" and _has_fraction(value):
            raise TypeError(f"Cannot convert {_short(value)} to an integer tensor "
                            f"of dtype {_dtypes.from_numpy(npd).name} without losing data")
        return arr
    try:
        arr = np.asarray(value)
    except ValueError as e:
        raise ValueError(f"Cannot convert {_short(value)} to a tensor: {e}") from None
    if arr.dtype.kind == "O":
        raise TypeError(f"Cannot convert {_short(value)} to a tensor: unsupported type "
                        f"{type(value).__name__}")
    if arr.dtype.kind in "US":
        raise TypeError(f"Cannot convert {_short(value)} to a tensor: strings are not "
                        "supported by ember tensors")
    if arr.dtype == np.float64 or arr.dtype == np.int64 or arr.dtype == np.complex128:
        # Only Python data gets the 32-bit defaults; arrays inside lists keep theirs.
        if not _holds_numpy(value) and not _beyond_int32(arr):
            arr = arr.astype(_DEFAULT_FOR_KIND[arr.dtype.kind])
    return arr


_NUMBERS = frozenset((bool, int, float, complex))


def holds_tensor(value: Any) -> bool:
    """Whether ``value`` is a (nested) Python list or tuple with an ember Tensor or
    Variable somewhere inside (such a list is stacked, as TF auto-packs it).

    >>> holds_tensor([[1.0, 2.0], [Tensor(np.float32(3.0)), 4.0]])
    True
    """
    if type(value) not in (list, tuple) or set(map(type, value)) <= _NUMBERS:
        return False
    return any(isinstance(v, Tensor) or hasattr(v, "_is_ember_variable") or holds_tensor(v)
               for v in value)


def static_shape(value: Any) -> tuple:
    """The shape of a tensor, array or nested Python list, without reading the values
    of tensors inside a list (they may be a function trace's).

    >>> static_shape([[Tensor(np.float32(1.0)), 2.0]])
    (1, 2)
    """
    s = getattr(value, "shape", None)
    if s is not None and not callable(s):
        return tuple(s)
    if holds_tensor(value):
        inner = [static_shape(v) for v in value]
        if all(i == inner[0] for i in inner):
            return (len(value),) + inner[0]
        raise ValueError(f"Cannot convert a list of elements of shapes {inner} to a tensor: "
                         "they must all have the same shape")
    return np.shape(value)


def _beyond_int32(arr: np.ndarray) -> bool:
    """An int64 array holding a value int32 cannot: it stays int64 (never wrapped)."""
    return arr.dtype == np.int64 and arr.size > 0 and (
        int(arr.min()) < _INT32.min or int(arr.max()) > _INT32.max)


def _holds_numpy(value: Any) -> bool:
    if isinstance(value, (np.ndarray, np.generic, Tensor)):
        return value.dtype in (np.float64, np.int64, np.complex128) or \
            getattr(value.dtype, "_np", None) in (np.float64, np.int64, np.complex128)
    if isinstance(value, (list, tuple)):
        return any(_holds_numpy(v) for v in value)
    return False


def _has_fraction(value: Any) -> bool:
    if isinstance(value, float):
        return value != int(value) if np.isfinite(value) else True
    if isinstance(value, (list, tuple)):
        return any(_has_fraction(v) for v in value)
    return False


def _short(value: Any) -> str:
    r = repr(value)
    return r if len(r) < 60 else r[:57] + "..."


def to_array(value: Any, dtype: Any = None):
    """The backend array for any tensor-like value (Tensor, Variable, ndarray, Python data)."""
    if isinstance(value, Tensor) or hasattr(value, "_is_ember_variable"):
        arr = value._value
        if dtype is not None and arr.dtype != _dtypes.to_numpy(dtype):
            raise TypeError(f"Expected a tensor of dtype {_dtypes.as_dtype(dtype).name}, got "
                            f"{_dtypes.from_numpy(arr.dtype).name} (use ember.cast)")
        return arr
    if isinstance(value, (np.ndarray, np.generic)) or type(value) is cupy_ndarray:
        if dtype is not None:
            npd = _dtypes.to_numpy(dtype)
            if value.dtype != npd:
                return value.astype(npd)
        if isinstance(value, np.generic):
            return np.asarray(value)
        return value
    return python_to_array(value, dtype)
