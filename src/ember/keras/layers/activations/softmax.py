"""keras.layers.Softmax: softmax over one or more axes, with an optional mask."""
from __future__ import annotations

from typing import Any

import ember

from ... import activations
from ...models.layer import Layer


def _large_negative(dtype) -> float:
    """What masked logits become: -1e9, or -3e4 where float16 cannot hold -1e9."""
    return -3e4 if ember.as_dtype(dtype).name == "float16" else -1e9


class Softmax(Layer):
    """``exp(x - max(x)) / sum(exp(x - max(x)))`` along ``axis``.

    A ``mask`` (True or > 0.5 keeps a position; broadcastable to the inputs) sends the
    masked logits to a large negative number and zeroes them in the output.

    >>> from ember import keras
    >>> out = keras.layers.Softmax()(ember.constant([1.0, 2.0, 1.0]))
    >>> [round(v, 4) for v in out.numpy().tolist()]
    [0.2119, 0.5761, 0.2119]
    """

    def __init__(self, axis: Any = -1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True
        self.built = True

    def call(self, inputs, mask=None):
        if mask is not None:
            mask = self._check_mask(inputs, mask)
            inputs = ember.where(mask, inputs, _large_negative(inputs.dtype))
        if isinstance(self.axis, (list, tuple)) and len(self.axis) > 1:
            axes = list(self.axis)
            outputs = ember.exp(inputs - ember.reduce_logsumexp(inputs, axis=axes,
                                                                keepdims=True))
        else:
            axis = self.axis[0] if isinstance(self.axis, (list, tuple)) else self.axis
            outputs = activations.softmax(inputs, axis=axis)
        if mask is not None:
            # a fully masked axis would otherwise come out uniform
            outputs = ember.where(mask, outputs, ember.zeros_like(outputs))
        return outputs

    def _check_mask(self, inputs, mask):
        if not isinstance(mask, ember.Tensor):
            mask = ember.convert_to_tensor(mask)
        m_shape, i_shape = tuple(mask.shape), tuple(inputs.shape)
        if len(m_shape) > len(i_shape) or any(
                m not in (1, i) for m, i in zip(m_shape[::-1], i_shape[::-1])):
            raise ValueError("The `mask` must be broadcastable to `inputs`: each mask "
                             "dimension must be 1 or match the corresponding input "
                             "dimension, and it must not have more dimensions. Received: "
                             f"inputs.shape={i_shape}, mask.shape={m_shape}")
        if mask.dtype.name != "bool":
            mask = mask > 0.5
        return mask

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config["axis"] = self.axis
        return config
