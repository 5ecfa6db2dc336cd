"""keras.layers.RandomCrop: a random ``(height, width)`` window of each batch."""
from __future__ import annotations

from typing import Any

import ember

from ....utils.random import draw_seed
from . import image_ops
from .base_image_layer import (
    BaseImagePreprocessingLayer,
    check_target_size,
    float_images,
    make_seed_stream,
)


class RandomCrop(BaseImagePreprocessingLayer):
    """While training, crops every image of the batch at one random location to
    ``height x width``. An image not larger than the target in both axes is instead
    cropped at the largest centered window with the target's aspect ratio, and resized
    if that window is not the target size (as Keras does).

    At inference (``training=False``, e.g. in ``predict``) the output is the largest
    centered window with the target aspect ratio, resized to ``height x width``
    (``smart_resize``), as Keras documents; Keras 3.15's code returns the input
    unchanged there, which contradicts its own ``compute_output_shape``.

    >>> from ember import keras
    >>> layer = keras.layers.RandomCrop(2, 3, seed=0)
    >>> layer(ember.ones((4, 5, 6, 1)), training=True).shape
    TensorShape([4, 2, 3, 1])
    """

    _USE_BASE_FACTOR = False

    def __init__(self, height: int, width: int, seed: int | None = None,
                 data_format: str | None = None, name: str | None = None, **kwargs):
        super().__init__(name=name, data_format=data_format, **kwargs)
        self.height, self.width = check_target_size(self, height, width)
        self.seed = seed if seed is not None else draw_seed()
        self.generator = make_seed_stream(self.seed)
        self.supports_masking = False

    def get_random_transformation(self, images, training=True, seed=None):
        in_h, in_w = self._hw(images)
        if training and in_h > self.height and in_w > self.width:
            seed = self._seed() if seed is None else seed
            h_start = ember.random.stateless_uniform(
                (), seed=seed, minval=0.0, maxval=float(in_h - self.height + 1))
            w_start = ember.random.stateless_uniform(
                (), seed=self._seed(), minval=0.0, maxval=float(in_w - self.width + 1))
            return ember.cast(h_start, "int32"), ember.cast(w_start, "int32")
        top, left, _, _ = image_ops.aspect_crop_box(in_h, in_w, self.height, self.width)
        return top, left

    def _crop(self, images: ember.Tensor, transformation: Any,
              interpolation: str) -> ember.Tensor:
        h_start, w_start = transformation
        h_axis, w_axis = self._hw_axes()
        if isinstance(h_start, int):
            index = [slice(None)] * 4
            index[h_axis] = slice(h_start, h_start + self.height)
            index[w_axis] = slice(w_start, w_start + self.width)
            images = images[tuple(index)]
        else:
            rows = h_start + ember.range(self.height, dtype="int32")
            cols = w_start + ember.range(self.width, dtype="int32")
            images = ember.gather(ember.gather(images, rows, axis=h_axis), cols,
                                  axis=w_axis)
        if self._hw(images) != (self.height, self.width):
            images = image_ops.resize(images, (self.height, self.width),
                                      interpolation=interpolation,
                                      data_format=self.data_format)
        return images

    def transform_images(self, images, transformation, training=True):
        images = float_images(images, self.compute_dtype)
        if training:
            out = self._crop(images, transformation, "bilinear")
        else:
            out = image_ops.smart_resize(images, (self.height, self.width),
                                         data_format=self.data_format)
        return float_images(out, self.compute_dtype)

    def transform_segmentation_masks(self, masks, transformation, training=True):
        if training:
            return self._crop(masks, transformation, "nearest")
        return image_ops.smart_resize(masks, (self.height, self.width),
                                      interpolation="nearest",
                                      data_format=self.data_format)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        out = list(input_shape)
        h_axis, w_axis = (-2, -1) if self.data_format == "channels_first" else (-3, -2)
        out[h_axis], out[w_axis] = self.height, self.width
        return tuple(out)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"height": self.height, "width": self.width, "seed": self.seed,
                       "data_format": self.data_format})
        return config
