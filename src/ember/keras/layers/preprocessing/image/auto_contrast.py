"""keras.layers.AutoContrast: stretch each image channel over the whole value range."""
from __future__ import annotations

from typing import Any

import ember

from .base_image_layer import ColorAdjustmentLayer, float_images
from .color_utils import checked_value_range, rescale


class AutoContrast(ColorAdjustmentLayer):
    """Maps each channel of each image linearly so that its minimum goes to
    ``value_range[0]`` and its maximum to ``value_range[1]``; constant channels are
    left as they are. Not random: it acts in training and inference alike. The result
    is in the compute dtype. The minimum and maximum are taken over height and width in
    either ``data_format`` (Keras takes axes 1 and 2 even for ``"channels_first"``).

    >>> layer = AutoContrast(value_range=(0, 1))
    >>> layer(ember.constant([[[0.25], [0.5], [0.75]]])).numpy().ravel().tolist()
    [0.0, 0.5, 1.0]
    """

    _CONFIG_KEYS = ("value_range",)
    _USE_BASE_FACTOR = False

    def __init__(self, value_range: Any = (0, 255), **kwargs):
        super().__init__(**kwargs)
        self.value_range = checked_value_range(self, value_range)

    def transform_images(self, images, transformation, training=True):
        x = rescale(float_images(images, self.compute_dtype), self.value_range, (0, 255))
        axes = list(self._hw_axes())
        low = ember.reduce_min(x, axis=axes, keepdims=True)
        high = ember.reduce_max(x, axis=axes, keepdims=True)
        spread = high - low
        flat = spread <= 0
        scale = 255.0 / ember.where(flat, ember.ones_like(spread), spread)
        out = ember.clip_by_value((x - low) * scale, 0.0, 255.0)
        out = rescale(out, (0, 255), self.value_range)
        original = float_images(images, self.compute_dtype)
        return ember.where(ember.math.is_nan(out) | flat, original, out)
