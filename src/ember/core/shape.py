"""TensorShape: a tuple of dimensions (``None`` for unknown ones), as in TensorFlow."""
from __future__ import annotations

from typing import Iterable


class TensorShape(tuple):
    """The shape of a tensor; behaves like a tuple of ints.

    >>> s = TensorShape([2, 3])
    >>> s == (2, 3), s == [2, 3], s.rank, s.as_list(), s.num_elements()
    (True, True, 2, [2, 3], 6)
    """

    __slots__ = ()

    def __new__(cls, dims: Iterable | None = ()) -> "TensorShape":
        if dims is None or isinstance(dims, _UnknownRank):
            return _UNKNOWN
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

    @classmethod
    def of_ints(cls, dims: tuple) -> "TensorShape":
        """The shape of an array (a tuple of Python ints), without checking each one:
        ``x.shape`` is read on every layer call, so this skips the general path."""
        return tuple.__new__(cls, dims)

    def __eq__(self, other):
        # as TensorFlow: a list of dimensions compares like the shape it describes
        return tuple.__eq__(self, tuple(other) if type(other) is list else other)

    def __ne__(self, other):
        return tuple.__ne__(self, tuple(other) if type(other) is list else other)

    __hash__ = tuple.__hash__

    def is_compatible_with(self, other: Iterable) -> bool:
        other = TensorShape(other)
        if isinstance(other, _UnknownRank):
            return True
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


class _UnknownRank(TensorShape):
    """``TensorShape(None)``: a shape whose rank is not known (TensorFlow's unknown shape).
    Its rank is None, it is compatible with every shape, and asking for its dimensions
    raises ``ValueError``.

    >>> TensorShape(None).rank is None, TensorShape(None).is_compatible_with([2, 3])
    (True, True)
    """

    __slots__ = ()

    def _no_rank(self, what: str):
        raise ValueError(f"TensorShape(None): cannot {what}: its rank is unknown")

    rank = ndims = property(lambda self: None)
    dims = property(lambda self: None)

    def as_list(self) -> list:
        self._no_rank("list its dimensions (as_list)")

    def __len__(self) -> int:
        self._no_rank("take its length")

    def __iter__(self):
        self._no_rank("iterate over its dimensions")

    def num_elements(self) -> None:
        return None

    def is_fully_defined(self) -> bool:
        return False

    def is_compatible_with(self, other: Iterable) -> bool:
        return True

    def __getitem__(self, key):
        return self if isinstance(key, slice) else None

    def __add__(self, other: Iterable) -> TensorShape:
        return self

    def __eq__(self, other) -> bool:
        return isinstance(other, _UnknownRank) or other is None

    def __ne__(self, other) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash("TensorShape(None)")

    def __repr__(self) -> str:
        return "TensorShape(None)"

    def __str__(self) -> str:
        return "<unknown>"


_UNKNOWN = tuple.__new__(_UnknownRank, ())
