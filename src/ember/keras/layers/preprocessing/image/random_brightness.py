"""keras.layers.RandomBrightness: add a random offset to each image."""
from __future__ import annotations

from typing import Any

import ember

from ...floating_inputs import as_floating
from .base_image_layer import ColorAdjustmentLayer, make_seed_stream
from .random_contrast import back_to


class RandomBrightness(ColorAdjustmentLayer):
    """While training, adds ``delta * (value_range[1] - value_range[0])`` to each image,
    ``delta`` drawn from ``[factor[0], factor[1]]`` (a number ``f`` means ``[-f, f]``),
    then clips to ``value_range``.

    >>> from ember import keras
    >>> layer = keras.layers.RandomBrightness((0.1, 0.1), value_range=(0, 1))
    >>> layer(ember.constant([[[[0.5], [0.95]]]]), training=True).numpy().ravel().tolist()
    [0.6000000238418579, 1.0]
    """

    _VALUE_RANGE_VALIDATION_ERROR = "The `value_range` argument should be a list of two "\
        "numbers. "

    def __init__(self, factor: Any, value_range: Any = (0, 255), seed: int | None = None,
                 **kwargs):
        super().__init__(factor=factor, **kwargs)
        self.seed = seed
        self.generator = make_seed_stream(seed)
        if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
            raise ValueError(self._VALUE_RANGE_VALIDATION_ERROR +
                             f"Received: value_range={value_range}")
        self.value_range = sorted(value_range)

    def get_random_transformation(self, images, training=True, seed=None):
        shape = (int(images.shape[0]), 1, 1, 1)
        if not training:
            return {"rgb_delta": ember.zeros(shape)}
        delta = ember.random.stateless_uniform(
            shape, seed=self._seed() if seed is None else seed, minval=self.factor[0],
            maxval=self.factor[1])
        return {"rgb_delta": delta * float(self.value_range[1] - self.value_range[0])}

    def transform_images(self, images, transformation, training=True):
        if not training:
            return images
        x = as_floating(images, self.compute_dtype)
        out = x + ember.cast(transformation["rgb_delta"], x.dtype)
        out = ember.clip_by_value(out, float(self.value_range[0]),
                                  float(self.value_range[1]))
        return back_to(out, images)
