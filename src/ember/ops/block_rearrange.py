"""Block rearrangements of the spatial dimensions: ``space_to_depth`` / ``depth_to_space``
move ``block_size x block_size`` blocks between the spatial dimensions and the channels;
``space_to_batch_nd`` / ``batch_to_space`` move blocks between the spatial dimensions and
the batch.

Composites of pad / reshape / transpose / slicing, so their gradients come from those.

>>> import ember
>>> x = ember.reshape(ember.range(16.0), [1, 4, 4, 1])
>>> y = ember.space_to_batch_nd(x, [2, 2], [[0, 0], [0, 0]])
>>> y.shape, bool(ember.reduce_all(ember.batch_to_space(y, [2, 2], [[0, 0], [0, 0]]) == x))
(TensorShape([4, 2, 2, 1]), True)
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core.errors import InvalidArgumentError
from ..core.tensor import Tensor
from .arg_checks import describe as _desc
from .creation import convert_to_tensor
from .shape import _as_int, _as_int_list, pad, reshape, transpose

__all__ = ["space_to_depth", "depth_to_space", "space_to_batch_nd", "space_to_batch",
           "batch_to_space"]


# -- space_to_depth / depth_to_space ----------------------------------------------------------
def _check_format(data_format: str, op: str) -> bool:
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError(f"ember.nn.{op}: data_format must be 'NHWC' or 'NCHW'; got "
                         f"{data_format!r}")
    return data_format == "NCHW"


def space_to_depth(input: Any, block_size: int, data_format: str = "NHWC",  # noqa: A002
                   name=None) -> Tensor:
    """Move ``block_size x block_size`` spatial blocks into the channels.

    >>> import ember
    >>> ember.nn.space_to_depth(ember.reshape(ember.range(4), [1, 2, 2, 1]), 2).shape
    TensorShape([1, 1, 1, 4])
    """
    x = convert_to_tensor(input)
    b = _as_int(block_size, "space_to_depth", "block_size")
    nchw = _check_format(data_format, "space_to_depth")
    if x.ndim != 4 or b < 2:
        raise InvalidArgumentError(f"ember.nn.space_to_depth: needs a 4-D input and "
                                   f"block_size >= 2; got {_desc(x)}, block_size={b}")
    if nchw:
        x = transpose(x, [0, 2, 3, 1])
    n, h, w, c = x.shape
    if h % b or w % b:
        raise InvalidArgumentError(
            f"ember.nn.space_to_depth: height {h} and width {w} must be divisible by "
            f"block_size {b}")
    y = reshape(x, [n, h // b, b, w // b, b, c])
    y = reshape(transpose(y, [0, 1, 3, 2, 4, 5]), [n, h // b, w // b, b * b * c])
    return transpose(y, [0, 3, 1, 2]) if nchw else y


def depth_to_space(input: Any, block_size: int, data_format: str = "NHWC",  # noqa: A002
                   name=None) -> Tensor:
    """Move channels into ``block_size x block_size`` spatial blocks (the inverse of
    ``space_to_depth``)."""
    x = convert_to_tensor(input)
    b = _as_int(block_size, "depth_to_space", "block_size")
    nchw = _check_format(data_format, "depth_to_space")
    if x.ndim != 4 or b < 2:
        raise InvalidArgumentError(f"ember.nn.depth_to_space: needs a 4-D input and "
                                   f"block_size >= 2; got {_desc(x)}, block_size={b}")
    if nchw:
        x = transpose(x, [0, 2, 3, 1])
    n, h, w, c = x.shape
    if c % (b * b):
        raise InvalidArgumentError(
            f"ember.nn.depth_to_space: depth {c} must be divisible by block_size**2 = "
            f"{b * b}")
    y = reshape(x, [n, h, w, b, b, c // (b * b)])
    y = reshape(transpose(y, [0, 1, 3, 2, 4, 5]), [n, h * b, w * b, c // (b * b)])
    return transpose(y, [0, 3, 1, 2]) if nchw else y


# -- space_to_batch_nd / batch_to_space -------------------------------------------------------
def _block_args(x: Tensor, block_shape: Any, pairs: Any, op: str) -> tuple[list, list]:
    block = _as_int_list(block_shape, op)
    m = len(block)
    pv = np.asarray(pairs.numpy() if hasattr(pairs, "numpy") else pairs, dtype=np.int64)
    if pv.shape != (m, 2) or m < 1 or x.ndim < m + 1 or any(v < 1 for v in block):
        raise InvalidArgumentError(
            f"ember.{op}: block_shape (M = {m} positive ints) needs an [M, 2] paddings/crops "
            f"and an input of rank >= M + 1; got block_shape={block}, {pv.shape} and "
            f"{_desc(x)}")
    if (pv < 0).any():
        raise InvalidArgumentError(f"ember.{op}: paddings/crops must be >= 0; got "
                                   f"{pv.tolist()}")
    return block, pv.tolist()


def space_to_batch_nd(input: Any, block_shape: Any, paddings: Any,  # noqa: A002
                      name=None) -> Tensor:
    """Zero-pad the spatial dimensions ``1..M`` and move ``block_shape`` blocks of them
    into the batch dimension (``tf.space_to_batch`` / ``tf.space_to_batch_nd``)."""
    x = convert_to_tensor(input)
    block, pv = _block_args(x, block_shape, paddings, "space_to_batch_nd")
    m = len(block)
    x = pad(x, [[0, 0]] + pv + [[0, 0]] * (x.ndim - m - 1))
    shape = list(x.shape)
    for i, b in enumerate(block):
        if shape[1 + i] % b:
            raise InvalidArgumentError(
                f"ember.space_to_batch_nd: padded dimension {1 + i} of size {shape[1 + i]} "
                f"is not divisible by block size {b}")
    split = [shape[0]]
    for i, b in enumerate(block):
        split += [shape[1 + i] // b, b]
    rest = shape[1 + m:]
    y = reshape(x, split + rest)
    perm = [2 + 2 * i for i in range(m)] + [0] + [1 + 2 * i for i in range(m)]
    perm += list(range(1 + 2 * m, 1 + 2 * m + len(rest)))
    y = transpose(y, perm)
    return reshape(y, [shape[0] * math.prod(block)]
                   + [shape[1 + i] // b for i, b in enumerate(block)] + rest)


space_to_batch = space_to_batch_nd


def batch_to_space(input: Any, block_shape: Any, crops: Any, name=None) -> Tensor:  # noqa: A002
    """The inverse of ``space_to_batch_nd``: move batch blocks back into the spatial
    dimensions ``1..M``, then crop them by ``crops``."""
    x = convert_to_tensor(input)
    block, cv = _block_args(x, block_shape, crops, "batch_to_space")
    m = len(block)
    shape = list(x.shape)
    prod = math.prod(block)
    if shape[0] % prod:
        raise InvalidArgumentError(
            f"ember.batch_to_space: batch size {shape[0]} is not divisible by the product "
            f"of block_shape {block} = {prod}")
    batch = shape[0] // prod
    spatial, rest = shape[1:1 + m], shape[1 + m:]
    y = reshape(x, block + [batch] + spatial + rest)
    perm = [m]
    for i in range(m):
        perm += [m + 1 + i, i]
    perm += list(range(2 * m + 1, 2 * m + 1 + len(rest)))
    y = reshape(transpose(y, perm), [batch] + [s * b for s, b in zip(spatial, block)] + rest)
    for i, (lo, hi) in enumerate(cv):
        size = spatial[i] * block[i]
        if lo + hi > size:
            raise InvalidArgumentError(
                f"ember.batch_to_space: crops {[lo, hi]} exceed dimension {1 + i} of size "
                f"{size}")
    key = (slice(None),) + tuple(slice(lo, s * b - hi) for (lo, hi), s, b
                                 in zip(cv, spatial, block))
    return y[key]
