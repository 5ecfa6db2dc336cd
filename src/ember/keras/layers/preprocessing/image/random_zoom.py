"""keras.layers.RandomZoom: zoom images in or out by a random factor."""
from __future__ import annotations

from typing import Any

import ember

from . import image_ops
from .base_image_layer import AffineImageLayer, make_seed_stream
from .random_rotation import check_fill_and_interpolation


def factor_range(factor: Any, name: str, error: str, low_open: bool) -> tuple:
    """``(lower, upper)`` of a zoom/translation factor: a number ``f`` means ``[-f, f]``;
    each bound must lie in ``(-1, 1]`` (``low_open``) or ``[-1, 1]``.

    >>> factor_range(0.2, "height_factor", "", True)
    (-0.2, 0.2)
    """
    def check(v: float) -> None:
        if v > 1.0 or (v <= -1.0 if low_open else v < -1.0):
            raise ValueError(f"{error}Received: input_number={v}")
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2:
            raise ValueError(f"{error}Received: {name}={factor}")
        check(factor[0])
        check(factor[1])
        lower, upper = sorted(factor)
        return lower, upper
    if isinstance(factor, (int, float)) and not isinstance(factor, bool):
        check(factor)
        return -abs(factor), abs(factor)
    raise ValueError(f"{error}Received: {name}={factor}")


def zoom_matrix(zooms: ember.Tensor, height: int, width: int) -> ember.Tensor:
    """``(batch, 8)`` transforms scaling about the image center by ``zooms`` (``(batch,
    2)``: the x and y factors; a factor above 1 shows more of the image, zooming out).

    >>> zoom_matrix(ember.constant([[1.0, 1.0]]), 3, 3).numpy().tolist()
    [[1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0]]
    """
    zx, zy = zooms[:, 0:1], zooms[:, 1:2]
    zeros = ember.zeros_like(zx)
    x_offset = ((float(width) - 1.0) / 2.0) * (1.0 - zx)
    y_offset = ((float(height) - 1.0) / 2.0) * (1.0 - zy)
    return ember.concat([zx, zeros, x_offset, zeros, zy, y_offset, zeros, zeros], axis=1)


class RandomZoom(AffineImageLayer):
    """While training, zooms each image by factors drawn from
    ``[1 + lower, 1 + upper]`` of ``height_factor`` (and ``width_factor``, else the
    same factor for both axes); a positive factor zooms out, a negative one zooms in.
    Uncovered areas are filled by ``fill_mode``, as in ``RandomRotation``.

    >>> from ember import keras
    >>> layer = keras.layers.RandomZoom((-0.5, -0.5), interpolation="nearest")
    >>> x = ember.reshape(ember.range(16.0), (1, 4, 4, 1))
    >>> layer(x, training=True).shape
    TensorShape([1, 4, 4, 1])
    """

    _USE_BASE_FACTOR = False
    _FACTOR_VALIDATION_ERROR = ("The `height_factor` and `width_factor` arguments should "
                                "be a number (or a list of two numbers) in the range "
                                "(-1.0, 1.0]. ")

    def __init__(self, height_factor: Any, width_factor: Any = None,
                 fill_mode: str = "reflect", interpolation: str = "bilinear",
                 seed: int | None = None, fill_value: float = 0.0,
                 data_format: str | None = None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height_factor = height_factor
        self.height_lower, self.height_upper = factor_range(
            height_factor, "height_factor", self._FACTOR_VALIDATION_ERROR, True)
        self.width_factor = width_factor
        if width_factor is not None:
            self.width_lower, self.width_upper = factor_range(
                width_factor, "width_factor", self._FACTOR_VALIDATION_ERROR, True)
        check_fill_and_interpolation(fill_mode, interpolation)
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.interpolation = interpolation
        self.seed = seed
        self.generator = make_seed_stream(seed)

    def get_random_transformation(self, images, training=True, seed=None):
        if not training:
            return None
        shape = (int(images.shape[0]), 1)
        height_zoom = ember.random.stateless_uniform(
            shape, seed=self._seed() if seed is None else seed,
            minval=1.0 + self.height_lower, maxval=1.0 + self.height_upper)
        if self.width_factor is not None:
            width_zoom = ember.random.stateless_uniform(
                shape, seed=self._seed(), minval=1.0 + self.width_lower,
                maxval=1.0 + self.width_upper)
        else:
            width_zoom = height_zoom
        return {"height_zoom": height_zoom, "width_zoom": width_zoom}

    def _warp(self, images, transformation, interpolation):
        zooms = ember.concat([transformation["width_zoom"], transformation["height_zoom"]],
                             axis=1)
        height, width = self._hw(images)
        return image_ops.affine_transform(images, zoom_matrix(zooms, height, width),
                                          interpolation=interpolation,
                                          fill_mode=self.fill_mode,
                                          fill_value=self.fill_value,
                                          data_format=self.data_format)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"height_factor": self.height_factor,
                       "width_factor": self.width_factor, "fill_mode": self.fill_mode,
                       "interpolation": self.interpolation, "seed": self.seed,
                       "fill_value": self.fill_value, "data_format": self.data_format})
        return config
