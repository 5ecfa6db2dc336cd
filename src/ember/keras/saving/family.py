"""What every family of Keras objects shares: resolving an identifier, and the config
envelope.

``keras.losses``, ``keras.initializers``, ``keras.optimizers`` ... each have ``get`` (a
name, config dict, class, instance or callable in; the object the family uses out),
``serialize`` and ``deserialize``. A family module describes itself once with an
``ObjectFamily`` (its table of names, its aliases, its error wording and its few rules)
and builds those functions on it.

>>> from ember.keras import regularizers
>>> family = ObjectFamily({"L2": regularizers.L2}, aliases={"l2": regularizers.L2},
...                       invalid="Could not interpret regularizer identifier: {!r}")
>>> type(family.get("l2")).__name__
'L2'
>>> family.get(3)
Traceback (most recent call last):
...
ValueError: Could not interpret regularizer identifier: 3
"""
from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import KW_ONLY, dataclass, field
from typing import Any

from ..utils.naming import to_snake_case
from .object_registration import get_registered_object
from .serialization import deserialize_keras_object, serialize_keras_object

# an error message: a ``str.format`` template of the identifier, or a function of it
Message = str | Callable[[Any], str]


@dataclass
class ObjectFamily:
    """The names and rules one family of Keras objects is resolved and (de)serialized by.

    - ``objects``: names to classes / functions, what config envelopes (and
      ``deserialize``) resolve against.
    - ``aliases``: further names only ``get`` accepts (``"glorot_uniform"`` ...).
    - ``invalid``: the error for an identifier ``get`` cannot use; ``unknown``: the error
      for a name it does not know (``invalid`` when not given).
    - ``printable_name``: what ``deserialize`` calls an unknown name in its error.
    - ``accepts``: which objects ``get`` may return (callables unless told otherwise).
    - ``instantiates``: the classes that ``get`` instantiates when given one directly or in
      a config (a class found by name is always instantiated).
    - ``registered``: whether names may also be registered custom objects.
    - ``case_insensitive``: whether names (and config class names) match in any case;
      ``objects`` then has lower-case keys.

    >>> from ember.keras import losses
    >>> family = ObjectFamily(losses.ALL_OBJECTS_DICT,
    ...                       invalid="Could not interpret loss identifier: {}")
    >>> family.get("mse") is losses.mean_squared_error
    True
    """

    objects: Mapping[str, Any]
    _: KW_ONLY
    invalid: Message = "Could not interpret identifier: {!r}"
    unknown: Message | None = None
    aliases: Mapping[str, Any] = field(default_factory=dict)
    printable_name: str = "object"
    accepts: Callable[[Any], bool] = callable
    instantiates: type | tuple[type, ...] = object
    registered: bool = True
    case_insensitive: bool = False

    def find(self, name: str) -> Any:
        """What ``name`` stands for (an alias, a table name, then a registered custom
        object), or None."""
        key = name.lower() if self.case_insensitive else name
        for table in (self.aliases, self.objects):
            if key in table:
                return table[key]
        return get_registered_object(name) if self.registered else None

    def get(self, identifier: Any) -> Any:
        """The object ``identifier`` stands for: None stays None; a name gives its object
        (a class: a new instance); a config dict is deserialized; anything else is checked
        by ``accepts`` and passes through."""
        if identifier is None:
            return None
        if isinstance(identifier, dict):
            obj = self.deserialize(identifier)
        elif isinstance(identifier, str):
            obj = self.find(identifier)
            if obj is None:
                raise ValueError(_format(self.unknown or self.invalid, identifier))
        else:
            obj = identifier
        if inspect.isclass(obj) and (isinstance(identifier, str) or
                                     issubclass(obj, self.instantiates)):
            obj = obj()
        if self.accepts(obj):
            return obj
        raise ValueError(_format(self.invalid, identifier))

    def serialize(self, obj: Any) -> Any:
        """The Keras 3 config envelope of ``obj``."""
        return serialize_keras_object(obj)

    def deserialize(self, config: Any, custom_objects: dict | None = None) -> Any:
        """The object a config envelope (or a bare name) describes, resolved against
        ``custom_objects``, the registered custom objects and this family's ``objects``."""
        if self.case_insensitive and isinstance(config, dict):
            name = str(config.get("class_name", "")).lower()
            if name in self.objects:
                config = {**config, "class_name": name}
        return deserialize_keras_object(config, custom_objects=custom_objects,
                                        module_objects=self.objects,
                                        printable_module_name=self.printable_name)


def _format(message: Message, identifier: Any) -> str:
    return message(identifier) if callable(message) else message.format(identifier)


def object_name(obj: Any) -> str:
    """The name compile gives an object it was handed: its ``name``, else its (class's)
    name in snake case.

    >>> from ember.keras.losses import mean_squared_error
    >>> object_name(mean_squared_error)
    'mean_squared_error'
    """
    if hasattr(obj, "name"):
        return obj.name
    if hasattr(obj, "__name__"):
        return to_snake_case(obj.__name__)
    return to_snake_case(type(obj).__name__)
