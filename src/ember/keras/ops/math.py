"""Math ops of ``keras.ops`` that NumPy lacks (Keras's ``keras/src/ops/math.py``).

Segment reductions, top-k, log-sum-exp, pairwise distances, framing, Fourier transforms
(FFT, real FFT, STFT and its inverse), rsqrt, the error functions, log-determinants and
complex views. In Keras these are top-level ``keras.ops.<name>``.

Complex spectra are (real, imaginary) pairs of float tensors, as in Keras: ``fft``,
``fft2``, ``ifft2`` and ``irfft`` take such a pair, and ``fft``, ``fft2``, ``ifft2``,
``rfft`` and ``stft`` return one. All of them are differentiable.

>>> from ember import keras
>>> real, imag = keras.ops.rfft([0.0, 1.0, 2.0, 3.0])
>>> real.numpy().tolist(), imag.numpy().tolist()
([6.0, -2.0, -2.0], [0.0, 2.0, 0.0])
"""
from __future__ import annotations

from typing import Any

import numpy as np

import ember
from ember.ops import spectral as _spectral

from ._dispatch import axes as _axes
from ._dispatch import float_t as _f
from ._dispatch import keras_op
from ._dispatch import t as _t

__all__ = ["cdist", "erf", "erfc", "erfinv", "extract_sequences", "fft", "fft2", "ifft2",
           "in_top_k", "irfft", "istft", "logdet", "logsumexp", "rfft", "rsqrt",
           "segment_max", "segment_min", "segment_prod", "segment_sum", "stft", "top_k",
           "view_as_complex", "view_as_real"]


def _shape(x: ember.Tensor) -> tuple:
    return tuple(x.shape)


def _common_float(*xs: ember.Tensor) -> list:
    """Cast to one float dtype: ints/bools give float32, floats promote as in NumPy."""
    floats = [x.dtype.name for x in xs if x.dtype.is_floating]
    if not floats:
        dtype = "float32"
    else:
        dtype = floats[0]
        for d in floats[1:]:
            dtype = d if d == dtype else np.promote_types(dtype, d).name
    return [x if x.dtype.name == dtype else ember.cast(x, dtype) for x in xs]


def _positive_int(value: Any, name: str, op: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"keras.ops.{op}: `{name}` must be a positive integer. "
                         f"Received: {name}={value!r}")
    return int(value)


# ---- segment reductions ------------------------------------------------------------------
def _segment_args(data: Any, segment_ids: Any, num_segments: Any, op: str):
    data, ids = _t(data), _t(segment_ids)
    if ids.ndim != 1:
        raise ValueError(
            f"keras.ops.{op}: Argument `segment_ids` should be an 1-D vector, got shape "
            f"{_shape(ids)}. Consider either flatten input with segment_ids.reshape((-1)) "
            f"and data.reshape((-1, ) + data.shape[len(segment_ids.shape):]) or vectorize "
            f"with vmap.")
    if data.ndim == 0 or _shape(data)[0] != _shape(ids)[0]:
        raise ValueError(f"keras.ops.{op}: Argument `segment_ids` and `data` should have "
                         f"same leading dimension. Got {_shape(ids)} v.s. {_shape(data)}.")
    if not ids.dtype.is_integer:
        raise TypeError(f"keras.ops.{op}: `segment_ids` must be an integer tensor; got "
                        f"dtype {ids.dtype.name}")
    if num_segments is not None:
        num_segments = int(getattr(num_segments, "numpy", lambda: num_segments)())
        if num_segments < 0:
            raise ValueError(f"keras.ops.{op}: `num_segments` must be >= 0. Received: "
                             f"num_segments={num_segments}")
    return data, ids, num_segments


def _segment_op(name: str, reducer, example: str):
    def op(data: Any, segment_ids: Any, num_segments: int | None = None,
           sorted: bool = False) -> ember.Tensor:
        data, ids, n = _segment_args(data, segment_ids, num_segments, name)
        return reducer(data, ids, n)

    op.__name__ = op.__qualname__ = name
    what = {"sum": "Sum", "max": "Maximum", "min": "Minimum", "prod": "Product"}[name[8:]]
    op.__doc__ = f"""{what} of the rows of ``data`` grouped by ``segment_ids``.

    ``segment_ids`` is 1-D with one id per row (``data.shape[0]``); rows with a negative
    id are left out. ``num_segments`` defaults to ``max(segment_ids) + 1`` (then the output
    shape depends on the values: eager use). ``sorted`` says the ids are sorted, a hint
    only. Empty segments hold the identity (0 for sum, 1 for prod, -inf / +inf for the
    max / min of floats, the dtype's lowest / highest value for integers). The result
    has ``data``'s dtype.

    >>> from ember import keras
    >>> keras.ops.{name}([1, 2, 10, 20, 100, 200], [0, 0, 1, 1, 2, 2], 3).numpy().tolist()
    {example}
    """
    return keras_op(op)


segment_sum = _segment_op("segment_sum", ember.math.unsorted_segment_sum, "[3, 30, 300]")
segment_max = _segment_op("segment_max", ember.math.unsorted_segment_max, "[2, 20, 200]")
segment_min = _segment_op("segment_min", ember.math.unsorted_segment_min, "[1, 10, 100]")
segment_prod = _segment_op("segment_prod", ember.math.unsorted_segment_prod, "[2, 200, 20000]")


# ---- top-k, logsumexp, cdist ------------------------------------------------------------------
@keras_op
def top_k(x: Any, k: int, sorted: bool = True, is_stable: bool = True):
    """The ``k`` largest values along the last axis and their (int32) indices.

    Returns ``(values, indices)``, largest first; equal values keep their order (lower
    index first). Always sorted (``sorted=False`` allows any order).

    >>> from ember import keras
    >>> values, indices = keras.ops.top_k([5, 2, 7, 1, 9, 3], k=3)
    >>> values.numpy().tolist(), indices.numpy().tolist()
    ([9, 7, 5], [4, 2, 0])
    """
    x = _t(x)
    if x.ndim == 0:
        raise ValueError(f"keras.ops.top_k: `x` must have rank >= 1; got a scalar of dtype "
                         f"{x.dtype.name}")
    kk = int(k)
    if not 0 <= kk <= _shape(x)[-1]:
        raise ValueError(f"keras.ops.top_k: `k` must be in [0, {_shape(x)[-1]}] (the size "
                         f"of the last axis of `x`, shape {_shape(x)}). Received: k={k}")
    values, indices = ember.math.top_k(x, k=kk, sorted=True)
    return values, indices


@keras_op
def in_top_k(targets: Any, predictions: Any, k: int) -> ember.Tensor:
    """Whether each target class is among the ``k`` largest ``predictions`` (bool).

    ``targets`` has shape ``(...)`` and ``predictions`` ``(..., num_classes)``. Classes tied
    with the k-th largest prediction count as in the top k; an out-of-range target, or a
    NaN prediction for the target, gives False.

    >>> from ember import keras
    >>> keras.ops.in_top_k([2, 5, 3], [[0.1, 0.4, 0.6, 0.9, 0.5, 0.0],
    ...                                [0.1, 0.7, 0.9, 0.8, 0.3, 0.0],
    ...                                [0.1, 0.6, 0.9, 0.9, 0.5, 0.0]], k=3).numpy().tolist()
    [True, False, True]
    """
    targets, predictions = _t(targets), _t(predictions)
    if not targets.dtype.is_integer:
        raise TypeError(f"keras.ops.in_top_k: `targets` must be integer class ids; got "
                        f"dtype {targets.dtype.name}")
    ts, ps = _shape(targets), _shape(predictions)
    if len(ps) != len(ts) + 1 or ps[:-1] != ts:
        raise ValueError(f"keras.ops.in_top_k: `predictions` must have shape "
                         f"targets.shape + (num_classes,); got targets.shape={ts} and "
                         f"predictions.shape={ps}")
    if predictions.dtype.is_bool:
        predictions = ember.cast(predictions, "int32")
    classes = ps[-1]
    targets = ember.cast(targets, "int32")
    valid = ember.logical_and(targets >= 0, targets < classes)
    picked = ember.cast(ember.one_hot(ember.where(valid, targets, ember.zeros_like(targets)),
                                      classes, dtype="int32"), "bool")
    target_pred = ember.reduce_sum(
        ember.where(picked, predictions, ember.zeros_like(predictions)), axis=-1)
    above = ember.reduce_sum(ember.cast(predictions > ember.expand_dims(target_pred, -1),
                                        "int32"), axis=-1)
    ok = ember.logical_and(valid, above < int(k))
    if predictions.dtype.is_floating:
        ok = ember.logical_and(ok, ember.logical_not(ember.math.is_nan(target_pred)))
    return ok


@keras_op
def logsumexp(x: Any, axis: Any = None, keepdims: bool = False) -> ember.Tensor:
    """``log(sum(exp(x)))`` over ``axis`` (None: all), computed stably; ints give float32.

    >>> from ember import keras
    >>> round(float(keras.ops.logsumexp([1.0, 2.0, 3.0])), 5)
    3.40761
    """
    return ember.reduce_logsumexp(_f(x), axis=_axes(axis), keepdims=keepdims)


@keras_op
def cdist(x: Any, y: Any) -> ember.Tensor:
    """Euclidean distances between the rows of ``x`` ``(..., m, d)`` and ``y`` ``(..., n, d)``.

    Leading (batch) dimensions broadcast; the result is ``(..., m, n)`` in the common float
    dtype (integers give float32). The gradient at a zero distance is 0.

    >>> from ember import keras
    >>> keras.ops.cdist([[0.0, 0.0], [1.0, 1.0]], [[1.0, 0.0], [2.0, 1.0]]).numpy().round(4)
    array([[1.    , 2.2361],
           [1.    , 1.    ]], dtype=float32)
    """
    x, y = _common_float(_t(x), _t(y))
    xs, ys = _shape(x), _shape(y)
    if len(xs) < 2 or len(ys) < 2:
        raise ValueError(f"keras.ops.cdist: inputs must have rank >= 2. Received shapes: "
                         f"x.shape={xs}, y.shape={ys}")
    if xs[-1] != ys[-1]:
        raise ValueError(f"keras.ops.cdist: the last dimension of the inputs must match. "
                         f"Received shapes: x.shape={xs}, y.shape={ys}")
    try:
        np.broadcast_shapes(xs[:-2], ys[:-2])
    except ValueError:
        raise ValueError(f"keras.ops.cdist: batch dimensions of the inputs must be "
                         f"broadcastable. Received shapes: x.shape={xs}, "
                         f"y.shape={ys}") from None
    diff = ember.expand_dims(x, -2) - ember.expand_dims(y, -3)
    sq = ember.reduce_sum(ember.square(diff), axis=-1)
    positive = sq > 0
    root = ember.sqrt(ember.where(positive, sq, ember.ones_like(sq)))
    return ember.where(positive, root, ember.zeros_like(sq))


# ---- framing -------------------------------------------------------------------------------------
@keras_op
def extract_sequences(x: Any, sequence_length: int, sequence_stride: int) -> ember.Tensor:
    """Frames of ``sequence_length`` along the last axis, every ``sequence_stride`` samples.

    The last axis (length N) becomes ``(num_sequences, sequence_length)`` with
    ``num_sequences = 1 + (N - sequence_length) // sequence_stride``.

    >>> from ember import keras
    >>> keras.ops.extract_sequences([1, 2, 3, 4, 5, 6], 3, 2).numpy().tolist()
    [[1, 2, 3], [3, 4, 5]]
    """
    length = _positive_int(sequence_length, "sequence_length", "extract_sequences")
    stride = _positive_int(sequence_stride, "sequence_stride", "extract_sequences")
    x = _t(x)
    if x.ndim < 1:
        raise ValueError(f"keras.ops.extract_sequences: Input should have rank >= 1. "
                         f"Received: input.shape = {_shape(x)}")
    return ember.signal.frame(x, length, stride)


# ---- Fourier transforms ------------------------------------------------------------------------
def _complex_pair(x: Any, op: str, min_rank: int):
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(f"keras.ops.{op}: Input `x` should be a tuple of two tensors - real "
                         f"and imaginary. Received: x={x!r}"[:400])
    real, imag = _t(x[0]), _t(x[1])
    if _shape(real) != _shape(imag):
        raise ValueError(f"keras.ops.{op}: Input `x` should be a tuple of two tensors - real "
                         f"and imaginary. Both the real and imaginary parts should have the "
                         f"same shape. Received: x[0].shape = {_shape(real)}, "
                         f"x[1].shape = {_shape(imag)}")
    if not real.dtype.is_floating or not imag.dtype.is_floating:
        raise ValueError(f"keras.ops.{op}: At least one tensor in input `x` is not of type "
                         f"float. Received dtypes: {real.dtype.name}, {imag.dtype.name}")
    if real.ndim < min_rank:
        raise ValueError(f"keras.ops.{op}: Input should have rank >= {min_rank}. Received: "
                         f"input.shape = {_shape(real)}")
    return tuple(_common_float(real, imag))


@keras_op
def fft(x: Any):
    """Fourier transform along the last axis of the complex input ``x = (real, imag)``.

    Returns the (real, imaginary) pair of the result.

    >>> from ember import keras
    >>> real, imag = keras.ops.fft(([1.0, 2.0], [0.0, 1.0]))
    >>> real.numpy().tolist(), imag.numpy().tolist()
    ([3.0, -1.0], [1.0, -1.0])
    """
    real, imag = _complex_pair(x, "fft", 1)
    return _spectral.fft_pair(real, imag, axes=(-1,))


@keras_op
def fft2(x: Any):
    """2-D Fourier transform over the last two axes of ``x = (real, imag)``.

    >>> from ember import keras
    >>> real, imag = keras.ops.fft2(([[1.0, 2.0], [2.0, 1.0]], [[0.0, 1.0], [1.0, 0.0]]))
    >>> real.numpy().tolist(), imag.numpy().tolist()
    ([[6.0, 0.0], [0.0, -2.0]], [[2.0, 0.0], [0.0, -2.0]])
    """
    real, imag = _complex_pair(x, "fft2", 2)
    return _spectral.fft_pair(real, imag, axes=(-2, -1))


@keras_op
def ifft2(x: Any):
    """Inverse 2-D Fourier transform (with the ``1 / (h * w)`` factor) of ``(real, imag)``.

    >>> from ember import keras
    >>> real, imag = keras.ops.ifft2(([[6.0, 0.0], [0.0, -2.0]], [[2.0, 0.0], [0.0, -2.0]]))
    >>> real.numpy().tolist(), imag.numpy().tolist()
    ([[1.0, 2.0], [2.0, 1.0]], [[0.0, 1.0], [1.0, 0.0]])
    """
    real, imag = _complex_pair(x, "ifft2", 2)
    return _spectral.ifft_pair(real, imag, axes=(-2, -1))


def _fft_length(fft_length: Any, op: str) -> int | None:
    if fft_length is None:
        return None
    return _positive_int(int(fft_length) if isinstance(fft_length, np.integer)
                         else fft_length, "fft_length", op)


@keras_op
def rfft(x: Any, fft_length: int | None = None):
    """Fourier transform of the real signal ``x`` along its last axis: ``fft_length // 2 + 1``
    non-negative frequencies as a (real, imaginary) pair.

    The last axis is cropped or zero-padded to ``fft_length`` (default: its own length).
    Integer inputs are cast to float32.

    >>> from ember import keras
    >>> real, imag = keras.ops.rfft([0.0, 1.0, 2.0, 3.0, 4.0], 3)
    >>> real.numpy().tolist(), [round(v, 6) for v in imag.numpy().tolist()]
    ([3.0, -1.5], [0.0, 0.866025])
    """
    x = _f(x)
    if x.ndim < 1:
        raise ValueError(f"keras.ops.rfft: Input should have rank >= 1. Received: "
                         f"input.shape = {_shape(x)}")
    return _spectral.rfft_pair(x, _fft_length(fft_length, "rfft"))


@keras_op
def irfft(x: Any, fft_length: int | None = None) -> ember.Tensor:
    """Inverse of ``rfft``: ``fft_length`` real samples from the half spectrum
    ``x = (real, imag)`` along the last axis.

    ``fft_length`` defaults to ``2 * (x[0].shape[-1] - 1)`` (pass it for odd lengths). The
    spectrum is cropped or zero-padded to ``fft_length // 2 + 1`` bins.

    >>> from ember import keras
    >>> real, imag = keras.ops.rfft([0.0, 1.0, 2.0, 3.0, 4.0])
    >>> keras.ops.irfft((real, imag), 5).numpy().round(5).tolist()
    [0.0, 1.0, 2.0, 3.0, 4.0]
    """
    real, imag = _complex_pair(x, "irfft", 1)
    n = _fft_length(fft_length, "irfft")
    if n is None and _shape(real)[-1] < 2:
        raise ValueError(f"keras.ops.irfft: cannot infer `fft_length` from a last dimension "
                         f"of {_shape(real)[-1]} (it gives 2 * (n - 1) = "
                         f"{2 * (_shape(real)[-1] - 1)}); pass fft_length")
    return _spectral.irfft_pair(real, imag, n)


# ---- short-time Fourier transforms ------------------------------------------------------------
def _periodic_window(name: str, length: int) -> np.ndarray:
    if length == 1:
        return np.ones(1)
    phase = np.cos(2.0 * np.pi * np.arange(length) / length)
    if name == "hann":
        return 0.5 - 0.5 * phase
    return 0.54 - 0.46 * phase


def _check_window_name(window: Any, op: str) -> None:
    if isinstance(window, str) and window not in ("hann", "hamming"):
        raise ValueError(f"keras.ops.{op}: If a string is passed to `window`, it must be one "
                         f'of `"hann"`, `"hamming"`. Received: window={window}')


def _stft_window(window: Any, sequence_length: int, fft_length: int, op: str) -> np.ndarray:
    """The window zero-padded (centred) to ``fft_length`` samples, as a float64 array."""
    if window is None:
        return np.ones(fft_length)
    if isinstance(window, str):
        win = _periodic_window(window, sequence_length)
    else:
        win = np.asarray(_t(window).numpy(), dtype=np.float64)
    if win.ndim != 1 or win.shape[0] != sequence_length:
        raise ValueError(f"keras.ops.{op}: The shape of `window` must be equal to "
                         f"[sequence_length] = [{sequence_length}]. Received: window "
                         f"shape={tuple(win.shape)}")
    left = (fft_length - sequence_length) // 2
    return np.pad(win, (left, fft_length - sequence_length - left))


def _stft_lengths(sequence_length: Any, sequence_stride: Any, fft_length: Any, op: str):
    stride = _positive_int(sequence_stride, "sequence_stride", op)
    length = _positive_int(sequence_length, "sequence_length", op)
    n_fft = _positive_int(fft_length, "fft_length", op)
    if n_fft < length:
        raise ValueError(f"keras.ops.{op}: `fft_length` must equal or larger than "
                         f"`sequence_length`. Received: sequence_length={length}, "
                         f"fft_length={n_fft}")
    return length, stride, n_fft


@keras_op
def stft(x: Any, sequence_length: int, sequence_stride: int, fft_length: int,
         window: Any = "hann", center: bool = True):
    """Short-time Fourier transform along the last axis of the float32/float64 ``x``.

    Frames of ``fft_length`` samples every ``sequence_stride`` samples are multiplied by
    the window (``"hann"``, ``"hamming"`` (both periodic), a tensor of ``sequence_length``
    values, or None for none; zero-padded on both sides to ``fft_length``) and
    transformed. With ``center`` the signal is first reflect-padded by ``fft_length // 2``
    on both sides, so frame ``t`` is centred at ``t * sequence_stride``. Returns the
    (real, imaginary) pair of shape ``(..., num_frames, fft_length // 2 + 1)``.

    >>> from ember import keras
    >>> real, imag = keras.ops.stft([0.0, 1.0, 2.0, 3.0, 4.0], 3, 2, 3)
    >>> real.numpy().round(4).tolist()
    [[0.75, -0.375], [3.75, -1.875], [5.25, -2.625]]
    """
    length, stride, n_fft = _stft_lengths(sequence_length, sequence_stride, fft_length, "stft")
    x = _t(x)
    if x.dtype.name not in ("float32", "float64"):
        raise TypeError(f"keras.ops.stft: Invalid input type. Expected `float32` or "
                        f"`float64`. Received: input type={x.dtype.name}")
    _check_window_name(window, "stft")
    if x.ndim < 1:
        raise ValueError(f"keras.ops.stft: Input should have rank >= 1. Received: "
                         f"input.shape = {_shape(x)}")
    win = _stft_window(window, length, n_fft, "stft")
    n = _shape(x)[-1]
    if center:
        half = n_fft // 2
        if half and n <= half:
            raise ValueError(f"keras.ops.stft: with center=True the last dimension of `x` "
                             f"({n}) must be greater than fft_length // 2 ({half}) for "
                             f"reflect padding")
        x = ember.pad(x, [[0, 0]] * (x.ndim - 1) + [[half, half]], mode="REFLECT")
    if _shape(x)[-1] < n_fft:
        raise ValueError(f"keras.ops.stft: the signal ({_shape(x)[-1]} samples"
                         f"{' after padding' if center else ''}) is shorter than "
                         f"fft_length={n_fft}")
    frames = ember.signal.frame(x, n_fft, stride) * ember.constant(win.astype(x.dtype.name))
    return _spectral.rfft_pair(frames, n_fft)


@keras_op
def istft(x: Any, sequence_length: int, sequence_stride: int, fft_length: int,
          length: int | None = None, window: Any = "hann", center: bool = True):
    """Inverse of ``stft``: the signal from the (real, imaginary) pair ``x`` of shape
    ``(..., num_frames, bins)``.

    Each frame is inverse-transformed to ``fft_length`` samples, windowed, overlap-added
    every ``sequence_stride`` samples and divided by the overlap-added squared window
    (where it exceeds 1e-10). Use the arguments given to ``stft``; ``length`` crops the
    output (after removing the ``center`` padding). With ``window=None`` the result is
    further scaled by ``fft_length / sequence_stride``, as Keras does.

    >>> from ember import keras
    >>> x = keras.ops.arange(10, dtype="float32")
    >>> spectrum = keras.ops.stft(x, 4, 2, 4)
    >>> keras.ops.istft(spectrum, 4, 2, 4).numpy().round(4).tolist()
    [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]
    """
    seq_len, stride, n_fft = _stft_lengths(sequence_length, sequence_stride, fft_length,
                                           "istft")
    real, imag = _complex_pair(x, "istft", 2)
    _check_window_name(window, "istft")
    win = _stft_window(window, seq_len, n_fft, "istft")
    count = _shape(real)[-2]
    frames = _spectral.irfft_pair(real, imag, n_fft)
    dtype = real.dtype.name
    signal = ember.signal.overlap_and_add(frames * ember.constant(win.astype(dtype)), stride)
    expected = n_fft + stride * (count - 1)
    norm = np.zeros(expected)
    positions = np.arange(count)[:, None] * stride + np.arange(n_fft)[None, :]
    np.add.at(norm, positions.reshape(-1), np.tile(win * win, count))
    factor = 1.0 if window is not None else n_fft / stride
    scale = factor / np.where(norm > 1e-10, norm, 1.0)
    signal = signal * ember.constant(scale.astype(dtype))
    start = n_fft // 2 if center else 0
    if length is not None:
        end = start + int(length)
    elif center:
        end = expected - n_fft // 2
    else:
        end = expected
    return signal[..., start:end]


# ---- elementwise special functions ---------------------------------------------------------------
@keras_op
def rsqrt(x: Any) -> ember.Tensor:
    """``1 / sqrt(x)`` elementwise (integers give float32).

    >>> from ember import keras
    >>> keras.ops.rsqrt([1.0, 4.0, 100.0]).numpy().tolist()
    [1.0, 0.5, 0.10000000149011612]
    """
    return ember.math.rsqrt(_f(x))


@keras_op
def erf(x: Any) -> ember.Tensor:
    """The error function, elementwise (integers give float32).

    >>> from ember import keras
    >>> [round(v, 6) for v in keras.ops.erf([0.0, 1.0]).numpy().tolist()]
    [0.0, 0.842701]
    """
    return ember.math.erf(_f(x))


@keras_op
def erfc(x: Any) -> ember.Tensor:
    """``1 - erf(x)`` elementwise, accurate in the tail (``erfc(5.0)`` is 1.5e-12).

    >>> from ember import keras
    >>> [round(v, 6) for v in keras.ops.erfc([-1.0, 0.0, 1.0]).numpy().tolist()]
    [1.842701, 1.0, 0.157299]
    """
    return ember.math.erfc(_f(x))


@keras_op
def erfinv(x: Any) -> ember.Tensor:
    """The inverse error function, elementwise: +-inf at +-1, NaN outside [-1, 1].

    >>> from ember import keras
    >>> [round(v, 5) for v in keras.ops.erfinv([-0.5, 0.0, 0.3]).numpy().tolist()]
    [-0.47694, 0.0, 0.27246]
    """
    return ember.math.erfinv(_f(x))


@keras_op
def logdet(x: Any) -> ember.Tensor:
    """Log of the determinant of each (batch of) square matrix ``x`` ``(..., n, n)``.

    Meant for Hermitian positive definite matrices; computed as ``log |det x|`` (through
    ``slogdet``), as Keras's NumPy and JAX backends do.

    >>> from ember import keras
    >>> round(float(keras.ops.logdet([[2.0, 1.0], [1.0, 3.0]])), 5)
    1.60944
    """
    x = _f(x)
    s = _shape(x)
    if len(s) < 2 or s[-1] != s[-2]:
        raise ValueError(f"keras.ops.logdet: `x` must be a square matrix or a batch of them "
                         f"(shape (..., n, n)); got shape {s}")
    return ember.linalg.slogdet(x)[1]


# ---- complex views ---------------------------------------------------------------------------------
@keras_op
def view_as_complex(x: Any) -> ember.Tensor:
    """The complex64 tensor ``x[..., 0] + 1j * x[..., 1]`` from a real ``(..., 2)`` tensor.

    >>> from ember import keras
    >>> keras.ops.view_as_complex([[1.0, 2.0], [3.0, 4.0]]).numpy().tolist()
    [(1+2j), (3+4j)]
    """
    x = _t(x)
    if x.ndim < 1 or _shape(x)[-1] != 2:
        raise ValueError(f"keras.ops.view_as_complex: Last dimension of input must be size 2 "
                         f"(real and imaginary). Received shape: {_shape(x)}")
    if x.dtype.is_complex:
        raise TypeError(f"keras.ops.view_as_complex: expects a real tensor; got "
                        f"{x.dtype.name}")
    x = _f(x)
    return _spectral.complex_from_parts(x[..., 0], x[..., 1], dtype="complex64")


@keras_op
def view_as_real(x: Any) -> ember.Tensor:
    """A real ``(..., 2)`` tensor holding the real and imaginary parts of ``x``.

    complex64 gives float32, complex128 float64; a real ``x`` gets a zero imaginary part.

    >>> from ember import keras
    >>> import numpy as np
    >>> keras.ops.view_as_real(np.array([1 + 2j, 3 + 4j], "complex64")).numpy().tolist()
    [[1.0, 2.0], [3.0, 4.0]]
    """
    x = _t(x)
    real, imag = _spectral.complex_parts(x)
    return ember.stack([real, imag], axis=-1)

