"""keras.layers.AlphaDropout: dropout that keeps SELU's self-normalizing statistics."""
from __future__ import annotations

from typing import Any

import ember

from ...models.layer import Layer
from .dropout import SeedStream, _validate_noise_shape

_ALPHA = 1.6732632423543772848170429916717
_SCALE = 1.0507009873554804934193349852946


class AlphaDropout(Layer):
    """While training, sets inputs to SELU's negative saturation value
    ``-alpha * scale`` with probability ``rate``, then applies the affine map
    ``a * x + b`` that restores the inputs' mean and variance; a no-op at inference.

    >>> from ember import keras
    >>> layer = keras.layers.AlphaDropout(0.2, seed=0)
    >>> layer(ember.ones((2, 3)), training=True).shape
    TensorShape([2, 3])
    """

    def __init__(self, rate: float, noise_shape: Any = None, seed: int | None = None,
                 **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate <= 1:
            raise ValueError("Invalid value received for argument `rate`. Expected a float "
                             f"value between 0 and 1. Received: rate={rate}")
        self.rate = rate
        self.seed = seed
        self.noise_shape = noise_shape
        self._noise = _validate_noise_shape(noise_shape)
        if rate > 0:
            self.seed_generator = SeedStream(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if not (training and self.rate > 0):
            return inputs
        if self.rate >= 1:      # Keras divides by zero here; everything dropped: mean 0
            return ember.zeros_like(inputs)
        shape = tuple(inputs.shape)
        if self._noise is not None:
            if len(self._noise) != len(shape):
                raise ValueError(f"AlphaDropout layer '{self.name}': noise_shape "
                                 f"{self._noise} must have the rank of the inputs, whose "
                                 f"shape is {shape}")
            shape = tuple(s if n is None else n for n, s in zip(self._noise, shape))
        alpha_p = -_ALPHA * _SCALE
        uniform = ember.random.stateless_uniform(shape, seed=self.seed_generator.next(),
                                                 dtype="float32")
        kept = ember.cast(uniform >= self.rate, inputs.dtype)
        a = ((1 - self.rate) * (1 + self.rate * alpha_p ** 2)) ** -0.5
        b = -a * alpha_p * self.rate
        x = inputs * kept + alpha_p * (1 - kept)
        return a * x + b

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed,
                       "noise_shape": self.noise_shape})
        return config
