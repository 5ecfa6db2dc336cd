"""keras.layers.RandomHue: rotate each image's HSV hue."""
from __future__ import annotations

from typing import Any

import ember

from ....ops.image import hsv_to_rgb, rgb_to_hsv
from .base_image_layer import ColorAdjustmentLayer, float_images, make_seed_stream
from .color_utils import channel_axis, rescale


class RandomHue(ColorAdjustmentLayer):
    """While training, shifts the hue of each RGB image by ``±f / 2`` of a full turn,
    ``f`` drawn per image from ``[factor[0], factor[1]]`` (a number ``f`` means
    ``[0, f]``; bounds ``[0, 1]``) and the sign at random. Images are mapped from
    ``value_range`` to ``[0, 1]`` and back; the result is in the compute dtype.
    ``training=False`` passes images through.

    >>> layer = RandomHue(factor=(0.0, 0.0), value_range=(0, 1))
    >>> out = layer(ember.constant([[[0.25, 1.0, 0.5]]]), training=True)
    >>> [round(v, 4) for v in out.numpy().ravel().tolist()]
    [0.25, 1.0, 0.5]
    """

    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor: Any, value_range: Any = (0, 255),
                 data_format: str | None = None, seed: int | None = None, **kwargs):
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
        sign = ember.where(draws[0] > 0.5, -1.0, 1.0)
        low, high = float(self.factor[0]), float(self.factor[1])
        return {"factor": sign * (low + (high - low) * draws[1]) * 0.5}

    def transform_images(self, images, transformation, training=True):
        if not training or transformation is None:
            return images
        x = rescale(float_images(images, self.compute_dtype), self.value_range, (0, 1))
        axis = channel_axis(self)
        hue, saturation, value = ember.unstack(
            rgb_to_hsv(x, data_format=self.data_format), 3, axis=axis)
        hue = hue + ember.reshape(ember.cast(transformation["factor"], x.dtype), (-1, 1, 1))
        hue = ember.where(hue > 1.0, hue - 1.0, hue)
        hue = ember.where(hue < 0.0, hue + 1.0, hue)
        out = hsv_to_rgb(ember.stack([hue, saturation, value], axis=axis),
                         data_format=self.data_format)
        return rescale(ember.clip_by_value(out, 0.0, 1.0), (0, 1), self.value_range)
