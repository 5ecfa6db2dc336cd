"""Common-subexpression elimination: compute each distinct value once.

Two ``op`` nodes that apply the same primitive, with equal static parameters (and the
same ``cast_to``), to the same input values give the same result, so the later one is
dropped and its readers read the earlier one's outputs. Tracing makes such twins often:
a gradient rule recomputes ``y * y`` the forward pass already had, two layers read the
same constant, a loop body repeats ``x.shape``-derived work.

Constants merge too, when they are small (Python scalars of the same type and value, or
arrays of at most ``MAX_CONST_ELEMENTS`` elements with the same dtype, shape and bytes),
and so do two ``read`` nodes of one variable with no write of it in between (no
``assign``/``update`` of that variable, and no ``call`` or ``host`` node, which may
write anything). Nodes run in the same order as before; nothing moves.

Parameters are compared through a hashable key (tuples, numbers with their type,
dtypes, small arrays by their bytes); a node whose parameters cannot be keyed
(large arrays, arbitrary objects) is never merged.

>>> import ember
>>> f = ember.function(lambda x: ember.reduce_sum(x) * ember.reduce_sum(x))
>>> g = f.get_concrete_function(ember.TensorSpec([3])).graph
>>> [n.name for n in g.nodes if n.kind == "op"], g.stats["common subexpressions"]
(['reduce_sum', 'multiply'], 1)
"""
from __future__ import annotations

import struct
from typing import Any

import numpy as np

from ..ir import Graph, Node
from .simplify import rename_inputs, rename_outputs

MAX_CONST_ELEMENTS = 64


class _Unkeyable(Exception):
    pass


def _key(v: Any) -> Any:
    """A hashable stand-in for ``v`` that is equal only for interchangeable values."""
    t = type(v)
    if v is None or t is bool or t is str or t is int:
        return (t, v)
    if t is float:
        return (t, struct.pack("<d", v))          # -0.0 and 0.0 differ; a nan equals itself
    if t is complex:
        return (t, struct.pack("<dd", v.real, v.imag))
    if t is tuple or t is list:
        return (t, tuple(_key(e) for e in v))
    if t is dict:
        return (t, tuple(sorted((k, _key(e)) for k, e in v.items())))
    if isinstance(v, np.dtype):
        return (np.dtype, v)
    if isinstance(v, (np.ndarray, np.generic)):
        if v.dtype.kind == "O" or v.size > MAX_CONST_ELEMENTS:
            raise _Unkeyable
        return (t, v.dtype, v.shape, np.ascontiguousarray(v).tobytes())
    if isinstance(v, (type, slice)) or v is Ellipsis:
        try:
            hash(v)
        except TypeError:
            raise _Unkeyable from None
        return (t, v if not isinstance(v, slice) else (v.start, v.stop, v.step))
    raise _Unkeyable


def _params_key(params: dict):
    try:
        return tuple(sorted((k, _key(v)) for k, v in params.items()))
    except (_Unkeyable, TypeError):
        return None


def _const_key(value: Any):
    t = type(value)
    if t in (int, float, bool, complex):
        return ("weak",) + _key(value)
    if isinstance(value, (np.ndarray, np.generic)) and value.dtype.kind in "biufcV" \
            and value.size <= MAX_CONST_ELEMENTS:
        return ("array",) + _key(value)
    return None


def _variables_written(node: Node) -> list:
    if node.kind == "assign":
        return [node.op]
    return [a[1] for a in node.params.get("template", ()) if a[0] == "var"]


def run(graph: Graph) -> int:
    """Merge duplicate ops, small constants and variable reads; returns how many
    nodes went.

    >>> import ember, numpy as np
    >>> v = ember.Variable(np.ones(2, np.float32))
    >>> f = ember.function(lambda: ember.reduce_sum(v) + ember.reduce_sum(v))
    >>> g = f.get_concrete_function().graph
    >>> [n.name for n in g.nodes]
    ['read Variable', 'reduce_sum', 'add']
    """
    mapping: dict[int, int] = {}
    seen: dict[Any, tuple] = {}
    reads: dict[int, tuple] = {}        # id(variable) -> {params key: outputs}
    keep: list[Node] = []
    merged = 0
    for node in graph.nodes:
        rename_inputs(node, mapping)
        kind = node.kind
        key = None
        if kind == "op":
            if node.meta.get("effect"):
                reads.clear()
            else:
                pk = _params_key(node.params)
                if pk is not None:
                    key = ("op", id(node.op), node.inputs, pk,
                           _key_or_none(node.meta.get("cast_to")),
                           bool(node.meta.get("multi")))
        elif kind == "const":
            ck = _const_key(node.params["value"])
            if ck is not None:
                key = ("const", ck)
        elif kind == "read":
            pk = _params_key(node.params)
            if pk is not None:
                table = reads.setdefault(id(node.op), {})
                found = table.get(pk)
                if found is not None and len(found) == len(node.outputs):
                    mapping.update(zip(node.outputs, found))
                    merged += 1
                    continue
                table[pk] = node.outputs
            keep.append(node)
            continue
        elif kind in ("assign", "update"):
            for var in _variables_written(node):
                reads.pop(id(var), None)
        elif kind in ("call", "host", "pyfunc"):
            reads.clear()
        if key is not None:
            found = seen.get(key)
            if found is not None and len(found) == len(node.outputs) and all(
                    graph.shapes[a] == graph.shapes[b] and graph.dtypes[a] == graph.dtypes[b]
                    for a, b in zip(found, node.outputs)):
                mapping.update(zip(node.outputs, found))
                merged += 1
                continue
            seen[key] = node.outputs
        keep.append(node)
    if merged:
        graph.nodes = keep
        rename_outputs(graph, mapping)
    return merged


def _key_or_none(v: Any):
    try:
        return _key(v)
    except _Unkeyable:
        return ("unkeyable", id(v))
