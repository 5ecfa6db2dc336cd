"""The eager Tensor: an immutable array with a dtype, a shape and a device.

Arithmetic operators, indexing and comparisons are installed onto ``Tensor`` by
``ember.ops`` (a floor above this one), so this file holds only what needs no op.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import dtypes as _dtypes
from .backend import device_of, to_host, xp_of
from .shape import TensorShape


class Tensor:
    """An immutable multi-dimensional array.

    >>> import ember
    >>> t = ember.constant([1.0, 2.0])
    >>> t
    <ember.Tensor: shape=(2,), dtype=float32, numpy=array([1., 2.], dtype=float32)>
    >>> (t * 2).numpy()
    array([2., 4.], dtype=float32)
    """

    # _keras_mask: the mask a Keras layer attached to its output (as TF's tensors carry it);
    # __dict__ (made only when used): the ``assign`` of a variable's slice, as in TF
    __slots__ = ("__dict__", "__weakref__", "_keras_mask", "_value")
    __array_priority__ = 100  # NumPy arrays defer binary operators to us
    __hash__ = None  # elementwise ``==`` makes tensors unhashable; use ``ref()``

    def __init__(self, value: Any) -> None:
        self._value = value

    # -- what it is -------------------------------------------------------------------
    @property
    def shape(self) -> TensorShape:
        return TensorShape.of_ints(self._value.shape)

    def get_shape(self) -> TensorShape:
        return TensorShape.of_ints(self._value.shape)

    @property
    def dtype(self) -> _dtypes.DType:
        return _dtypes.from_numpy(self._value.dtype)

    @property
    def ndim(self) -> int:
        return self._value.ndim

    @property
    def device(self) -> str:
        return device_of(self._value)

    @property
    def backing_device(self) -> str:
        return device_of(self._value)

    @property
    def xp(self):
        """The array module (numpy or cupy) holding this tensor's data."""
        return xp_of(self._value)

    def numpy(self) -> Any:
        """The value as a NumPy array (a copy for GPU tensors, read-only view on CPU); a
        scalar tensor gives a NumPy scalar (``np.float32(1.0)``), as in TensorFlow."""
        v = self._value
        if type(v) is np.ndarray:
            return v if v.ndim else v[()]
        if isinstance(v, np.generic):
            return v
        v = to_host(v)
        return v if v.ndim else v[()]

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        a = to_host(self._value)
        if dtype is not None and a.dtype != dtype:
            return a.astype(dtype)
        if copy:
            return a.copy()
        return a

    def ref(self) -> "_Ref":
        """A hashable reference to this tensor, for use as a dict key or in sets."""
        return _Ref(self)

    experimental_ref = ref

    # -- Python protocol ----------------------------------------------------------------
    def __len__(self) -> int:
        if self._value.ndim == 0:
            raise TypeError("len() of a scalar (rank-0) ember.Tensor")
        return self._value.shape[0]

    def __iter__(self):
        if self._value.ndim == 0:
            raise TypeError("iteration over a scalar (rank-0) ember.Tensor")
        for i in range(self._value.shape[0]):
            yield self[i]

    def _scalar(self, what: str):
        v = self._value
        if v.size != 1:
            raise ValueError(f"{what}() of an ember.Tensor needs exactly one element; "
                             f"got shape {tuple(v.shape)}")
        return to_host(v).reshape(()).item() if type(v) is not np.ndarray else v.item()

    def __bool__(self) -> bool:
        if self._value.ndim != 0 and self._value.size != 1:
            raise ValueError(
                f"The truth value of an ember.Tensor with shape {tuple(self._value.shape)} is "
                "ambiguous: use ember.reduce_any or ember.reduce_all")
        return bool(self._scalar("bool"))

    def __float__(self) -> float:
        return float(self._scalar("float"))

    def __int__(self) -> int:
        return int(self._scalar("int"))

    def __index__(self) -> int:
        if not _dtypes.from_numpy(self._value.dtype).is_integer:
            raise TypeError(f"only integer tensors can be used as an index; got {self.dtype.name}")
        return int(self._scalar("index"))

    def __complex__(self) -> complex:
        return complex(self._scalar("complex"))

    def __format__(self, spec: str) -> str:
        if spec and self._value.ndim == 0:
            return format(self._scalar("format"), spec)
        return format(str(self), spec)

    def __repr__(self) -> str:
        arr = np.asarray(to_host(self._value))
        body = repr(arr) if arr.ndim else str(arr)
        return (f"<ember.Tensor: shape={str(self.shape)}, dtype={self.dtype.name}, "
                f"numpy={body}>")

    def __str__(self) -> str:
        return f"ember.Tensor({str(np.asarray(to_host(self._value)))}, shape={self.shape}, " \
               f"dtype={self.dtype.name})"

    def __reduce__(self):
        return Tensor, (to_host(self._value),)

    def __copy__(self) -> "Tensor":
        return self

    def __deepcopy__(self, memo) -> "Tensor":
        return self


class _Ref:
    """Hashable wrapper around a tensor or variable, compared by identity."""

    __slots__ = ("_obj",)

    def __init__(self, obj: Any) -> None:
        self._obj = obj

    def deref(self) -> Any:
        return self._obj

    def __hash__(self) -> int:
        return id(self._obj)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Ref) and other._obj is self._obj

    def __repr__(self) -> str:
        return f"<Reference wrapping {self._obj!r}>"
