"""keras.layers.Wrapper: the base of layers that wrap one other layer."""
from __future__ import annotations

from typing import Any

from ...models.layer import Layer
from ...saving.serialization import deserialize_keras_object, serialize_keras_object


class Wrapper(Layer):
    """Abstract base of layers that take another layer (``self.layer``) and augment it;
    builds the wrapped layer with the wrapper's input shape and serializes it under
    ``"layer"`` in ``get_config``, as Keras does.

    >>> import ember
    >>> from ember import keras
    >>> class Twice(Wrapper):
    ...     def call(self, x):
    ...         return 2 * self.layer(x)
    >>> Twice(keras.layers.Dense(3))(ember.ones((2, 4))).shape
    TensorShape([2, 3])
    """

    def __init__(self, layer: Layer, **kwargs):
        if not isinstance(layer, Layer):
            msg = (f"Layer {layer} supplied to Wrapper isn't a supported layer type. Please "
                   "ensure wrapped layer is a valid Keras layer.")
            raise ValueError(msg)  # noqa: TRY004 -- Keras raises ValueError
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape: Any = None) -> None:
        if not self.layer.built:
            self.layer._maybe_build(input_shape)
        self.built = True

    def get_config(self) -> dict:
        return {**super().get_config(), "layer": serialize_keras_object(self.layer)}

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None):
        config = dict(config)
        layer = deserialize_keras_object(config.pop("layer"), custom_objects=custom_objects)
        return cls(layer, **config)
