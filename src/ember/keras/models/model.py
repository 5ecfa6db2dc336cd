"""keras.Model: a Layer that can be trained (compile / fit / evaluate / predict)."""
from __future__ import annotations

import inspect
from typing import Any

import ember

from ..trainers.trainer import Trainer
from . import dtype_policy
from .layer import Layer


class Model(Trainer, Layer):
    """Group layers into an object with training and inference features.

    ``Model(inputs, outputs)`` builds a functional model; subclass ``Model`` and define
    ``call`` for a subclassed one.

    >>> from ember import keras
    >>> x = keras.Input((3,))
    >>> model = keras.Model(x, keras.layers.Dense(2)(x))
    >>> model(ember.ones((1, 3))).shape
    TensorShape([1, 2])
    """

    def __new__(cls, *args, **kwargs):
        if cls is Model and (args or "inputs" in kwargs or "outputs" in kwargs):
            from .functional import Functional
            return Functional.__new__(Functional, *args, **kwargs)
        return super().__new__(cls, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        if args or "inputs" in kwargs:
            from .functional import Functional
            if not isinstance(self, Functional):
                if not _functional_arguments(args, kwargs):
                    raise TypeError("Model(inputs, outputs) is for functional models; a "
                                    "subclassed Model's __init__ takes no inputs/outputs")
                # a subclass (with its own train_step ...) built from inputs and outputs:
                # as Keras, its class becomes a Functional subclass
                _inject_functional(type(self))
            Functional.__init__(self, *args, **kwargs)
            return
        trainable = kwargs.pop("trainable", True)
        name = kwargs.pop("name", None)
        dtype = kwargs.pop("dtype", None)
        Layer.__init__(self, trainable=trainable, name=name, dtype=dtype, **kwargs)
        Trainer.__init__(self)

    @property
    def layers(self) -> list:
        return list(self._flatten_layers())

    def _flatten_layers(self):
        return [l for l in self._layers]

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """A layer by name or by index in ``layers``."""
        if index is not None and name is not None:
            raise ValueError("Provide only a layer name or a layer index. Received: "
                             f"index={index}, name={name}.")
        if index is not None:
            if len(self.layers) <= index:
                raise ValueError(f"Was asked to retrieve layer at index {index} but model "
                                 f"only has {len(self.layers)} layers.")
            return self.layers[index]
        if name is not None:
            for layer in self.layers:
                if layer.name == name:
                    return layer
            raise ValueError(f"No such layer: {name}. Existing layers are: "
                             f"{[l.name for l in self.layers]}.")
        raise ValueError("Provide either a layer name or layer index at `get_layer`.")

    def build(self, input_shape: Any = None) -> None:
        """Create the weights of a subclassed model by running it once on zeros."""
        if self.built:
            return
        if input_shape is None:
            raise ValueError(f"Model {self.name} cannot be built without an input_shape")
        shape = tuple(1 if d is None else d for d in input_shape)
        self.built = True  # so __call__ does not recurse into build
        try:
            self(ember.zeros(shape), training=False)
        except Exception:
            self.built = False
            raise
        self._build_shapes = tuple(input_shape)

    def summary(self, line_length: int | None = None, positions=None, print_fn=None,
                expand_nested: bool = False, show_trainable: bool = False,
                layer_range=None) -> None:
        """Print Keras's table of layers, output shapes and parameter counts."""
        from ..utils.summary_utils import print_summary
        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                      expand_nested=expand_nested, show_trainable=show_trainable,
                      layer_range=layer_range)

    def get_config(self) -> dict:
        # as Keras's (Layer.get_config): the dtype policy too, so that a subclassed
        # mixed-precision model comes back mixed-precision
        config = {"name": self.name, "trainable": self.trainable,
                  "dtype": dtype_policy.serialize(self.dtype_policy)}
        auto = getattr(self, "_auto_config", None)
        if type(self).get_config is Model.get_config and auto:
            # only what __init__ can take back
            params = inspect.signature(type(self).__init__).parameters
            if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
                config = {k: v for k, v in config.items() if k in params}
            config.update({k: v for k, v in auto.items() if k not in config})
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "Model":
        if "layers" in config and "input_layers" in config:
            from .functional import functional_from_config
            return functional_from_config(cls, config, custom_objects)
        return cls(**config)

    def to_json(self, **kwargs) -> str:
        """The model's config envelope as JSON (``keras.models.model_from_json`` reads it).

        >>> from ember import keras
        >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> keras.models.model_from_json(model.to_json()).output_shape
        (None, 1)
        """
        import json
        from ..saving.serialization import serialize_keras_object
        return json.dumps(serialize_keras_object(self), **kwargs)

    # -- files --------------------------------------------------------------------------------
    def save(self, filepath: Any, overwrite: bool = True, zipped: bool | None = None,
             **kwargs) -> None:
        """Save the model (config, weights, optimizer state, compile config) as a
        ``.keras`` file that real Keras 3 loads too; ``.h5`` writes the legacy format.
        The write is atomic: a failed save leaves the previous file intact.

        >>> import os, tempfile
        >>> from ember import keras
        >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> model.save(os.path.join(tempfile.mkdtemp(), "model.keras"))
        """
        from ..saving import saving_api
        saving_api.save_model(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    def save_weights(self, filepath: Any, overwrite: bool = True,
                     max_shard_size: Any = None) -> None:
        """Save every weight (and the optimizer's state) to a ``.weights.h5`` file.

        >>> import os, tempfile
        >>> from ember import keras
        >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> model.save_weights(os.path.join(tempfile.mkdtemp(), "m.weights.h5"))
        """
        from ..saving import saving_api
        saving_api.save_weights(self, filepath, overwrite=overwrite,
                                max_shard_size=max_shard_size)

    def load_weights(self, filepath: Any, skip_mismatch: bool = False, **kwargs) -> None:
        """Load weights from a ``.weights.h5``, ``.keras`` or legacy ``.h5`` file.

        >>> import os, tempfile
        >>> from ember import keras
        >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> path = os.path.join(tempfile.mkdtemp(), "m.weights.h5")
        >>> model.save_weights(path)
        >>> model.load_weights(path)
        """
        from ..saving import saving_api
        saving_api.load_weights(self, filepath, skip_mismatch=skip_mismatch, **kwargs)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _functional_arguments(args: tuple, kwargs: dict) -> bool:
    """Whether ``Model.__init__`` got functional arguments: inputs and outputs (Keras's
    signature test)."""
    return len(args) == 2 or (len(args) == 1 and "outputs" in kwargs) or \
        ("inputs" in kwargs and "outputs" in kwargs)


def _inject_functional(cls: type) -> type:
    """Put ``Functional`` in place of ``Model`` among the bases of ``cls`` and its
    ancestors (what Keras does when a Model subclass is called with inputs and
    outputs): ``class CustomModel(keras.Model)`` with only a custom ``train_step``
    then works as ``CustomModel(inputs, outputs)``."""
    from .functional import Functional
    if cls is Model:
        return Functional
    if cls is object or not issubclass(cls, Model) or issubclass(cls, Functional):
        return cls
    cls.__bases__ = tuple(_inject_functional(base) for base in cls.__bases__)
    return cls

