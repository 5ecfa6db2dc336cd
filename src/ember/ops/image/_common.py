"""Checks and layout helpers shared by the ``ember.image`` ops."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from . import _api as E


def tensor(x: Any) -> Any:
    """Tensors and Variables as they are (so gradients reach them); anything else
    (lists, NumPy arrays, Python numbers) converted to a Tensor."""
    if isinstance(x, (E.Tensor, E.Variable)):
        return x
    return E.convert_to_tensor(x)


def fail(op: str, message: str) -> E.InvalidArgumentError:
    """An error naming ``ember.image.<op>``."""
    return E.InvalidArgumentError(f"ember.image.{op}: {message}")


def shape_of(x: Any) -> tuple:
    return tuple(int(d) for d in x.shape)


def images(x: Any, op: str, ranks: Sequence[int] = (3, 4), what: str = "image") -> Any:
    """``x`` as a tensor of one of ``ranks`` (3: one ``(height, width, channels)`` image,
    4: a ``(batch, height, width, channels)`` batch), else an error naming ``op``."""
    x = tensor(x)
    if len(x.shape) not in ranks:
        want = {(3, 4): "3 (height, width, channels) or 4 (batch, height, width, "
                        "channels)",
                (4,): "4 (batch, height, width, channels)",
                (3,): "3 (height, width, channels)"}.get(tuple(ranks))
        if want is None:
            want = f"at least {min(ranks)}"
        raise fail(op, f"'{what}' must have rank {want}; got shape {shape_of(x)}")
    return x


def at_least_3d(x: Any, op: str, what: str = "image") -> Any:
    """``x`` as a tensor of rank >= 3 whose last three axes are not empty."""
    x = tensor(x)
    if len(x.shape) < 3:
        raise fail(op, f"'{what}' must be at least three-dimensional (height, width, "
                       f"channels); got shape {shape_of(x)}")
    if any(int(d) == 0 for d in x.shape[-3:]):
        raise fail(op, f"the inner 3 dims of '{what}' must be > 0; got shape "
                       f"{shape_of(x)}")
    return x


def batched(x: Any, rank: int = 4) -> tuple[Any, bool]:
    """A batch of ``rank`` (4: images): ``(x, False)`` for a batch, ``(x[None], True)``
    for one image."""
    if len(x.shape) == rank:
        return x, False
    return E.expand_dims(x, 0), True


def unbatch(x: Any, unbatched: bool) -> Any:
    return E.squeeze(x, [0]) if unbatched else x


def static_int(value: Any, op: str, what: str) -> int:
    """A Python int from an int, a NumPy integer or an integer scalar tensor."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"ember.image.{op}: {what} must be an integer; got {value!r}")
    if isinstance(value, (int, np.integer)):
        return int(value)
    arr = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
    if arr.size != 1 or arr.dtype.kind not in "iu":
        raise TypeError(f"ember.image.{op}: {what} must be an integer scalar; got "
                        f"{value!r}")
    return int(arr.reshape(()))


def static_float(value: Any, op: str, what: str) -> float:
    """A Python float from a number or a scalar tensor."""
    if isinstance(value, (int, float, np.integer, np.floating)) and \
            not isinstance(value, (bool, np.bool_)):
        return float(value)
    arr = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
    if arr.size != 1 or arr.dtype.kind not in "iuf":
        raise TypeError(f"ember.image.{op}: {what} must be a real scalar; got {value!r}")
    return float(arr.reshape(()))


def static_ints(value: Any, n: int, op: str, what: str) -> tuple:
    """``n`` Python ints from a list, tuple, array or 1-D integer tensor."""
    arr = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
    if arr.shape != (n,) or (arr.size and arr.dtype.kind not in "iu"):
        raise E.InvalidArgumentError(
            f"ember.image.{op}: '{what}' must be a 1-D integer tensor of {n} elements; got "
            f"{value!r}")
    return tuple(int(v) for v in arr.tolist())


def work_dtype(*tensors: Any) -> str:
    """The dtype to compute in: float64 when any input is float64, else float32 (half
    floats and integers are computed in float32).

    >>> import ember
    >>> work_dtype(ember.constant([1], "uint8"), ember.constant([1.0], "float16"))
    'float32'
    """
    return "float64" if any(t.dtype.name == "float64" for t in tensors) else "float32"


def as_work(x: Any, dtype: str | None = None) -> Any:
    """``x`` cast to ``dtype`` (default: its ``work_dtype``) unless it already has it."""
    dtype = dtype or work_dtype(x)
    return x if x.dtype.name == dtype else E.cast(x, dtype)


def require_floating(x: Any, op: str, what: str = "images") -> None:
    if not x.dtype.is_floating:
        raise TypeError(f"ember.image.{op}: '{what}' must be a floating tensor (float16, "
                        f"bfloat16, float32 or float64); got {x.dtype.name} of shape "
                        f"{shape_of(x)}")
