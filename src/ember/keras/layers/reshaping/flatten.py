"""keras.layers.Flatten: ``(batch, d1, d2, ...)`` -> ``(batch, d1 * d2 * ...)``."""
from __future__ import annotations

import math
from typing import Any

import ember

from ... import config as keras_config
from ...models.keras_tensor import KerasTensor
from ...models.layer import Layer
from .reshape import spec_dtype


class Flatten(Layer):
    """Flattens every axis but the batch axis; a ``(batch,)`` input becomes ``(batch, 1)``.

    With ``data_format="channels_first"`` the channel axis is moved last before
    flattening, so the element order matches a channels-last model.

    >>> from ember import keras
    >>> keras.layers.Flatten()(ember.ones((2, 3, 4))).shape
    TensorShape([2, 12])
    """

    def __init__(self, data_format: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = keras_config.standardize_data_format(data_format)

    def build(self, input_shape):
        if len(input_shape) < 1:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the "
                             f"layer: expected min_ndim=1, found ndim=0. Full shape "
                             f"received: {tuple(input_shape)}")
        self.built = True

    def call(self, inputs):
        rank = inputs.ndim
        if rank == 0:
            raise ValueError(f"Flatten layer '{self.name}' expects inputs with a batch "
                             f"axis (rank >= 1); got a scalar")
        if self.data_format == "channels_first" and rank > 2:
            inputs = ember.transpose(inputs, (0, *range(2, rank), 1))
        batch = inputs.shape[0]
        return ember.reshape(inputs, (batch, -1 if rank > 1 else 1))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        rest = tuple(input_shape[1:])
        if not rest:
            flat = 1
        elif any(d is None for d in rest):
            flat = None
        else:
            flat = math.prod(rest)
        return (input_shape[0], flat)

    def compute_output_spec(self, inputs: KerasTensor) -> KerasTensor:
        return KerasTensor(self.compute_output_shape(inputs.shape), spec_dtype(self, inputs))

    def get_config(self) -> dict:
        config = super().get_config()
        config["data_format"] = self.data_format
        return config
