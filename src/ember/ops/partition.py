"""``dynamic_partition`` (split a tensor's slices into several tensors by a partition id
each) and its inverse ``dynamic_stitch`` (interleave several tensors into one by index).

The output sizes depend on the values. ``dynamic_partition`` is a gather per partition,
so its gradient comes from ``gather_nd``; ``dynamic_stitch`` is a primitive whose gradient
gathers the output gradient back to each input.

>>> import ember
>>> parts = ember.dynamic_partition([1., 2., 3., 4.], [0, 1, 0, 1], 2)
>>> ember.dynamic_stitch([[0, 2], [1, 3]], parts).numpy().tolist()
[1.0, 2.0, 3.0, 4.0]
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core.errors import InvalidArgumentError
from ..core.tensor import Tensor
from .arg_checks import int_tensor as _int_tensor, tracing as _tracing
from .creation import convert_to_tensor
from .elementwise import cast, equal
from .indexing import gather, gather_nd, where_indices
from .primitive import primitive
from .shape import _as_int, concat, reshape

__all__ = ["dynamic_partition", "dynamic_stitch"]


# -- dynamic_partition ------------------------------------------------------------------------
def dynamic_partition(data: Any, partitions: Any, num_partitions: int,
                      name=None) -> list:
    """Split ``data`` into ``num_partitions`` tensors: output ``i`` holds (in order) the
    slices of ``data`` whose entry in ``partitions`` is ``i``. ``partitions``' shape must
    be a prefix of ``data``'s.

    >>> import ember
    >>> [p.numpy().tolist() for p in ember.dynamic_partition([10, 20, 30], [1, 0, 1], 2)]
    [[20], [10, 30]]
    """
    data = convert_to_tensor(data)
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


# -- dynamic_stitch ---------------------------------------------------------------------------
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
        d = convert_to_tensor(d)
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
