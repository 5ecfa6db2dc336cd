"""Ember's dtypes: thin named wrappers over NumPy dtypes, in TensorFlow's shape.

>>> import ember
>>> ember.float32.name, ember.float32.is_floating
('float32', True)
"""
from __future__ import annotations

from typing import Any

import numpy as np


class DType:
    """A tensor element type (``ember.float32``, ``ember.int64`` ...).

    Compares equal to its name, to the NumPy dtype and to the NumPy scalar type:

    >>> import ember, numpy as np
    >>> ember.float32 == "float32", ember.float32 == np.float32
    (True, True)
    """

    __slots__ = ("name", "as_numpy_dtype", "_np")

    def __init__(self, np_dtype: Any, name: str | None = None) -> None:
        self._np = np.dtype(np_dtype)
        self.name = name or self._np.name
        self.as_numpy_dtype = self._np.type

    @property
    def is_floating(self) -> bool:
        return self._np.kind == "f" or self.name == "bfloat16"

    @property
    def is_integer(self) -> bool:
        return self._np.kind in "iu"

    @property
    def is_unsigned(self) -> bool:
        return self._np.kind == "u"

    @property
    def is_bool(self) -> bool:
        return self._np.kind == "b"

    @property
    def is_complex(self) -> bool:
        return self._np.kind == "c"

    @property
    def is_inexact(self) -> bool:
        """True for floating and complex types: those that carry gradients."""
        return self._np.kind in "fcV" or self.name == "bfloat16"

    @property
    def size(self) -> int:
        return self._np.itemsize

    @property
    def min(self):
        return np.finfo(self._np).min if self.is_floating else np.iinfo(self._np).min

    @property
    def max(self):
        return np.finfo(self._np).max if self.is_floating else np.iinfo(self._np).max

    @property
    def base_dtype(self) -> "DType":
        return self

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DType):
            return self._np == other._np
        try:
            return self._np == np.dtype(other)
        except TypeError:
            return False

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(self.name)

    def __repr__(self) -> str:
        return f"ember.{self.name}"

    def __reduce__(self):
        return as_dtype, (self.name,)


bool_ = DType(np.bool_, "bool")
int8 = DType(np.int8)
int16 = DType(np.int16)
int32 = DType(np.int32)
int64 = DType(np.int64)
uint8 = DType(np.uint8)
uint16 = DType(np.uint16)
uint32 = DType(np.uint32)
uint64 = DType(np.uint64)
float16 = DType(np.float16)
float32 = DType(np.float32)
float64 = DType(np.float64)
complex64 = DType(np.complex64)
complex128 = DType(np.complex128)

_BY_NP: dict[np.dtype, DType] = {
    d._np: d
    for d in (bool_, int8, int16, int32, int64, uint8, uint16, uint32, uint64,
              float16, float32, float64, complex64, complex128)
}
_BY_NAME: dict[str, DType] = {d.name: d for d in _BY_NP.values()}
_BY_NAME.update({"half": float16, "float": float32, "double": float64, "bool_": bool_})

_bfloat16: DType | None = None
_bfloat16_checked = False


def bfloat16_dtype() -> DType:
    """The bfloat16 DType, available when ``ml_dtypes`` is installed.

    >>> bf16 = bfloat16_dtype()  # doctest: +SKIP
    """
    global _bfloat16, _bfloat16_checked
    if not _bfloat16_checked:
        _bfloat16_checked = True
        try:
            import ml_dtypes
        except ImportError:
            _bfloat16 = None
        else:
            _bfloat16 = DType(ml_dtypes.bfloat16, "bfloat16")
            _BY_NP[_bfloat16._np] = _bfloat16
            _BY_NAME["bfloat16"] = _bfloat16
    if _bfloat16 is None:
        raise ImportError('bfloat16 needs the ml_dtypes package: pip install "ember[bfloat16]"')
    return _bfloat16


def as_dtype(value: Any) -> DType:
    """Turn a name, NumPy dtype/type or DType into an Ember DType.

    >>> as_dtype("float32")
    ember.float32
    """
    if isinstance(value, DType):
        return value
    if isinstance(value, str):
        d = _BY_NAME.get(value)
        if d is None and value == "bfloat16":
            return bfloat16_dtype()
        if d is not None:
            return d
    try:
        npd = np.dtype(value)
    except TypeError:
        npd = None
    if npd is not None:
        d = _BY_NP.get(npd)
        if d is not None:
            return d
        if npd.name == "bfloat16":
            return bfloat16_dtype()
    raise TypeError(f"Cannot interpret {value!r} as an ember dtype; expected one of "
                    f"{sorted(set(_BY_NAME) | {'bfloat16'})}")


def from_numpy(np_dtype: np.dtype) -> DType:
    """The DType of a NumPy dtype (fast path used by ``Tensor.dtype``)."""
    d = _BY_NP.get(np_dtype)
    return d if d is not None else as_dtype(np_dtype)


def to_numpy(dtype: Any) -> np.dtype:
    """The NumPy dtype for anything :func:`as_dtype` accepts."""
    if isinstance(dtype, DType):
        return dtype._np
    return as_dtype(dtype)._np


def is_inexact_np(np_dtype: np.dtype) -> bool:
    """Whether arrays of this NumPy dtype carry gradients (float, complex, bfloat16)."""
    return np_dtype.kind in "fc" or np_dtype.name == "bfloat16"
