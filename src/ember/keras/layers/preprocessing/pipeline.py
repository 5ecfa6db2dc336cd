"""keras.layers.Pipeline: a plain layer that applies a list of layers in turn."""
from __future__ import annotations

from typing import Any

from ... import tree
from ...models.layer import Layer
from ...saving.serialization import deserialize_keras_object, serialize_keras_object


class Pipeline(Layer):
    """Applies ``layers`` one after the other, like a ``Sequential`` model that is only a
    layer (typically a preprocessing or augmentation pipeline). ``training`` (default
    True, as in Keras) and each output's mask are passed on to the layers that take
    them.

    >>> import ember
    >>> from ember import keras
    >>> pipeline = Pipeline([keras.layers.Rescaling(1 / 255), keras.layers.CenterCrop(2, 2)])
    >>> pipeline(ember.ones((1, 4, 4, 3))).shape
    TensorShape([1, 2, 2, 3])
    """

    _convert_input_args = False

    def __init__(self, layers: list[Layer], name: str | None = None):
        super().__init__(name=name)
        self._pipeline_layers = layers

    @property
    def layers(self) -> list[Layer]:
        return self._pipeline_layers

    def call(self, inputs: Any, training: bool | None = True, mask: Any = None):
        outputs = inputs
        for layer in self._pipeline_layers:
            kwargs = {}
            if layer._call_has_mask:
                kwargs["mask"] = mask
            if layer._call_has_training and training is not None:
                kwargs["training"] = training
            outputs = layer(inputs, **kwargs)
            inputs = outputs
            mask = tree.map_structure(lambda t: getattr(t, "_keras_mask", None), outputs)
        return outputs

    def get_config(self) -> dict:
        return {"layers": [serialize_keras_object(layer) for layer in self._pipeline_layers],
                "name": self.name}

    @classmethod
    def from_config(cls, config: dict) -> Pipeline:
        layers = config.get("layers")
        if not isinstance(layers, (list, tuple)):
            raise ValueError(  # noqa: TRY004 -- Keras raises ValueError
                "`Pipeline` config must contain a `layers` key mapping to a list "
                f"of serialized layers. Received config with layers={layers}.")
        config = {**config, "layers": [deserialize_keras_object(x) for x in layers]}
        return cls(**config)

