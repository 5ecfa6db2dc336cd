"""TensorShape: a tuple of dimensions (``None`` for unknown ones), as in TensorFlow."""
from __future__ import annotations

from typing import Iterable


class TensorShape(tuple):
    """The shape of a tensor; behaves like a tuple of ints.

    >>> s = TensorShape([2, 3])
    >>> s == (2, 3), s.rank, s.as_list(), s.num_elements()
    (True, 2, [2, 3], 6)
    """

    __slots__ = ()

    def __new__(cls, dims: Iterable | None = ()) -> "TensorShape":
        if dims is None:
            dims = ()
        return tuple.__new__(cls, (None if d is None else int(d) for d in dims))

    @property
    def rank(self) -> int:
        return len(self)

    @property
    def ndims(self) -> int:
        return len(self)

    @property
    def dims(self) -> list:
        return list(self)

    def as_list(self) -> list:
        return list(self)

    def num_elements(self) -> int | None:
        n = 1
        for d in self:
            if d is None:
                return None
            n *= d
        return n

    def is_fully_defined(self) -> bool:
        return None not in self

    def is_compatible_with(self, other: Iterable) -> bool:
        other = TensorShape(other)
        return len(self) == len(other) and all(
            a is None or b is None or a == b for a, b in zip(self, other))

    def __getitem__(self, key):
        out = tuple.__getitem__(self, key)
        return TensorShape(out) if isinstance(key, slice) else out

    def __add__(self, other: Iterable) -> "TensorShape":
        return TensorShape(tuple(self) + tuple(other))

    def concatenate(self, other: Iterable) -> "TensorShape":
        return self + other

    def __repr__(self) -> str:
        return f"TensorShape({list(self)})"

    def __str__(self) -> str:
        return "(" + ", ".join("None" if d is None else str(d) for d in self) + \
            ("," if len(self) == 1 else "") + ")"
