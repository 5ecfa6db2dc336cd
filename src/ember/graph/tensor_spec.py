"""TensorSpec: the shape (``None`` for any size) and dtype a function argument must have."""
from __future__ import annotations

from typing import Any

from ..core import dtypes as _dtypes
from ..core.shape import TensorShape


class ArgumentMismatchError(TypeError, ValueError):
    """Arguments that do not fit an ``input_signature`` or a concrete function's inputs
    (a TypeError, as TensorFlow raises; also a ValueError, as Ember raised before)."""


class TensorSpec:
    """Describes a tensor argument of an ``ember.function``.

    >>> import ember
    >>> spec = ember.TensorSpec([None, 3], ember.float32, name="x")
    >>> tuple(spec.shape), spec.dtype.name, spec.is_compatible_with(ember.zeros([5, 3]))
    ((None, 3), 'float32', True)
    """

    def __init__(self, shape: Any = None, dtype: Any = "float32", name: str | None = None):
        self.shape = TensorShape(shape) if shape is not None else None
        self.dtype = _dtypes.as_dtype(dtype)
        self.name = name

    @classmethod
    def from_tensor(cls, tensor: Any, name: str | None = None) -> TensorSpec:
        """The spec of ``tensor`` (its full static shape and dtype)."""
        return cls(tuple(tensor.shape), tensor.dtype, name)

    def is_compatible_with(self, value: Any) -> bool:
        """Whether ``value`` (a tensor, array or spec) fits this spec."""
        shape = tuple(value.shape) if hasattr(value, "shape") else None
        dtype = getattr(value, "dtype", None)
        if dtype is not None and _dtypes.from_numpy(_dtypes.to_numpy(dtype)) != self.dtype:
            return False
        if self.shape is None or shape is None:
            return True
        if len(shape) != len(self.shape):
            return False
        return all(a is None or b is None or a == b for a, b in zip(self.shape, shape))

    def _key(self) -> tuple:
        return (None if self.shape is None else tuple(self.shape), self.dtype.name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TensorSpec) and self._key() == other._key() \
            and self.name == other.name

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        shape = None if self.shape is None else tuple(self.shape)
        return f"TensorSpec(shape={shape}, dtype=ember.{self.dtype.name}, name={self.name!r})"
