"""keras.layers.AlphaDropout: dropout that keeps SELU's self-normalizing statistics."""
from __future__ import annotations

from typing import Any

import ember

from ...models.layer import Layer
from .dropout import _validate_noise_shape, check_floating, init_dropout, keep_mask

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
        init_dropout(self, rate, seed)
        self.noise_shape = noise_shape
        self._noise = _validate_noise_shape(noise_shape)

    def call(self, inputs, training=False):
        if not (training and self.rate > 0):
            return inputs
        check_floating(self, inputs)
        if self.rate >= 1:      # Keras divides by zero here; everything dropped: mean 0
            return ember.zeros_like(inputs)
        alpha_p = -_ALPHA * _SCALE
        kept = keep_mask(self, inputs, self._noise, "AlphaDropout")
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
