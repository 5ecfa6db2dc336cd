"""keras.layers.LeakyReLU: ``x`` for ``x >= 0``, ``negative_slope * x`` below."""
from __future__ import annotations

import warnings

from ... import activations
from ...models.layer import Layer


class LeakyReLU(Layer):
    """A ReLU that lets ``negative_slope * x`` through for negative inputs.

    >>> import ember
    >>> from ember import keras
    >>> keras.layers.LeakyReLU(0.5)(ember.constant([-10.0, 0.0, 5.0])).numpy().tolist()
    [-5.0, 0.0, 5.0]
    """

    def __init__(self, negative_slope: float = 0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warnings.warn("Argument `alpha` is deprecated. Use `negative_slope` instead.",
                          stacklevel=2)
        super().__init__(**kwargs)
        if negative_slope is None or negative_slope < 0:
            raise ValueError("The negative_slope value of a Leaky ReLU layer cannot be None "
                             "or negative value. Expected a float. Received: "
                             f"negative_slope={negative_slope}")
        self.negative_slope = negative_slope
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return activations.leaky_relu(inputs, negative_slope=self.negative_slope)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config["negative_slope"] = self.negative_slope
        return config
