"""keras.layers.Conv1D: 1-D (temporal) convolution, with "causal" padding."""
from __future__ import annotations

from typing import Any

from .base_conv import BaseConv


class Conv1D(BaseConv):
    """1-D convolution layer over ``(batch, steps, channels)`` (or channels first); the
    kernel is ``(kernel_size, channels // groups, filters)``.

    ``padding="causal"`` pads ``dilation_rate * (kernel_size - 1)`` zeros before the
    sequence, so output step ``t`` sees only input steps ``<= t``.

    >>> import ember
    >>> from ember import keras
    >>> keras.layers.Conv1D(4, 3, padding="causal")(ember.ones((2, 10, 3))).shape
    TensorShape([2, 10, 4])
    """

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1,
                 padding: str = "valid", data_format: str | None = None,
                 dilation_rate: Any = 1, groups: int = 1, activation: Any = None,
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, bias_constraint: Any = None, **kwargs):
        super().__init__(rank=1, filters=filters, kernel_size=kernel_size, strides=strides,
                         padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, groups=groups, activation=activation,
                         use_bias=use_bias, kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint,
                         bias_constraint=bias_constraint, **kwargs)

    def _padding_arg(self) -> Any:
        if self.padding == "causal":
            # explicit (before, after) zeros on the one spatial axis, then a valid conv
            return [(self.dilation_rate[0] * (self.kernel_size[0] - 1), 0)]
        return self.padding.upper()
