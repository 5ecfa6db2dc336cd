"""keras.layers.Conv3D: 3-D convolution over (depth, height, width)."""
from __future__ import annotations

from typing import Any

from .base_conv import BaseConv


class Conv3D(BaseConv):
    """3-D convolution layer; inputs ``(batch, depth, height, width, channels)`` (or channels
    first), kernel ``(kd, kh, kw, channels // groups, filters)``.

    >>> import ember
    >>> from ember import keras
    >>> keras.layers.Conv3D(4, 3)(ember.ones((2, 5, 6, 7, 1))).shape
    TensorShape([2, 3, 4, 5, 4])
    """

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1, 1),
                 padding: str = "valid", data_format: str | None = None,
                 dilation_rate: Any = (1, 1, 1), groups: int = 1, activation: Any = None,
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, bias_constraint: Any = None, **kwargs):
        super().__init__(rank=3, filters=filters, kernel_size=kernel_size, strides=strides,
                         padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, groups=groups, activation=activation,
                         use_bias=use_bias, kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint,
                         bias_constraint=bias_constraint, **kwargs)
