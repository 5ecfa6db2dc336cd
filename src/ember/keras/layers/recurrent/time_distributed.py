"""keras.layers.TimeDistributed: apply a layer to every timestep of its input."""
from __future__ import annotations

from typing import Any

import ember

from ...models.layer import Layer
from ...saving.serialization import deserialize_keras_object, serialize_keras_object


class TimeDistributed(Layer):
    """Applies ``layer`` to each slice ``inputs[:, t]`` of a ``(batch, time, ...)`` input
    (one set of weights for all timesteps).

    Steps are independent for most layers, so they run as one call on ``(batch * time,
    ...)``; a layer with non-trainable state that training updates (batch
    normalization's moving statistics) is called once per timestep while training, as
    Keras does.

    >>> from ember import keras
    >>> layer = keras.layers.TimeDistributed(keras.layers.Dense(8))
    >>> layer(ember.ones((2, 10, 16))).shape
    TensorShape([2, 10, 8])
    """

    def __init__(self, layer: Layer, **kwargs):
        if not isinstance(layer, Layer):
            msg = ("Please initialize `TimeDistributed` layer with a `keras.layers.Layer` "
                   f"instance. Received: {layer}")
            raise ValueError(msg)  # noqa: TRY004 -- Keras raises ValueError
        super().__init__(**kwargs)
        self.layer = layer
        self.supports_masking = True

    def _get_child_input_shape(self, input_shape) -> tuple:
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) < 3:
            raise ValueError("`TimeDistributed` Layer should be passed an `input_shape` with "
                             f"at least 3 dimensions, received: {input_shape}")
        return (input_shape[0], *input_shape[2:])

    def compute_output_shape(self, input_shape):
        child = self.layer.compute_output_shape(self._get_child_input_shape(input_shape))
        return (child[0], input_shape[1], *child[1:])

    def build(self, input_shape):
        if not self.layer.built:
            self.layer._maybe_build(self._get_child_input_shape(input_shape))
        self.built = True

    def call(self, inputs, training=None, mask=None):
        shape = tuple(inputs.shape)
        if mask is not None:
            self._check_mask(mask, shape)
        kwargs = {}
        if self.layer._call_has_training:
            kwargs["training"] = training
        per_step = bool(training) and len(self.layer.non_trainable_weights) > 0
        if not per_step:
            batch, steps = shape[0], shape[1]
            merged = ember.reshape(inputs, (batch * steps,) + shape[2:])
            if self.layer._call_has_mask and mask is not None:
                kwargs["mask"] = ember.reshape(mask, (batch * steps,) +
                                               tuple(mask.shape[2:]))
            out = self.layer.call(merged, **kwargs)
            return ember.reshape(out, (batch, steps) + tuple(out.shape[1:]))
        outputs = []
        for t in range(shape[1]):
            if self.layer._call_has_mask and mask is not None:
                kwargs["mask"] = mask[:, t]
            outputs.append(self.layer.call(inputs[:, t], **kwargs))
        return ember.stack(outputs, axis=1)

    @staticmethod
    def _check_mask(mask: Any, input_shape: tuple) -> None:
        mask_shape = tuple(mask.shape)
        if len(mask_shape) < 2:
            raise ValueError("The `mask` passed to the `TimeDistributed` layer must be at "
                             "least 2D (e.g., `(batch_size, timesteps)`), but it has "
                             f"{len(mask_shape)} dimension(s) with shape {mask_shape}.")
        if mask_shape[:2] != input_shape[:2]:
            raise ValueError(f"The `mask` passed to the `TimeDistributed` layer has a shape "
                             f"{mask_shape} that is incompatible with the input shape "
                             f"{input_shape}. The first two dimensions of the mask (batch "
                             "size and timesteps) must match the input's first two "
                             "dimensions. Expected mask shape prefix: "
                             f"({input_shape[0]}, {input_shape[1]}).")

    def get_config(self) -> dict:
        return {**super().get_config(), "layer": serialize_keras_object(self.layer)}

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None):
        config = dict(config)
        layer = deserialize_keras_object(config.pop("layer"), custom_objects=custom_objects)
        return cls(layer, **config)
