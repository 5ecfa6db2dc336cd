"""keras.layers.RandomColorDegeneration: blend images towards their grayscale."""
from __future__ import annotations

from typing import Any

import ember

from ....ops.image import rgb_to_grayscale
from .base_image_layer import ColorAdjustmentLayer, float_images, make_seed_stream
from .color_utils import checked_value_range, per_image_uniform


class RandomColorDegeneration(ColorAdjustmentLayer):
    """While training, maps each image ``x`` to ``x + f * (gray(x) - x)`` clipped to
    ``value_range``, with ``gray`` the ``0.2989 R + 0.5870 G + 0.1140 B`` luminance and
    ``f`` drawn per image from ``[factor[0], factor[1]]`` (a number ``f`` means
    ``[-f, f]``, as in Keras). The result is in the compute dtype; ``training=False``
    passes images through.

    >>> layer = RandomColorDegeneration(factor=(1.0, 1.0), value_range=(0, 1))
    >>> out = layer(ember.constant([[[1.0, 0.0, 0.0]]]), training=True)
    >>> [round(v, 4) for v in out.numpy().ravel().tolist()]
    [0.2989, 0.2989, 0.2989]
    """

    def __init__(self, factor: Any, value_range: Any = (0, 255),
                 data_format: str | None = None, seed: int | None = None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = checked_value_range(self, value_range)
        self.seed = seed
        self.generator = make_seed_stream(seed)

    def get_random_transformation(self, images, training=True, seed=None):
        if not training:
            return None
        factor = per_image_uniform(self, images, self.factor[0], self.factor[1], seed)
        return {"factor": ember.reshape(factor, (-1, 1, 1, 1))}

    def transform_images(self, images, transformation, training=True):
        if not training or transformation is None:
            return images
        x = float_images(images, self.compute_dtype)
        gray = rgb_to_grayscale(x, data_format=self.data_format)
        factor = ember.cast(transformation["factor"], x.dtype)
        return ember.clip_by_value(x + factor * (gray - x), float(self.value_range[0]),
                                   float(self.value_range[1]))
