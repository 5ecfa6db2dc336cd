"""keras.layers.Resizing: resize images to a fixed ``(height, width)``."""
from __future__ import annotations

from typing import Any

import ember

from . import image_ops
from .base_image_layer import BaseImagePreprocessingLayer, check_target_size


class Resizing(BaseImagePreprocessingLayer):
    """Resizes images to ``(height, width)`` with ``interpolation`` (``"bilinear"``,
    ``"nearest"``, ``"bicubic"``, ``"area"``, ``"lanczos3"``, ``"lanczos5"``), the same
    pixels as Keras on TensorFlow. ``crop_to_aspect_ratio`` first takes the largest
    centered window with the target aspect ratio; ``pad_to_aspect_ratio`` instead pads
    with ``fill_value``. Integer images come back rounded in their own dtype.

    >>> from ember import keras
    >>> keras.layers.Resizing(2, 3)(ember.ones((4, 8, 8, 3))).shape
    TensorShape([4, 2, 3, 3])
    """

    _USE_BASE_FACTOR = False

    def __init__(self, height: int, width: int, interpolation: str = "bilinear",
                 crop_to_aspect_ratio: bool = False, pad_to_aspect_ratio: bool = False,
                 fill_mode: str = "constant", fill_value: float = 0.0,
                 antialias: bool = False, data_format: str | None = None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height, self.width = check_target_size(self, height, width)
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = crop_to_aspect_ratio
        self.pad_to_aspect_ratio = pad_to_aspect_ratio
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.antialias = bool(antialias)
        if interpolation not in image_ops.RESIZE_INTERPOLATIONS:
            raise ValueError("Invalid value for argument `interpolation`. Expected of one "
                             f"{image_ops.RESIZE_INTERPOLATIONS}. Received: "
                             f"interpolation={interpolation}")
        if fill_mode != "constant":
            raise ValueError("Invalid value for argument `fill_mode`. Only `'constant'` is "
                             f"supported. Received: fill_mode={fill_mode}")
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError("Only one of `pad_to_aspect_ratio` & `crop_to_aspect_ratio` "
                             "can be `True`.")

    def _resize(self, images: ember.Tensor, interpolation: str) -> ember.Tensor:
        out = image_ops.resize(images, (self.height, self.width),
                               interpolation=interpolation, antialias=self.antialias,
                               crop_to_aspect_ratio=self.crop_to_aspect_ratio,
                               pad_to_aspect_ratio=self.pad_to_aspect_ratio,
                               fill_value=self.fill_value, data_format=self.data_format)
        if out.dtype == images.dtype:
            return out
        if images.dtype.is_integer:
            out = ember.round(out)
        return ember.saturate_cast(out, images.dtype)

    def transform_images(self, images, transformation=None, training=True):
        return self._resize(images, self.interpolation)

    def transform_segmentation_masks(self, masks, transformation=None, training=True):
        return self._resize(masks, "nearest")

    def compute_output_shape(self, input_shape: Any) -> tuple:
        out = list(input_shape)
        offset = len(out) - 3
        if self.data_format == "channels_last":
            out[offset], out[offset + 1] = self.height, self.width
        else:
            out[offset + 1], out[offset + 2] = self.height, self.width
        return tuple(out)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "height": self.height,
            "width": self.width,
            "interpolation": self.interpolation,
            "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
            "pad_to_aspect_ratio": self.pad_to_aspect_ratio,
            "fill_mode": self.fill_mode,
            "fill_value": self.fill_value,
            "antialias": self.antialias,
            "data_format": self.data_format,
        })
        return config
