"""``keras.models.clone_model`` and ``model_from_json``.

>>> from ember import keras
>>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
>>> clone = clone_model(model)
>>> clone.output_shape, clone.layers[0] is model.layers[0]
((None, 2), False)
"""
from __future__ import annotations

import json
from typing import Any, Callable

import ember

from .functional import Functional
from .input_layer import Input, InputLayer
from .keras_tensor import KerasTensor
from .layer import Layer
from .sequential import Sequential


def _default_clone(layer: Layer) -> Layer:
    return type(layer).from_config(layer.get_config())


def clone_model(model: Any, input_tensors: Any = None,
                clone_function: Callable | None = None,
                call_function: Callable | None = None, recursive: bool = False,
                **kwargs) -> Any:
    """A new model with the same architecture and new (freshly initialized) weights.

    ``clone_function(layer)`` makes each new layer (default: from its config);
    ``call_function(layer, *args, **kwargs)`` makes each call in a functional graph;
    ``recursive=True`` clones nested models layer by layer too; ``input_tensors`` gives
    the new model's inputs (functional and Sequential models).

    >>> from ember import keras
    >>> x = keras.Input((4,))
    >>> model = keras.Model(x, keras.layers.Dense(2)(x))
    >>> clone_model(model).count_params() == model.count_params()
    True
    """
    if kwargs:
        raise ValueError(f"Unexpected keyword argument(s): {list(kwargs)}")
    if not isinstance(model, Layer):
        raise ValueError(f"Expected `model` to be a `Model` instance. Received: {model!r}")

    def clone_layer(layer: Layer) -> Layer:
        if recursive and isinstance(layer, (Sequential, Functional)):
            return clone_model(layer, clone_function=clone_function,
                               call_function=call_function, recursive=True)
        return (clone_function or _default_clone)(layer)

    if isinstance(model, Sequential):
        return _clone_sequential(model, input_tensors, clone_layer)
    if isinstance(model, Functional):
        return _clone_functional(model, input_tensors, clone_layer, call_function)
    if clone_function is not None or input_tensors is not None or call_function is not None:
        raise ValueError("Arguments `clone_function`, `call_function` and `input_tensors` "
                         "are only supported for Sequential and Functional models; a "
                         f"subclassed model ({type(model).__name__}) is cloned from its "
                         "config.")
    return type(model).from_config(model.get_config())


def _clone_sequential(model: Sequential, input_tensors: Any, clone_layer) -> Sequential:
    layers = [clone_layer(l) for l in model.layers]
    if input_tensors is not None:
        tensors = ember.nest.flatten(input_tensors)
        if len(tensors) != 1:
            raise ValueError("A Sequential model takes one input tensor; received "
                             f"{len(tensors)}.")
        x = tensors[0]
        if not isinstance(x, KerasTensor):
            raise ValueError(f"`input_tensors` must be keras.Input tensors; got {x!r}")
        return Sequential([x._keras_history[0]] + layers, name=model.name,
                          trainable=model.trainable) if isinstance(
            x._keras_history[0], InputLayer) else \
            Functional(x, Sequential(layers)(x), name=model.name)
    first = []
    if model._input_layer is not None:
        first = [Input(batch_shape=model._input_layer.batch_shape,
                       dtype=model._input_layer._input_dtype,
                       name=model._input_layer.name)._keras_history[0]]
    return Sequential(first + layers, name=model.name, trainable=model.trainable)


def _clone_functional(model: Functional, input_tensors: Any, clone_layer,
                      call_function: Callable | None) -> Functional:
    from .functional import _substitute
    values: dict[int, Any] = {}
    if input_tensors is not None:
        given = ember.nest.flatten(input_tensors)
        if len(given) != len(model.inputs):
            raise ValueError(f"`input_tensors` must hold {len(model.inputs)} tensor(s), one "
                             f"per model input; received {len(given)}.")
        new_inputs = [t if isinstance(t, KerasTensor) else Input(tensor=t) for t in given]
    else:
        new_inputs = [Input(batch_shape=t.shape, dtype=t.dtype,
                            name=t._keras_history[0].name) for t in model.inputs]
    for old, new in zip(model.inputs, new_inputs):
        values[id(old)] = new
    clones: dict[int, Layer] = {}
    for node in model._nodes:
        if node.is_input:
            continue
        layer = node.layer
        if id(layer) not in clones:
            clones[id(layer)] = clone_layer(layer)
        new_layer = clones[id(layer)]
        args = _substitute(node.call_args, values)
        call_kwargs = _substitute(node.call_kwargs, values)
        out = call_function(new_layer, *args, **call_kwargs) if call_function else \
            new_layer(*args, **call_kwargs)
        for old, new in zip(node.outputs, ember.nest.flatten(out)):
            values[id(old)] = new
    inputs = ember.nest.pack_sequence_as(model._inputs_struct, new_inputs) \
        if not isinstance(model._inputs_struct, KerasTensor) else new_inputs[0]
    outputs = ember.nest.pack_sequence_as(model._outputs_struct,
                                          [values[id(t)] for t in model.outputs])
    return Functional(inputs, outputs, name=model.name, trainable=model.trainable)


def model_from_json(json_string: str, custom_objects: dict | None = None) -> Any:
    """The (uncompiled, freshly initialized) model a ``model.to_json()`` string describes.

    >>> from ember import keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> model_from_json(model.to_json()).output_shape
    (None, 1)
    """
    from ..saving.object_registration import CustomObjectScope
    from ..saving.saving_lib import check_safe_mode
    from ..saving.serialization import deserialize_keras_object
    try:
        config = json.loads(json_string)
    except (TypeError, json.JSONDecodeError) as e:
        raise ValueError(f"model_from_json: the string is not valid JSON: {e}") from None
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError("model_from_json: expected a Keras config envelope (a JSON object "
                         "with 'class_name' and 'config').")
    check_safe_mode(config, True, "the JSON string")
    config = {k: v for k, v in config.items() if k != "compile_config"}
    with CustomObjectScope(custom_objects or {}):
        return deserialize_keras_object(config, custom_objects=custom_objects)
