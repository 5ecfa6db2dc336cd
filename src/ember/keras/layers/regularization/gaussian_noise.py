"""keras.layers.GaussianNoise: adds zero-mean Gaussian noise while training."""
from __future__ import annotations

import ember

from ...models.layer import Layer
from .dropout import check_floating, init_dropout


class GaussianNoise(Layer):
    """Adds noise drawn from ``N(0, stddev**2)`` while training; a no-op at inference.

    >>> from ember import keras
    >>> layer = keras.layers.GaussianNoise(0.1, seed=3)
    >>> layer(ember.ones((2, 3)), training=True).shape
    TensorShape([2, 3])
    """

    def __init__(self, stddev: float, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        init_dropout(self, stddev, seed, name="stddev")

    def call(self, inputs, training=False):
        if training and self.stddev > 0:
            check_floating(self, inputs)
            noise = ember.random.stateless_normal(
                tuple(inputs.shape), seed=self.seed_generator.next(), mean=0.0,
                stddev=self.stddev, dtype=self.compute_dtype)
            return inputs + noise
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"stddev": self.stddev, "seed": self.seed})
        return config
