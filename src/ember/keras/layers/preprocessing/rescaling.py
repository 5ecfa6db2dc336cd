"""keras.layers.Rescaling: ``inputs * scale + offset`` (e.g. pixels to [0, 1])."""
from __future__ import annotations

from typing import Any

import numpy as np

import ember

from ... import config as keras_config
from ...models.layer import Layer
from ...saving.serialization import deserialize_keras_object, serialize_keras_object


class Rescaling(Layer):
    """Multiplies the inputs by ``scale`` and adds ``offset``; integer inputs become the
    layer's float dtype. ``scale`` may be a per-channel array.

    >>> from ember import keras
    >>> keras.layers.Rescaling(1 / 127.5, offset=-1)(ember.constant([[0, 255]])).numpy()
    array([[-1.,  1.]], dtype=float32)
    """

    def __init__(self, scale: Any, offset: Any = 0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale
        self.offset = offset
        self.supports_masking = True
        self.built = True

    def _constant(self, value: Any, dtype: str):
        if isinstance(value, (ember.Tensor, ember.Variable)):
            return ember.cast(value, dtype)
        return ember.constant(np.asarray(value, dtype=dtype))

    def call(self, inputs):
        dtype = self.compute_dtype
        scale = self._constant(self.scale, dtype)
        offset = self._constant(self.offset, dtype)
        if scale.ndim > 0 and keras_config.image_data_format() == "channels_first":
            scale = ember.reshape(scale, tuple(scale.shape) + (1,) * (3 - scale.ndim))
        x = ember.cast(inputs, dtype) if inputs.dtype != dtype else inputs
        return x * scale + offset

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"scale": serialize_keras_object(self.scale),
                       "offset": serialize_keras_object(self.offset)})
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "Rescaling":
        config = dict(config)
        config["scale"] = deserialize_keras_object(config["scale"], custom_objects)
        config["offset"] = deserialize_keras_object(config["offset"], custom_objects)
        return super().from_config(config)
