"""keras.layers.Permute: reorder the non-batch axes (numbered from 1)."""
from __future__ import annotations

from typing import Any

import ember

from ...models.keras_tensor import KerasTensor
from ...models.layer import Layer
from .reshape import spec_dtype


class Permute(Layer):
    """Permutes the axes of each sample; ``dims=(2, 1)`` swaps axes 1 and 2.

    >>> from ember import keras
    >>> keras.layers.Permute((2, 1))(ember.ones((4, 10, 64))).shape
    TensorShape([4, 64, 10])
    """

    def __init__(self, dims: Any, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError("Invalid permutation argument `dims` for Permute Layer. The "
                             "set of indices in `dims` must be consecutive and start from "
                             f"1. Received dims={dims}")

    def _check_rank(self, shape: tuple) -> None:
        if len(shape) != len(self.dims) + 1:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the "
                             f"layer: expected ndim={len(self.dims) + 1}, found "
                             f"ndim={len(shape)}. Full shape received: {tuple(shape)}")

    def build(self, input_shape):
        self._check_rank(tuple(input_shape))
        self.built = True

    def call(self, inputs):
        self._check_rank(tuple(inputs.shape))
        return ember.transpose(inputs, (0,) + self.dims)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        self._check_rank(tuple(input_shape))
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def compute_output_spec(self, inputs: KerasTensor) -> KerasTensor:
        return KerasTensor(self.compute_output_shape(inputs.shape), spec_dtype(self, inputs))

    def get_config(self) -> dict:
        config = super().get_config()
        config["dims"] = self.dims
        return config
