"""Ops on batches of variable-length sequences: ``sequence_mask`` (which steps of each
sequence are real) and ``reverse_sequence`` (reverse the real steps, keep the padding).

Both are primitives: ``sequence_mask`` without ``maxlen`` has a value-dependent length, so
it still runs inside traced functions; ``reverse_sequence``'s gradient is the same
reversal of the output gradient.

>>> import ember
>>> ember.sequence_mask([1, 3], 4).numpy().astype(int).tolist()
[[1, 0, 0, 0], [1, 1, 1, 0]]
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core.dtypes import to_numpy
from ..core.errors import InvalidArgumentError
from ..core.tensor import Tensor
from .arg_checks import describe as _desc, int_tensor as _int_tensor, tracing as _tracing
from .creation import convert_to_tensor
from .elementwise import cast
from .primitive import primitive
from .shape import _as_int, _norm_axis

__all__ = ["sequence_mask", "reverse_sequence"]


# -- sequence_mask ----------------------------------------------------------------------------
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
    lengths = convert_to_tensor(lengths)
    if lengths.dtype.is_bool or lengths.dtype.is_complex:
        raise TypeError(f"ember.sequence_mask: lengths must be numbers; got {_desc(lengths)}")
    if maxlen is not None:
        maxlen = _as_int(maxlen, "sequence_mask", "maxlen")
        if maxlen < 0:
            raise InvalidArgumentError(f"ember.sequence_mask: maxlen must be >= 0; got "
                                       f"{maxlen}")
    mask = _sequence_mask(lengths, maxlen=maxlen)
    return mask if to_numpy(dtype) == np.bool_ else cast(mask, dtype)


# -- reverse_sequence -------------------------------------------------------------------------
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
    x = convert_to_tensor(input)
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
