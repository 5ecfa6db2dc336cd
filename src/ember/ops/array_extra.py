"""More of TensorFlow's array ops: ``sequence_mask``, ``reverse_sequence``, ``unique``,
``dynamic_partition`` / ``dynamic_stitch``, ``space_to_depth`` / ``depth_to_space``,
``space_to_batch_nd`` / ``batch_to_space``, ``unravel_index``, ``ensure_shape``,
``histogram_fixed_width``, ``tensor_scatter_nd_sub``, ``linalg.set_diag`` and
``linalg.tensor_diag`` / ``tensor_diag_part``.

Ops whose output size depends on the values (``unique``, ``dynamic_partition``,
``dynamic_stitch``, ``sequence_mask`` without ``maxlen``) are primitives, so they also run
inside traced functions. The rearrangements are composites of reshape/transpose/pad, so
their gradients come from those.

>>> import ember
>>> ember.sequence_mask([1, 3], 4).numpy().astype(int).tolist()
[[1, 0, 0, 0], [1, 1, 1, 0]]
"""
from __future__ import annotations

import math
from collections import namedtuple
from typing import Any

import numpy as np

from ..core.dtypes import to_numpy
from ..core.errors import InvalidArgumentError
from ..core.shape import TensorShape
from ..core.tensor import Tensor
from .creation import convert_to_tensor, identity
from .elementwise import cast, equal, negative, where
from .indexing import gather, gather_nd, tensor_scatter_nd_add, where_indices
from .linalg import diag, diag_part
from .primitive import primitive
from .shape import _as_int, _as_int_list, _norm_axis, concat, pad, reshape, transpose

__all__ = ["sequence_mask", "reverse_sequence", "unique", "unique_with_counts", "Unique",
           "UniqueWithCounts", "dynamic_partition", "dynamic_stitch", "space_to_depth",
           "depth_to_space", "space_to_batch_nd", "space_to_batch", "batch_to_space",
           "unravel_index", "ensure_shape", "histogram_fixed_width",
           "tensor_scatter_nd_sub", "set_diag", "tensor_diag", "tensor_diag_part"]

Unique = namedtuple("Unique", ["y", "idx"])
UniqueWithCounts = namedtuple("UniqueWithCounts", ["y", "idx", "count"])


def _t(x: Any) -> Tensor:
    return convert_to_tensor(x)


def _desc(x: Tensor) -> str:
    return f"{x.dtype.name} tensor of shape {tuple(x.shape)}"


def _int_tensor(x: Any, op: str, what: str) -> Tensor:
    t = _t(x)
    if not t.dtype.is_integer:
        raise TypeError(f"ember.{op}: {what} must be an integer tensor; got {_desc(t)}")
    return t


# -- sequence_mask / reverse_sequence -------------------------------------------------------
@primitive(name="sequence_mask")
def _sequence_mask(xp, lengths, maxlen=None):
    if maxlen is None:
        maxlen = int(lengths.max()) if lengths.size else 0
        maxlen = max(maxlen, 0)
    return xp.arange(maxlen, dtype=lengths.dtype) < lengths[..., None]


def sequence_mask(lengths: Any, maxlen: Any = None, dtype: Any = "bool",
                  name=None) -> Tensor:
    """``mask[..., j] = j < lengths[...]``: shape ``lengths.shape + [maxlen]``.

    ``maxlen`` defaults to ``max(lengths)``.

    >>> import ember
    >>> ember.sequence_mask([[1], [2]], 3, dtype="float32").numpy().tolist()
    [[[1.0, 0.0, 0.0]], [[1.0, 1.0, 0.0]]]
    """
    lengths = _t(lengths)
    if lengths.dtype.is_bool or lengths.dtype.is_complex:
        raise TypeError(f"ember.sequence_mask: lengths must be numbers; got {_desc(lengths)}")
    if maxlen is not None:
        maxlen = _as_int(maxlen, "sequence_mask", "maxlen")
        if maxlen < 0:
            raise InvalidArgumentError(f"ember.sequence_mask: maxlen must be >= 0; got "
                                       f"{maxlen}")
    mask = _sequence_mask(lengths, maxlen=maxlen)
    return mask if to_numpy(dtype) == np.bool_ else cast(mask, dtype)


@primitive(name="reverse_sequence")
def _reverse_sequence(xp, x, lengths, seq_axis=1, batch_axis=0):
    t = x.shape[seq_axis]
    pos = xp.arange(t)
    lens = lengths.astype(np.int64)[:, None]
    src = xp.where(pos[None, :] < lens, lens - 1 - pos[None, :], pos[None, :])  # [B, T]
    shape = [1] * x.ndim
    shape[batch_axis], shape[seq_axis] = x.shape[batch_axis], t
    if batch_axis > seq_axis:
        src = src.T
    src = src.reshape(shape)
    return xp.take_along_axis(x, xp.broadcast_to(src, x.shape), axis=seq_axis)


@_reverse_sequence.vjp
def _(g, out, x, lengths, seq_axis=1, batch_axis=0):
    return _reverse_sequence(g, lengths, seq_axis=seq_axis, batch_axis=batch_axis), None


def reverse_sequence(input: Any, seq_lengths: Any, seq_axis: Any = None,  # noqa: A002
                     batch_axis: Any = None, name=None) -> Tensor:
    """Reverse the first ``seq_lengths[b]`` entries along ``seq_axis`` of each slice ``b``
    along ``batch_axis`` (default 0); the rest stay in place.

    >>> import ember
    >>> ember.reverse_sequence([[1, 2, 3], [4, 5, 6]], [2, 3], seq_axis=1).numpy().tolist()
    [[2, 1, 3], [6, 5, 4]]
    """
    x = _t(input)
    lengths = _int_tensor(seq_lengths, "reverse_sequence", "seq_lengths")
    if seq_axis is None:
        raise ValueError("ember.reverse_sequence: seq_axis is required")
    s = _norm_axis(seq_axis, x.ndim, "reverse_sequence")
    b = _norm_axis(0 if batch_axis is None else batch_axis, x.ndim, "reverse_sequence")
    if s == b:
        raise InvalidArgumentError(f"ember.reverse_sequence: seq_axis and batch_axis must "
                                   f"differ; both are {s}")
    lv = np.asarray(lengths.numpy()) if not _tracing() else None
    if tuple(lengths.shape) != (x.shape[b],):
        raise InvalidArgumentError(
            f"ember.reverse_sequence: seq_lengths must have shape ({x.shape[b]},) (the "
            f"batch_axis size of the input of shape {tuple(x.shape)}); got "
            f"{tuple(lengths.shape)}")
    if lv is not None and lv.size and (lv.min() < 0 or lv.max() > x.shape[s]):
        raise InvalidArgumentError(
            f"ember.reverse_sequence: seq_lengths must be in [0, {x.shape[s]}] (the "
            f"seq_axis size); got {lv.tolist()}")
    return _reverse_sequence(x, lengths, seq_axis=s, batch_axis=b)


def _tracing() -> bool:
    from ..graph.context import executing_eagerly
    return not executing_eagerly()


# -- unique ---------------------------------------------------------------------------------
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


def _unique_parts(x: Any, out_idx: Any, op: str):
    x = _t(x)
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


# -- dynamic_partition / dynamic_stitch -------------------------------------------------------
def dynamic_partition(data: Any, partitions: Any, num_partitions: int,
                      name=None) -> list:
    """Split ``data`` into ``num_partitions`` tensors: output ``i`` holds (in order) the
    slices of ``data`` whose entry in ``partitions`` is ``i``. ``partitions``' shape must
    be a prefix of ``data``'s.

    >>> import ember
    >>> [p.numpy().tolist() for p in ember.dynamic_partition([10, 20, 30], [1, 0, 1], 2)]
    [[20], [10, 30]]
    """
    data = _t(data)
    parts = _int_tensor(partitions, "dynamic_partition", "partitions")
    n = _as_int(num_partitions, "dynamic_partition", "num_partitions")
    pshape = tuple(parts.shape)
    if tuple(data.shape[:len(pshape)]) != pshape:
        raise InvalidArgumentError(
            f"ember.dynamic_partition: partitions' shape {pshape} must be a prefix of "
            f"data's shape {tuple(data.shape)}")
    if not _tracing():
        pv = np.asarray(parts.numpy())
        if pv.size and (pv.min() < 0 or pv.max() >= n):
            bad = pv[(pv < 0) | (pv >= n)][0]
            raise InvalidArgumentError(
                f"ember.dynamic_partition: partitions hold {bad}, outside [0, {n})")
    flat_p = reshape(parts, [-1])
    flat_d = reshape(data, [-1] + list(data.shape[len(pshape):]))
    return [gather_nd(flat_d, where_indices(equal(flat_p, cast(i, flat_p.dtype))))
            for i in range(n)]


@primitive(name="dynamic_stitch")
def _stitch(xp, idx, vals):
    size = int(idx.max()) + 1 if idx.size else 0
    out = xp.zeros((size,) + tuple(vals.shape[1:]), vals.dtype)
    out[idx] = vals                      # later entries win for repeated indices, as TF
    return out


@_stitch.vjp
def _(g, out, idx, vals):
    return None, gather(g, idx)


def dynamic_stitch(indices: list, data: list, name=None) -> Tensor:
    """Interleave ``data[m]`` into one tensor: ``out[indices[m][i]] = data[m][i]``.

    >>> import ember
    >>> ember.dynamic_stitch([[0, 2], [1]], [[1., 3.], [2.]]).numpy().tolist()
    [1.0, 2.0, 3.0]
    """
    if len(indices) != len(data) or not indices:
        raise InvalidArgumentError(
            f"ember.dynamic_stitch: needs as many data tensors as index tensors (at least "
            f"one); got {len(indices)} and {len(data)}")
    idx_parts, val_parts, rest = [], [], None
    for i, d in zip(indices, data):
        i = _int_tensor(i, "dynamic_stitch", "indices")
        d = _t(d)
        ishape = tuple(i.shape)
        if tuple(d.shape[:len(ishape)]) != ishape:
            raise InvalidArgumentError(
                f"ember.dynamic_stitch: data of shape {tuple(d.shape)} must start with its "
                f"indices' shape {ishape}")
        r = tuple(d.shape[len(ishape):])
        if rest is not None and r != rest:
            raise InvalidArgumentError(
                f"ember.dynamic_stitch: every data[m].shape[indices[m].ndim:] must agree; "
                f"got {rest} and {r}")
        rest = r
        idx_parts.append(reshape(cast(i, "int64"), [-1]))
        val_parts.append(reshape(d, [-1] + list(r)))
    if not _tracing():
        allidx = np.concatenate([np.asarray(p.numpy()) for p in idx_parts])
        if allidx.size and allidx.min() < 0:
            raise InvalidArgumentError("ember.dynamic_stitch: indices must be >= 0; got "
                                       f"{int(allidx.min())}")
    return _stitch(concat(idx_parts, 0), concat(val_parts, 0))


# -- space_to_depth / depth_to_space / space_to_batch / batch_to_space -----------------------
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
    x = _t(input)
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
    x = _t(input)
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
    x = _t(input)
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
    x = _t(input)
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


# -- unravel_index / ensure_shape / histogram_fixed_width ------------------------------------
@primitive(name="unravel_index")
def _unravel_index(xp, indices, dims):
    total = int(np.prod(np.asarray(dims, dtype=np.int64)))
    if indices.size and (indices.min() < 0 or indices.max() >= total):
        raise InvalidArgumentError(
            f"ember.unravel_index: indices must be in [0, {total}) for dims "
            f"{np.asarray(dims).tolist()}")
    out = xp.unravel_index(indices, tuple(int(d) for d in dims))
    return xp.stack(out).astype(indices.dtype)


def unravel_index(indices: Any, dims: Any, name=None) -> Tensor:
    """The coordinates, in an array of shape ``dims``, of each flat index:
    shape ``[len(dims)] + indices.shape``.

    >>> import ember
    >>> ember.unravel_index([5, 7], [3, 4]).numpy().tolist()
    [[1, 1], [1, 3]]
    """
    idx = _int_tensor(indices, "unravel_index", "indices")
    d = _int_tensor(dims, "unravel_index", "dims")
    if d.ndim != 1:
        raise InvalidArgumentError(f"ember.unravel_index: dims must be 1-D; got {_desc(d)}")
    return _unravel_index(idx, cast(d, idx.dtype))


def ensure_shape(x: Any, shape: Any, name=None) -> Tensor:
    """``x`` unchanged, after checking its shape is compatible with ``shape`` (None
    entries, or an unknown-rank shape, match anything).

    >>> import ember
    >>> ember.ensure_shape(ember.zeros([2, 3]), [None, 3]).shape
    TensorShape([2, 3])
    """
    x = _t(x)
    if shape is None:
        return identity(x)
    want = shape if isinstance(shape, TensorShape) else TensorShape(shape)
    if not want.is_compatible_with(TensorShape(list(x.shape))):
        raise InvalidArgumentError(
            f"ember.ensure_shape: shape of tensor {tuple(x.shape)} is not compatible with "
            f"expected shape {want}")
    return identity(x)


@primitive(name="histogram_fixed_width")
def _histogram(xp, values, value_range, nbins=100, dtype=np.int32):
    lo, hi = value_range[0], value_range[1]
    scaled = (values.reshape(-1).astype(np.float64) - lo) / (hi - lo) * nbins
    bins = xp.clip(xp.floor(scaled), 0, nbins - 1).astype(np.int64)
    return xp.bincount(bins, minlength=nbins).astype(dtype)


def histogram_fixed_width(values: Any, value_range: Any, nbins: Any = 100,
                          dtype: Any = "int32", name=None) -> Tensor:
    """Counts of ``values`` in ``nbins`` equal bins over ``value_range = [lo, hi]``;
    values below ``lo`` count in the first bin, values at or above ``hi`` in the last.

    >>> import ember
    >>> ember.histogram_fixed_width([-1.0, 0.0, 1.5, 2.0, 5.0, 15], [0.0, 5.0], 5).numpy()
    array([2, 1, 1, 0, 2], dtype=int32)
    """
    v = _t(values)
    r = cast(value_range, v.dtype) if not v.dtype.is_integer else _t(value_range)
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


# -- scatter / diagonals ----------------------------------------------------------------------
def tensor_scatter_nd_sub(tensor: Any, indices: Any, updates: Any, name=None) -> Tensor:
    """``tensor`` with ``updates`` subtracted at ``indices`` (repeated indices subtract
    each time).

    >>> import ember
    >>> ember.tensor_scatter_nd_sub([1, 2, 3], [[0], [0]], [5, 1]).numpy().tolist()
    [-5, 2, 3]
    """
    return tensor_scatter_nd_add(tensor, indices, negative(_t(updates)))


def set_diag(input: Any, diagonal: Any, name="set_diag", k: int = 0,  # noqa: A002
             align: str = "RIGHT_LEFT") -> Tensor:
    """``input`` with diagonal ``k`` of its innermost matrices replaced by ``diagonal``.

    >>> import ember
    >>> ember.linalg.set_diag(ember.zeros([2, 3]), [1., 2.]).numpy().tolist()
    [[1.0, 0.0, 0.0], [0.0, 2.0, 0.0]]
    """
    x = _t(input)
    d = cast(diagonal, x.dtype)
    if x.ndim < 2:
        raise InvalidArgumentError(f"ember.linalg.set_diag: input must have rank >= 2; got "
                                   f"{_desc(x)}")
    rows, cols = x.shape[-2], x.shape[-1]
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
    d = _t(diagonal)
    n = math.prod(d.shape)
    flat = diag(reshape(d, [n]))
    return reshape(flat, list(d.shape) * 2)


def tensor_diag_part(input: Any, name=None) -> Tensor:  # noqa: A002
    """The inverse of ``tensor_diag``: ``out[i, j, ...] = input[i, j, ..., i, j, ...]``."""
    x = _t(input)
    if x.ndim % 2 or tuple(x.shape[:x.ndim // 2]) != tuple(x.shape[x.ndim // 2:]):
        raise InvalidArgumentError(
            f"ember.linalg.tensor_diag_part: input must have shape D + D; got {_desc(x)}")
    half = list(x.shape[:x.ndim // 2])
    n = math.prod(half)
    return reshape(diag_part(reshape(x, [n, n])), half)
