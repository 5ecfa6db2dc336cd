"""``unique`` and ``unique_with_counts``: the distinct values of a 1-D tensor, in order of
first occurrence (as TensorFlow), with each element's index among them.

One primitive (the output size depends on the values, so it also runs inside traced
functions); it has no gradient rule, so no gradient flows back through it.

>>> import ember
>>> ember.unique_with_counts([7, 7, 3]).count.numpy().tolist()
[2, 1]
"""
from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from ..core.dtypes import to_numpy
from ..core.errors import InvalidArgumentError
from .arg_checks import describe as _desc
from .creation import convert_to_tensor
from .primitive import primitive

__all__ = ["unique", "unique_with_counts", "Unique", "UniqueWithCounts"]

Unique = namedtuple("Unique", ["y", "idx"])
UniqueWithCounts = namedtuple("UniqueWithCounts", ["y", "idx", "count"])


@primitive(name="unique", multiple_results=True)
def _unique(xp, x, out_idx=np.int32):
    values, first, inverse, counts = np.unique(np.asarray(x.get() if hasattr(x, "get") else x),
                                               return_index=True, return_inverse=True,
                                               return_counts=True)
    order = np.argsort(first, kind="stable")            # order of first occurrence, as TF
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    y = values[order]
    idx = rank[inverse.reshape(-1)].astype(out_idx)
    return (xp.asarray(y), xp.asarray(idx), xp.asarray(counts[order].astype(out_idx)))


_unique.primitive.shape_from_values = True


def _unique_parts(x: Any, out_idx: Any, op: str):
    x = convert_to_tensor(x)
    if x.ndim != 1:
        raise InvalidArgumentError(f"ember.{op}: x must be 1-D; got {_desc(x)}")
    itype = to_numpy(out_idx)
    if itype not in (np.dtype(np.int32), np.dtype(np.int64)):
        raise TypeError(f"ember.{op}: out_idx must be int32 or int64; got {itype.name}")
    return _unique(x, out_idx=itype)


def unique(x: Any, out_idx: Any = "int32", name=None) -> Unique:
    """The distinct values of the 1-D ``x`` in order of first occurrence, and for each
    element of ``x`` the index of its value among them: ``Unique(y, idx)``.

    >>> import ember
    >>> y, idx = ember.unique([4, 1, 4, 2])
    >>> y.numpy().tolist(), idx.numpy().tolist()
    ([4, 1, 2], [0, 1, 0, 2])
    """
    y, idx, _ = _unique_parts(x, out_idx, "unique")
    return Unique(y, idx)


def unique_with_counts(x: Any, out_idx: Any = "int32", name=None) -> UniqueWithCounts:
    """``unique`` plus how often each distinct value occurs: ``(y, idx, count)``."""
    return UniqueWithCounts(*_unique_parts(x, out_idx, "unique_with_counts"))
