"""Flattening and rebuilding nested lists, tuples and dicts of values."""
from __future__ import annotations

from typing import Any


def is_composite(value: Any) -> bool:
    """Whether ``value`` is an object made of tensors that nests open up (an
    ``ember.TensorArray``): it has ``_nest_components()`` (its parts, a nest) and
    ``_nest_rebuild(parts)`` (the same kind of object over other parts)."""
    return hasattr(type(value), "_nest_components")


def is_nested(value: Any) -> bool:
    """A list, tuple, dict or composite (anything ``flatten`` opens up)."""
    return isinstance(value, (list, tuple, dict)) or is_composite(value)


def flatten(structure: Any) -> list:
    """Leaves of a nest in a fixed order (dicts by sorted key, as TensorFlow does).

    >>> flatten({"b": 1, "a": [2, 3]})
    [2, 3, 1]
    """
    if is_composite(structure):
        return flatten(structure._nest_components())
    if isinstance(structure, dict):
        return [x for k in sorted(structure) for x in flatten(structure[k])]
    if isinstance(structure, (list, tuple)):
        return [x for s in structure for x in flatten(s)]
    return [structure]


def pack_sequence_as(structure: Any, flat: list) -> Any:
    """Rebuild ``structure``'s shape from the leaves in ``flat``.

    >>> pack_sequence_as({"b": 0, "a": [0, 0]}, [2, 3, 1])
    {'b': 1, 'a': [2, 3]}
    """
    it = iter(flat)

    def build(s):
        if is_composite(s):
            return s._nest_rebuild(build(s._nest_components()))
        if isinstance(s, dict):
            built = {k: build(s[k]) for k in sorted(s)}
            return {k: built[k] for k in s}
        if isinstance(s, (list, tuple)):
            items = [build(x) for x in s]
            if isinstance(s, tuple) and hasattr(s, "_fields"):
                return type(s)(*items)
            return type(s)(items)
        return next(it)

    return build(structure)
