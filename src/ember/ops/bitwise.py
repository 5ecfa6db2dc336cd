"""Bitwise ops on integer tensors (``ember.bitwise``); they carry no gradient."""
from __future__ import annotations

from .elementwise import require_kind
from .primitive import primitive


def _ints(name, *arrays):
    require_kind(f"bitwise.{name}", "iub", "integer", *arrays)


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
