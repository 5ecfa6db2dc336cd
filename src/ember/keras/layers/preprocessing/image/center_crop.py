"""keras.layers.CenterCrop: the central ``(height, width)`` window of each image."""
from __future__ import annotations

from typing import Any

from . import image_ops
from .base_image_layer import BaseImagePreprocessingLayer, check_target_size, float_images


class CenterCrop(BaseImagePreprocessingLayer):
    """Crops the central ``height x width`` window (in training and inference alike).
    An image smaller than the target along either axis is instead cropped to the target
    aspect ratio and resized (bilinear), as Keras's ``smart_resize`` does.

    >>> import ember
    >>> from ember import keras
    >>> keras.layers.CenterCrop(2, 2)(ember.ones((1, 5, 6, 3))).shape
    TensorShape([1, 2, 2, 3])
    """

    _USE_BASE_FACTOR = False

    def __init__(self, height: int, width: int, data_format: str | None = None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height, self.width = check_target_size(self, height, width)

    def transform_images(self, images, transformation=None, training=True):
        images = float_images(images, self.compute_dtype)
        in_h, in_w = self._hw(images)
        h_diff, w_diff = in_h - self.height, in_w - self.width
        if h_diff >= 0 and w_diff >= 0:
            return image_ops.crop_spatial(images, h_diff // 2, w_diff // 2, self.height,
                                          self.width, self.data_format)
        return image_ops.smart_resize(images, (self.height, self.width),
                                      data_format=self.data_format)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        out = list(input_shape)
        if len(out) not in (3, 4):
            raise ValueError("`input_shape` must be a non-nested tuple or list of rank-1 "
                             "with size 3 (unbatched) or 4 (batched). ")
        offset = len(out) - 3
        if self.data_format == "channels_last":
            out[offset], out[offset + 1] = self.height, self.width
        else:
            out[offset + 1], out[offset + 2] = self.height, self.width
        return tuple(out)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"height": self.height, "width": self.width,
                       "data_format": self.data_format})
        return config
