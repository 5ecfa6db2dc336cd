"""keras.layers.SeparableConv2D: depthwise 2-D convolution, then a 1x1 convolution."""
from __future__ import annotations

from typing import Any

from .base_separable_conv import BaseSeparableConv


class SeparableConv2D(BaseSeparableConv):
    """Separable 2-D convolution: ``depthwise_kernel`` ``(kh, kw, C, depth_multiplier)``
    per channel, then ``pointwise_kernel`` ``(1, 1, C * depth_multiplier, filters)``.

    >>> import ember
    >>> from ember import keras
    >>> keras.layers.SeparableConv2D(4, 3, padding="same")(ember.ones((1, 5, 5, 2))).shape
    TensorShape([1, 5, 5, 4])
    """

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1),
                 padding: str = "valid", data_format: str | None = None,
                 dilation_rate: Any = (1, 1), depth_multiplier: int = 1,
                 activation: Any = None, use_bias: bool = True,
                 depthwise_initializer: Any = "glorot_uniform",
                 pointwise_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", depthwise_regularizer: Any = None,
                 pointwise_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, depthwise_constraint: Any = None,
                 pointwise_constraint: Any = None, bias_constraint: Any = None, **kwargs):
        super().__init__(rank=2, depth_multiplier=depth_multiplier, filters=filters,
                         kernel_size=kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         activation=activation, use_bias=use_bias,
                         depthwise_initializer=depthwise_initializer,
                         pointwise_initializer=pointwise_initializer,
                         bias_initializer=bias_initializer,
                         depthwise_regularizer=depthwise_regularizer,
                         pointwise_regularizer=pointwise_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         depthwise_constraint=depthwise_constraint,
                         pointwise_constraint=pointwise_constraint,
                         bias_constraint=bias_constraint, **kwargs)
