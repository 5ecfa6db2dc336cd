"""Python operators on Tensor and Variable (``+``, ``@``, ``[]``, ``<`` ...), as ops."""
from __future__ import annotations

from typing import Any

from ..core.tensor import Tensor
from ..core.variable import Variable
from . import elementwise as E
from .indexing import getitem, slice_update
from .linalg import matmul


def _swap(op):
    def reflected(self, other):
        return op(other, self)
    return reflected


def _logical_or_bitwise(logical, bitwise_name):
    def method(self, other):
        if self.dtype.is_bool:
            return logical(self, other)
        from . import bitwise
        return getattr(bitwise, bitwise_name)(self, other)
    return method


def _eq(self, other):
    if other is None:
        return False
    try:
        return E.equal(self, other)
    except (TypeError, ValueError):
        return NotImplemented


def _ne(self, other):
    if other is None:
        return True
    try:
        return E.not_equal(self, other)
    except (TypeError, ValueError):
        return NotImplemented


def _invert(self):
    if self.dtype.is_bool:
        return E.logical_not(self)
    from . import bitwise
    return bitwise.invert(self)


OPERATORS = {
    "__add__": E.add, "__radd__": _swap(E.add),
    "__sub__": E.subtract, "__rsub__": _swap(E.subtract),
    "__mul__": E.multiply, "__rmul__": _swap(E.multiply),
    "__truediv__": E.divide, "__rtruediv__": _swap(E.divide),
    "__floordiv__": E.floordiv, "__rfloordiv__": _swap(E.floordiv),
    "__mod__": E.floormod, "__rmod__": _swap(E.floormod),
    "__pow__": E.pow, "__rpow__": _swap(E.pow),
    "__matmul__": matmul, "__rmatmul__": _swap(matmul),
    "__neg__": E.negative, "__abs__": E.abs, "__pos__": lambda self: self,
    "__invert__": _invert,
    "__and__": _logical_or_bitwise(E.logical_and, "bitwise_and"),
    "__rand__": _swap(_logical_or_bitwise(E.logical_and, "bitwise_and")),
    "__or__": _logical_or_bitwise(E.logical_or, "bitwise_or"),
    "__ror__": _swap(_logical_or_bitwise(E.logical_or, "bitwise_or")),
    "__xor__": _logical_or_bitwise(E.logical_xor, "bitwise_xor"),
    "__rxor__": _swap(_logical_or_bitwise(E.logical_xor, "bitwise_xor")),
    "__lt__": E.less, "__le__": E.less_equal, "__gt__": E.greater, "__ge__": E.greater_equal,
    "__eq__": _eq, "__ne__": _ne,
    "__getitem__": getitem,
}


def _variable_getitem(variable: Variable, key: Any) -> Tensor:
    """``variable[key]``: the slice's value, with an ``assign(value)`` method that writes
    ``value`` into that slice of the variable (TensorFlow's ``v[1:3].assign(x)``) and
    returns the variable.

    >>> import ember
    >>> v = ember.Variable([1.0, 2.0, 3.0])
    >>> _ = v[1:].assign([20.0, 30.0])
    >>> v.numpy().tolist()
    [1.0, 20.0, 30.0]
    """
    part = getitem(variable, key)
    part.assign = lambda value, use_locking=None, name=None, read_value=True: \
        variable.assign(slice_update(variable, key, value, "Variable.assign (a slice)"))
    return part


def install() -> None:
    """Put the operators onto Tensor and Variable (done once, when ember.ops loads)."""
    for cls in (Tensor, Variable):
        for name, fn in OPERATORS.items():
            setattr(cls, name, fn)
        cls.__hash__ = None
    Variable.__getitem__ = _variable_getitem
