"""keras.layers.ELU: ``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` otherwise."""
from __future__ import annotations

import ember

from ...models.layer import Layer


class ELU(Layer):
    """Exponential linear unit with slope ``alpha`` on the negative side.

    >>> from ember import keras
    >>> round(float(keras.layers.ELU(alpha=2.0)(ember.constant([-1.0]))[0]), 4)
    -1.2642
    """

    def __init__(self, alpha: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        # expm1 of min(x, 0): the unused branch of `where` never overflows, so its
        # gradient stays finite for large positive x.
        negative = self.alpha * ember.math.expm1(ember.minimum(inputs, 0.0))
        return ember.where(inputs > 0, inputs, negative)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config["alpha"] = self.alpha
        return config
