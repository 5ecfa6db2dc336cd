"""Argument checks and output-shape arithmetic shared by the convolution and pooling layers.

Each function restates Keras 3's rule (``standardize_tuple``, ``standardize_padding``,
``compute_conv_output_shape``, ``compute_conv_transpose_output_shape``) with its wording.
"""
from __future__ import annotations

from typing import Any

import numpy as np

import ember


def standardize_tuple(value: Any, n: int, name: str, allow_zero: bool = False) -> tuple:
    """``value`` (an int or ``n`` ints) as a tuple of ``n`` positive (or, with
    ``allow_zero``, non-negative) ints.

    >>> standardize_tuple(3, 2, "kernel_size")
    (3, 3)
    """
    message = f"The `{name}` argument must be a tuple of {n} integers. Received {name}={value}"
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        values = (int(value),) * n
    else:
        try:
            values = tuple(value)
        except TypeError:
            raise ValueError(message) from None
        if len(values) != n:
            raise ValueError(message)
        try:
            values = tuple(int(v) for v in values)
        except (TypeError, ValueError):
            raise ValueError(message) from None
    bad = {v for v in values if (v < 0 if allow_zero else v <= 0)}
    if bad:
        raise ValueError(f"{message}, including values {bad} that do not satisfy "
                         f"`value {'>= 0' if allow_zero else '> 0'}`")
    return values


def standardize_padding(value: Any, allow_causal: bool = False) -> str:
    """``"valid"`` or ``"same"`` (or ``"causal"`` where allowed), case-insensitive.

    >>> standardize_padding("SAME")
    'same'
    """
    allowed = ("valid", "same", "causal") if allow_causal else ("valid", "same")
    if not isinstance(value, str) or value.lower() not in allowed:
        raise ValueError(f"The `padding` argument must be one of {set(allowed)}. "
                         f"Received: {value}")
    return value.lower()


def channel_axis(data_format: str) -> int:
    """The channel axis of a ``data_format``: -1 (channels_last) or 1 (channels_first)."""
    return -1 if data_format == "channels_last" else 1


def input_channels(layer: Any, input_shape: Any) -> int:
    """The channel count of ``input_shape`` for ``layer``; an error naming the layer if it
    is unknown or the input has the wrong rank."""
    shape = tuple(input_shape)
    want = layer.rank + 2
    if len(shape) != want:
        raise ValueError(f"Input 0 of layer \"{layer.name}\" ({type(layer).__name__}) is "
                         f"incompatible with the layer: expected ndim={want}, found "
                         f"ndim={len(shape)}. Full shape received: {shape}")
    axis = channel_axis(layer.data_format)
    channels = shape[axis]
    if channels is None:
        raise ValueError(f"The channel dimension of the inputs of layer \"{layer.name}\" "
                         f"({type(layer).__name__}) should be defined. The input_shape "
                         f"received is {shape}, where axis {axis} is the channel dimension "
                         f"(data_format={layer.data_format!r}), which was found to be "
                         "`None`.")
    return int(channels)


def spatial_dims(input_shape: Any, data_format: str) -> tuple:
    shape = tuple(input_shape)
    return shape[1:-1] if data_format == "channels_last" else shape[2:]


def assemble_shape(input_shape: Any, spatial: tuple, channels: Any, data_format: str) -> tuple:
    """(batch, *spatial, channels) or (batch, channels, *spatial)."""
    batch = next(iter(input_shape))
    if data_format == "channels_last":
        return (batch,) + tuple(spatial) + (channels,)
    return (batch, channels) + tuple(spatial)


def conv_output_shape(layer: Any, input_shape: Any, channels_out: Any) -> tuple:
    """Keras's ``compute_conv_output_shape`` for a conv-like ``layer`` (``rank``,
    ``kernel_size``, ``strides``, ``padding``, ``dilation_rate``, ``data_format``)."""
    shape = tuple(input_shape)
    if len(shape) != layer.rank + 2:
        kernel_shape = tuple(layer.kernel_size) + (
            shape[channel_axis(layer.data_format)] if shape else None, channels_out)
        raise ValueError(f"Kernel shape must have the same length as input, but received "
                         f"kernel of shape {kernel_shape} and input of shape {shape} "
                         f"(layer \"{layer.name}\", {type(layer).__name__}).")
    out = []
    for size, k, s, d in zip(spatial_dims(shape, layer.data_format), layer.kernel_size,
                             layer.strides, layer.dilation_rate):
        if size is None:
            out.append(None)
        elif layer.padding == "valid":
            n = (size - d * (k - 1) - 1) // s + 1
            if n <= 0:
                raise ValueError(
                    f"Computed output size would be zero or negative. Received `inputs "
                    f"shape={shape}`, `kernel shape={tuple(layer.kernel_size)}`, "
                    f"`dilation_rate={tuple(layer.dilation_rate)}`, "
                    f"`strides={tuple(layer.strides)}`, `padding={layer.padding}` "
                    f"(layer \"{layer.name}\", {type(layer).__name__}).")
            out.append(n)
        else:                                   # "same" and "causal"
            out.append((size - 1) // s + 1)
    return assemble_shape(shape, tuple(out), channels_out, layer.data_format)


def transpose_output_size(size: Any, k: int, s: int, d: int, padding: str,
                          output_padding: int | None) -> Any:
    """One spatial length of a transposed convolution's output (Keras's TF-padding rule)."""
    if size is None:
        return None
    eff = (k - 1) * d + 1
    if padding == "valid":
        extra = max(eff, s) - eff if output_padding is None else output_padding
        return (size - 1) * s + eff + extra
    if output_padding is None:
        return size * s
    return (size - 1) * s + eff % 2 + output_padding


def cast_like(weight: Any, x: Any):
    """``weight`` in the dtype of ``x`` (mixed precision: float32 weights, float16 data)."""
    if weight.dtype != x.dtype:
        return ember.cast(weight, x.dtype)
    return weight


def add_bias(layer: Any, outputs: Any, bias: Any):
    """``outputs + bias`` along the channel axis of ``layer.data_format``."""
    bias = cast_like(bias, outputs)
    if layer.data_format == "channels_last":
        return outputs + bias
    return outputs + ember.reshape(bias, (-1,) + (1,) * layer.rank)
