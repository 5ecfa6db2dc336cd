"""keras.layers.RandomRotation: rotate images by a random angle about their center."""
from __future__ import annotations

from typing import Any

import ember

from . import image_ops
from .base_image_layer import AffineImageLayer, make_seed_stream

SUPPORTED_FILL_MODES = ("reflect", "wrap", "constant", "nearest")
SUPPORTED_INTERPOLATIONS = ("nearest", "bilinear")


def check_fill_and_interpolation(fill_mode: str, interpolation: str) -> None:
    """Keras's checks (and exception type) for the warping layers' options.

    >>> check_fill_and_interpolation("reflect", "bilinear")
    """
    if fill_mode not in SUPPORTED_FILL_MODES:
        raise NotImplementedError(f"Unknown `fill_mode` {fill_mode}. Expected of one "
                                  f"{SUPPORTED_FILL_MODES}.")
    if interpolation not in SUPPORTED_INTERPOLATIONS:
        raise NotImplementedError(f"Unknown `interpolation` {interpolation}. Expected of "
                                  f"one {SUPPORTED_INTERPOLATIONS}.")


class RandomRotation(AffineImageLayer):
    """While training, rotates each image by an angle drawn uniformly from
    ``[factor[0] * 360, factor[1] * 360]`` degrees (a single number ``f`` means
    ``[-f, f]``; positive is counter-clockwise), filling the uncovered area by
    ``fill_mode`` (``"reflect"``, ``"wrap"``, ``"constant"`` with ``fill_value``, or
    ``"nearest"``). ``rotation_matrix`` gives the transform for fixed angles.

    >>> from ember import keras
    >>> layer = keras.layers.RandomRotation((0.25, 0.25), fill_mode="constant")
    >>> x = ember.reshape(ember.range(4.0), (1, 2, 2, 1))
    >>> layer(x, training=True)[0, :, :, 0].numpy().round(4).tolist()
    [[1.0, 3.0], [0.0, 2.0]]
    """

    def __init__(self, factor: Any, fill_mode: str = "reflect",
                 interpolation: str = "bilinear", seed: int | None = None,
                 fill_value: float = 0.0, data_format: str | None = None, **kwargs):
        super().__init__(factor=factor, data_format=data_format, **kwargs)
        self.seed = seed
        self.generator = make_seed_stream(seed)
        self.fill_mode = fill_mode
        self.interpolation = interpolation
        self.fill_value = fill_value
        check_fill_and_interpolation(fill_mode, interpolation)

    def rotation_matrix(self, angle: Any, height: int, width: int) -> ember.Tensor:
        """The ``(batch, 8)`` transforms rotating by ``angle`` (a ``(batch,)`` tensor of
        degrees) about the image center."""
        angle = ember.cast(ember.convert_to_tensor(angle), "float32")
        zeros, ones = ember.zeros_like(angle), ember.ones_like(angle)
        return image_ops.compute_affine_matrix(0.5, 0.5, angle, zeros, zeros, ones, zeros,
                                               zeros, height, width)

    def get_random_transformation(self, images, training=True, seed=None):
        if not training:
            return None
        height, width = self._hw(images)
        angle = ember.random.stateless_uniform(
            (int(images.shape[0]),), seed=self._seed() if seed is None else seed,
            minval=self.factor[0] * 360.0, maxval=self.factor[1] * 360.0)
        return {"angle": angle, "rotation_matrix": self.rotation_matrix(angle, height, width)}

    def _warp(self, images, transformation, interpolation):
        return image_ops.affine_transform(images, transformation["rotation_matrix"],
                                          interpolation=interpolation,
                                          fill_mode=self.fill_mode,
                                          fill_value=self.fill_value,
                                          data_format=self.data_format)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"factor": self.factor, "data_format": self.data_format,
                       "fill_mode": self.fill_mode, "fill_value": self.fill_value,
                       "interpolation": self.interpolation, "seed": self.seed})
        return config
