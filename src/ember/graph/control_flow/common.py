"""Small helpers shared by the control-flow ops (nests to tensors, structure checks,
truth values) and walks over subgraphs (their nodes, effects, variables)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ...core import nest
from ...core.errors import InvalidArgumentError
from ...core.tensor import Tensor
from ...core.variable import Variable
from ...ops import primitive as _prim
from ..ir import EFFECT_KINDS, Graph
from ..tracer import GraphTensor

_PASSTHROUGH_KINDS = ("input", "read", "const")


# -- small helpers -------------------------------------------------------------------------
def _check_callable(fn: Any, what: str, op: str) -> None:
    if not callable(fn):
        raise TypeError(f"ember.{op}: {what} must be callable; got "
                        f"{type(fn).__name__} {fn!r}"[:200])


def _leaf_to_tensor(x: Any, op: str, what: str) -> Any:
    if x is None or isinstance(x, Tensor):
        return x
    if isinstance(x, Variable):
        return x.read_value()
    if isinstance(x, (bool, int, float, complex, np.ndarray, np.generic)):
        from ...ops.creation import convert_to_tensor
        return convert_to_tensor(x)
    raise TypeError(f"ember.{op}: {what} must be tensors or (nested) lists, tuples and "
                    f"dicts of tensors; got a {type(x).__name__}: {x!r}"[:300])


def _to_tensors(struct: Any, op: str, what: str) -> Any:
    flat = [_leaf_to_tensor(x, op, what) for x in nest.flatten(struct)]
    if not nest.is_nested(struct):
        return flat[0]
    return nest.pack_sequence_as(struct, flat)


def _structure(s: Any, top_sequence_type: bool = True) -> Any:
    """A hashable picture of a nest: containers and their keys, leaves as 'T'."""
    if nest.is_composite(s):
        return (type(s).__name__, _structure(s._nest_components()))
    if isinstance(s, dict):
        return ("dict", tuple((k, _structure(s[k])) for k in sorted(s)))
    if isinstance(s, (list, tuple)):
        kind = type(s).__name__ if top_sequence_type else "sequence"
        return (kind, tuple(_structure(x) for x in s))
    return None if s is None else "T"


def _describe(s: Any) -> str:
    """A nest written with its leaves as dtype[shape]."""
    if isinstance(s, dict):
        return "{" + ", ".join(f"{k!r}: {_describe(s[k])}" for k in s) + "}"
    if isinstance(s, (list, tuple)):
        inner = ", ".join(_describe(x) for x in s)
        if isinstance(s, list):
            return f"[{inner}]"
        name = "" if type(s) is tuple else type(s).__name__
        return f"{name}({inner}{',' if len(s) == 1 and not name else ''})"
    if s is None:
        return "None"
    if isinstance(s, Tensor):
        return f"{s.dtype.name}{list(_static_shape(s))}"
    return type(s).__name__


def _static_shape(t: Tensor) -> tuple:
    if type(t) is GraphTensor:
        return tuple(t.shape)
    return tuple(t._value.shape)


def _tensor_leaves(flat: list) -> list:
    return [x for x in flat if x is not None]


def _truth(pred: Any, op: str) -> bool:
    """A predicate's Python truth value (eagerly, or an untraced tensor in a trace)."""
    if isinstance(pred, Variable):
        pred = pred._value
    v = pred._value if isinstance(pred, Tensor) else pred
    if hasattr(v, "shape") and hasattr(v, "dtype"):
        if v.size != 1:
            raise InvalidArgumentError(f"ember.{op}: the predicate must be a scalar; got a "
                                       f"tensor of shape {tuple(v.shape)}")
        return bool(v.reshape(()))
    return bool(v)


def _is_inexact(t: Any) -> bool:
    return isinstance(t, Tensor) and _prim._is_inexact(t._value)


def _xp_of(arrays: Sequence[Any]):
    return _prim._xp([a for a in arrays if hasattr(a, "dtype")])


def _merge_shapes(a: tuple, b: tuple):
    if len(a) != len(b):
        return None
    return tuple(x if x == y else None for x, y in zip(a, b))


def _pack(structure: Any, flat: list) -> Any:
    if not nest.is_nested(structure):
        return flat[0]
    return nest.pack_sequence_as(structure, flat)


# -- walking subgraphs -----------------------------------------------------------------------
def _all_nodes(graphs: Sequence[Graph]):
    for g in graphs:
        for n in g.nodes:
            yield n
            if n.kind == "call":
                yield from _all_nodes(n.meta.get("subgraphs", ()))


def _has_effect(graphs: Sequence[Graph]) -> bool:
    return any(n.kind in EFFECT_KINDS or n.meta.get("effect") for n in _all_nodes(graphs))


def _unique(objs) -> list:
    seen, out = set(), []
    for o in objs:
        if id(o) not in seen:
            seen.add(id(o))
            out.append(o)
    return out


def _written_variables(graphs: Sequence[Graph]) -> list:
    found = []
    for n in _all_nodes(graphs):
        if n.kind == "assign":
            found.append(n.op)
        elif n.kind == "update":
            found.extend(a[1] for a in n.params["template"] if a[0] == "var")
    return _unique(found)


def _read_variables(graphs: Sequence[Graph]) -> list:
    return _unique(n.op for n in _all_nodes(graphs) if n.kind == "read")


def _expose_draws(graph: Graph, op: str) -> list:
    """Make ``graph`` also return what its random (host) nodes draw, after its results,
    so a gradient can re-run it on the same numbers; returns their (shape, dtype)."""
    for n in graph.nodes:
        if n.kind == "call" and any(m.kind == "host" for m in
                                    _all_nodes(n.meta.get("subgraphs", ()))):
            raise NotImplementedError(
                f"ember.{op}: random ops (dropout, ember.random.*) inside a loop or cond "
                f"nested in this {op} cannot be differentiated inside ember.function yet. "
                f"Draw the random numbers before the {op} and pass them in, or compute "
                "this gradient eagerly.")
    hosts = [n.outputs[0] for n in graph.nodes if n.kind == "host"]
    graph.outputs = list(graph.outputs) + hosts
    return [(tuple(0 if d is None else d for d in graph.shapes[h]), graph.dtypes[h])
            for h in hosts]


def _passthrough_outputs(graph: Graph) -> frozenset:
    """Output positions whose array is not fresh (an input, a variable's array, a
    constant): the call node copies those, so nothing later can write into them."""
    producer = {o: n.kind for n in graph.nodes for o in n.outputs}
    return frozenset(k for k, o in enumerate(graph.outputs)
                     if isinstance(o, int) and producer.get(o) in _PASSTHROUGH_KINDS)
