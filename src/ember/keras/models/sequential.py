"""keras.Sequential: a plain stack of layers, each feeding the next."""
from __future__ import annotations

from contextlib import nullcontext
from typing import Any

import ember

from .input_layer import Input, InputLayer
from .layer import Layer
from .model import Model


class Sequential(Model):
    """A linear stack of layers.

    >>> from ember import keras
    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    >>> model.output_shape
    (None, 2)
    """

    def __init__(self, layers: list | None = None, trainable: bool = True,
                 name: str | None = None):
        Model.__init__(self, trainable=trainable, name=name)
        # not tracked as sub-layers: the input is not one of `layers`
        object.__setattr__(self, "_input_layer", None)
        object.__setattr__(self, "_output_spec", None)
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._maybe_rebuild()

    def add(self, layer: Layer, rebuild: bool = True) -> None:
        """Append a layer (or a keras.Input) to the stack."""
        from .keras_tensor import KerasTensor
        if isinstance(layer, KerasTensor) and isinstance(layer._keras_history[0], InputLayer):
            layer = layer._keras_history[0]
        if not isinstance(layer, Layer):
            raise ValueError(f"Only instances of `keras.Layer` can be added to a Sequential "
                             f"model. Received: {layer!r} (of type {type(layer).__name__})")
        if isinstance(layer, InputLayer):
            if self._input_layer is not None or self._layers:
                raise ValueError("Sequential model '{}' already has an input; an InputLayer "
                                 "must come first".format(self.name))
            object.__setattr__(self, "_input_layer", layer)
        else:
            if any(l.name == layer.name for l in self._layers):
                raise ValueError(f"All layers added to a Sequential model should have unique "
                                 f"names. Name '{layer.name}' is already the name of a layer "
                                 "in this model.")
            self._tracking = False
            self._layers.append(layer)
            self._tracking = True
        self.built = False
        if rebuild:
            self._maybe_rebuild()

    def pop(self, rebuild: bool = True) -> Layer:
        """Remove and return the last layer."""
        if not self._layers:
            raise TypeError("There are no layers in the model.")
        layer = self._layers.pop()
        self.built = False
        if rebuild:
            self._maybe_rebuild()
        return layer

    def _maybe_rebuild(self) -> None:
        shape = None
        if self._input_layer is not None:
            shape = self._input_layer.batch_shape
        elif self._layers and self._layers[0]._batch_input_shape is not None:
            shape = self._layers[0]._batch_input_shape
        if shape is not None and self._layers:
            self.build(shape)

    def build(self, input_shape: Any = None) -> None:
        """Build every layer by running the stack on a symbolic input of this shape."""
        if input_shape is None:
            raise ValueError(f"Sequential model {self.name} cannot be built without an input "
                             "shape; add a keras.Input first or call it on data.")
        if not self._layers:
            raise ValueError(f"Sequential model {self.name} cannot be built because it has "
                             "no layers. Call `model.add(layer)`.")
        input_shape = tuple(input_shape)
        dtype = self._input_layer._input_dtype if self._input_layer is not None else None
        if self._input_layer is None or self._input_layer.batch_shape != input_shape:
            object.__setattr__(self, "_input_layer",
                               Input(batch_shape=input_shape, dtype=dtype)._keras_history[0])
        from .layer import build_scope, current_build_scope
        x = self._input_layer.output
        # weights are "sequential/dense/kernel", as in Keras (a nested Sequential built
        # by its parent's build is already in its own scope)
        scope = nullcontext() if current_build_scope()[-1:] == [self.name] else \
            build_scope(self.name)
        with scope:
            for layer in self._layers:
                try:
                    x = layer(x)
                except Exception as e:
                    raise type(e)(f"Sequential model {self.name}: layer '{layer.name}' "
                                  f"({type(layer).__name__}) could not be built on input "
                                  f"shape {x.shape}: {e}") from e
        object.__setattr__(self, "_output_spec", x)
        self._build_shapes = input_shape
        self.built = True

    @property
    def input_dtype(self) -> str:
        """Inputs are converted to the dtype of the model's Input, if it has one (so a
        float64 model is not fed float32-rounded values), as in Keras."""
        if self._input_layer is not None:
            return self._input_layer.output.dtype
        return super().input_dtype

    @property
    def layers(self) -> list:
        return list(self._layers)

    @property
    def inputs(self) -> list:
        if self._input_layer is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined inputs "
                                 "yet: it is not built.")
        return [self._input_layer.output]

    @property
    def outputs(self) -> list:
        if self._output_spec is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined outputs "
                                 "yet: it is not built.")
        return [self._output_spec]

    @property
    def input_shape(self):
        if self._input_layer is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined input shape "
                                 "yet.")
        return self._input_layer.batch_shape

    @property
    def output_shape(self):
        if self._output_spec is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined output "
                                 "shape yet.")
        return self._output_spec.shape

    def call(self, inputs: Any, training: bool | None = None, mask: Any = None) -> Any:
        x = inputs
        for layer in self._layers:
            x = layer(x, training=training) if layer._call_has_training else layer(x)
        return x

    def _eager_call(self, args: tuple, kwargs: dict):
        if not self.built:
            inputs = args[0]
            shape = tuple(getattr(inputs, "shape", None) or ember.constant(inputs).shape)
            self.build((None,) + tuple(shape[1:]))
        return super()._eager_call(args, kwargs)

    def compute_output_shape(self, input_shape: Any) -> Any:
        """The output shape for this input shape (the batch size carried through).

        >>> from ember import keras
        >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
        >>> model.compute_output_shape((7, 4))
        (7, 3)
        """
        if self._output_spec is None:
            return super().compute_output_shape(input_shape)
        from .functional import input_spec_for, map_specs
        from .symbolic_op import layer_output_spec
        x = input_spec_for(self._input_layer.output, input_shape, 0, self.name)
        for layer in self._layers:
            x = layer_output_spec(layer, (x,), {})
        return map_specs(lambda t: t.shape, x)

    def get_config(self) -> dict:
        from ..saving.serialization import serialize_keras_object
        layers = []
        if self._input_layer is not None:
            layers.append(serialize_keras_object(self._input_layer))
        layers += [serialize_keras_object(l) for l in self._layers]
        from . import dtype_policy
        return {"name": self.name, "trainable": self.trainable,
                "dtype": dtype_policy.serialize(self.dtype_policy), "layers": layers,
                "build_input_shape": tuple(self._build_shapes)
                if self._build_shapes is not None else None}

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "Sequential":
        from ..saving.serialization import deserialize_keras_object
        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for layer_cfg in config.get("layers", []):
            model.add(deserialize_keras_object(layer_cfg, custom_objects=custom_objects),
                      rebuild=False)
        if config.get("build_input_shape") and not model.built:
            model.build(tuple(config["build_input_shape"]))
        else:
            model._maybe_rebuild()
        return model
