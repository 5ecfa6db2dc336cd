"""Short-time Fourier transforms and the modified DCT (``tf.signal.stft`` and kin).

``stft`` frames a real signal, windows each frame and takes its real FFT;
``inverse_stft`` inverts each frame and overlap-adds them (exact reconstruction needs the
window from ``inverse_stft_window_fn``). ``mdct`` / ``inverse_mdct`` are the modified DCT
with 50% overlap. All are compositions of differentiable ops (``frame``,
``overlap_and_add``, ``rfft``/``irfft``, ``dct``), so gradients of every order flow.

>>> import ember
>>> stft(ember.ones([1024]), frame_length=256, frame_step=128).shape
TensorShape([7, 129])
"""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ...core.errors import InvalidArgumentError
from ...core.tensor import Tensor
from ..elementwise import divide_no_nan, negative, square
from ..reduction import reduce_sum
from ..shape import concat, pad, reshape, reverse, split, tile
from ..spectral import fit_axis
from ._util import check_rank, describe, real_input, shape_of, static_int, tensor
from .dct import dct
from .fft import irfft, rfft
from .framing import frame, overlap_and_add
from .windows import hann_window, vorbis_window

__all__ = ["inverse_mdct", "inverse_stft", "inverse_stft_window_fn", "mdct", "stft"]


def _enclosing_power_of_two(n: int) -> int:
    """The smallest power of 2 that is >= ``n``."""
    return 1 << max(0, n - 1).bit_length()


def _frame_lengths(frame_length: Any, frame_step: Any, fft_length: Any,
                   op: str) -> tuple[int, int, int]:
    """``(frame_length, frame_step, fft_length)`` as positive Python ints (``fft_length``
    defaults to the smallest power of 2 >= ``frame_length``)."""
    length = static_int(frame_length, op, "frame_length", minimum=1)
    step = static_int(frame_step, op, "frame_step", minimum=1)
    n_fft = (_enclosing_power_of_two(length) if fft_length is None
             else static_int(fft_length, op, "fft_length", minimum=1))
    return length, step, n_fft


def _window(window_fn: Callable | None, length: int, dtype, op: str):
    if window_fn is None:
        return None
    w = window_fn(length, dtype=dtype)
    if tuple(w.shape) != (length,):
        raise InvalidArgumentError(f"ember.signal.{op}: window_fn({length}) must return a "
                                   f"[{length}] tensor; got shape {tuple(w.shape)}")
    return w


def stft(signals: Any, frame_length: Any, frame_step: Any, fft_length: Any = None,
         window_fn: Callable | None = hann_window, pad_end: bool = False,
         name: str | None = None) -> Tensor:
    """The STFT of real ``[..., samples]`` signals: ``[..., frames, fft_length // 2 + 1]``
    complex64/complex128 (``fft_length`` defaults to the smallest power of 2 >=
    ``frame_length``; ``window_fn=None``: no window).

    >>> import ember
    >>> s = stft(ember.zeros([2, 400]), frame_length=100, frame_step=50)
    >>> s.shape, s.dtype
    (TensorShape([2, 7, 65]), ember.complex64)
    """
    x = real_input(signals, "stft")
    check_rank(x, 1, "stft", "signals")
    length, step, n_fft = _frame_lengths(frame_length, frame_step, fft_length, "stft")
    frames = frame(x, length, step, pad_end=pad_end)
    w = _window(window_fn, length, frames.dtype, "stft")
    if w is not None:
        frames = frames * w
    return rfft(frames, [n_fft])


def inverse_stft_window_fn(frame_step: Any, forward_window_fn: Callable = hann_window,
                           name: str | None = None) -> Callable:
    """A window function for :func:`inverse_stft` that undoes ``forward_window_fn``
    (Griffin & Lim's equation 7: the forward window divided by the overlap-added squares
    of the forward window, ``frame_step`` apart).

    >>> import ember
    >>> inverse_stft_window_fn(2)(4, dtype=ember.float32).numpy()
    array([0., 1., 1., 1.], dtype=float32)
    """
    step = static_int(frame_step, "inverse_stft_window_fn", "frame_step", minimum=1)

    def inverse_stft_window_fn_inner(frame_length: Any, dtype: Any) -> Tensor:
        length = static_int(frame_length, "inverse_stft_window_fn", "frame_length",
                            minimum=1)
        forward = _window(forward_window_fn, length, dtype, "inverse_stft_window_fn")
        overlaps = -(-length // step)
        denom = pad(square(forward), [[0, overlaps * step - length]])
        denom = reduce_sum(reshape(denom, [overlaps, step]), axis=0, keepdims=True)
        denom = reshape(tile(denom, [overlaps, 1]), [overlaps * step])[:length]
        return divide_no_nan(forward, denom)

    return inverse_stft_window_fn_inner


def inverse_stft(stfts: Any, frame_length: Any, frame_step: Any, fft_length: Any = None,
                 window_fn: Callable | None = hann_window,
                 name: str | None = None) -> Tensor:
    """Signals ``[..., samples]`` from STFTs ``[..., frames, fft_length // 2 + 1]``:
    each frame's inverse real FFT, cropped or zero-padded to ``frame_length``, windowed
    and overlap-added ``frame_step`` apart (``samples = (frames - 1) * frame_step +
    frame_length``).

    >>> import ember
    >>> x = ember.random.normal([1000], seed=1)
    >>> s = stft(x, 400, 160)
    >>> y = inverse_stft(s, 400, 160, window_fn=inverse_stft_window_fn(160))
    >>> bool(ember.reduce_max(ember.abs(x[400:640] - y[400:640])) < 1e-5)
    True
    """
    stfts = tensor(stfts, "inverse_stft")
    check_rank(stfts, 2, "inverse_stft", "stfts")
    length, step, n_fft = _frame_lengths(frame_length, frame_step, fft_length,
                                         "inverse_stft")
    frames = fit_axis(irfft(stfts, [n_fft]), -1, length)
    w = _window(window_fn, length, frames.dtype, "inverse_stft")
    if w is not None:
        frames = frames * w
    return overlap_and_add(frames, step)


def mdct(signals: Any, frame_length: Any, window_fn: Callable | None = vorbis_window,
         pad_end: bool = False, norm: str | None = None,
         name: str | None = None) -> Tensor:
    """The modified DCT of real ``[..., samples]`` signals with frames of
    ``frame_length`` (a multiple of 4) taken every ``frame_length // 2`` samples:
    ``[..., frames, frame_length // 2]`` (``window_fn=None``: a flat ``1/sqrt(2)``).

    >>> import ember
    >>> mdct(ember.ones([16]), frame_length=8).shape
    TensorShape([3, 4])
    """
    x = real_input(signals, "mdct")
    check_rank(x, 1, "mdct", "signals")
    length = static_int(frame_length, "mdct", "frame_length", minimum=4)
    if length % 4:
        raise ValueError(f"ember.signal.mdct: the frame length must be a multiple of 4; "
                         f"got {length}")
    frames = frame(x, length, length // 2, pad_end=pad_end)
    w = _window(window_fn, length, frames.dtype, "mdct")
    frames = frames * (1.0 / math.sqrt(2.0)) if w is None else frames * w
    a, b, c, d = split(frames, 4, axis=-1)
    first = negative(reverse(c, [-1])) - d
    second = a - reverse(b, [-1])
    return dct(concat([first, second], axis=-1), type=4, norm=norm)


def inverse_mdct(mdcts: Any, window_fn: Callable | None = vorbis_window,
                 norm: str | None = None, name: str | None = None) -> Tensor:
    """Signals ``[..., samples]`` from MDCTs ``[..., frames, frame_length // 2]``
    (``samples = (frames - 1) * frame_length // 2 + frame_length``); with the window of
    :func:`mdct` the overlapping halves reconstruct the signal.

    >>> import ember
    >>> inverse_mdct(mdct(ember.ones([16]), 8)).shape
    TensorShape([16])
    """
    x = real_input(mdcts, "inverse_mdct")
    check_rank(x, 2, "inverse_mdct", "mdcts")
    half = shape_of(x)[-1]
    if half < 2 or half % 2:
        raise InvalidArgumentError(f"ember.signal.inverse_mdct: the last dimension "
                                   f"(frame_length // 2) must be even and >= 2; got "
                                   f"{describe(x)}")
    if norm is None:
        y = dct(x, type=4) * (0.5 / half)
    elif norm == "ortho":
        y = dct(x, type=4, norm="ortho")
    else:
        raise ValueError(f"ember.signal.inverse_mdct: unknown normalization; expected None "
                         f"or 'ortho', got {norm!r}")
    a, b = split(y, 2, axis=-1)
    frames = concat([b, negative(reverse(b, [-1])), negative(reverse(a, [-1])),
                     negative(a)], axis=-1)
    w = _window(window_fn, 2 * half, frames.dtype, "inverse_mdct")
    frames = frames * (1.0 / math.sqrt(2.0)) if w is None else frames * w
    return overlap_and_add(frames, half)
