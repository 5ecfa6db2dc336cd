"""Nested structures (``ember.nest``): flattening, rebuilding and mapping over lists,
tuples, namedtuples and dicts of values, as ``tf.nest`` does.

Lists, tuples (namedtuples included) and mappings (``dict``, ``OrderedDict``,
``defaultdict``, any ``collections.abc.Mapping``) are opened; everything else is a leaf:
tensors, NumPy arrays, strings, sets, ``None``. Mappings are walked in sorted key order
(so ``{"b": .., "a": ..}`` flattens ``a`` first) and rebuilt in their own key order.
Ember's composite values (``ember.TensorArray``) are always opened into their parts;
``expand_composites`` is accepted for TensorFlow compatibility.

>>> flatten({"b": 1, "a": [2, 3]})
[2, 3, 1]
>>> map_structure(lambda x, y: x + y, (1, [2]), (10, [20]))
(11, [22])
"""
from __future__ import annotations

import collections
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["assert_same_structure", "flatten", "flatten_up_to", "is_nested",
           "map_structure", "map_structure_up_to", "pack_sequence_as"]


def is_composite(value: Any) -> bool:
    """Whether ``value`` is an object made of tensors that nests open up (an
    ``ember.TensorArray``): it has ``_nest_components()`` (its parts, a nest) and
    ``_nest_rebuild(parts)`` (the same kind of object over other parts)."""
    return hasattr(type(value), "_nest_components")


_LEAF, _SEQUENCE, _NAMEDTUPLE, _MAPPING, _COMPOSITE = range(5)
_KINDS: dict[type, int] = {list: _SEQUENCE, tuple: _SEQUENCE, dict: _MAPPING}


def _kind(value: Any) -> int:
    """What ``value`` is to a nest (worked out once per type)."""
    t = type(value)
    kind = _KINDS.get(t)
    if kind is None:
        if hasattr(t, "_nest_components"):
            kind = _COMPOSITE
        elif issubclass(t, tuple) and hasattr(t, "_fields"):
            kind = _NAMEDTUPLE
        elif issubclass(t, (list, tuple)):
            kind = _SEQUENCE
        elif issubclass(t, Mapping):
            kind = _MAPPING
        else:
            kind = _LEAF
        _KINDS[t] = kind
    return kind


def is_nested(seq: Any) -> bool:
    """Whether ``seq`` is a structure ``flatten`` opens up: a list, tuple (namedtuples
    too), mapping or composite. Strings, sets, arrays and tensors are leaves.

    >>> is_nested([1]), is_nested({"a": 1}), is_nested("ab"), is_nested(None)
    (True, True, False, False)
    """
    return _kind(seq) != _LEAF


def _sorted_keys(mapping: Mapping) -> list:
    try:
        return sorted(mapping)
    except TypeError:
        raise TypeError("ember.nest only supports dicts with sortable keys (they are "
                        f"walked in sorted order); got keys {list(mapping)!r}") from None


def _children(s: Any, kind: int) -> list:
    """The direct substructures of a nested ``s`` (of this kind), in flattening order."""
    if kind == _MAPPING:
        return [s[k] for k in _sorted_keys(s)]
    if kind == _COMPOSITE:
        return [s._nest_components()]
    return list(s)


def flatten(structure: Any, expand_composites: bool = False) -> list:
    """The leaves of ``structure``, depth first, mappings in sorted key order; a leaf
    (not nested) gives ``[structure]``.

    >>> flatten({"b": 1, "a": [2, 3]})
    [2, 3, 1]
    >>> flatten(None)
    [None]
    """
    out: list = []
    _flatten_into(structure, out)
    return out


def _flatten_into(s: Any, out: list) -> None:
    kind = _kind(s)
    if kind == _LEAF:
        out.append(s)
    elif kind == _SEQUENCE or kind == _NAMEDTUPLE:
        for x in s:
            _flatten_into(x, out)
    else:
        for x in _children(s, kind):
            _flatten_into(x, out)


def _rebuild(s: Any, kind: int, items: list) -> Any:
    """A structure of ``s``'s kind over ``items`` (its children, in flattening order)."""
    if kind == _SEQUENCE:
        return items if type(s) is list else type(s)(items)
    if kind == _NAMEDTUPLE:
        return type(s)(*items)
    if kind == _COMPOSITE:
        return s._nest_rebuild(items[0])
    by_key = dict(zip(_sorted_keys(s), items))
    pairs = [(k, by_key[k]) for k in s]
    if type(s) is dict:
        return dict(pairs)
    if isinstance(s, collections.defaultdict):
        return collections.defaultdict(s.default_factory, pairs)
    try:
        return type(s)(pairs)
    except TypeError:                   # a Mapping that cannot be built from pairs
        return dict(pairs)


def pack_sequence_as(structure: Any, flat_sequence: Any,
                     expand_composites: bool = False) -> Any:
    """Rebuild ``structure``'s shape from the leaves in ``flat_sequence`` (in
    ``flatten``'s order); the inverse of ``flatten``.

    >>> pack_sequence_as({"b": 0, "a": [0, 0]}, [2, 3, 1])
    {'b': 1, 'a': [2, 3]}
    """
    if not isinstance(flat_sequence, (list, tuple)):
        raise TypeError(f"ember.nest.pack_sequence_as: attempted to pack value "
                        f"{flat_sequence!r} into a structure, but found incompatible type "
                        f"{type(flat_sequence)} instead of a list or tuple of leaves")
    if _kind(structure) == _LEAF:
        if len(flat_sequence) != 1:
            raise ValueError(
                f"ember.nest.pack_sequence_as: the target structure is a single leaf of "
                f"type {type(structure)} ({structure!r}), but the input is a sequence of "
                f"length {len(flat_sequence)}: {flat_sequence!r}")
        return flat_sequence[0]
    position = [0]

    def build(s):
        kind = _kind(s)
        if kind == _LEAF:
            i = position[0]
            position[0] = i + 1
            return flat_sequence[i] if i < len(flat_sequence) else None
        children = s if kind == _SEQUENCE or kind == _NAMEDTUPLE else _children(s, kind)
        return _rebuild(s, kind, [build(x) for x in children])

    packed = build(structure)
    if position[0] != len(flat_sequence):
        raise ValueError(
            f"ember.nest.pack_sequence_as: could not pack sequence. Structure had "
            f"{position[0]} atoms, but flat_sequence had {len(flat_sequence)} items. "
            f"Structure: {structure!r}, flat_sequence: {flat_sequence!r}.")
    return packed


# -- comparing structures ------------------------------------------------------------------
def _describe(x: Any) -> str:
    return f"type={type(x).__name__} str={x!r}"


class _Dot:
    def __repr__(self) -> str:
        return "."


def _outline(s: Any) -> str:
    """``s`` with every leaf shown as ``.`` (the shape of a structure)."""
    if not is_nested(s):
        return "."
    return repr(pack_sequence_as(s, [_Dot()] * len(flatten(s))))


def _same_type(a: Any, b: Any) -> bool:
    """Whether two nested values count as the same kind of sequence (check_types)."""
    ta, tb = type(a), type(b)
    if ta is tb or _kind(a) == _kind(b) == _MAPPING:
        return True
    if _kind(a) == _kind(b) == _NAMEDTUPLE:
        return ta.__name__ == tb.__name__ and tuple(ta._fields) == tuple(tb._fields)
    return False


def _structure_mismatch(a: Any, b: Any, check_types: bool) -> tuple[type, str] | None:
    """(error type, why) for the first place ``a`` and ``b`` differ in structure."""
    na, nb = is_nested(a), is_nested(b)
    if na != nb:
        seq, leaf = (a, b) if na else (b, a)
        return ValueError, (f'Substructure "{_describe(seq)}" is a sequence, while '
                            f'substructure "{_describe(leaf)}" is not')
    if not na:
        return None
    if check_types and not _same_type(a, b):
        return TypeError, (f"The two namedtuples don't have the same sequence type. First "
                           f"structure {_describe(a)} has type {type(a).__name__}, while "
                           f"second structure {_describe(b)} has type {type(b).__name__}")
    ka, kb = _kind(a), _kind(b)
    if ka == kb == _MAPPING and set(a) != set(b):
        return ValueError, (f"The two dictionaries don't have the same set of keys. First "
                            f"structure has keys {_sorted_keys(a)!r}, while second "
                            f"structure has keys {_sorted_keys(b)!r}")
    ca, cb = _children(a, ka), _children(b, kb)
    if len(ca) != len(cb):
        return ValueError, (f"The two structures don't have the same number of elements. "
                            f"First structure: {_describe(a)}. Second structure: "
                            f"{_describe(b)}")
    for x, y in zip(ca, cb):
        found = _structure_mismatch(x, y, check_types)
        if found is not None:
            return found
    return None


def assert_same_structure(nest1: Any, nest2: Any, check_types: bool = True,
                          expand_composites: bool = False) -> None:
    """Raise unless ``nest1`` and ``nest2`` have the same nesting and the same number of
    leaves in each place: ValueError for a different shape or different dict keys,
    TypeError (with ``check_types``) for different sequence types (a list against a
    tuple; dicts of any mapping type match each other, namedtuples match by name and
    fields).

    >>> assert_same_structure([1, (2, 3)], [4, (5, 6)])
    >>> assert_same_structure([1, 2], (1, 2))
    Traceback (most recent call last):
    ...
    TypeError: The two structures don't have the same nested structure...
    """
    found = _structure_mismatch(nest1, nest2, check_types)
    if found is None:
        return
    kind, why = found
    raise kind(f"The two structures don't have the same nested structure.\n\n"
               f"First structure: {_describe(nest1)}\n\nSecond structure: "
               f"{_describe(nest2)}\n\nMore specifically: {why}\n"
               f"Entire first structure:\n{_outline(nest1)}\n"
               f"Entire second structure:\n{_outline(nest2)}")


def map_structure(func: Callable, *structure: Any, **kwargs: Any) -> Any:
    """``func`` applied to the leaves of one or more structures of the same shape, the
    results packed into the first structure's shape. Keyword arguments:
    ``check_types=True`` (see ``assert_same_structure``) and ``expand_composites``.

    >>> map_structure(lambda x: x * 2, {"b": 1, "a": (2, 3)})
    {'b': 2, 'a': (4, 6)}
    """
    unknown = [k for k in kwargs if k not in ("check_types", "expand_composites")]
    if unknown:
        raise ValueError("Only valid keyword arguments are `check_types` and "
                         f"`expand_composites`, not: `{'`, `'.join(unknown)}`")
    check_types = bool(kwargs.get("check_types", True))
    if not structure:
        raise ValueError("Must provide at least one structure")
    for other in structure[1:]:
        assert_same_structure(structure[0], other, check_types=check_types)
    flats = [flatten(s) for s in structure]
    return pack_sequence_as(structure[0], [func(*leaves) for leaves in zip(*flats)])


# -- shallow structures --------------------------------------------------------------------
def _shallow_mismatch(shallow: Any, tree: Any, check_types: bool) -> None:
    if not is_nested(tree):
        raise TypeError("If shallow structure is a sequence, input must also be a "
                        f"sequence. Input has type: {type(tree)}.")
    if check_types and not (isinstance(tree, type(shallow)) or _same_type(shallow, tree)):
        raise TypeError(f"The two structures don't have the same sequence type. Input "
                        f"structure has type {type(tree)}, while shallow structure has "
                        f"type {type(shallow)}.")
    kind_tree, kind_shallow = _kind(tree), _kind(shallow)
    n_tree = len(_children(tree, kind_tree))
    n_shallow = len(_children(shallow, kind_shallow))
    if n_tree != n_shallow:
        raise ValueError(f"The two structures don't have the same sequence length. Input "
                         f"structure has length {n_tree}, while shallow structure has "
                         f"length {n_shallow}.")
    if kind_shallow == _MAPPING:
        if kind_tree != _MAPPING:
            raise TypeError(f"The two structures don't have the same sequence type. Input "
                            f"structure has type {type(tree)}, while shallow structure "
                            f"has type {type(shallow)}.")
        missing = [k for k in _sorted_keys(shallow) if k not in tree]
        if missing:
            raise ValueError(f"The shallow_tree's keys are not a subset of the "
                             f"input_tree's keys. The shallow_tree has the following keys "
                             f"that are not in the input_tree: {missing!r}.")


def _flatten_up_to_into(shallow: Any, tree: Any, check_types: bool, out: list) -> None:
    if not is_nested(shallow):
        out.append(tree)
        return
    _shallow_mismatch(shallow, tree, check_types)
    kind = _kind(shallow)
    if kind == _MAPPING:
        pairs = [(shallow[k], tree[k]) for k in _sorted_keys(shallow)]
    else:
        pairs = list(zip(_children(shallow, kind), _children(tree, _kind(tree))))
    for s, t in pairs:
        _flatten_up_to_into(s, t, check_types, out)


def flatten_up_to(shallow_tree: Any, input_tree: Any, check_types: bool = True,
                  expand_composites: bool = False) -> list:
    """``input_tree`` flattened only as deep as ``shallow_tree`` goes: where the
    shallow tree has a leaf, the whole substructure of ``input_tree`` there is one item.

    >>> flatten_up_to([0, (0, 0)], [[1, 2], ({"a": 3}, 4)])
    [[1, 2], {'a': 3}, 4]
    """
    out: list = []
    _flatten_up_to_into(shallow_tree, input_tree, check_types, out)
    return out


def map_structure_up_to(shallow_tree: Any, func: Callable, *inputs: Any,
                        check_types: bool = True, expand_composites: bool = False,
                        **kwargs: Any) -> Any:
    """``func`` applied to the substructures of ``inputs`` found where ``shallow_tree``
    has its leaves; the results packed into ``shallow_tree``'s shape. Other keyword
    arguments go to ``func``.

    >>> map_structure_up_to([0, 0], lambda a, b: (a, b), [[1, 2], 3], [4, [5]])
    [([1, 2], 4), (3, [5])]
    """
    if not inputs:
        raise ValueError("Cannot map over no sequences")
    flats = [flatten_up_to(shallow_tree, x, check_types) for x in inputs]
    results = [func(*items, **kwargs) for items in zip(*flats)]
    return pack_sequence_as(shallow_tree, results)
