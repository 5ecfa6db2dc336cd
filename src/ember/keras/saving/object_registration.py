"""Registering custom classes and functions so configs can name them."""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

GLOBAL_CUSTOM_OBJECTS: dict[str, Any] = {}
GLOBAL_CUSTOM_NAMES: dict[Any, str] = {}
_scope = threading.local()


def register_keras_serializable(package: str = "Custom", name: str | None = None) -> Callable:
    """Decorator: make a class or function loadable by name as ``"package>name"``.

    >>> @register_keras_serializable(package="my")
    ... def twice(x):
    ...     return x * 2
    >>> get_registered_name(twice)
    'my>twice'
    """
    def decorate(obj):
        key = f"{package}>{name or getattr(obj, '__name__', type(obj).__name__)}"
        if isinstance(obj, type) and not hasattr(obj, "get_config"):
            raise ValueError(f"Cannot register {obj.__name__}: a class registered as Keras "
                             "serializable must implement get_config()")
        GLOBAL_CUSTOM_OBJECTS[key] = obj
        GLOBAL_CUSTOM_NAMES[obj] = key
        return obj
    return decorate


def get_registered_name(obj: Any) -> str:
    """The name ``obj`` was registered under, or its plain name."""
    return GLOBAL_CUSTOM_NAMES.get(obj, getattr(obj, "__name__", type(obj).__name__))


def _scopes() -> list:
    if not hasattr(_scope, "stack"):
        _scope.stack = []
    return _scope.stack


class CustomObjectScope:
    """``with custom_object_scope({"MyLayer": MyLayer}):`` makes names loadable inside."""

    def __init__(self, custom_objects: dict | None = None):
        self.custom_objects = dict(custom_objects or {})

    def __enter__(self):
        _scopes().append(self.custom_objects)
        return self

    def __exit__(self, *exc):
        _scopes().pop()


custom_object_scope = CustomObjectScope


def get_custom_objects() -> dict:
    """The global registry dict (editable, as in Keras)."""
    return GLOBAL_CUSTOM_OBJECTS


def get_registered_object(name: str, custom_objects: dict | None = None,
                          module_objects: dict | None = None) -> Any:
    """Look ``name`` up in scopes, ``custom_objects``, the registry and ``module_objects``."""
    for scope in reversed(_scopes()):
        if name in scope:
            return scope[name]
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if name in GLOBAL_CUSTOM_OBJECTS:
        return GLOBAL_CUSTOM_OBJECTS[name]
    if module_objects and name in module_objects:
        return module_objects[name]
    return None
