"""keras.layers.Lambda: any Python function as a layer.

Configs name the function (its registered name, or its ``__name__``); they never hold
code. Keras saves lambdas as marshalled bytecode; Ember does not write or run bytecode,
so a lambda comes back only through ``custom_objects`` or the registry.
"""
from __future__ import annotations

import inspect
import types
from typing import Any, Callable

from ...models.keras_tensor import KerasTensor
from ...models.layer import Layer
from ...saving.object_registration import GLOBAL_CUSTOM_NAMES, get_registered_object
from ...saving.serialization import deserialize_keras_object, serialize_keras_object

_LAMBDA = "<lambda>"


class Lambda(Layer):
    """Wraps ``function(inputs, **arguments)`` as a layer.

    ``output_shape`` (without the batch dimension, or a function of the input shape)
    is found by running the function when not given. ``mask`` is the output mask, or
    a function ``mask(inputs, previous_mask)``. A function that takes ``mask`` or
    ``training`` arguments receives them.

    >>> import ember
    >>> from ember import keras
    >>> def double(x):
    ...     return x * 2.0
    >>> keras.layers.Lambda(double)(ember.ones((2, 3))).numpy()[0].tolist()
    [2.0, 2.0, 2.0]
    """

    def __init__(self, function: Callable, output_shape: Any = None, mask: Any = None,
                 arguments: dict | None = None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(f"Lambda layer '{self.name}': `function` must be callable; "
                            f"received {function!r} of type {type(function).__name__}")
        self.function = function
        self.arguments = dict(arguments or {})
        self.mask = mask
        self.supports_masking = mask is not None
        self._output_shape = output_shape
        params = _parameter_names(function)
        self._fn_expects_training_arg = "training" in params
        self._fn_expects_mask_arg = "mask" in params

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if self._fn_expects_mask_arg:
            kwargs["mask"] = mask
        if self._fn_expects_training_arg:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            try:
                spec = self.compute_output_spec(_map_shapes(
                    lambda s: KerasTensor(s, self.compute_dtype), input_shape))
                return _map_tensors(lambda t: t.shape, spec)
            except Exception as e:  # noqa: BLE001 - re-raised with the Keras advice
                raise NotImplementedError(
                    f"Lambda layer '{self.name}': we could not automatically infer the "
                    "shape of the Lambda's output. Please specify the `output_shape` "
                    f"argument for this Lambda layer. (Running it failed: {e})") from e
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        batch = _first_dim(input_shape)
        return _add_batch(self._output_shape, batch)

    def get_config(self) -> dict:
        config = super().get_config()
        config["function"] = _function_config(self.function, self.name)
        if self._output_shape is not None:
            config["output_shape"] = _function_config(self._output_shape, self.name) \
                if callable(self._output_shape) else self._output_shape
        if self.mask is not None:
            config["mask"] = _function_config(self.mask, self.name) if callable(self.mask) \
                else serialize_keras_object(self.mask)
        config["arguments"] = serialize_keras_object(self.arguments)
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None,
                    safe_mode: bool | None = None) -> "Lambda":
        """Rebuild from a config; functions are looked up by name, never run from code.

        ``safe_mode`` is accepted for Keras compatibility: Ember never deserializes
        bytecode, whatever its value.
        """
        config = dict(config)
        name = config.get("name", "lambda")
        config["function"] = _restore_function(config["function"], name, custom_objects)
        if "output_shape" in config:
            shape = config["output_shape"]
            config["output_shape"] = _restore_function(shape, name, custom_objects) \
                if _is_function_config(shape) else _tuplify(shape)
        if "mask" in config:
            mask = config["mask"]
            config["mask"] = _restore_function(mask, name, custom_objects) \
                if _is_function_config(mask) else deserialize_keras_object(mask,
                                                                           custom_objects)
        if "arguments" in config:
            config["arguments"] = deserialize_keras_object(config["arguments"],
                                                           custom_objects)
        return super().from_config(config)


def _parameter_names(fn: Callable) -> set:
    try:
        return set(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return set()


def _is_lambda(fn: Any) -> bool:
    return isinstance(fn, types.LambdaType) and fn.__name__ == _LAMBDA


def _function_config(fn: Callable, layer: str) -> dict:
    """The envelope Keras writes for a named function; a lambda is written by name."""
    if isinstance(fn, types.FunctionType) or _is_lambda(fn):
        return serialize_keras_object(fn)
    if fn in GLOBAL_CUSTOM_NAMES or hasattr(fn, "get_config"):
        return serialize_keras_object(fn)
    name = getattr(fn, "__name__", None)
    if name is None:
        raise ValueError(f"Lambda layer '{layer}': cannot serialize {fn!r} of type "
                         f"{type(fn).__name__}; use a named function registered with "
                         "`@keras.saving.register_keras_serializable()`.")
    return {"module": getattr(fn, "__module__", None), "class_name": "function",
            "config": name, "registered_name": name}


def _is_function_config(value: Any) -> bool:
    return isinstance(value, str) or isinstance(value, dict) and \
        value.get("class_name") in ("function", "__lambda__")


def _lambda_error(layer: str, what: str) -> ValueError:
    return ValueError(
        f"Lambda layer '{layer}': its function is a Python lambda, {what}. Ember never "
        "stores or runs Python bytecode, so a lambda cannot be restored from a config. "
        f"Pass the function back with `custom_objects={{'{_LAMBDA}': fn}}`, or better, "
        "use a named function decorated with "
        "`@keras.saving.register_keras_serializable()`.")


def _restore_function(config: Any, layer: str, custom_objects: dict | None) -> Callable:
    if isinstance(config, dict) and config.get("class_name") == "__lambda__":
        fn = get_registered_object(_LAMBDA, custom_objects)
        if fn is None:
            raise _lambda_error(layer, "saved by Keras as Python bytecode")
        return fn
    if isinstance(config, str):
        name = config
    else:
        name = config.get("registered_name") or config.get("config")
    fn = get_registered_object(name, custom_objects) if isinstance(name, str) else None
    if fn is not None:
        return fn
    if name == _LAMBDA:
        raise _lambda_error(layer, "saved by its name only")
    try:
        return deserialize_keras_object(config, custom_objects,
                                        printable_module_name="function")
    except (TypeError, ValueError) as e:
        raise TypeError(f"Lambda layer '{layer}': could not locate function '{name}'. Make "
                        "sure custom functions are decorated with "
                        "`@keras.saving.register_keras_serializable()` (and imported before "
                        "loading) or passed in `custom_objects`.") from e


def _is_shape(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and \
        all(d is None or isinstance(d, int) for d in value)


def _map_shapes(fn: Callable, shapes: Any) -> Any:
    """Apply ``fn`` to each shape in a (nested) list / tuple / dict of shapes."""
    if _is_shape(shapes):
        return fn(tuple(shapes))
    if isinstance(shapes, dict):
        return {k: _map_shapes(fn, v) for k, v in shapes.items()}
    return [_map_shapes(fn, s) for s in shapes]


def _map_tensors(fn: Callable, value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _map_tensors(fn, v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_map_tensors(fn, v) for v in value)
    return fn(value)


def _first_dim(shape: Any):
    while isinstance(shape, (list, tuple, dict)) and shape:
        if isinstance(shape, dict):
            shape = next(iter(shape.values()))
        elif all(d is None or isinstance(d, int) for d in shape):
            return shape[0]
        else:
            shape = shape[0]
    return None


def _add_batch(shape: Any, batch):
    if isinstance(shape, dict):
        return {k: _add_batch(v, batch) for k, v in shape.items()}
    if isinstance(shape, (list, tuple)) and \
            all(d is None or isinstance(d, int) for d in shape):
        return (batch,) + tuple(shape)
    if isinstance(shape, (list, tuple)):
        return [_add_batch(s, batch) for s in shape]
    return (batch, shape)


def _tuplify(shape: Any):
    if isinstance(shape, list) and all(d is None or isinstance(d, int) for d in shape):
        return tuple(shape)
    if isinstance(shape, list):
        return [_tuplify(s) for s in shape]
    if isinstance(shape, dict):
        return {k: _tuplify(v) for k, v in shape.items()}
    return shape
