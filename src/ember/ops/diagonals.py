"""Diagonal ops built on ``linalg``'s ``diag`` / ``diag_part``: ``linalg.set_diag`` (replace
a diagonal of the innermost matrices) and ``linalg.tensor_diag`` / ``tensor_diag_part``
(the diagonal of a rank-2k tensor seen as a square matrix).

Composites, so their gradients come from ``diag``, ``diag_part``, ``reshape`` and ``where``.

>>> import ember
>>> ember.linalg.tensor_diag_part(ember.linalg.tensor_diag([[1, 2], [3, 4]])).numpy().tolist()
[[1, 2], [3, 4]]
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core.errors import InvalidArgumentError
from ..core.tensor import Tensor
from .arg_checks import describe as _desc
from .creation import convert_to_tensor
from .elementwise import cast, where
from .linalg import diag, diag_part
from .shape import reshape

__all__ = ["set_diag", "tensor_diag", "tensor_diag_part"]


def set_diag(input: Any, diagonal: Any, name="set_diag", k: int = 0,  # noqa: A002
             align: str = "RIGHT_LEFT") -> Tensor:
    """``input`` with diagonal ``k`` of its innermost matrices replaced by ``diagonal``.

    >>> import ember
    >>> ember.linalg.set_diag(ember.zeros([2, 3]), [1., 2.]).numpy().tolist()
    [[1.0, 0.0, 0.0], [0.0, 2.0, 0.0]]
    """
    x = convert_to_tensor(input)
    d = cast(diagonal, x.dtype)
    if x.ndim < 2:
        raise InvalidArgumentError(f"ember.linalg.set_diag: input must have rank >= 2; got "
                                   f"{_desc(x)}")
    rows, cols = x.shape[-2], x.shape[-1]
    if isinstance(k, (tuple, list)):
        if len(k) != 2 or int(k[0]) != int(k[1]):
            raise NotImplementedError("ember.linalg.set_diag: only a single diagonal (an int "
                                      f"k) is supported; got k={k!r}")
        k = k[0]
    k = int(k)
    length = max(0, min(rows + min(k, 0), cols - max(k, 0)))
    if tuple(d.shape) != tuple(x.shape[:-2]) + (length,):
        raise InvalidArgumentError(
            f"ember.linalg.set_diag: diagonal must have shape "
            f"{tuple(x.shape[:-2]) + (length,)} for diagonal k={k} of an input of shape "
            f"{tuple(x.shape)}; got {tuple(d.shape)}")
    placed = diag(d, k=k, num_rows=rows, num_cols=cols)
    mask = diag(np.ones(d.shape, bool), k=k, num_rows=rows, num_cols=cols)
    return where(mask, placed, x)


def tensor_diag(diagonal: Any, name=None) -> Tensor:
    """A tensor of rank ``2 * rank(diagonal)`` with ``diagonal`` on its diagonal:
    ``out[i, j, ..., i, j, ...] = diagonal[i, j, ...]``.

    >>> import ember
    >>> ember.linalg.tensor_diag([1, 2]).numpy().tolist()
    [[1, 0], [0, 2]]
    """
    d = convert_to_tensor(diagonal)
    n = math.prod(d.shape)
    flat = diag(reshape(d, [n]))
    return reshape(flat, list(d.shape) * 2)


def tensor_diag_part(input: Any, name=None) -> Tensor:  # noqa: A002
    """The inverse of ``tensor_diag``: ``out[i, j, ...] = input[i, j, ..., i, j, ...]``."""
    x = convert_to_tensor(input)
    if x.ndim % 2 or tuple(x.shape[:x.ndim // 2]) != tuple(x.shape[x.ndim // 2:]):
        raise InvalidArgumentError(
            f"ember.linalg.tensor_diag_part: input must have shape D + D; got {_desc(x)}")
    half = list(x.shape[:x.ndim // 2])
    n = math.prod(half)
    return reshape(diag_part(reshape(x, [n, n])), half)
