"""Cutting a signal into (overlapping) frames and adding frames back together.

``frame`` gathers ``num_frames`` windows of ``frame_length`` samples, ``frame_step``
apart, along one axis; ``overlap_and_add`` sums frames laid ``frame_step`` apart into one
signal. Each is a linear map and the other's adjoint, so each primitive's gradient is
the other primitive and gradients of every order stay inside the pair. Both forwards are
vectorized (an index gather, and a pad/reshape/transpose/sum that lines the frames up),
written once for NumPy and CuPy.

>>> import ember
>>> frame(ember.range(6), frame_length=3, frame_step=2).numpy().tolist()
[[0, 1, 2], [2, 3, 4]]
>>> overlap_and_add(ember.ones([3, 4]), frame_step=2).numpy().tolist()
[1.0, 1.0, 2.0, 2.0, 2.0, 2.0, 1.0, 1.0]
"""
from __future__ import annotations

from typing import Any

from ...core.errors import InvalidArgumentError
from ...core.tensor import Tensor
from ..primitive import primitive
from ..shape import pad
from ._util import describe, shape_of, static_int, tensor

__all__ = ["frame", "overlap_and_add"]


@primitive(name="signal.frame")
def _frame(xp, x, frame_length=1, frame_step=1, num_frames=0, axis=0):
    """Frames of ``x`` along ``axis`` (non-negative): that axis becomes
    ``(num_frames, frame_length)``."""
    idx = (xp.arange(num_frames)[:, None] * frame_step
           + xp.arange(frame_length)[None, :])
    return xp.take(x, idx, axis=axis)


@_frame.vjp
def _(g, y, x, frame_length=1, frame_step=1, num_frames=0, axis=0):
    return _overlap_add(g, frame_step=frame_step, length=int(x.shape[axis]), axis=axis)


@primitive(name="signal.overlap_and_add")
def _overlap_add(xp, frames, frame_step=1, length=0, axis=0):
    """Sum the frames on axes ``(axis, axis + 1)`` (frames, samples) laid ``frame_step``
    apart into one axis of ``length`` samples (zeros after the last frame)."""
    y = xp.moveaxis(frames, (axis, axis + 1), (-2, -1))
    batch = y.shape[:-2]
    n_frames, frame_length = y.shape[-2:]
    step = frame_step
    needed = (n_frames - 1) * step + frame_length if n_frames else 0
    if needed > length:
        raise ValueError(f"{n_frames} frames of {frame_length} samples, {step} apart, need "
                         f"{needed} output samples; got length {length}")
    if y.size == 0:
        out = xp.zeros(batch + (length,), dtype=frames.dtype)
        return xp.moveaxis(out, -1, axis)
    # Split each frame into `segs` segments of `step` samples. Segment s of frame f lands
    # on output block f + s: with the frames axis padded by `segs`, laying the
    # (segment, frame) grid out row by row with rows one block shorter shifts row s by s
    # blocks, so one sum over the segments adds every block into place.
    segs = -(-frame_length // step)
    widths = [(0, 0)] * len(batch) + [(0, segs), (0, segs * step - frame_length)]
    y = xp.pad(y, widths)
    y = y.reshape(batch + (n_frames + segs, segs, step))
    y = xp.moveaxis(y, -2, -3)                       # (segs, frames + segs, step)
    y = y.reshape(batch + (segs * (n_frames + segs), step))
    y = y[..., :segs * (n_frames + segs - 1), :]
    y = y.reshape(batch + (segs, n_frames + segs - 1, step)).sum(axis=-3, dtype=frames.dtype)
    out = y.reshape(batch + ((n_frames + segs - 1) * step,))
    have = out.shape[-1]
    if have >= length:
        out = out[..., :length]
    else:
        out = xp.pad(out, [(0, 0)] * len(batch) + [(0, length - have)])
    return xp.moveaxis(out, -1, axis)


@_overlap_add.vjp
def _(g, y, frames, frame_step=1, length=0, axis=0):
    shape = tuple(frames.shape)
    return _frame(g, frame_length=int(shape[axis + 1]), frame_step=frame_step,
                  num_frames=int(shape[axis]), axis=axis)


def frame(signal: Any, frame_length: Any, frame_step: Any, pad_end: bool = False,
          pad_value: Any = 0, axis: Any = -1, name: str | None = None) -> Tensor:
    """Expand ``signal``'s ``axis`` into frames of ``frame_length`` samples taken every
    ``frame_step`` samples: shape ``[..., num_frames, frame_length, ...]``.

    Without ``pad_end`` only frames that fit entirely are kept
    (``num_frames = max(0, 1 + (N - frame_length) // frame_step)``); with it the signal is
    padded with ``pad_value`` so that ``num_frames = ceil(N / frame_step)``.

    >>> import ember
    >>> frame(ember.range(5), 2, 2, pad_end=True, pad_value=-1).numpy().tolist()
    [[0, 1], [2, 3], [4, -1]]
    """
    x = tensor(signal, "frame")
    shape = shape_of(x)
    rank = len(shape)
    if rank < 1:
        raise InvalidArgumentError(f"ember.signal.frame: signal must have rank >= 1; got "
                                   f"{describe(x)}")
    length = static_int(frame_length, "frame", "frame_length", minimum=1)
    step = static_int(frame_step, "frame", "frame_step", minimum=1)
    ax = static_int(axis, "frame", "axis")
    if not -rank <= ax < rank:
        raise InvalidArgumentError(f"ember.signal.frame: axis {ax} is out of range for a "
                                   f"signal of shape {shape}")
    ax %= rank
    n = shape[ax]
    if pad_end:
        num_frames = -(-n // step)
        extra = max(0, length + step * (num_frames - 1) - n)
        if extra:
            pads = [[0, 0] for _ in shape]
            pads[ax] = [0, extra]
            x = pad(x, pads, constant_values=pad_value)
    else:
        num_frames = max(0, 1 + (n - length) // step)
    return _frame(x, frame_length=length, frame_step=step, num_frames=num_frames, axis=ax)


def overlap_and_add(signal: Any, frame_step: Any, name: str | None = None) -> Tensor:
    """Add the frames of ``signal`` (``[..., frames, frame_length]``), laid
    ``frame_step`` samples apart, into ``[..., (frames - 1) * frame_step + frame_length]``.

    >>> import ember
    >>> overlap_and_add(ember.constant([[1, 2, 3], [4, 5, 6]]), 1).numpy().tolist()
    [1, 6, 8, 6]
    """
    x = tensor(signal, "overlap_and_add")
    shape = shape_of(x)
    if len(shape) < 2:
        raise InvalidArgumentError(f"ember.signal.overlap_and_add: signal must have rank >= "
                                   f"2 ([..., frames, frame_length]); got {describe(x)}")
    step = static_int(frame_step, "overlap_and_add", "frame_step", minimum=1)
    n_frames, length = shape[-2:]
    out_len = max(0, (n_frames - 1) * step + length)  # no frames: TF's zeros
    return _overlap_add(x, frame_step=step, length=out_len, axis=len(shape) - 2)
