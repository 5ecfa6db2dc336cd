"""Bitwise ops of ``keras.ops`` on integer (and bool) tensors; they carry no gradient.

Operands are promoted with Keras's rules (``int8`` and ``uint8`` give ``int16``, a Python
``int`` is int32); a shift by a Python ``int`` keeps the shifted tensor's dtype.

>>> bitwise_and([12, 10], 6).numpy().tolist(), left_shift([1, 3], 2).numpy().tolist()
([4, 2], [4, 12])
"""
from __future__ import annotations

from typing import Any

import ember

from ._dispatch import keras_op
from ._dispatch import t as _t
from .numpy_elementwise import _promote

__all__ = [
    "bitwise_and", "bitwise_invert", "bitwise_left_shift", "bitwise_not", "bitwise_or",
    "bitwise_right_shift", "bitwise_xor", "left_shift", "right_shift",
]


def _check_integer(name: str, dtype: str, *xs: Any) -> None:
    if not (dtype == "bool" or dtype.startswith(("int", "uint"))):
        got = ", ".join(str(getattr(x, "dtype", type(x).__name__)) for x in xs)
        raise TypeError(f"keras.ops.{name}: expects integer or bool tensors, received "
                        f"{got} (which promote to {dtype})")


def _logic(name: str, ember_fn, symbol: str, example: str):
    def op(x: Any, y: Any) -> ember.Tensor:
        dtype = _promote(x, y)
        _check_integer(name, dtype, x, y)
        return ember_fn(_t(x, dtype), _t(y, dtype))
    op.__name__ = op.__qualname__ = name
    op.__doc__ = (f"Bitwise ``{symbol}`` of integers (logical for bools). "
                  f"``keras.ops.{name}{example}``.")
    return keras_op(op)


bitwise_and = _logic("bitwise_and", ember.bitwise.bitwise_and, "&",
                     "([12, 10], [6, 6])`` → ``[4, 2]")
bitwise_or = _logic("bitwise_or", ember.bitwise.bitwise_or, "|",
                    "([12, 10], [6, 6])`` → ``[14, 14]")
bitwise_xor = _logic("bitwise_xor", ember.bitwise.bitwise_xor, "^",
                     "([12, 10], [6, 6])`` → ``[10, 12]")


@keras_op
def bitwise_invert(x: Any) -> ember.Tensor:
    """Bitwise NOT ``~x`` of integers (logical NOT for bools).

    ``keras.ops.bitwise_invert([0, 5])`` → ``[-1, -6]``.
    """
    x = _t(x)
    _check_integer("bitwise_invert", x.dtype.name, x)
    return ember.bitwise.invert(x)


@keras_op
def bitwise_not(x: Any) -> ember.Tensor:
    """Alias of ``bitwise_invert``. ``keras.ops.bitwise_not([0, 5])`` → ``[-1, -6]``."""
    return bitwise_invert(x)


def _shift(name: str, x: Any, y: Any, ember_fn) -> ember.Tensor:
    x = _t(x)
    if isinstance(y, int) and not isinstance(y, bool):
        dtype = "int32" if x.dtype.name == "bool" else x.dtype.name  # y is weak
    else:
        dtype = _promote(x, y)
        if dtype == "bool":
            dtype = "int8"  # as NumPy shifts bools
    _check_integer(name, dtype, x, y)
    return ember_fn(_t(x, dtype), _t(y, dtype))


@keras_op
def bitwise_left_shift(x: Any, y: Any) -> ember.Tensor:
    """Shift the bits of ``x`` left by ``y`` (``x * 2**y``).

    ``keras.ops.bitwise_left_shift([1, 3], 2)`` → ``[4, 12]``.
    """
    return _shift("bitwise_left_shift", x, y, ember.bitwise.left_shift)


@keras_op
def bitwise_right_shift(x: Any, y: Any) -> ember.Tensor:
    """Shift the bits of ``x`` right by ``y`` (``floor(x / 2**y)``).

    ``keras.ops.bitwise_right_shift([16, -16], 2)`` → ``[4, -4]``.
    """
    return _shift("bitwise_right_shift", x, y, ember.bitwise.right_shift)


@keras_op
def left_shift(x: Any, y: Any) -> ember.Tensor:
    """Alias of ``bitwise_left_shift``. ``keras.ops.left_shift([1], 3)`` → ``[8]``."""
    return _shift("left_shift", x, y, ember.bitwise.left_shift)


@keras_op
def right_shift(x: Any, y: Any) -> ember.Tensor:
    """Alias of ``bitwise_right_shift``. ``keras.ops.right_shift([8], 3)`` → ``[1]``."""
    return _shift("right_shift", x, y, ember.bitwise.right_shift)
