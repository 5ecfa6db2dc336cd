"""Argument handling shared by the ``ember.signal`` ops."""
from __future__ import annotations

from typing import Any

import numpy as np

from ...core.dtypes import as_dtype
from ...core.errors import InvalidArgumentError
from ...core.tensor import Tensor
from ..creation import convert_to_tensor
from ..elementwise import cast
from ..spectral import complex_parts


def tensor(x: Any, op: str) -> Tensor:
    """``x`` as a Tensor (Python complex numbers become complex64, floats float32)."""
    try:
        return convert_to_tensor(x)
    except (TypeError, ValueError) as e:
        raise TypeError(f"ember.signal.{op}: cannot convert the input to a tensor: {e}") \
            from None


def shape_of(x: Tensor) -> tuple:
    return tuple(int(d) for d in x.shape)


def describe(x: Tensor) -> str:
    return f"{x.dtype.name} tensor of shape {shape_of(x)}"


def static_int(value: Any, op: str, what: str, minimum: int | None = None) -> int:
    """A Python int from an int, NumPy integer or integer scalar (or 1-element) tensor."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"ember.signal.{op}: {what} must be an integer; got {value!r}")
    if isinstance(value, (int, np.integer)):
        out = int(value)
    else:
        arr = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
        if arr.size != 1 or arr.dtype.kind not in "iu":
            raise TypeError(f"ember.signal.{op}: {what} must be an integer scalar; got "
                            f"{arr.dtype.name} of shape {arr.shape}")
        out = int(arr.reshape(()))
    if minimum is not None and out < minimum:
        raise InvalidArgumentError(f"ember.signal.{op}: {what} must be >= {minimum}; got {out}")
    return out


def fft_lengths(value: Any, rank: int, op: str) -> tuple:
    """``fft_length`` as ``rank`` Python ints (a list, tuple, array or int32 tensor)."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool) and rank == 1:
        value = [value]
    arr = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
    if arr.shape != (rank,) or (arr.size and arr.dtype.kind not in "iu"):
        raise InvalidArgumentError(
            f"ember.signal.{op}: fft_length must be {rank} integer{'s' if rank > 1 else ''} "
            f"(shape [{rank}]); got {arr.tolist()!r}")
    out = tuple(int(v) for v in arr.tolist())
    if any(v < 1 for v in out):
        raise InvalidArgumentError(f"ember.signal.{op}: fft_length must be positive; got "
                                   f"{list(out)}")
    return out


def check_rank(x: Tensor, rank: int, op: str, what: str = "input") -> None:
    if len(x.shape) < rank:
        raise InvalidArgumentError(f"ember.signal.{op}: {what} must have rank >= {rank}; got "
                                   f"{describe(x)}")


def real_input(x: Any, op: str) -> Tensor:
    """A float32/float64 tensor (integers and half floats become float32)."""
    t = tensor(x, op)
    dt = t.dtype
    if dt.name in ("float32", "float64"):
        return t
    if dt.is_complex or dt.is_bool or not (dt.is_integer or dt.is_floating):
        raise TypeError(f"ember.signal.{op}: expects a real float32/float64 tensor; got "
                        f"{describe(t)}")
    return cast(t, "float32")


def complex_input(x: Any, op: str):
    """``(re, im, complex dtype name)`` of ``x``; a real tensor is taken as ``x + 0j``
    (float64 gives complex128, other real dtypes complex64)."""
    t = tensor(x, op)
    dt = t.dtype
    if dt.is_complex:
        re, im = complex_parts(t)
        return re, im, dt.name
    if dt.is_bool or not (dt.is_integer or dt.is_floating):
        raise TypeError(f"ember.signal.{op}: expects a complex64/complex128 tensor; got "
                        f"{describe(t)}")
    if dt.name != "float64":
        if dt.name != "float32":
            t = cast(t, "float32")
        re, im = complex_parts(t)
        return re, im, "complex64"
    re, im = complex_parts(t)
    return re, im, "complex128"


def float_dtype(dtype: Any, op: str) -> np.dtype:
    """The NumPy dtype of a floating ``dtype`` argument (ValueError otherwise)."""
    try:
        d = as_dtype(dtype)
    except TypeError as e:
        raise TypeError(f"ember.signal.{op}: {e}") from None
    if not d.is_floating:
        raise ValueError(f"ember.signal.{op}: dtype must be a floating point type; got "
                         f"{d.name}")
    return d._np
