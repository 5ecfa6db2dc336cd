"""keras.layers.RepeatVector: ``(batch, features)`` -> ``(batch, n, features)``."""
from __future__ import annotations

from typing import Any

import ember

from ...models.layer import Layer


class RepeatVector(Layer):
    """Repeats each 2-D sample ``n`` times along a new axis 1.

    >>> from ember import keras
    >>> keras.layers.RepeatVector(3)(ember.ones((2, 32))).shape
    TensorShape([2, 3, 32])
    """

    def __init__(self, n: int, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(n, int) or isinstance(n, bool):
            raise TypeError(f"Expected an integer value for `n`, got {type(n)}.")
        if n <= 0:
            raise ValueError(f"Argument `n` should be a positive integer. Received: n={n}")
        self.n = n

    def _check_rank(self, shape: tuple) -> None:
        if len(shape) != 2:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the "
                             f"layer: expected ndim=2, found ndim={len(shape)}. Full shape "
                             f"received: {tuple(shape)}")

    def build(self, input_shape):
        self._check_rank(tuple(input_shape))
        self.built = True

    def call(self, inputs):
        self._check_rank(tuple(inputs.shape))
        batch, features = tuple(inputs.shape)
        return ember.broadcast_to(ember.expand_dims(inputs, 1), (batch, self.n, features))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self) -> dict:
        config = super().get_config()
        config["n"] = self.n
        return config
