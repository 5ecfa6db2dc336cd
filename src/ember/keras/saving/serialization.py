"""Keras 3 config envelopes: ``{"module", "class_name", "config", "registered_name"}``."""
from __future__ import annotations

import importlib
import types
from typing import Any

import numpy as np

from .object_registration import GLOBAL_CUSTOM_NAMES, get_registered_object

# where each family's public classes live in Ember, by the module name Keras writes
_KERAS_MODULES = {
    "keras.layers": "ember.keras.layers",
    "keras.initializers": "ember.keras.initializers",
    "keras.regularizers": "ember.keras.regularizers",
    "keras.constraints": "ember.keras.constraints",
    "keras.losses": "ember.keras.losses",
    "keras.metrics": "ember.keras.metrics",
    "keras.optimizers": "ember.keras.optimizers",
    "keras.optimizers.schedules": "ember.keras.optimizers.schedules",
    "keras.activations": "ember.keras.activations",
    "keras.models": "ember.keras.models",
    "keras.src.models.functional": "ember.keras.models",
    "keras.src.models.sequential": "ember.keras.models",
    "keras": "ember.keras",
}


# Ember classes whose Python name differs from the name Keras exports (and writes)
_EXPORTED_CLASS_NAMES: dict[str, str] = {
    "GroupedQueryAttention": "GroupQueryAttention",
}


# Ember base classes Keras exports at its top level (``keras.Layer``, ``keras.Loss``, ...)
_TOP_LEVEL_CLASSES = frozenset({"Layer", "Loss", "Metric", "Optimizer", "Initializer",
                                "Regularizer", "InputSpec", "DTypePolicy"})


_MODULELESS_SEARCH = ("ember.keras.layers", "ember.keras.models", "ember.keras.initializers",
                      "ember.keras.regularizers", "ember.keras.constraints",
                      "ember.keras.losses", "ember.keras.metrics", "ember.keras.optimizers")


def _public_module(obj: Any) -> str:
    """The module name real Keras writes for ``obj`` (a class or an instance) in a config
    envelope."""
    from ..models.layer import Layer
    cls = obj if isinstance(obj, type) else type(obj)
    if cls.__module__.startswith("ember.keras.") and cls.__name__ in _TOP_LEVEL_CLASSES:
        return "keras"
    if issubclass(cls, Layer):
        from ..models.functional import Functional
        from ..models.model import Model
        from ..models.sequential import Sequential
        if issubclass(cls, Sequential):
            return "keras"
        if issubclass(cls, Functional):
            return "keras.src.models.functional"
        if issubclass(cls, Model):
            return cls.__module__ if not cls.__module__.startswith("ember.") else "keras"
        if cls.__module__.startswith("ember.keras."):
            return "keras.layers"
        return cls.__module__
    if cls.__module__.startswith("ember.keras."):
        return _family_module(cls.__module__)
    return cls.__module__


def _family_module(mod: str) -> str:
    family = mod.split(".")[2]
    return "keras.optimizers.schedules" if "schedules" in mod else f"keras.{family}"


def public_class_name(cls: type) -> str:
    """The class name real Keras writes for ``cls``: its exported name, which is the Python
    class name except where Keras exports a class under another one.

    >>> from ember.keras import layers
    >>> public_class_name(layers.GroupedQueryAttention)
    'GroupQueryAttention'
    """
    if cls.__module__.startswith("ember.keras."):
        return _EXPORTED_CLASS_NAMES.get(cls.__name__, cls.__name__)
    return cls.__name__


def envelope_header(obj: Any) -> dict:
    """``module``, ``class_name`` and ``registered_name`` of the envelope Keras writes for
    ``obj`` (an instance or a class)."""
    cls = obj if isinstance(obj, type) else type(obj)
    module = _public_module(cls)
    if cls.__module__.startswith("ember."):
        registered = GLOBAL_CUSTOM_NAMES.get(cls)
    else:
        # a user's class: Keras writes its registered name, or its class name when it is
        # not registered (what custom_objects is searched by when loading), and no module
        # for a class defined in the main script
        registered = GLOBAL_CUSTOM_NAMES.get(cls, cls.__name__)
        if module == "__main__":
            module = None
    return {"module": module, "class_name": public_class_name(cls),
            "registered_name": registered}


def serialize_keras_object(obj: Any) -> Any:
    """The Keras 3 config envelope of ``obj`` (plain values pass through).

    >>> from ember.keras import initializers
    >>> serialize_keras_object(initializers.Zeros())["class_name"]
    'Zeros'
    """
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(x) for x in obj]
    if isinstance(obj, dict):
        return {k: serialize_keras_object(v) for k, v in obj.items()}
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray) or hasattr(obj, "numpy") and not hasattr(obj, "get_config"):
        return {"class_name": "__numpy__", "config": {"value": np.asarray(obj).tolist(),
                                                       "dtype": str(np.asarray(obj).dtype)}}
    if isinstance(obj, types.FunctionType):
        registered = GLOBAL_CUSTOM_NAMES.get(obj)
        if registered is None and obj.__module__.startswith("ember.keras."):
            # Keras writes its own functions (losses, metrics, activations) as "builtins",
            # found again by name in its families
            return {"module": "builtins", "class_name": "function", "config": obj.__name__,
                    "registered_name": "function"}
        return {"module": obj.__module__, "class_name": "function",
                "config": registered or obj.__name__,
                "registered_name": registered or obj.__name__}
    envelope = getattr(obj, "keras_envelope", None)
    if envelope is not None and envelope() is not None:    # an operation on Keras tensors
        return envelope()
    if hasattr(obj, "get_config"):
        header = envelope_header(obj)
        envelope = {"module": header["module"], "class_name": header["class_name"],
                    "config": serialize_keras_object(obj.get_config()),
                    "registered_name": header["registered_name"]}
        build_config = getattr(obj, "get_build_config", None)
        if build_config is not None:
            bc = build_config()
            if bc is not None:
                envelope["build_config"] = bc
        compile_config = getattr(obj, "get_compile_config", None)
        if compile_config is not None:
            cc = compile_config()
            if cc is not None:
                envelope["compile_config"] = cc
        return envelope
    raise TypeError(f"Cannot serialize {obj!r} of type {type(obj).__name__}: it has no "
                    "get_config()")


def _resolve_class(module: str | None, class_name: str, registered_name: str | None,
                   custom_objects: dict | None, module_objects: dict | None) -> Any:
    for key in (registered_name, class_name):
        if key:
            found = get_registered_object(key, custom_objects, module_objects)
            if found is not None:
                return found
    target = _KERAS_MODULES.get(module or "")
    if target is None and module and module.startswith("keras.src."):
        family = module.split(".")[2]
        target = f"ember.keras.{family}"
    # Keras 2 configs (legacy .h5 files) name no module: look in the families in turn
    candidates = [target] if target else [] if module else list(_MODULELESS_SEARCH)
    if module == "keras":          # keras.InputSpec and other top-level names
        candidates += _MODULELESS_SEARCH
    for candidate in candidates:
        try:
            mod = importlib.import_module(candidate)
        except ImportError:
            continue
        if hasattr(mod, class_name):
            return getattr(mod, class_name)
    raise TypeError(f"Could not locate class '{class_name}' (module {module!r}). Make sure "
                    "custom classes are decorated with "
                    "`@keras.saving.register_keras_serializable()` or passed in "
                    "`custom_objects`.")


# where Keras looks for a function written with module "builtins", in this order
_BUILTIN_FUNCTION_FAMILIES = ("activations", "constraints", "initializers", "losses",
                              "metrics", "optimizers", "regularizers")


def _resolve_function(config: dict, custom_objects: dict | None,
                      module_objects: dict | None) -> Any:
    inner = config.get("config")
    registered = config.get("registered_name")
    for key in (inner, registered if registered != "function" else None):
        if key:
            fn = get_registered_object(key, custom_objects)
            if fn is not None:
                return fn
    module = config.get("module")
    if module == "builtins" or module is None:
        for family in _BUILTIN_FUNCTION_FAMILIES:
            mod = importlib.import_module(f"ember.keras.{family}")
            fn = getattr(mod, str(inner), None)
            if isinstance(fn, types.FunctionType):
                return fn
        if module_objects and isinstance(module_objects.get(inner), types.FunctionType):
            return module_objects[inner]
        raise TypeError(f"Could not locate function '{inner}'. Make sure custom functions "
                        "are decorated with `@keras.saving.register_keras_serializable()` "
                        "or passed in `custom_objects`.")
    return _resolve_class(module, inner, None, custom_objects, module_objects)


def deserialize_keras_object(config: Any, custom_objects: dict | None = None,
                             module_objects: dict | None = None,
                             printable_module_name: str = "object", **kwargs) -> Any:
    """Build the object a Keras 3 config envelope (or a plain name) describes."""
    if config is None or isinstance(config, (bool, int, float)):
        return config
    if isinstance(config, str):
        found = get_registered_object(config, custom_objects, module_objects)
        if found is None:
            raise ValueError(f"Unknown {printable_module_name}: '{config}'. Please ensure you "
                             "are using a `keras.utils.custom_object_scope` and that this "
                             "object is included in the scope.")
        return found
    if isinstance(config, (list, tuple)):
        return [deserialize_keras_object(c, custom_objects, module_objects) for c in config]
    if not isinstance(config, dict):
        raise TypeError(f"Cannot deserialize {config!r}")
    if "class_name" not in config:
        return {k: deserialize_keras_object(v, custom_objects) if isinstance(v, dict)
                and "class_name" in v else v for k, v in config.items()}
    class_name = config["class_name"]
    inner = config.get("config", {})
    if class_name == "__numpy__":
        return np.asarray(inner["value"], dtype=inner["dtype"])
    if class_name == "function":
        return _resolve_function(config, custom_objects, module_objects)
    if str(config.get("module", "")).startswith("keras.src.ops."):
        from ..layers.core.op_layer import OperationLayer
        return OperationLayer.from_keras_op(class_name, inner)
    cls = _resolve_class(config.get("module"), class_name, config.get("registered_name"),
                         custom_objects, module_objects)
    if hasattr(cls, "from_config"):
        obj = cls.from_config(inner) if not _wants_custom(cls) else \
            cls.from_config(inner, custom_objects=custom_objects)
    else:
        obj = cls(**inner)
    build_config = config.get("build_config")
    if build_config and hasattr(obj, "build_from_config"):
        obj.build_from_config(build_config)
    compile_config = config.get("compile_config")
    if compile_config and hasattr(obj, "compile_from_config"):
        obj.compile_from_config(compile_config)
    return obj


def _wants_custom(cls) -> bool:
    import inspect
    try:
        return "custom_objects" in inspect.signature(cls.from_config).parameters
    except (TypeError, ValueError):
        return False
