"""Convolution and pooling ops of ``keras.ops.nn``, over Ember's convolution primitives:
``conv``, ``depthwise_conv``, ``separable_conv``, ``conv_transpose``, ``max_pool``,
``average_pool``, the adaptive pools, ``depth_to_space`` / ``space_to_depth`` and
``unfold`` / ``fold`` (im2col / col2im).

Shapes follow Keras: inputs are ``(batch,) + spatial + (channels,)`` for
``data_format="channels_last"`` (the default from ``keras.config.image_data_format()``)
or ``(batch, channels) + spatial``; kernels are ``spatial + (in_channels, out_channels)``.

>>> import numpy as np
>>> from ember.keras.ops import nn_conv
>>> nn_conv.conv(np.ones((1, 5, 5, 2), "float32"), np.ones((3, 3, 2, 4), "float32")).shape
TensorShape([1, 3, 3, 4])
"""
from __future__ import annotations

import functools
from typing import Any

import numpy as np

import ember

from .. import config as _config
from ..layers.convolutional.conv_args import transpose_output_size
from ._dispatch import float_result as _float_result
from ._dispatch import keras_op
from ._dispatch import t as _t

__all__ = [
    "adaptive_average_pool",
    "adaptive_max_pool",
    "average_pool",
    "conv",
    "conv_transpose",
    "depth_to_space",
    "depthwise_conv",
    "fold",
    "max_pool",
    "separable_conv",
    "space_to_depth",
    "unfold",
]


# =========================================================================================
# Argument checks
# =========================================================================================
def _tuple(value: Any, n: int, what: str, op: str, minimum: int = 1) -> tuple:
    """An int or a sequence of ``n`` ints as a tuple of ``n`` ints (each >= ``minimum``)."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        vals = (int(value),) * n
    else:
        try:
            vals = tuple(int(v) for v in value)
        except (TypeError, ValueError):
            raise ValueError(f"keras.ops.{op}: `{what}` must be an int or a tuple/list of "
                             f"{n} ints. Received: {what}={value!r}") from None
        if len(vals) != n:
            raise ValueError(f"keras.ops.{op}: `{what}` must be an int or a tuple/list of "
                             f"{n} ints for {n}-D spatial inputs. Received: "
                             f"{what}={value!r}")
    if any(v < minimum for v in vals):
        raise ValueError(f"keras.ops.{op}: `{what}` values must be >= {minimum}. Received: "
                         f"{what}={value!r}")
    return vals


def _padding(padding: Any, op: str) -> str:
    mode = padding.lower() if isinstance(padding, str) else padding
    if mode not in ("valid", "same"):
        raise ValueError(f"keras.ops.{op}: Invalid padding '{padding}', must be 'same' or "
                         "'valid'.")
    return mode


def _spatial_rank(x: ember.Tensor, op: str, what: str = "inputs") -> int:
    n = x.ndim - 2
    if n not in (1, 2, 3):
        raise ValueError(f"keras.ops.{op}: `{what}` must have rank 3, 4 or 5 (batch, 1-3 "
                         f"spatial dimensions, channels). Received: {what}.shape="
                         f"{tuple(x.shape)}")
    return n


def _floats(*values: Any) -> tuple:
    """The operands in one floating dtype (integers give float32)."""
    values = [_t(v) for v in values]
    dtype = _float_result(*values)
    return tuple(ember.cast(v, dtype) for v in values)


def _bf16_as_f32(fn):
    """Run a convolution op on bfloat16 operands in float32 and return bfloat16, as Keras
    does (Ember's convolutions compute bfloat16 through NumPy's einsum, which has none)."""
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        values = [a for a in list(args) + list(kwargs.values()) if hasattr(a, "dtype")]
        if not any(ember.as_dtype(a.dtype).name == "bfloat16" for a in values):
            return fn(*args, **kwargs)
        up = lambda a: _t(a, "float32") if hasattr(a, "dtype") and \
            ember.as_dtype(a.dtype).is_floating else a  # noqa: E731
        out = fn(*[up(a) for a in args], **{k: up(v) for k, v in kwargs.items()})
        return _t(out, "bfloat16") if _float_result(*[_t(a) for a in values]) == "bfloat16" \
            else out
    return wrapper


def _channels(x: ember.Tensor, data_format: str) -> int:
    return x.shape[1] if data_format == "channels_first" else x.shape[-1]


def _spatial(x: ember.Tensor, data_format: str) -> tuple:
    return tuple(x.shape[2:]) if data_format == "channels_first" else tuple(x.shape[1:-1])


def _check_window(op: str, x: ember.Tensor, data_format: str, window: tuple, dilation: tuple,
                  padding: str, what: str = "kernel") -> None:
    """Keras's error for a 'valid' window larger than the input (an empty output)."""
    if padding != "valid":
        return
    for size, k, d in zip(_spatial(x, data_format), window, dilation):
        if size < (k - 1) * d + 1:
            raise ValueError(f"keras.ops.{op}: the operation resulted in an empty output: the "
                             f"{what} window {window} (dilation {dilation}) is larger than "
                             f"the input's spatial shape {_spatial(x, data_format)} (inputs "
                             f"shape {tuple(x.shape)}, padding='valid').")


# =========================================================================================
# Pooling
# =========================================================================================
def _pool(kind: str, op: str, inputs: Any, pool_size: Any, strides: Any, padding: Any,
          data_format: Any) -> ember.Tensor:
    data_format = _config.standardize_data_format(data_format)
    padding = _padding(padding, op)
    x = _t(inputs)
    if kind == "AVG" and not x.dtype.is_floating:
        x = ember.cast(x, "float32")
    elif x.dtype.name == "bool":
        x = ember.cast(x, "int32")
    n = _spatial_rank(x, op)
    pool_size = _tuple(pool_size, n, "pool_size", op)
    strides = pool_size if strides is None else _tuple(strides, n, "strides", op)
    _check_window(op, x, data_format, pool_size, (1,) * n, padding, "pool")
    fn = ember.nn.max_pool if kind == "MAX" else ember.nn.avg_pool
    return fn(x, list(pool_size), list(strides), padding.upper(), data_format=data_format)


@keras_op
def max_pool(inputs: Any, pool_size: Any, strides: Any = None, padding: str = "valid",
             data_format: str | None = None) -> ember.Tensor:
    """Max pooling over the 1-3 spatial dimensions of ``inputs``; ``strides`` defaults to
    ``pool_size``, ``padding`` is ``"valid"`` or ``"same"``.

    >>> import numpy as np
    >>> from ember.keras.ops import nn_conv
    >>> x = np.arange(16, dtype="float32").reshape(1, 4, 4, 1)
    >>> nn_conv.max_pool(x, 2).numpy()[0, :, :, 0].tolist()
    [[5.0, 7.0], [13.0, 15.0]]
    """
    return _pool("MAX", "max_pool", inputs, pool_size, strides, padding, data_format)


@keras_op
def average_pool(inputs: Any, pool_size: Any, strides: Any = None, padding: str = "valid",
                 data_format: str | None = None) -> ember.Tensor:
    """Average pooling over the 1-3 spatial dimensions of ``inputs``; with ``"same"``
    padding each window averages only the elements inside the input.

    >>> import numpy as np
    >>> from ember.keras.ops import nn_conv
    >>> x = np.arange(16, dtype="float32").reshape(1, 4, 4, 1)
    >>> nn_conv.average_pool(x, 2).numpy()[0, :, :, 0].tolist()
    [[2.5, 4.5], [10.5, 12.5]]
    """
    return _pool("AVG", "average_pool", inputs, pool_size, strides, padding, data_format)


def _adaptive(mode: str, op: str, inputs: Any, output_size: Any,
              data_format: Any) -> ember.Tensor:
    data_format = _config.standardize_data_format(data_format)
    x = _t(inputs)
    if mode == "average" and not x.dtype.is_floating:
        x = ember.cast(x, "float32")
    elif x.dtype.name == "bool":
        x = ember.cast(x, "int32")
    n = _spatial_rank(x, op)
    out_sizes = _tuple(output_size, n, "output_size", op)
    first = 2 if data_format == "channels_first" else 1
    for i, out in enumerate(out_sizes):
        ax = first + i
        length = x.shape[ax]
        if length < 1:
            raise ValueError(f"keras.ops.{op}: cannot pool an empty spatial dimension; "
                             f"inputs shape {tuple(x.shape)}")
        # Window i covers [floor(i L / out), ceil((i + 1) L / out)), as in PyTorch / Keras.
        pos = np.arange(out)
        starts = (pos * length) // out
        ends = -((-(pos + 1) * length) // out)
        sizes = ends - starts
        width = int(sizes.max())
        taps = np.arange(width)
        idx = np.minimum(starts[:, None] + taps[None, :], ends[:, None] - 1).astype(np.int32)
        windows = ember.gather(x, idx, axis=ax)          # ..., out, width, ...
        if mode == "max":
            x = ember.reduce_max(windows, axis=ax + 1)   # repeated taps cannot change a max
        else:
            w = (taps[None, :] < sizes[:, None]) / sizes[:, None]
            shape = [1] * windows.ndim
            shape[ax], shape[ax + 1] = out, width
            weights = ember.cast(w.reshape(shape), x.dtype)
            x = ember.reduce_sum(windows * weights, axis=ax + 1)
    return x


@keras_op
def adaptive_max_pool(inputs: Any, output_size: Any,
                      data_format: str | None = None) -> ember.Tensor:
    """Max pooling to a fixed spatial ``output_size`` (int or tuple): output position ``i``
    of a length-``L`` axis pools ``[floor(i L / out), ceil((i + 1) L / out))``.

    >>> import numpy as np
    >>> from ember.keras.ops import nn_conv
    >>> x = np.arange(5, dtype="float32").reshape(1, 5, 1)
    >>> nn_conv.adaptive_max_pool(x, 2).numpy().ravel().tolist()
    [2.0, 4.0]
    """
    return _adaptive("max", "adaptive_max_pool", inputs, output_size, data_format)


@keras_op
def adaptive_average_pool(inputs: Any, output_size: Any,
                          data_format: str | None = None) -> ember.Tensor:
    """Average pooling to a fixed spatial ``output_size`` (int or tuple), with the windows
    of ``adaptive_max_pool``.

    >>> import numpy as np
    >>> from ember.keras.ops import nn_conv
    >>> x = np.arange(5, dtype="float32").reshape(1, 5, 1)
    >>> nn_conv.adaptive_average_pool(x, 2).numpy().ravel().tolist()
    [1.0, 3.0]
    """
    return _adaptive("average", "adaptive_average_pool", inputs, output_size, data_format)


# =========================================================================================
# Convolutions
# =========================================================================================
def _conv_args(op: str, x: ember.Tensor, kernel: ember.Tensor, strides: Any, padding: Any,
               data_format: Any, dilation_rate: Any) -> tuple:
    data_format = _config.standardize_data_format(data_format)
    padding = _padding(padding, op)
    n = _spatial_rank(x, op)
    if kernel.ndim != x.ndim:
        raise ValueError(f"keras.ops.{op}: `kernel` must have rank {x.ndim} (kernel spatial "
                         f"shape + (in_channels, out_channels)) for inputs of shape "
                         f"{tuple(x.shape)}. Received: kernel.shape={tuple(kernel.shape)}")
    strides = _tuple(strides, n, "strides", op)
    dilation = _tuple(dilation_rate, n, "dilation_rate", op)
    return data_format, padding, n, strides, dilation


@keras_op
@_bf16_as_f32
def conv(inputs: Any, kernel: Any, strides: Any = 1, padding: str = "valid",
         data_format: str | None = None, dilation_rate: Any = 1) -> ember.Tensor:
    """N-D convolution (1-3 spatial dims) of ``inputs`` with ``kernel`` of shape
    ``kernel_spatial + (in_channels, out_channels)``. An input channel count that is a
    multiple of ``in_channels`` gives a grouped convolution.

    >>> import numpy as np
    >>> from ember.keras.ops import nn_conv
    >>> x = np.ones((1, 4, 4, 1), "float32"); k = np.ones((2, 2, 1, 1), "float32")
    >>> nn_conv.conv(x, k, padding="same").numpy()[0, :, :, 0].tolist()[-1]
    [2.0, 2.0, 2.0, 1.0]
    """
    x, w = _floats(inputs, kernel)
    data_format, padding, n, strides, dilation = _conv_args(
        "conv", x, w, strides, padding, data_format, dilation_rate)
    channels, k_in = _channels(x, data_format), w.shape[-2]
    if k_in < 1 or channels % k_in != 0:
        raise ValueError("keras.ops.conv: The number of input channels must be evenly "
                         "divisible by kernel's in_channels. Received input channels "
                         f"{channels} and kernel in_channels {k_in} (inputs shape "
                         f"{tuple(x.shape)}, kernel shape {tuple(w.shape)}).")
    groups = channels // k_in
    if w.shape[-1] % groups != 0:
        raise ValueError(f"keras.ops.conv: with {groups} groups (input channels {channels} / "
                         f"kernel in_channels {k_in}) the kernel's out_channels "
                         f"{w.shape[-1]} must be a multiple of {groups}.")
    _check_window("conv", x, data_format, tuple(w.shape[:n]), dilation, padding)
    return ember.nn.convolution(x, w, strides=list(strides), padding=padding.upper(),
                                data_format=data_format, dilations=list(dilation))


def _check_same_channels(op: str, x: ember.Tensor, kernel: ember.Tensor, data_format: str,
                         k_axis: int = -2) -> None:
    channels, k_in = _channels(x, data_format), kernel.shape[k_axis]
    if channels != k_in:
        raise ValueError(f"keras.ops.{op}: The number of input channels must match the "
                         f"kernel's input channels. Received: input channels={channels}, "
                         f"kernel input channels={k_in}, data_format='{data_format}'.")


def _depthwise(op, x, w, strides, padding, data_format, dilation):
    n = x.ndim - 2
    c, mult = w.shape[-2], w.shape[-1]
    flat = ember.reshape(w, list(w.shape[:n]) + [1, c * mult])   # groups = c
    _check_window(op, x, data_format, tuple(w.shape[:n]), dilation, padding)
    return ember.nn.convolution(x, flat, strides=list(strides), padding=padding.upper(),
                                data_format=data_format, dilations=list(dilation))


@keras_op
@_bf16_as_f32
def depthwise_conv(inputs: Any, kernel: Any, strides: Any = 1, padding: str = "valid",
                   data_format: str | None = None, dilation_rate: Any = 1) -> ember.Tensor:
    """Depthwise N-D convolution: each input channel ``c`` convolved with its own
    ``kernel[..., c, :]`` (``kernel_spatial + (in_channels, multiplier)``), output channel
    ``c * multiplier + m``.

    >>> import numpy as np
    >>> from ember.keras.ops import nn_conv
    >>> x = np.ones((1, 5, 5, 3), "float32"); k = np.ones((3, 3, 3, 2), "float32")
    >>> nn_conv.depthwise_conv(x, k).shape
    TensorShape([1, 3, 3, 6])
    """
    x, w = _floats(inputs, kernel)
    data_format, padding, _n, strides, dilation = _conv_args(
        "depthwise_conv", x, w, strides, padding, data_format, dilation_rate)
    _check_same_channels("depthwise_conv", x, w, data_format)
    return _depthwise("depthwise_conv", x, w, strides, padding, data_format, dilation)


@keras_op
@_bf16_as_f32
def separable_conv(inputs: Any, depthwise_kernel: Any, pointwise_kernel: Any, strides: Any = 1,
                   padding: str = "valid", data_format: str | None = None,
                   dilation_rate: Any = 1) -> ember.Tensor:
    """A depthwise convolution followed by a pointwise (1x1) one; ``pointwise_kernel`` is
    ``(1,) * N + (in_channels * multiplier, out_channels)``.

    >>> import numpy as np
    >>> from ember.keras.ops import nn_conv
    >>> x = np.ones((1, 5, 5, 3), "float32")
    >>> dw = np.ones((3, 3, 3, 2), "float32"); pw = np.ones((1, 1, 6, 4), "float32")
    >>> nn_conv.separable_conv(x, dw, pw).shape
    TensorShape([1, 3, 3, 4])
    """
    x, dw, pw = _floats(inputs, depthwise_kernel, pointwise_kernel)
    op = "separable_conv"
    data_format, padding, n, strides, dilation = _conv_args(
        op, x, dw, strides, padding, data_format, dilation_rate)
    _check_same_channels(op, x, dw, data_format)
    if pw.ndim != x.ndim or tuple(pw.shape[:n]) != (1,) * n or \
            pw.shape[-2] != dw.shape[-2] * dw.shape[-1]:
        raise ValueError(f"keras.ops.{op}: `pointwise_kernel` must have shape "
                         f"{(1,) * n + (dw.shape[-2] * dw.shape[-1], 'out_channels')} for a "
                         f"depthwise kernel of shape {tuple(dw.shape)}. Received: "
                         f"pointwise_kernel.shape={tuple(pw.shape)}")
    h = _depthwise(op, x, dw, strides, padding, data_format, dilation)
    return ember.nn.convolution(h, pw, strides=1, padding="VALID", data_format=data_format)


def _transpose_pads(k: int, s: int, d: int, padding: str, output_padding: Any) -> tuple:
    """Keras's (left, right) padding of the stride-dilated input for one spatial axis."""
    eff = (k - 1) * d + 1
    if padding == "valid":
        extra = max(eff, s) - eff if output_padding is None else output_padding
        return eff - 1, eff - 1 + extra
    if output_padding is None:
        total = s + eff - 2
    else:
        total = eff + eff % 2 - 2 + output_padding
    left = min(total // 2 + total % 2, eff - 1)
    return left, total - left


@keras_op
@_bf16_as_f32
def conv_transpose(inputs: Any, kernel: Any, strides: Any = 1, padding: str = "valid",
                   output_padding: Any = None, data_format: str | None = None,
                   dilation_rate: Any = 1) -> ember.Tensor:
    """Transposed N-D convolution (the gradient of ``conv`` with respect to its input);
    ``kernel`` is ``kernel_spatial + (out_channels, in_channels)``. Each spatial size is
    ``(size - 1) * stride + max(k, stride)`` for ``"valid"`` and ``size * stride`` for
    ``"same"``, unless ``output_padding`` (an int or one per axis) fixes it.

    >>> import numpy as np
    >>> from ember.keras.ops import nn_conv
    >>> x = np.ones((1, 4, 4, 3), "float32"); k = np.ones((3, 3, 2, 3), "float32")
    >>> nn_conv.conv_transpose(x, k, strides=2, padding="same").shape
    TensorShape([1, 8, 8, 2])
    """
    op = "conv_transpose"
    x, w = _floats(inputs, kernel)
    data_format, padding, n, strides, dilation = _conv_args(
        op, x, w, strides, padding, data_format, dilation_rate)
    _check_same_channels(op, x, w, data_format, k_axis=-1)
    if output_padding is not None:
        output_padding = _tuple(output_padding, n, "output_padding", op, minimum=0)
    sizes, pads, crops = [], [], []
    for i, size in enumerate(_spatial(x, data_format)):
        k, s, d = w.shape[i], strides[i], dilation[i]
        eff = (k - 1) * d + 1
        left, right = _transpose_pads(k, s, d, padding,
                                      None if output_padding is None else output_padding[i])
        out = transpose_output_size(size, k, s, d, padding,
                                    None if output_padding is None else output_padding[i])
        if out < 1:
            raise ValueError(f"keras.ops.{op}: the output would be empty (spatial axis {i}: "
                             f"size {size}, kernel {k}, strides {s}, padding '{padding}', "
                             f"output_padding {output_padding}).")
        lo, hi = eff - 1 - left, eff - 1 - right
        # A negative ``hi`` means trailing output positions no kernel tap reaches: compute
        # the reachable part and zero-pad it afterwards.
        tail = max(-hi, 0)
        sizes.append(out - tail)
        pads.append([lo, max(hi, 0)])
        crops.append(tail)
    y = ember.nn.conv_transpose(x, w, sizes, strides=list(strides), padding=pads,
                                data_format=data_format, dilations=list(dilation))
    if any(crops):
        first = 2 if data_format == "channels_first" else 1
        spec = [[0, 0] for _ in range(y.ndim)]
        for i, tail in enumerate(crops):
            spec[first + i][1] = tail
        y = ember.pad(y, spec)
    return y


# =========================================================================================
# Rearrangements
# =========================================================================================
def _block_args(op: str, x: ember.Tensor, block_size: Any, data_format: Any) -> str:
    data_format = _config.standardize_data_format(data_format)
    if not isinstance(block_size, (int, np.integer)) or block_size < 2:
        raise ValueError(f"keras.ops.{op}: `block_size` must be at least 2. Received: "
                         f"block_size={block_size}")
    if x.ndim != 4:
        raise ValueError(f"keras.ops.{op}: `{op}` requires a 4D input tensor. Received: "
                         f"x.shape={tuple(x.shape)}")
    return data_format


@keras_op
def depth_to_space(x: Any, block_size: int,
                   data_format: str = "channels_last") -> ember.Tensor:
    """Pixel shuffle: ``(N, H, W, C * r^2)`` to ``(N, H * r, W * r, C)`` (or the
    channels-first equivalents), ``r = block_size``.

    >>> import numpy as np
    >>> from ember.keras.ops import nn_conv
    >>> nn_conv.depth_to_space(np.arange(12).reshape(1, 1, 1, 12), 2).shape
    TensorShape([1, 2, 2, 3])
    """
    x = _t(x)
    data_format = _block_args("depth_to_space", x, block_size, data_format)
    r = int(block_size)
    if data_format == "channels_last":
        n, h, w, c = x.shape
    else:
        n, c, h, w = x.shape
    if c % (r * r) != 0:
        raise ValueError(f"keras.ops.depth_to_space: The number of channels ({c}) must be "
                         f"divisible by block_size**2 ({r * r}).")
    nc = c // (r * r)
    if data_format == "channels_last":
        y = ember.reshape(x, [n, h, w, r, r, nc])
        y = ember.transpose(y, [0, 1, 3, 2, 4, 5])
        return ember.reshape(y, [n, h * r, w * r, nc])
    y = ember.reshape(x, [n, nc, r, r, h, w])
    y = ember.transpose(y, [0, 1, 4, 2, 5, 3])
    return ember.reshape(y, [n, nc, h * r, w * r])


@keras_op
def space_to_depth(x: Any, block_size: int,
                   data_format: str = "channels_last") -> ember.Tensor:
    """Pixel unshuffle, the inverse of ``depth_to_space``: ``(N, H * r, W * r, C)`` to
    ``(N, H, W, C * r^2)``.

    >>> import numpy as np
    >>> from ember.keras.ops import nn_conv
    >>> nn_conv.space_to_depth(np.arange(48).reshape(1, 4, 4, 3), 2).shape
    TensorShape([1, 2, 2, 12])
    """
    x = _t(x)
    data_format = _block_args("space_to_depth", x, block_size, data_format)
    r = int(block_size)
    if data_format == "channels_last":
        n, h, w, c = x.shape
    else:
        n, c, h, w = x.shape
    if h % r != 0 or w % r != 0:
        raise ValueError(f"keras.ops.space_to_depth: Height ({h}) and width ({w}) must be "
                         f"divisible by block_size ({r}).")
    nh, nw = h // r, w // r
    if data_format == "channels_last":
        y = ember.reshape(x, [n, nh, r, nw, r, c])
        y = ember.transpose(y, [0, 1, 3, 2, 4, 5])
        return ember.reshape(y, [n, nh, nw, c * r * r])
    y = ember.reshape(x, [n, c, nh, r, nw, r])
    y = ember.transpose(y, [0, 1, 3, 5, 2, 4])
    return ember.reshape(y, [n, c * r * r, nh, nw])


def _patch_args(op: str, kernel_size, dilation, padding, stride) -> tuple:
    k = _tuple(kernel_size, 2, "kernel_size", op)
    d = _tuple(dilation, 2, "dilation", op)
    p = _tuple(padding, 2, "padding", op, minimum=0)
    s = _tuple(stride, 2, "stride", op)
    return k, d, p, s


def _patch_index(hp: int, wp: int, k, d, s, op: str, what: str) -> tuple:
    """Flat positions in a padded (hp, wp) image: (kh * kw, L) for every tap and block."""
    nh = (hp - d[0] * (k[0] - 1) - 1) // s[0] + 1
    nw = (wp - d[1] * (k[1] - 1) - 1) // s[1] + 1
    if nh < 1 or nw < 1:
        raise ValueError(f"keras.ops.{op}: the kernel {k} (dilation {d}) does not fit the "
                         f"padded {what} of spatial shape {(hp, wp)}.")
    rows = (np.arange(k[0]) * d[0])[:, None, None, None] + \
        (np.arange(nh) * s[0])[None, None, :, None]
    cols = (np.arange(k[1]) * d[1])[None, :, None, None] + \
        (np.arange(nw) * s[1])[None, None, None, :]
    flat = (rows * wp + cols).reshape(k[0] * k[1], nh * nw)
    return flat.astype(np.int32), nh * nw


@keras_op
def unfold(x: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
           stride: Any = 1) -> ember.Tensor:
    """im2col: the sliding ``kernel_size`` blocks of a channels-first ``(N, C, H, W)``
    image as ``(N, C * kh * kw, L)``, ``L`` blocks in row-major order (``torch.unfold``).

    >>> import numpy as np
    >>> from ember.keras.ops import nn_conv
    >>> nn_conv.unfold(np.ones((1, 2, 4, 4), "float32"), kernel_size=2, stride=2).shape
    TensorShape([1, 8, 4])
    """
    x = _t(x)
    if x.ndim != 4:
        raise ValueError(f"keras.ops.unfold: Input must be a 4D tensor. Received: "
                         f"input.shape={tuple(x.shape)}")
    k, d, p, s = _patch_args("unfold", kernel_size, dilation, padding, stride)
    n, c, h, w = x.shape
    if p[0] or p[1]:
        x = ember.pad(x, [[0, 0], [0, 0], [p[0], p[0]], [p[1], p[1]]])
    hp, wp = h + 2 * p[0], w + 2 * p[1]
    idx, blocks = _patch_index(hp, wp, k, d, s, "unfold", "input")
    patches = ember.gather(ember.reshape(x, [n, c, hp * wp]), idx, axis=2)  # n, c, kk, L
    return ember.reshape(patches, [n, c * k[0] * k[1], blocks])


@keras_op
def fold(x: Any, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
         stride: Any = 1) -> ember.Tensor:
    """col2im, the adjoint of ``unfold``: sum the blocks of ``(N, C * kh * kw, L)`` into a
    channels-first ``(N, C) + output_size`` image (overlaps add up).

    >>> import numpy as np
    >>> from ember.keras.ops import nn_conv
    >>> patches = nn_conv.unfold(np.ones((1, 2, 4, 4), "float32"), kernel_size=2, stride=2)
    >>> nn_conv.fold(patches, output_size=(4, 4), kernel_size=2, stride=2).shape
    TensorShape([1, 2, 4, 4])
    """
    x = _t(x)
    if x.ndim != 3:
        raise ValueError(f"keras.ops.fold: Input must be a 3D tensor. Received: "
                         f"input.shape={tuple(x.shape)}")
    if x.dtype.name == "bool":
        x = ember.cast(x, "int32")
    k, d, p, s = _patch_args("fold", kernel_size, dilation, padding, stride)
    oh, ow = _tuple(output_size, 2, "output_size", "fold")
    n, ckk, length = x.shape
    kk = k[0] * k[1]
    if ckk % kk != 0:
        raise ValueError(f"keras.ops.fold: The second dimension of the input ({ckk}) must be "
                         f"divisible by kernel_size product ({kk}).")
    c = ckk // kk
    hp, wp = oh + 2 * p[0], ow + 2 * p[1]
    idx, blocks = _patch_index(hp, wp, k, d, s, "fold", "output")
    if length != blocks:
        raise ValueError(f"keras.ops.fold: the input has {length} blocks but output_size "
                         f"{(oh, ow)}, kernel_size {k}, dilation {d}, padding {p} and stride "
                         f"{s} give {blocks}; input shape {tuple(x.shape)}")
    cols = ember.transpose(ember.reshape(x, [n * c, kk * length]), [1, 0])  # kk*L, n*c
    out = ember.tensor_scatter_nd_add(ember.zeros([hp * wp, n * c], x.dtype),
                                      idx.reshape(-1, 1), cols)
    out = ember.reshape(ember.transpose(out, [1, 0]), [n, c, hp, wp])
    return out[:, :, p[0]:p[0] + oh, p[1]:p[1] + ow]
