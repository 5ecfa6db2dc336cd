"""keras.layers.RandomSaturation: scale each image's HSV saturation."""
from __future__ import annotations

from typing import Any

import ember

from ....ops.image import hsv_to_rgb, rgb_to_hsv
from .base_image_layer import ColorAdjustmentLayer, float_images, make_seed_stream
from .color_utils import channel_axis, checked_value_range, per_image_uniform

_EPSILON = 1e-7  # keras.config.epsilon()


class RandomSaturation(ColorAdjustmentLayer):
    """While training, multiplies the saturation of each RGB image by ``f / (1 - f)``
    with ``f`` drawn per image from ``[factor[0], factor[1]]`` (a number ``f`` means
    ``[-f, f]``; bounds ``[-1, 1]``): ``f = 0`` gives grayscale (every channel equal to
    the maximum), ``f = 0.5`` leaves images alone and ``f = 1`` saturates fully. The
    saturation is clipped to ``[0, 1]`` (Keras clips it to ``value_range``, which lets
    ``f > 0.5`` push pixels out of range when ``value_range`` is wider than ``[0, 1]``).
    The result is in the compute dtype; ``training=False`` passes images through.

    >>> layer = RandomSaturation(factor=(0.0, 0.0), value_range=(0, 1))
    >>> layer(ember.constant([[[0.25, 1.0, 0.5]]]), training=True).numpy().ravel().tolist()
    [1.0, 1.0, 1.0]
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
        return {"factor": factor / (1.0 - factor + _EPSILON)}

    def transform_images(self, images, transformation, training=True):
        if not training or transformation is None:
            return images
        x = float_images(images, self.compute_dtype)
        axis = channel_axis(self)
        hue, saturation, value = ember.unstack(
            rgb_to_hsv(x, data_format=self.data_format), 3, axis=axis)
        scale = ember.reshape(ember.cast(transformation["factor"], x.dtype), (-1, 1, 1))
        saturation = ember.clip_by_value(saturation * scale, 0.0, 1.0)
        return hsv_to_rgb(ember.stack([hue, saturation, value], axis=axis),
                          data_format=self.data_format)
