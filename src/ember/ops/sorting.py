"""Sorting: top_k, sort, argsort, in_top_k; checks of order (is_non_decreasing,
is_strictly_increasing) and invert_permutation.

Sorted values are gathered from the input with the sorting permutation, so gradients flow
back through that permutation (a scatter into the input's positions).
"""
from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from ..core.dtypes import to_numpy
from ..core.errors import InvalidArgumentError
from ..core.tensor import Tensor
from .creation import convert_to_tensor
from .elementwise import equal, greater, logical_or
from .primitive import primitive
from .reduction import _as_tensor, _single_axis, reduce_all
from .shape import reshape

TopKV2 = namedtuple("TopKV2", ["values", "indices"])

_DIRECTIONS = ("ASCENDING", "DESCENDING")


# -- gathering and scattering along one axis ---------------------------------------------------
def _along_key(xp, idx, axis):
    """An index tuple that picks ``idx[..., i, ...]`` along ``axis`` and keeps other axes."""
    nd = idx.ndim
    key = []
    for d in range(nd):
        if d == axis:
            key.append(idx)
        else:
            shape = [1] * nd
            shape[d] = idx.shape[d]
            key.append(xp.arange(idx.shape[d]).reshape(shape))
    return tuple(key)


@primitive(name="take_along_axis")
def _take_along_axis(xp, x, idx, axis=-1):
    return x[_along_key(xp, idx, axis)]


@_take_along_axis.vjp
def _(g, out, x, idx, axis=-1):
    return _put_along_axis(g, idx, axis=axis, size=int(x.shape[axis])), None


@primitive(name="put_along_axis")
def _put_along_axis(xp, g, idx, axis=-1, size=0):
    """Zeros of ``g``'s shape with ``size`` along ``axis``, ``g`` written at ``idx``.

    ``idx`` holds distinct positions along ``axis`` (a permutation or a top-k selection).
    """
    shape = list(g.shape)
    shape[axis] = size
    out = xp.zeros(shape, dtype=g.dtype)
    out[_along_key(xp, idx, axis)] = g
    return out


@_put_along_axis.vjp
def _(gg, out, g, idx, axis=-1, size=0):
    return _take_along_axis(gg, idx, axis=axis), None


# -- argsort ----------------------------------------------------------------------------------
def _stable_argsort(xp, x, axis):
    if xp is np:
        return xp.argsort(x, axis=axis, kind="stable")
    return xp.argsort(x, axis=axis)  # CuPy's sort is stable


def _argsort_array(xp, x, axis, descending):
    """Stable: equal elements keep their order (the lower index first) in both directions."""
    if not descending:
        return _stable_argsort(xp, x, axis)
    n = x.shape[axis]
    # sort the reversed array ascending, then read it backwards: descending order with
    # ties in increasing original index
    r = _stable_argsort(xp, xp.flip(x, axis=axis), axis)
    return (n - 1) - xp.flip(r, axis=axis)


def _index_type_for(n: int, index_type):
    if n > np.iinfo(index_type).max:
        raise ValueError(f"{n} elements along the sorted axis do not fit "
                                   f"{np.dtype(index_type).name} indices")
    return index_type


@primitive(name="argsort")
def _argsort(xp, x, axis=-1, descending=False, index_type=np.int32):
    idx = _argsort_array(xp, x, axis, descending)
    return idx.astype(_index_type_for(x.shape[axis], index_type), copy=False)


def _check_direction(direction: str, op: str) -> bool:
    if direction not in _DIRECTIONS:
        raise ValueError(f"ember.{op}: direction must be 'ASCENDING' or 'DESCENDING'; "
                         f"got {direction!r}")
    return direction == "DESCENDING"


def _sortable(values: Any, axis: Any, op: str):
    x = _as_tensor(values)
    nd = x._value.ndim
    if nd == 0:
        raise InvalidArgumentError(f"ember.{op}: expects a tensor of rank >= 1; "
                                   f"got a scalar of dtype {x.dtype.name}")
    if x._value.dtype.kind == "c":
        raise TypeError(f"ember.{op}: complex tensors cannot be sorted; got {x.dtype.name}")
    return x, _single_axis(axis, nd, op)


def argsort(values: Any, axis: int = -1, direction: str = "ASCENDING", stable: bool = False,
            name=None):
    """Indices (int32) that sort ``values`` along ``axis``.

    The sort is always stable: equal values keep their order, lower index first, also
    with ``direction='DESCENDING'``.

    >>> import ember
    >>> ember.argsort([3., 1., 2.]).numpy()
    array([1, 2, 0], dtype=int32)
    """
    descending = _check_direction(direction, "argsort")
    x, a = _sortable(values, axis, "argsort")
    return _argsort(x, axis=a, descending=descending)


# -- sort -------------------------------------------------------------------------------------
@primitive(name="sort")
def _sort(xp, x, axis=-1, descending=False):
    y = xp.sort(x, axis=axis)
    return xp.flip(y, axis=axis) if descending else y


@_sort.vjp
def _(g, out, x, axis=-1, descending=False):
    idx = _argsort(x, axis=axis, descending=descending)
    return _put_along_axis(g, idx, axis=axis, size=int(x.shape[axis]))


def sort(values: Any, axis: int = -1, direction: str = "ASCENDING", name=None):
    """``values`` sorted along ``axis``; the gradient flows back through the permutation.

    NaNs go last in ascending order and first in descending order.

    >>> import ember
    >>> ember.sort([3., 1., 2.], direction="DESCENDING").numpy()
    array([3., 2., 1.], dtype=float32)
    """
    descending = _check_direction(direction, "sort")
    x, a = _sortable(values, axis, "sort")
    return _sort(x, axis=a, descending=descending)


# -- top_k ------------------------------------------------------------------------------------
@primitive(name="top_k")
def _top_k_indices(xp, x, k=1, index_type=np.int32):
    idx = _argsort_array(xp, x, x.ndim - 1, True)[..., :k]
    return idx.astype(_index_type_for(x.shape[-1], index_type), copy=False)


def top_k(input: Any, k: Any = 1, sorted: bool = True, index_type: Any = "int32",  # noqa: A002
          name=None) -> TopKV2:
    """The ``k`` largest entries along the last axis and their indices.

    Returns ``TopKV2(values, indices)``; equal values come lower index first. The values
    are always sorted (largest first), which ``sorted=False`` allows. The gradient of the
    values flows back to the positions they came from.

    >>> import ember
    >>> r = ember.math.top_k([1., 7., 3., 7.], k=2)
    >>> r.values.numpy(), r.indices.numpy()
    (array([7., 7.], dtype=float32), array([1, 3], dtype=int32))
    """
    x = _as_tensor(input)
    shape = tuple(x._value.shape)
    if len(shape) == 0:
        raise InvalidArgumentError(
            f"ember.top_k: expects a tensor of rank >= 1; got a scalar of dtype "
            f"{x.dtype.name}")
    if x._value.dtype.kind == "c":
        raise TypeError(f"ember.top_k: complex tensors cannot be ordered; got {x.dtype.name}")
    kv = np.asarray(getattr(k, "_value", k))
    if kv.ndim != 0 or kv.dtype.kind not in "iu":
        raise TypeError(f"ember.top_k: k must be a scalar int; got {k!r}")
    kk = int(kv)
    if not 0 <= kk <= shape[-1]:
        raise InvalidArgumentError(
            f"ember.top_k: k={kk} must be in [0, {shape[-1]}] for input of shape {shape} "
            f"(the last dimension must be at least k)")
    itype = to_numpy(index_type)
    if itype.kind not in "iu":
        raise TypeError(f"ember.top_k: index_type must be an integer dtype; got {itype.name}")
    indices = _top_k_indices(x, k=kk, index_type=itype)
    values = _take_along_axis(x, indices, axis=len(shape) - 1)
    return TopKV2(values, indices)


# -- in_top_k ---------------------------------------------------------------------------------
@primitive(name="in_top_k")
def _in_top_k(xp, targets, predictions, k=1):
    b, c = predictions.shape
    valid = (targets >= 0) & (targets < c)
    t = xp.where(valid, targets, 0).astype(xp.int64)
    if c == 0:
        return xp.zeros((b,), dtype=bool)
    tp = predictions[xp.arange(b), t]
    more = xp.sum(predictions > tp[:, None], axis=1)
    return valid & xp.isfinite(tp) & (more < k)


def in_top_k(targets: Any, predictions: Any, k: Any, name=None):
    """Whether each target class is among the ``k`` highest predictions of its row.

    ``targets``: int (batch,); ``predictions``: (batch, classes). Classes tied with the
    k-th highest prediction all count as in the top k; a target whose prediction is not
    finite, or that is out of range, gives False.

    >>> import ember
    >>> ember.math.in_top_k([1, 0], [[0.1, 0.9, 0.0], [0.2, 0.5, 0.3]], k=1).numpy()
    array([ True, False])
    """
    t = _as_tensor(targets)
    p = _as_tensor(predictions)
    ts, ps = tuple(t._value.shape), tuple(p._value.shape)
    if t._value.dtype.kind not in "iu":
        raise TypeError(f"ember.in_top_k: targets must be int32 or int64; got "
                        f"{t.dtype.name} of shape {ts}")
    if len(ps) != 2 or len(ts) != 1 or ts[0] != ps[0]:
        raise InvalidArgumentError(
            f"ember.in_top_k: expects targets of shape (batch,) and predictions of shape "
            f"(batch, classes); got targets {ts} and predictions {ps}")
    if p._value.dtype.kind not in "fiu":
        raise TypeError(f"ember.in_top_k: predictions must be real numbers; got "
                        f"{p.dtype.name}")
    kv = np.asarray(getattr(k, "_value", k))
    if kv.ndim != 0 or kv.dtype.kind not in "iu":
        raise TypeError(f"ember.in_top_k: k must be a scalar int; got {k!r}")
    return _in_top_k(t, p, k=int(kv))


# -- order checks and permutations ------------------------------------------------------------
def is_non_decreasing(x: Any, name=None) -> Tensor:
    """True when every element of (flattened) ``x`` is >= the one before it."""
    x = reshape(convert_to_tensor(x), [-1])
    return reduce_all(logical_or(greater(x[1:], x[:-1]), equal(x[1:], x[:-1])))


def is_strictly_increasing(x: Any, name=None) -> Tensor:
    """True when every element of (flattened) ``x`` is > the one before it."""
    x = reshape(convert_to_tensor(x), [-1])
    return reduce_all(greater(x[1:], x[:-1]))


def invert_permutation(x: Any, name=None) -> Tensor:
    """The inverse of the permutation ``x``: ``y[x[i]] = i``."""
    x = convert_to_tensor(x)
    if x.ndim != 1 or not x.dtype.is_integer:
        raise InvalidArgumentError(f"ember.math.invert_permutation: expects a 1-D integer "
                                   f"tensor; got {x.dtype.name} of shape {tuple(x.shape)}")
    v = np.asarray(x.numpy())
    if sorted(v.tolist()) != list(range(v.size)):
        raise InvalidArgumentError(f"ember.math.invert_permutation: {v.tolist()} is not a "
                                   f"permutation of 0..{v.size - 1}")
    out = np.empty_like(v)
    out[v] = np.arange(v.size, dtype=v.dtype)
    return Tensor(out)


__all__ = ["top_k", "sort", "argsort", "in_top_k", "TopKV2", "is_non_decreasing",
           "is_strictly_increasing", "invert_permutation"]
