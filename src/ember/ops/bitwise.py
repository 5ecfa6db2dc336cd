"""Bitwise ops on integer tensors (``ember.bitwise``); they carry no gradient."""
from __future__ import annotations

from ..core.errors import InvalidArgumentError
from .primitive import primitive


def _ints(name, *arrays):
    for a in arrays:
        if a.dtype.kind not in "iub":
            raise InvalidArgumentError(f"ember.bitwise.{name} expects integer tensors; got "
                                       f"{a.dtype.name} of shape {tuple(a.shape)}")


@primitive
def bitwise_and(xp, x, y):
    _ints("bitwise_and", x, y)
    return xp.bitwise_and(x, y)


@primitive
def bitwise_or(xp, x, y):
    _ints("bitwise_or", x, y)
    return xp.bitwise_or(x, y)


@primitive
def bitwise_xor(xp, x, y):
    _ints("bitwise_xor", x, y)
    return xp.bitwise_xor(x, y)


@primitive
def invert(xp, x):
    _ints("invert", x)
    return xp.invert(x)


@primitive
def left_shift(xp, x, y):
    _ints("left_shift", x, y)
    return xp.left_shift(x, y)


@primitive
def right_shift(xp, x, y):
    _ints("right_shift", x, y)
    return xp.right_shift(x, y)
