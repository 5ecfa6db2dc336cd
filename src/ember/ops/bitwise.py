"""Bitwise ops on integer tensors (``ember.bitwise``); they carry no gradient."""
from __future__ import annotations

from ..core.errors import InvalidArgumentError
from .primitive import primitive


def _ints(name, *arrays):
    for a in arrays:
        if a.dtype.kind not in "iub":
            raise InvalidArgumentError(f"ember.bitwise.{name} expects integer tensors; got "
                                       f"{a.dtype.name} of shape {tuple(a.shape)}")


def _binary(name: str):
    """The primitive ``name(x, y)``: the array module's function of that name, on integer
    (or bool) tensors only."""
    def forward(xp, x, y):
        _ints(name, x, y)
        return getattr(xp, name)(x, y)
    return primitive(forward, name=name)


bitwise_and = _binary("bitwise_and")
bitwise_or = _binary("bitwise_or")
bitwise_xor = _binary("bitwise_xor")
left_shift = _binary("left_shift")
right_shift = _binary("right_shift")


@primitive
def invert(xp, x):
    _ints("invert", x)
    return xp.invert(x)
