"""keras.layers.GaussianDropout: multiplies by 1-centred Gaussian noise while training."""
from __future__ import annotations

import math

import ember

from ...models.layer import Layer
from .dropout import check_floating, init_dropout


class GaussianDropout(Layer):
    """Multiplies inputs by noise from ``N(1, rate / (1 - rate))`` while training.

    >>> from ember import keras
    >>> layer = keras.layers.GaussianDropout(0.2, seed=3)
    >>> layer(ember.ones((2, 3)), training=True).shape
    TensorShape([2, 3])
    """

    def __init__(self, rate: float, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        init_dropout(self, rate, seed)

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            check_floating(self, inputs)
            if self.rate >= 1:
                raise ValueError(f"GaussianDropout layer '{self.name}': rate=1 gives noise "
                                 "of infinite standard deviation; use a rate below 1.")
            stddev = math.sqrt(self.rate / (1.0 - self.rate))
            noise = ember.random.stateless_normal(
                tuple(inputs.shape), seed=self.seed_generator.next(), mean=1.0,
                stddev=stddev, dtype=self.compute_dtype)
            return inputs * noise
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed})
        return config
