"""keras.layers.Activation: applies an activation function by name or callable."""
from __future__ import annotations

from typing import Any

from ... import activations
from ...models.layer import Layer


class Activation(Layer):
    """Applies ``activation`` (a name from ``keras.activations`` or a callable).

    >>> import ember
    >>> from ember import keras
    >>> keras.layers.Activation("relu")(ember.constant([-3.0, 2.0])).numpy().tolist()
    [0.0, 2.0]
    """

    def __init__(self, activation: Any, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.activation = activations.get(activation)
        self.built = True

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config["activation"] = activations.serialize(self.activation)
        return config
