"""keras.layers.UnitNormalization: scale each sample to unit L2 norm over ``axis``."""
from __future__ import annotations

from typing import Any

import ember

from ...models.layer import Layer
from ..floating_inputs import as_floating


class UnitNormalization(Layer):
    """``x / max(||x||_2, 1e-12)`` with the norm taken over ``axis`` (int or list).

    >>> from ember import keras
    >>> keras.layers.UnitNormalization()(ember.constant([[3.0, 4.0]])).numpy()
    array([[0.6, 0.8]], dtype=float32)
    """

    def __init__(self, axis: Any = -1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError("Invalid value for `axis` argument: expected an int or a "
                            f"list/tuple of ints. Received: axis={axis}")
        self.supports_masking = True
        self.built = True

    def _check_axes(self, rank: int) -> None:
        for a in [self.axis] if isinstance(self.axis, int) else self.axis:
            if a >= rank or a < -rank:
                raise ValueError(f"Axis {self.axis} is out of bounds for input shape of "
                                 f"rank {rank}.")

    def call(self, inputs):
        self._check_axes(inputs.ndim)
        inputs = as_floating(inputs, self.compute_dtype)
        squares = ember.reduce_sum(ember.square(inputs), axis=self.axis, keepdims=True)
        return inputs * ember.math.rsqrt(ember.maximum(squares, 1e-24))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        self._check_axes(len(input_shape))
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config["axis"] = self.axis
        return config
