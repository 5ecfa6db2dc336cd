"""keras.layers.SpatialDropout1D/2D/3D: dropout of whole feature maps (channels)."""
from __future__ import annotations

from typing import Any

import ember
from ember.ops.random import stateless_keep_mask

from ...config import standardize_data_format
from ..input_spec import InputSpec
from .dropout import Dropout, check_floating


class _SpatialDropout(Dropout):
    _RANK = 1

    def __init__(self, rate: float, data_format: str | None = None, seed: int | None = None,
                 name: str | None = None, dtype: Any = None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=self._RANK + 2)

    def _noise_shape(self, shape: tuple) -> tuple:
        ndim = self._RANK + 2
        if len(shape) != ndim:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the "
                             f"layer: expected ndim={ndim}, found ndim={len(shape)}. Full "
                             f"shape received: {tuple(shape)}")
        if self.data_format == "channels_first":
            return (shape[0], shape[1]) + (1,) * self._RANK
        return (shape[0],) + (1,) * self._RANK + (shape[-1],)

    def call(self, inputs, training=False):
        noise_shape = self._noise_shape(tuple(inputs.shape))
        if not (training and self.rate > 0):
            return inputs
        check_floating(self, inputs)
        if self.rate >= 1:
            return ember.zeros_like(inputs)
        keep = stateless_keep_mask(noise_shape, self.seed_generator.next(), self.rate,
                                   inputs.dtype)
        return inputs * (keep * (1.0 / (1.0 - self.rate)))

    def get_config(self) -> dict:
        config = {"rate": self.rate, "seed": self.seed, "name": self.name,
                  "dtype": self.dtype}
        if self._RANK > 1:
            config["data_format"] = self.data_format
        return config


class SpatialDropout1D(_SpatialDropout):
    """Drops whole channels of ``(batch, steps, channels)`` inputs while training (the
    same channels at every step), scaling the rest by ``1 / (1 - rate)``.

    >>> from ember import keras
    >>> layer = keras.layers.SpatialDropout1D(0.5, seed=1)
    >>> y = layer(ember.ones((2, 4, 3)), training=True).numpy()
    >>> bool((y == y[:, :1, :]).all())
    True
    """

    _RANK = 1

    def __init__(self, rate: float, seed: int | None = None, name: str | None = None,
                 dtype: Any = None):
        super().__init__(rate, None, seed=seed, name=name, dtype=dtype)


class SpatialDropout2D(_SpatialDropout):
    """Drops whole 2D feature maps (channels) of images while training.

    >>> from ember import keras
    >>> layer = keras.layers.SpatialDropout2D(0.5, seed=1)
    >>> y = layer(ember.ones((2, 3, 3, 4)), training=True).numpy()
    >>> bool((y == y[:, :1, :1, :]).all())
    True
    """

    _RANK = 2


class SpatialDropout3D(_SpatialDropout):
    """Drops whole 3D feature maps (channels) of volumes while training.

    >>> from ember import keras
    >>> keras.layers.SpatialDropout3D(0.5)(ember.ones((1, 2, 2, 2, 3))).shape
    TensorShape([1, 2, 2, 2, 3])
    """

    _RANK = 3
