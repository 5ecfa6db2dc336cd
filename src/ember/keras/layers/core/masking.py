"""keras.layers.Masking: masks the timesteps whose features all equal ``mask_value``."""
from __future__ import annotations

from typing import Any

import ember

from ...models.layer import Layer


class Masking(Layer):
    """Masks (and zeroes) each timestep whose features all equal ``mask_value``.

    The output mask, of shape ``inputs.shape[:-1]``, is False at those timesteps, so
    downstream layers that support masking skip them.

    >>> from ember import keras
    >>> x = ember.constant([[[1.0, 2.0], [0.0, 0.0]]])
    >>> keras.layers.Masking(0.0)(x)._keras_mask.numpy().tolist()
    [[True, False]]
    """

    def __init__(self, mask_value: Any = 0.0, **kwargs):
        super().__init__(**kwargs)
        if isinstance(mask_value, dict) and mask_value.get("config", None):
            from ...saving.serialization import deserialize_keras_object
            mask_value = deserialize_keras_object(mask_value)
        self.mask_value = mask_value
        self.supports_masking = True
        self.built = True

    def compute_mask(self, inputs, mask=None):
        return ember.reduce_any(ember.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs):
        keep = ember.reduce_any(ember.not_equal(inputs, self.mask_value), axis=-1,
                                keepdims=True)
        return ember.where(keep, inputs, ember.zeros_like(inputs))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config["mask_value"] = self.mask_value
        return config
