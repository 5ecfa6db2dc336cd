"""keras.layers.RandomTranslation: shift images by a random fraction of their size."""
from __future__ import annotations

from typing import Any

import ember

from . import image_ops
from .base_image_layer import AffineImageLayer, make_seed_stream
from .random_rotation import check_fill_and_interpolation
from .random_zoom import factor_range


def translation_matrix(translations: ember.Tensor) -> ember.Tensor:
    """``(batch, 8)`` transforms moving the content by ``translations`` (``(batch, 2)``:
    ``dx, dy`` in pixels; positive moves right/down).

    >>> translation_matrix(ember.constant([[2.0, -1.0]])).numpy().tolist()
    [[1.0, 0.0, -2.0, 0.0, 1.0, 1.0, 0.0, 0.0]]
    """
    dx, dy = translations[:, 0:1], translations[:, 1:2]
    zeros, ones = ember.zeros_like(dx), ember.ones_like(dx)
    return ember.concat([ones, zeros, -dx, zeros, ones, -dy, zeros, zeros], axis=1)


class RandomTranslation(AffineImageLayer):
    """While training, shifts each image by ``height_factor`` and ``width_factor``
    fractions of its size, drawn uniformly (a number ``f`` means ``[-f, f]``; positive
    shifts down/right), filling the uncovered area by ``fill_mode``.

    >>> from ember import keras
    >>> layer = keras.layers.RandomTranslation(0.0, (0.5, 0.5), fill_mode="constant",
    ...                                        interpolation="nearest")
    >>> x = ember.reshape(ember.range(1.0, 5.0), (1, 1, 4, 1))
    >>> layer(x, training=True)[0, 0, :, 0].numpy().tolist()
    [0.0, 0.0, 1.0, 2.0]
    """

    _USE_BASE_FACTOR = False
    _FACTOR_VALIDATION_ERROR = ("The `factor` argument should be a number (or a list of "
                                "two numbers) in the range [-1.0, 1.0]. ")

    def __init__(self, height_factor: Any, width_factor: Any, fill_mode: str = "reflect",
                 interpolation: str = "bilinear", seed: int | None = None,
                 fill_value: float = 0.0, data_format: str | None = None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height_factor = height_factor
        self.height_lower, self.height_upper = factor_range(
            height_factor, "height_factor", self._FACTOR_VALIDATION_ERROR, False)
        self.width_factor = width_factor
        self.width_lower, self.width_upper = factor_range(
            width_factor, "width_factor", self._FACTOR_VALIDATION_ERROR, False)
        check_fill_and_interpolation(fill_mode, interpolation)
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.interpolation = interpolation
        self.seed = seed
        self.generator = make_seed_stream(seed)

    def get_random_transformation(self, images, training=True, seed=None):
        if not training:
            return None
        height, width = self._hw(images)
        shape = (int(images.shape[0]), 1)
        dy = ember.random.stateless_uniform(shape, seed=self._seed() if seed is None
                                            else seed, minval=self.height_lower,
                                            maxval=self.height_upper) * float(height)
        dx = ember.random.stateless_uniform(shape, seed=self._seed(),
                                            minval=self.width_lower,
                                            maxval=self.width_upper) * float(width)
        return {"translations": ember.concat([dx, dy], axis=1)}

    def _warp(self, images, transformation, interpolation):
        return image_ops.affine_transform(
            images, translation_matrix(transformation["translations"]),
            interpolation=interpolation, fill_mode=self.fill_mode,
            fill_value=self.fill_value, data_format=self.data_format)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"height_factor": self.height_factor,
                       "width_factor": self.width_factor, "fill_mode": self.fill_mode,
                       "interpolation": self.interpolation, "seed": self.seed,
                       "fill_value": self.fill_value, "data_format": self.data_format})
        return config
