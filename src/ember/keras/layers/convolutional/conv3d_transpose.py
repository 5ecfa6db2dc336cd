"""keras.layers.Conv3DTranspose: transposed 3-D convolution (upsampling)."""
from __future__ import annotations

from typing import Any

from .base_conv_transpose import BaseConvTranspose


class Conv3DTranspose(BaseConvTranspose):
    """Transposed 3-D convolution; kernel ``(kd, kh, kw, filters, channels)``.

    >>> import ember
    >>> from ember import keras
    >>> keras.layers.Conv3DTranspose(3, 2, strides=2)(ember.ones((1, 2, 4, 4, 8))).shape
    TensorShape([1, 4, 8, 8, 3])
    """

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1, 1),
                 padding: str = "valid", data_format: str | None = None,
                 output_padding: Any = None, dilation_rate: Any = (1, 1, 1),
                 activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None,
                 bias_constraint: Any = None, **kwargs):
        super().__init__(rank=3, filters=filters, kernel_size=kernel_size, strides=strides,
                         padding=padding, output_padding=output_padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint,
                         bias_constraint=bias_constraint, **kwargs)
