"""Indexing: tensor[...] , gather, gather_nd, scatter_nd, boolean_mask, one_hot, where."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core.tensor import Tensor
from .primitive import primitive


def _index_key(key: Any):
    """Turn tensors inside an index into arrays (ints, slices, None, ... pass through)."""
    if isinstance(key, tuple):
        return tuple(_index_key(k) for k in key)
    if hasattr(key, "_value"):
        return key._value
    if isinstance(key, list):
        return np.asarray(key)
    return key


@primitive(name="getitem")
def _getitem(xp, x, key=()):
    return x[key]


@_getitem.vjp
def _(g, out, x, key=()):
    return _scatter_into_zeros(g, shape=tuple(x.shape), key=key)


@primitive(name="scatter_into_zeros")
def _scatter_into_zeros(xp, g, shape=(), key=()):
    out = xp.zeros(shape, dtype=g.dtype)
    xp.add.at(out, key, g) if _has_advanced(key) else out.__setitem__(key, g)
    return out


@_scatter_into_zeros.vjp
def _(gg, out, g, shape=(), key=()):
    return _getitem(gg, key=key)


def _has_advanced(key) -> bool:
    keys = key if isinstance(key, tuple) else (key,)
    return any(isinstance(k, np.ndarray) or isinstance(k, list) for k in keys)


def getitem(tensor: Any, key: Any) -> Tensor:
    """``tensor[key]`` with ints, slices, ``...``, ``None``, integer arrays and bool masks.

    >>> import ember
    >>> ember.constant([[1., 2.], [3., 4.]])[:, 1].numpy()
    array([2., 4.], dtype=float32)
    """
    return _getitem(tensor, key=_index_key(key))


def where_indices(condition: Any) -> Tensor:
    """Coordinates of the true elements of ``condition``, int64 of shape (n, rank)."""
    arr = np.asarray(getattr(condition, "_value", condition))
    return Tensor(np.argwhere(arr).astype(np.int64))
