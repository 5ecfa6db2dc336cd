"""Reductions: sums, means, extrema, products, variance, logsumexp, any/all, arg-extrema."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core.errors import InvalidArgumentError
from .primitive import primitive


def normalize_axis(axis: Any, ndim: int, op: str):
    """``axis`` as a sorted tuple of non-negative ints (None: every axis).

    Raises an error naming ``op`` when an axis is out of range.
    """
    if axis is None:
        return tuple(range(ndim))
    if hasattr(axis, "_value"):
        axis = np.asarray(axis._value).tolist()
    if isinstance(axis, (int, np.integer)):
        axis = (int(axis),)
    out = []
    for a in axis:
        a = int(a)
        if not -ndim <= a < max(ndim, 1):
            raise InvalidArgumentError(
                f"ember.{op}: axis {a} is out of range for a tensor of rank {ndim}")
        out.append(a % ndim if ndim else 0)
    return tuple(sorted(set(out)))


def _keep_shape(shape: tuple, axes: tuple) -> tuple:
    return tuple(1 if i in axes else d for i, d in enumerate(shape))


@primitive(name="reduce_sum")
def _reduce_sum(xp, x, axis=None, keepdims=False):
    if x.dtype.kind == "b":
        x = x.astype(xp.int32)
    return xp.sum(x, axis=axis, keepdims=keepdims)


@_reduce_sum.vjp
def _(g, out, x, axis=None, keepdims=False):
    from .shape import broadcast_to, reshape
    shape = tuple(x.shape)
    if not keepdims:
        g = reshape(g, _keep_shape(shape, axis))
    return broadcast_to(g, shape)


def reduce_sum(input_tensor: Any, axis: Any = None, keepdims: bool = False, name=None):
    """Sum over ``axis`` (every axis when None).

    >>> import ember
    >>> ember.reduce_sum([[1., 2.], [3., 4.]], axis=0).numpy()
    array([4., 6.], dtype=float32)
    """
    ndim = _ndim(input_tensor)
    return _reduce_sum(input_tensor, axis=normalize_axis(axis, ndim, "reduce_sum"),
                       keepdims=bool(keepdims))


def _ndim(x: Any) -> int:
    v = getattr(x, "_value", None)
    if v is not None:
        return v.ndim
    return np.ndim(x)
