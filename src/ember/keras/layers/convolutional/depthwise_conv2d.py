"""keras.layers.DepthwiseConv2D: a separate 2-D convolution for every input channel."""
from __future__ import annotations

from typing import Any

from .base_depthwise_conv import BaseDepthwiseConv


class DepthwiseConv2D(BaseDepthwiseConv):
    """Depthwise 2-D convolution; kernel ``(kh, kw, channels, depth_multiplier)``, output
    channels ``channels * depth_multiplier``.

    >>> import ember
    >>> from ember import keras
    >>> keras.layers.DepthwiseConv2D(3, padding="same")(ember.ones((1, 5, 5, 4))).shape
    TensorShape([1, 5, 5, 4])
    """

    def __init__(self, kernel_size: Any, strides: Any = (1, 1), padding: str = "valid",
                 depth_multiplier: int = 1, data_format: str | None = None,
                 dilation_rate: Any = (1, 1), activation: Any = None, use_bias: bool = True,
                 depthwise_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", depthwise_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None,
                 depthwise_constraint: Any = None, bias_constraint: Any = None, **kwargs):
        super().__init__(rank=2, depth_multiplier=depth_multiplier, kernel_size=kernel_size,
                         strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation,
                         use_bias=use_bias, depthwise_initializer=depthwise_initializer,
                         bias_initializer=bias_initializer,
                         depthwise_regularizer=depthwise_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         depthwise_constraint=depthwise_constraint,
                         bias_constraint=bias_constraint, **kwargs)
