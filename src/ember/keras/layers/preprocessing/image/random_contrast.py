"""keras.layers.RandomContrast: scale each image's deviations from its mean."""
from __future__ import annotations

from typing import Any

import ember

from ...floating_inputs import as_floating
from .base_image_layer import ColorAdjustmentLayer, make_seed_stream


def back_to(values: ember.Tensor, like: ember.Tensor) -> ember.Tensor:
    """``values`` in the dtype of ``like``, rounded first when that is an integer type.

    >>> back_to(ember.constant([1.6]), ember.constant([1])).numpy().tolist()
    [2]
    """
    if values.dtype == like.dtype:
        return values
    if like.dtype.is_integer:
        values = ember.round(values)
    return ember.saturate_cast(values, like.dtype)


class RandomContrast(ColorAdjustmentLayer):
    """While training, maps each image ``x`` (per channel) to
    ``(x - mean) * c + mean`` with ``c`` drawn from ``[1 - lower, 1 + upper]`` and the
    mean over height and width, then clips to ``value_range``. As in Keras, a single
    ``factor`` ``f`` gives ``(lower, upper) = (0, f)``.

    >>> from ember import keras
    >>> layer = keras.layers.RandomContrast(0.5, value_range=(0, 10), seed=1)
    >>> x = ember.reshape(ember.constant([2.0, 4.0, 6.0, 8.0]), (1, 2, 2, 1))
    >>> float(ember.reduce_mean(layer(x, training=True)))
    5.0
    """

    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor: Any, value_range: Any = (0, 255), seed: int | None = None,
                 **kwargs):
        super().__init__(**kwargs)
        self._set_factor(factor)
        self.value_range = value_range
        self.seed = seed
        self.generator = make_seed_stream(seed)

    def get_random_transformation(self, images, training=True, seed=None):
        shape = (int(images.shape[0]), 1, 1, 1)
        if not training:
            return {"contrast_factor": ember.zeros(shape, dtype=self.compute_dtype)}
        factor = ember.random.stateless_uniform(
            shape, seed=self._seed() if seed is None else seed,
            minval=1.0 - self.factor[0], maxval=1.0 + self.factor[1],
            dtype=self.compute_dtype)
        return {"contrast_factor": factor}

    def transform_images(self, images, transformation, training=True):
        if not training:
            return images
        x = as_floating(images, self.compute_dtype)
        h_axis, w_axis = self._hw_axes()
        mean = ember.reduce_mean(x, axis=[h_axis, w_axis], keepdims=True)
        factor = ember.cast(transformation["contrast_factor"], x.dtype)
        out = ember.clip_by_value((x - mean) * factor + mean, float(self.value_range[0]),
                                  float(self.value_range[1]))
        return back_to(out, images)
