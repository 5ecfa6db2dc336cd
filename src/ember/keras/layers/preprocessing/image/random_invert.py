"""keras.layers.RandomInvert: replace some images ``x`` by ``value_range[1] - x``."""
from __future__ import annotations

from typing import Any

import ember

from .base_image_layer import ColorAdjustmentLayer, float_images, make_seed_stream


class RandomInvert(ColorAdjustmentLayer):
    """While training, each image is inverted to ``value_range[1] - x`` with a
    probability drawn per image from ``[factor[0], factor[1]]`` (a number ``f`` means
    ``[0, f]``); the result is in the compute dtype. ``training=False`` passes images
    through.

    >>> layer = RandomInvert(factor=(1.0, 1.0), value_range=(0, 1))
    >>> layer(ember.constant([[[0.25, 1.0, 0.0]]]), training=True).numpy().ravel().tolist()
    [0.75, 0.0, 1.0]
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor: Any = 1.0, value_range: Any = (0, 255),
                 seed: int | None = None, data_format: str | None = None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = value_range
        self.seed = seed
        self.generator = make_seed_stream(seed)

    def get_random_transformation(self, images, training=True, seed=None):
        if not training:
            return None
        draws = ember.random.stateless_uniform(
            (2, int(images.shape[0])), seed=self._seed() if seed is None else seed,
            dtype=self.compute_dtype)
        low, high = float(self.factor[0]), float(self.factor[1])
        probability = low + (high - low) * draws[0]
        return {"apply_inversion": draws[1] < probability}

    def transform_images(self, images, transformation, training=True):
        if not training or transformation is None:
            return images
        x = float_images(images, self.compute_dtype)
        flip = ember.reshape(transformation["apply_inversion"], (-1, 1, 1, 1))
        return ember.where(flip, float(self.value_range[1]) - x, x)
