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


_MODULELESS_SEARCH = ("ember.keras.layers", "ember.keras.models", "ember.keras.initializers",
                      "ember.keras.regularizers", "ember.keras.constraints",
                      "ember.keras.losses", "ember.keras.metrics", "ember.keras.optimizers")


def _public_module(obj: Any) -> str:
    """The module name real Keras writes for ``obj`` in a config envelope."""
    from ..models.layer import Layer
    cls = obj if isinstance(obj, type) else type(obj)
    if isinstance(obj, Layer):
        from ..models.functional import Functional
        from ..models.model import Model
        from ..models.sequential import Sequential
        if isinstance(obj, Sequential):
            return "keras"
        if isinstance(obj, Functional):
            return "keras.src.models.functional"
        if isinstance(obj, Model):
            return cls.__module__ if not cls.__module__.startswith("ember.") else "keras"
        if cls.__module__.startswith("ember.keras."):
            return "keras.layers"
        return cls.__module__
    mod = obj.__module__ if isinstance(obj, (type, types.FunctionType)) else cls.__module__
    if mod.startswith("ember.keras."):
        family = mod.split(".")[2]
        return "keras.optimizers.schedules" if "schedules" in mod else f"keras.{family}"
    return mod


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
        return {"module": _public_module(obj), "class_name": "function",
                "config": registered or obj.__name__,
                "registered_name": registered or obj.__name__}
    envelope = getattr(obj, "keras_envelope", None)
    if envelope is not None and envelope() is not None:    # an operation on Keras tensors
        return envelope()
    if hasattr(obj, "get_config"):
        registered = GLOBAL_CUSTOM_NAMES.get(type(obj))
        envelope = {"module": _public_module(obj), "class_name": type(obj).__name__,
                    "config": serialize_keras_object(obj.get_config()),
                    "registered_name": registered}
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
        name = config.get("registered_name") or inner
        fn = get_registered_object(name, custom_objects, module_objects)
        if fn is None:
            fn = _resolve_class(config.get("module"), inner, None, custom_objects,
                                module_objects)
        return fn
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
