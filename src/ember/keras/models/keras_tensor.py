"""Symbolic tensors (``keras.KerasTensor``): a shape and dtype, no values.

Calling a layer on them records a node of the functional graph instead of computing.
"""
from __future__ import annotations

from typing import Any

import ember


class KerasTensor:
    """A placeholder with a shape (``None`` for unknown dimensions) and a dtype.

    >>> from ember import keras
    >>> x = keras.Input(shape=(3,))
    >>> x.shape, x.dtype
    ((None, 3), 'float32')
    """

    __array_priority__ = 200

    def __init__(self, shape: Any, dtype: Any = "float32", sparse: bool = False,
                 name: str | None = None, record_history: bool = True):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = ember.as_dtype(dtype).name
        self.sparse = sparse
        self.name = name
        self._keras_history = None  # (operation, node_index, tensor_index)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        return (f"<KerasTensor shape={self.shape}, dtype={self.dtype}, "
                f"sparse={self.sparse}, ragged=False, name={self.name}>")

    def __bool__(self):
        raise TypeError("A symbolic KerasTensor cannot be used as a Python bool: it has no "
                        "value yet. Use keras.ops.cond / keras.ops.where inside a layer.")

    def __iter__(self):
        raise TypeError("A symbolic KerasTensor cannot be iterated over.")

    def __array__(self, *args, **kwargs):
        raise TypeError("A symbolic KerasTensor has no values and cannot be converted to a "
                        "NumPy array. It is a placeholder for inputs of a functional Model: "
                        "build the Model, then call it on real data.")

    # Python operators record symbolic operations, as in Keras 3.
    def _op(self, fn, *args):
        from .symbolic_op import symbolic_call
        return symbolic_call(fn, *args)

    def __add__(self, o): return self._op(ember.add, self, o)
    def __radd__(self, o): return self._op(ember.add, o, self)
    def __sub__(self, o): return self._op(ember.subtract, self, o)
    def __rsub__(self, o): return self._op(ember.subtract, o, self)
    def __mul__(self, o): return self._op(ember.multiply, self, o)
    def __rmul__(self, o): return self._op(ember.multiply, o, self)
    def __truediv__(self, o): return self._op(ember.divide, self, o)
    def __rtruediv__(self, o): return self._op(ember.divide, o, self)
    def __pow__(self, o): return self._op(ember.pow, self, o)
    def __rpow__(self, o): return self._op(ember.pow, o, self)
    def __matmul__(self, o): return self._op(ember.matmul, self, o)
    def __rmatmul__(self, o): return self._op(ember.matmul, o, self)
    def __floordiv__(self, o): return self._op(ember.floordiv, self, o)
    def __rfloordiv__(self, o): return self._op(ember.floordiv, o, self)
    def __mod__(self, o): return self._op(ember.floormod, self, o)
    def __rmod__(self, o): return self._op(ember.floormod, o, self)
    def __and__(self, o): return self._op(ember.logical_and, self, o)
    def __rand__(self, o): return self._op(ember.logical_and, o, self)
    def __or__(self, o): return self._op(ember.logical_or, self, o)
    def __ror__(self, o): return self._op(ember.logical_or, o, self)
    def __xor__(self, o): return self._op(ember.logical_xor, self, o)
    def __rxor__(self, o): return self._op(ember.logical_xor, o, self)
    def __invert__(self): return self._op(ember.logical_not, self)
    def __neg__(self): return self._op(ember.negative, self)
    def __abs__(self): return self._op(ember.abs, self)
    def __lt__(self, o): return self._op(ember.less, self, o)
    def __le__(self, o): return self._op(ember.less_equal, self, o)
    def __gt__(self, o): return self._op(ember.greater, self, o)
    def __ge__(self, o): return self._op(ember.greater_equal, self, o)
    def __getitem__(self, key): return self._op(_getitem, self, key)

    __hash__ = object.__hash__


def _getitem(x, key):
    return x[key]


def is_keras_tensor(x: Any) -> bool:
    """Whether ``x`` is a symbolic KerasTensor."""
    return isinstance(x, KerasTensor)


def any_symbolic(*values: Any) -> bool:
    """Whether a KerasTensor appears anywhere in ``values`` (lists, tuples, dicts)."""
    for v in values:
        if isinstance(v, KerasTensor):
            return True
        if isinstance(v, (list, tuple)):
            if any_symbolic(*v):
                return True
        elif isinstance(v, dict):
            if any_symbolic(*v.values()):
                return True
    return False
