"""Segment reductions: rows of ``data`` combined by the segment id of each row.

``segment_sum(data, ids, num_segments)[s]`` is the sum of the rows ``data[i]`` with
``ids[i] == s`` (likewise max, min and prod). ``ids`` is 1-D with one id per row of
``data``; rows with a negative id are dropped; an id ``>= num_segments`` is an error.
Empty segments hold the reduction's identity: 0 (sum), 1 (prod), -inf / +inf (max / min
of floats) and the dtype's lowest / highest value (max / min of integers). The result
keeps ``data``'s dtype.

Gradients (each written with Ember ops, so they differentiate again):

* sum: the output gradient gathered back to each row (``segment_gather``), whose own
  gradient is again a segment sum;
* max / min: the gradient goes to the rows equal to their segment's extreme, shared
  equally among ties;
* prod: ``g * prod / x`` for nonzero rows and ``g * (product of the other rows)`` for
  zeros, written so that second derivatives are right also with two zeros in a segment.

>>> import numpy as np
>>> from ember.core.tensor import Tensor
>>> data = Tensor(np.array([1., 2., 10., 20.], np.float32))
>>> segment_sum(data, Tensor(np.array([0, 0, 1, 1])), num_segments=3).numpy().tolist()
[3.0, 30.0, 0.0]
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core.errors import InvalidArgumentError
from ..core.tensor import Tensor
from .creation import ones_like, zeros_like
from .elementwise import cast, divide, equal, maximum, multiply, subtract, where
from .indexing import _host, _ufunc_at
from .primitive import is_traced, primitive

__all__ = ["segment_gather", "segment_max", "segment_min", "segment_prod", "segment_sum"]

_UFUNCS = {"sum": "add", "max": "maximum", "min": "minimum", "prod": "multiply"}


def _identity(kind: str, dtype: np.dtype):
    if kind == "sum":
        return 0
    if kind == "prod":
        return 1
    if dtype.kind == "b":
        return kind == "min"
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return info.min if kind == "max" else info.max
    # TF fills with the lowest / highest finite value; Ember (and keras.ops on the NumPy
    # and JAX backends) with -inf / +inf
    return -np.inf if kind == "max" else np.inf


def _check_ids(xp, data, ids, num_segments):
    if ids.ndim != 1:
        raise ValueError(f"segment_ids must be 1-D; got shape {tuple(ids.shape)}")
    if data.ndim == 0 or data.shape[0] != ids.shape[0]:
        raise ValueError(f"segment_ids of shape {tuple(ids.shape)} need data with the same "
                         f"leading dimension; got data of shape {tuple(data.shape)}")
    if ids.dtype.kind not in "iu":
        raise TypeError(f"segment_ids must be integers; got {ids.dtype.name}")
    if ids.size and int(ids.max()) >= num_segments:
        raise ValueError(f"segment id {int(ids.max())} is out of range for "
                         f"num_segments={num_segments}")


def _scatter_reduce(xp, kind, data, ids, num_segments, empty_zero=False):
    if num_segments < 0:        # max(id) + 1, read now (traced ids: see _num_segments)
        num_segments = int(ids.max()) + 1 if ids.size else 0
    _check_ids(xp, data, ids, num_segments)
    out = xp.full((num_segments,) + tuple(data.shape[1:]), _identity(kind, data.dtype),
                  dtype=data.dtype)
    keep = ids >= 0
    rows, vals = ids[keep].astype(xp.int64), data[keep]
    out = _ufunc_at(xp, _UFUNCS[kind], out, rows, vals)
    if empty_zero:  # the sorted segment_max/min give 0 for an empty segment, as TF
        empty = xp.bincount(rows, minlength=num_segments)[:num_segments] == 0
        out[empty] = 0
    return out


@primitive(name="segment_sum")
def _segment_sum(xp, data, ids, num_segments=0):
    return _scatter_reduce(xp, "sum", data, ids, num_segments)


@_segment_sum.vjp
def _(g, y, data, ids, num_segments=0):
    return segment_gather(g, ids), None


@primitive(name="segment_gather")
def _segment_gather(xp, values, ids):
    keep = ids >= 0
    rows = values[xp.where(keep, ids, 0).astype(xp.int64)]
    mask = keep.reshape(keep.shape + (1,) * (values.ndim - 1))
    return xp.where(mask, rows, xp.zeros((), dtype=values.dtype))


@_segment_gather.vjp
def _(g, y, values, ids):
    return _segment_sum(g, ids, num_segments=int(values.shape[0])), None


def segment_gather(values: Any, ids: Any) -> Tensor:
    """``values[ids]`` row by row, with zero rows where an id is negative (the adjoint of
    ``segment_sum``)."""
    return _segment_gather(values, ids)


@primitive(name="segment_max")
def _segment_max(xp, data, ids, num_segments=0, empty_zero=False):
    return _scatter_reduce(xp, "max", data, ids, num_segments, empty_zero)


@primitive(name="segment_min")
def _segment_min(xp, data, ids, num_segments=0, empty_zero=False):
    return _scatter_reduce(xp, "min", data, ids, num_segments, empty_zero)


def _extreme_grad(g, y, data, ids, num_segments):
    """Route ``g`` to the rows equal to their segment's extreme ``y``, split among ties."""
    hit = equal(data, _segment_gather(y, ids))
    hit_f = cast(hit, g.dtype)  # rows with a negative id gather 0 below anyway
    count = _segment_sum(hit_f, ids, num_segments=num_segments)
    share = g / maximum(count, ones_like(count))
    return multiply(_segment_gather(share, ids), hit_f)


@_segment_max.vjp
def _(g, y, data, ids, num_segments=0, empty_zero=False):
    return _extreme_grad(g, y, data, ids, num_segments), None


@_segment_min.vjp
def _(g, y, data, ids, num_segments=0, empty_zero=False):
    return _extreme_grad(g, y, data, ids, num_segments), None


@primitive(name="segment_prod")
def _segment_prod(xp, data, ids, num_segments=0):
    return _scatter_reduce(xp, "prod", data, ids, num_segments)


@_segment_prod.vjp
def _(g, y, data, ids, num_segments=0):
    zero = equal(data, zeros_like(data))
    zeros_in_segment = _segment_sum(cast(zero, g.dtype), ids, num_segments=num_segments)
    safe = where(zero, ones_like(data), data)
    nonzero_prod = _segment_gather(_segment_prod(safe, ids, num_segments=num_segments), ids)
    # for a zero row, the product of the other rows is nonzero_prod times the product of
    # the segment's other zeros: 1 when it is the only zero; with two zeros, the other
    # one, written as (sum of the segment's zeros) - this row so that it is 0 in value
    # but carries the right second derivative; with more zeros, 0.
    n_zeros = _segment_gather(zeros_in_segment, ids)
    other_zero = subtract(_segment_gather(
        _segment_sum(where(zero, data, zeros_like(data)), ids, num_segments=num_segments),
        ids), data)
    zero_factor = where(equal(n_zeros, ones_like(n_zeros)), ones_like(data),
                        where(equal(n_zeros, 2 * ones_like(n_zeros)), other_zero,
                              zeros_like(data)))
    others = where(zero, multiply(nonzero_prod, zero_factor),
                   divide(_segment_gather(y, ids), safe))
    return multiply(_segment_gather(g, ids), others), None


def _count_from_ids(params: dict, arrays) -> bool:
    return params.get("num_segments", 0) < 0


for _op in (_segment_sum, _segment_max, _segment_min, _segment_prod):
    _op.primitive.shape_from_values = _count_from_ids


def _num_segments(ids: Any, num_segments: Any, op: str) -> int:
    """The count of segments; -1 (the op reads ``max(id) + 1`` as it runs) for ids that
    are traced, whose values differ from call to call."""
    if num_segments is None:
        if is_traced(ids):
            return -1
        v = _host(getattr(ids, "_value", ids))
        return int(v.max()) + 1 if v.size else 0
    n = int(getattr(num_segments, "_value", num_segments))
    if n < 0:
        raise InvalidArgumentError(f"ember.{op}: num_segments must be >= 0; got {n}")
    return n


def _reducer(prim, op, **params):
    def reduce(data: Any, segment_ids: Any, num_segments: Any = None, name=None) -> Tensor:
        return prim(data, segment_ids,
                    num_segments=_num_segments(segment_ids, num_segments, op), **params)
    reduce.__name__ = reduce.__qualname__ = op
    reduce.__doc__ = (f"``{op}`` of the rows of ``data`` grouped by the 1-D "
                      f"``segment_ids`` (``num_segments`` defaults to ``max(id) + 1``).")
    return reduce


def _unsorted(prim, op):
    def reduce(data: Any, segment_ids: Any, num_segments: Any, name=None) -> Tensor:
        from .creation import convert_to_tensor
        from .shape import reshape
        data, ids = convert_to_tensor(data), convert_to_tensor(segment_ids)
        if ids.ndim > 1:  # ids cover data's leading dimensions: flatten both
            if tuple(data.shape[:ids.ndim]) != tuple(ids.shape):
                raise InvalidArgumentError(
                    f"ember.{op}: segment_ids' shape {tuple(ids.shape)} must be a prefix of "
                    f"data's shape {tuple(data.shape)}")
            data = reshape(data, [-1] + list(data.shape[ids.ndim:]))
            ids = reshape(ids, [-1])
        return prim(data, ids, num_segments=_num_segments(ids, num_segments, op))
    reduce.__name__ = reduce.__qualname__ = op
    reduce.__doc__ = (f"``{op}`` of the slices of ``data`` grouped by ``segment_ids`` (which "
                      f"cover data's leading dimensions; negative ids are dropped). An empty "
                      f"segment holds the reduction's identity (-inf / +inf for the max / min "
                      f"of floats).")
    return reduce


segment_sum = _reducer(_segment_sum, "segment_sum")
segment_max = _reducer(_segment_max, "segment_max", empty_zero=True)
segment_min = _reducer(_segment_min, "segment_min", empty_zero=True)
segment_prod = _reducer(_segment_prod, "segment_prod")
unsorted_segment_sum = _unsorted(_segment_sum, "unsorted_segment_sum")
unsorted_segment_max = _unsorted(_segment_max, "unsorted_segment_max")
unsorted_segment_min = _unsorted(_segment_min, "unsorted_segment_min")
unsorted_segment_prod = _unsorted(_segment_prod, "unsorted_segment_prod")


def _mean_like(data: Any, segment_ids: Any, num_segments: Any, op: str, sqrt_n: bool):
    from .creation import convert_to_tensor
    from .elementwise import maximum, sqrt
    from .shape import reshape
    data = convert_to_tensor(data)
    if data.dtype.is_integer and sqrt_n:
        raise TypeError(f"ember.{op}: data must be floating point; got {data.dtype.name} "
                        f"of shape {tuple(data.shape)}")
    n = _num_segments(segment_ids, num_segments, op)
    summed = _sum_by_ids(data, segment_ids, n)
    ones = ones_like(convert_to_tensor(segment_ids), dtype=summed.dtype)
    counts = maximum(_sum_by_ids(ones, segment_ids, n), 1)
    if sqrt_n:
        counts = sqrt(counts)
    counts = reshape(counts, [n] + [1] * (len(summed.shape) - 1))
    return summed / counts


def _sum_by_ids(data: Any, segment_ids: Any, n: int) -> Tensor:
    """``unsorted_segment_sum`` over ``n`` segments; ``n`` -1 (traced ids) counts them as
    the op runs."""
    if n < 0:
        from .creation import convert_to_tensor
        return _segment_sum(data, convert_to_tensor(segment_ids), num_segments=-1)
    return unsorted_segment_sum(data, segment_ids, n)


def segment_mean(data: Any, segment_ids: Any, name=None) -> Tensor:
    """The mean of the rows of ``data`` in each segment (0 for an empty segment)."""
    return _mean_like(data, segment_ids, None, "segment_mean", False)


def unsorted_segment_mean(data: Any, segment_ids: Any, num_segments: Any,
                          name=None) -> Tensor:
    """The mean of the rows of ``data`` with each id in ``[0, num_segments)`` (0 for an
    empty segment)."""
    return _mean_like(data, segment_ids, num_segments, "unsorted_segment_mean", False)


def unsorted_segment_sqrt_n(data: Any, segment_ids: Any, num_segments: Any,
                            name=None) -> Tensor:
    """The sum of each segment's rows divided by the square root of their count."""
    return _mean_like(data, segment_ids, num_segments, "unsorted_segment_sqrt_n", True)


__all__ += ["segment_mean", "unsorted_segment_mean", "unsorted_segment_sqrt_n",
            "unsorted_segment_sum", "unsorted_segment_max", "unsorted_segment_min",
            "unsorted_segment_prod"]
