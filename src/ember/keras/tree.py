"""keras.tree: Keras 3's nested-structure utilities, on ``ember.nest`` (lists, tuples,
namedtuples and dicts open up, dicts in sorted key order; everything else is a leaf).

>>> from ember import keras
>>> keras.tree.flatten({"b": 1, "a": [2, (3, 4)]})
[2, 3, 4, 1]
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..core import nest
from ..core.nest import _LEAF, _MAPPING, _children, _kind, _rebuild, _sorted_keys

flatten = nest.flatten
is_nested = nest.is_nested
map_structure = nest.map_structure
map_structure_up_to = nest.map_structure_up_to
pack_sequence_as = nest.pack_sequence_as

__all__ = ["MAP_TO_NONE", "assert_same_paths", "assert_same_structure", "flatten",
           "flatten_with_path", "is_nested", "lists_to_tuples", "map_shape_structure",
           "map_structure", "map_structure_up_to", "pack_sequence_as", "traverse"]


class MAP_TO_NONE:  # noqa: N801 - Keras's name
    """Returned by a ``traverse`` function to replace a sub-tree with None."""


def assert_same_structure(a: Any, b: Any, check_types: Any = None) -> None:
    """Raise ``ValueError`` unless ``a`` and ``b`` nest the same way (``check_types`` is
    accepted and ignored, as in Keras 3).

    >>> from ember import keras
    >>> keras.tree.assert_same_structure([1, (2, 3)], [4, (5, 6)])
    """
    try:
        nest.assert_same_structure(a, b, check_types=False)
    except (ValueError, TypeError) as err:
        raise ValueError(f"Structures don't have the same nested structure. {err}") from None


def _paths(structure: Any, prefix: tuple) -> list:
    kind = _kind(structure)
    if kind == _LEAF:
        return [(prefix, structure)]
    keys = _sorted_keys(structure) if kind == _MAPPING else \
        range(len(_children(structure, kind)))
    out: list = []
    for key, child in zip(keys, _children(structure, kind)):
        out.extend(_paths(child, prefix + (key,)))
    return out


def flatten_with_path(structure: Any) -> list:
    """The leaves with their paths (tuples of dict keys and sequence indices).

    >>> from ember import keras
    >>> keras.tree.flatten_with_path({"b": 1, "a": [2]})
    [(('a', 0), 2), (('b',), 1)]
    """
    return _paths(structure, ())


def assert_same_paths(a: Any, b: Any) -> None:
    """Raise ``ValueError`` unless ``a`` and ``b`` have the same leaf paths.

    >>> from ember import keras
    >>> keras.tree.assert_same_paths({"x": [1]}, {"x": (2,)})
    """
    pa = {p for p, _ in flatten_with_path(a)}
    pb = {p for p, _ in flatten_with_path(b)}
    if pa != pb:
        raise ValueError("`a` and `b` don't have the same paths.\n"
                         f"`a` has paths not in `b`: {sorted(pa - pb, key=str)}\n"
                         f"`b` has paths not in `a`: {sorted(pb - pa, key=str)}")


def lists_to_tuples(structure: Any) -> Any:
    """``structure`` with every list turned into a tuple.

    >>> from ember import keras
    >>> keras.tree.lists_to_tuples([1, [2, 3]])
    (1, (2, 3))
    """
    kind = _kind(structure)
    if kind == _LEAF:
        return structure
    items = [lists_to_tuples(c) for c in _children(structure, kind)]
    return tuple(items) if isinstance(structure, list) else _rebuild(structure, kind, items)


def _is_shape(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and not hasattr(value, "_fields") and \
        all(v is None or isinstance(v, int) for v in value)


def map_shape_structure(func: Callable, structure: Any) -> Any:
    """``func`` applied to each shape (a tuple or list of ints and None) in a nest of
    shapes.

    >>> from ember import keras
    >>> keras.tree.map_shape_structure(len, {"a": (2, 3), "b": [4]})
    {'a': 2, 'b': 1}
    """
    if _is_shape(structure):
        return func(structure)
    kind = _kind(structure)
    if kind == _LEAF:
        return func(structure)
    items = [map_shape_structure(func, c) for c in _children(structure, kind)]
    return _rebuild(structure, kind, items)


def traverse(func: Callable, structure: Any, top_down: bool = True) -> Any:
    """Visit every sub-tree depth first. Top-down, a non-None ``func(subtree)`` replaces
    the sub-tree and stops the descent; bottom-up, it replaces the (rebuilt) sub-tree.
    ``MAP_TO_NONE`` stands for a replacement by None.

    >>> from ember import keras
    >>> seen = []
    >>> keras.tree.traverse(seen.append, [(1, 2), {"a": 3}])
    [(1, 2), {'a': 3}]
    >>> seen
    [[(1, 2), {'a': 3}], (1, 2), 1, 2, {'a': 3}, 3]
    """
    def unwrap(value: Any) -> Any:
        return None if value is MAP_TO_NONE else value

    def visit(s: Any) -> Any:
        if top_down:
            replaced = func(s)
            if replaced is not None:
                return unwrap(replaced)
        kind = _kind(s)
        out = s if kind == _LEAF else \
            _rebuild(s, kind, [visit(c) for c in _children(s, kind)])
        if not top_down:
            replaced = func(out)
            if replaced is not None:
                return unwrap(replaced)
        return out
    return visit(structure)
