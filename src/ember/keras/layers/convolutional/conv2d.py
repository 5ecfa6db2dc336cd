"""keras.layers.Conv2D: 2-D convolution over (height, width)."""
from __future__ import annotations

from typing import Any

from .base_conv import BaseConv


class Conv2D(BaseConv):
    """2-D convolution layer; inputs ``(batch, height, width, channels)`` (or channels
    first), kernel ``(kh, kw, channels // groups, filters)``.

    >>> import ember
    >>> from ember import keras
    >>> keras.layers.Conv2D(32, 3, activation="relu")(ember.ones((4, 28, 28, 1))).shape
    TensorShape([4, 26, 26, 32])
    """

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1),
                 padding: str = "valid", data_format: str | None = None,
                 dilation_rate: Any = (1, 1), groups: int = 1, activation: Any = None,
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, bias_constraint: Any = None, **kwargs):
        super().__init__(rank=2, filters=filters, kernel_size=kernel_size, strides=strides,
                         padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, groups=groups, activation=activation,
                         use_bias=use_bias, kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint,
                         bias_constraint=bias_constraint, **kwargs)
