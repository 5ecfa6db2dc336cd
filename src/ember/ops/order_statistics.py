"""Order statistics and counting: ``searchsorted`` (binary search in a sorted sequence),
``bincount`` (counts or weighted sums per integer value) and ``histogram_fixed_width``
(counts in equal-width bins over a value range).

Each is written once against the array module ``xp``. ``searchsorted`` gives integer
positions and carries no gradient, nor do the histogram's counts; ``bincount``'s weighted
form passes the gradient of each bin back to the weights that fell into it.

>>> import ember
>>> from ember.ops import order_statistics as os_
>>> os_.searchsorted([1.0, 2.0, 3.0], [2.0, 0.5], side="right").numpy().tolist()
[2, 0]
>>> os_.bincount([1, 1, 3], minlength=5).numpy().tolist()
[0, 2, 0, 1, 0]
"""
from __future__ import annotations

from typing import Any

import numpy as np

import ember

from ..core.dtypes import to_numpy
from ..core.errors import InvalidArgumentError
from .creation import convert_to_tensor
from .elementwise import cast
from .primitive import primitive
from .reduction import _as_tensor
from .shape import _as_int

__all__ = ["bincount", "bincount_static", "searchsorted", "histogram_fixed_width"]


# -- searchsorted -----------------------------------------------------------------------------
@primitive(name="searchsorted")
def _searchsorted(xp, sorted_sequence, values, side="left", index_type=np.int32):
    out = xp.searchsorted(sorted_sequence, values, side=side)
    return xp.asarray(out).astype(index_type, copy=False)


def searchsorted(sorted_sequence: Any, values: Any, side: str = "left",
                 out_type: Any = "int32", name=None) -> ember.Tensor:
    """Where each of ``values`` would be inserted into the 1-D ``sorted_sequence``.

    ``side="left"`` gives the first such position, ``"right"`` the last. ``values`` may
    have any shape (the result has the same); both are compared in their common dtype.
    NaNs count as larger than every number, as NumPy sorts them.

    >>> import ember
    >>> from ember.ops.order_statistics import searchsorted
    >>> searchsorted([1, 2, 2, 3], [[2, 5]]).numpy().tolist()
    [[1, 4]]
    """
    if side not in ("left", "right"):
        raise ValueError(f"ember.searchsorted: side must be 'left' or 'right'; got {side!r}")
    seq, vals = _as_tensor(sorted_sequence), _as_tensor(values)
    sshape, vshape = tuple(seq._value.shape), tuple(vals._value.shape)
    if len(sshape) == 0:
        raise InvalidArgumentError("ember.searchsorted: sorted_sequence must have rank >= 1; "
                                   "got a scalar")
    batched = len(sshape) > 1
    if batched and (len(vshape) != len(sshape) or vshape[:-1] != sshape[:-1]):
        raise InvalidArgumentError(
            f"ember.searchsorted: an N-D sorted_sequence (shape {sshape}) needs values with "
            f"the same leading dimensions (one row of values per sorted row); got values of "
            f"shape {vshape}")
    itype = to_numpy(out_type)
    if itype.kind not in "iu":
        raise TypeError(f"ember.searchsorted: out_type must be an integer dtype; got "
                        f"{itype.name}")
    if seq.dtype != vals.dtype:
        common = np.promote_types(to_numpy(seq.dtype), to_numpy(vals.dtype)).name
        seq, vals = ember.cast(seq, common), ember.cast(vals, common)
    if batched:
        return _searchsorted_rows(seq, vals, side=side, index_type=itype)
    return _searchsorted(seq, vals, side=side, index_type=itype)


@primitive(name="searchsorted_rows")
def _searchsorted_rows(xp, sorted_sequence, values, side="left", index_type=np.int32):
    """``searchsorted`` of each row of ``values`` in the matching row of the sequence."""
    rows = sorted_sequence.reshape(-1, sorted_sequence.shape[-1])
    vals = values.reshape(-1, values.shape[-1])
    out = xp.empty(vals.shape, dtype=index_type)
    for i in range(rows.shape[0]):
        out[i] = xp.searchsorted(rows[i], vals[i], side=side)
    return out.reshape(values.shape)


# -- bincount ---------------------------------------------------------------------------------
def _flat_bins(xp, x, length):
    """Bin numbers of ``x`` (1-D, or 2-D with one row of bins per row) in one flat range;
    entries outside ``[0, length)`` go to a spill bin at the end."""
    x = x.astype(np.int64, copy=False)
    keep = (x >= 0) & (x < length)
    if x.ndim == 2:
        x = x + (xp.arange(x.shape[0], dtype=np.int64) * length)[:, None]
    total = length * (x.shape[0] if x.ndim == 2 else 1)
    return xp.where(keep, x, total).reshape(-1), total


@primitive(name="bincount")
def _bincount(xp, x, length=0):
    flat, total = _flat_bins(xp, x, length)
    counts = xp.bincount(flat, minlength=total + 1)[:total]
    shape = (x.shape[0], length) if x.ndim == 2 else (length,)
    return counts.reshape(shape).astype(np.int32, copy=False)


@primitive(name="bincount_weighted")
def _bincount_weighted(xp, x, weights, length=0):
    flat, total = _flat_bins(xp, x, length)
    w = weights.reshape(-1)
    if w.dtype.kind == "c":
        sums = (xp.bincount(flat, weights=w.real, minlength=total + 1)
                + 1j * xp.bincount(flat, weights=w.imag, minlength=total + 1))
    else:
        sums = xp.bincount(flat, weights=w, minlength=total + 1)
    shape = (x.shape[0], length) if x.ndim == 2 else (length,)
    return sums[:total].reshape(shape).astype(weights.dtype, copy=False)


@_bincount_weighted.vjp
def _(g, out, x, weights, length=0):
    # each weight receives the gradient of the bin it was added to (none if it was dropped)
    keep = ember.logical_and(x >= 0, x < length)
    idx = ember.where(keep, ember.cast(x, "int32"), ember.zeros_like(ember.cast(x, "int32")))
    if len(x.shape) == 2:
        picked = ember.gather(g, idx, batch_dims=1, axis=1)
    else:
        picked = ember.gather(g, idx)
    return None, ember.where(keep, picked, ember.zeros_like(picked))


def bincount(arr: Any, weights: Any = None, minlength: int = 0, maxlength: int | None = None,
             dtype: Any = "int32", name=None, axis: int | None = None,
             binary_output: bool = False) -> ember.Tensor:
    """How often each value ``0, 1, 2, ...`` occurs in the integer tensor ``arr``.

    With ``weights`` (same shape as ``arr``), each bin is the sum of the weights of its
    entries instead, in the weights' dtype, and differentiable in the weights. The result
    has ``max(arr) + 1`` bins, at least ``minlength`` and at most ``maxlength`` (values at
    or above ``maxlength`` are dropped). ``axis=-1`` counts each row of a 2-D ``arr``
    separately; ``axis=None`` counts all entries. Negative values are an error. With
    ``binary_output`` each bin is 1 where its value occurs and 0 elsewhere.

    >>> from ember.ops.order_statistics import bincount
    >>> bincount([[0, 2], [1, 1]], axis=-1).numpy().tolist()
    [[1, 0, 1], [0, 2, 0]]
    """
    x = _as_tensor(arr)
    if x._value.dtype.kind not in "iub":
        raise TypeError(f"ember.math.bincount: arr must hold integers; got "
                        f"{x.dtype.name} of shape {tuple(x._value.shape)}")
    if axis is None:
        x = ember.reshape(x, [-1])
    elif axis not in (-1, 1) or x._value.ndim != 2:
        raise InvalidArgumentError(
            f"ember.math.bincount: axis must be None, or -1 for a 2-D arr; got axis={axis} "
            f"and shape {tuple(x._value.shape)}")
    values = np.asarray(x.numpy())
    if values.size and values.min() < 0:
        raise InvalidArgumentError(
            f"ember.math.bincount: arr must be non-negative; got a minimum of {values.min()}")
    length = max(int(minlength or 0), int(values.max()) + 1 if values.size else 0)
    if maxlength is not None:
        length = min(length, int(maxlength))
    if binary_output:  # 1 where a value occurs
        if weights is not None:
            raise ValueError("ember.math.bincount: binary_output and weights are mutually "
                             "exclusive; give only one")
        return ember.cast(ember.greater(_bincount(x, length=length), 0), dtype)
    if weights is None:
        out = _bincount(x, length=length)
        return out if ember.as_dtype(dtype) == out.dtype else ember.cast(out, dtype)
    w = _as_tensor(weights)
    if tuple(w._value.shape) != tuple(_as_tensor(arr)._value.shape):
        raise InvalidArgumentError(
            f"ember.math.bincount: weights must have arr's shape "
            f"{tuple(_as_tensor(arr)._value.shape)}; got {tuple(w._value.shape)}")
    w = ember.reshape(w, list(x.shape))
    return bincount_static(x, w, length)


def bincount_static(x: Any, weights: Any, length: int) -> ember.Tensor:
    """``bincount`` with a fixed number of bins ``length`` (entries outside ``[0, length)``
    are dropped), so the result's shape does not depend on the values: it works while
    tracing an ``ember.function`` too. ``x`` is 1-D, or 2-D for one row of bins per row;
    ``weights`` is None (int32 counts) or a tensor of ``x``'s shape.

    >>> from ember.ops.order_statistics import bincount_static
    >>> bincount_static([0, 5, 1, 1], None, 3).numpy().tolist()
    [1, 2, 0]
    """
    x = _as_tensor(x)
    if weights is None:
        return _bincount(x, length=int(length))
    return _bincount_weighted(x, _as_tensor(weights), length=int(length))


# -- histogram_fixed_width --------------------------------------------------------------------
@primitive(name="histogram_fixed_width")
def _histogram(xp, values, value_range, nbins=100, dtype=np.int32):
    lo, hi = value_range[0], value_range[1]
    scaled = (values.reshape(-1).astype(np.float64) - lo) / (hi - lo) * nbins
    bins = xp.clip(xp.floor(scaled), 0, nbins - 1).astype(np.int64)
    return xp.bincount(bins, minlength=nbins).astype(dtype)


def histogram_fixed_width(values: Any, value_range: Any, nbins: Any = 100,
                          dtype: Any = "int32", name=None) -> ember.Tensor:
    """Counts of ``values`` in ``nbins`` equal bins over ``value_range = [lo, hi]``;
    values below ``lo`` count in the first bin, values at or above ``hi`` in the last.

    >>> import ember
    >>> ember.histogram_fixed_width([-1.0, 0.0, 1.5, 2.0, 5.0, 15], [0.0, 5.0], 5).numpy()
    array([2, 1, 1, 0, 2], dtype=int32)
    """
    v = convert_to_tensor(values)
    r = cast(value_range, v.dtype) if not v.dtype.is_integer else convert_to_tensor(value_range)
    n = _as_int(nbins, "histogram_fixed_width", "nbins")
    if n < 1 or tuple(r.shape) != (2,):
        raise InvalidArgumentError(
            f"ember.histogram_fixed_width: needs nbins >= 1 and a value_range of shape (2,); "
            f"got nbins={n}, value_range of shape {tuple(r.shape)}")
    itype = to_numpy(dtype)
    if itype.kind not in "iu":
        raise TypeError(f"ember.histogram_fixed_width: dtype must be an integer dtype; got "
                        f"{itype.name}")
    return _histogram(v, r, nbins=n, dtype=itype)
