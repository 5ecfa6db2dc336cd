"""Algebraic simplification: drop ops that hand back their input unchanged.

Traced code is full of steps that do nothing to the values they get: ``x * 1.0`` from a
loss scale, ``x + 0`` from a bias that is zero, ``-(-x)`` from a gradient rule, a reshape
or broadcast to the shape ``x`` already has, a transpose by the identity permutation, a
cast to ``x``'s own dtype, ``identity``. Each is removed and its result replaced by
``x`` (in every later node's inputs and in the graph's outputs), which saves the op and
the array it would have allocated.

A rewrite is made only when it is exact for every run of the graph: the result must have
``x``'s shape and dtype, the constant must be a scalar (or an array of equal values)
whose broadcast cannot change ``x``'s shape, and shape-dependent rewrites (reshape,
broadcast_to, large constants) are skipped for values whose shape may change from call
to call (those that depend on an input with an unknown (``None``) dimension).
``x + 0.0`` turns ``-0.0`` into ``+0.0``; like other compilers (XLA) Ember drops it
anyway (the values compare equal). ``stop_gradient`` is kept: a graph may be
re-run under a tape (``ember.graph.interpret``), where it matters.

This module also holds the small helpers the other passes share (renaming values,
counting uses, the values whose shapes are not fixed).

>>> import ember
>>> f = ember.function(lambda x: ember.identity(x * 1.0) + 0.0)
>>> g = f.get_concrete_function(ember.TensorSpec([3])).graph
>>> [n.kind for n in g.nodes], g.stats["simplified"]
(['input'], 3)
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from ..ir import Graph, Node

_PY_NUMBERS = (int, float)


# -- helpers shared by the passes ----------------------------------------------------------
def rename_outputs(graph: Graph, mapping: dict) -> None:
    """Point the graph's outputs at the replacement of each renamed value."""
    if mapping:
        graph.outputs = [mapping.get(o, o) if isinstance(o, int) else o
                         for o in graph.outputs]


def rename_inputs(node: Node, mapping: dict) -> None:
    """Rewrite ``node.inputs`` through ``mapping`` (old id -> new id)."""
    if mapping and node.inputs:
        ins = node.inputs
        new = tuple(mapping.get(i, i) for i in ins)
        if new != ins:
            node.inputs = new


def use_counts(graph: Graph) -> dict:
    """How many times each value is read (one count per input slot of each node; each
    graph output counts once too)."""
    counts: dict[int, int] = {}
    for node in graph.nodes:
        for i in node.inputs:
            counts[i] = counts.get(i, 0) + 1
    for o in graph.output_ids():
        counts[o] = counts.get(o, 0) + 1
    return counts


def producers(graph: Graph) -> dict:
    """Value id -> the node that makes it."""
    return {o: node for node in graph.nodes for o in node.outputs}


def absorb_reader(graph: Graph, made: dict, reads: Callable[[Node], bool], into) -> int:
    """For each node ``made[v]`` (value id -> the node making it) whose result ``v`` a
    node accepted by ``reads`` reads: one node running ``into`` on the first node's
    inputs and params, giving ``v`` and the reader's result, in place of the pair (the
    first reader per node). Returns how many pairs were merged."""
    taken: dict[int, Node] = {}         # id(node in made) -> its merged node
    drop: set[int] = set()
    for node in graph.nodes:
        first = made.get(node.inputs[0]) if node.inputs else None
        if first is None or id(first) in taken or not reads(node):
            continue
        taken[id(first)] = Node("op", into, first.inputs,
                                (first.outputs[0], node.outputs[0]), dict(first.params),
                                {"multi": True})
        drop.add(id(node))
    if taken:
        graph.nodes = [taken.get(id(n), n) for n in graph.nodes if id(n) not in drop]
    return len(taken)


def last_readers(graph: Graph) -> dict:
    """Value id -> the last node that reads it (its only reader where it is read once)."""
    readers: dict[int, Node] = {}
    for node in graph.nodes:
        for i in node.inputs:
            readers[i] = node
    return readers


def bias_relu_after(graph: Graph, v: int, uses: dict, readers: dict) -> tuple:
    """The epilogue of a product's result ``v`` (a convolution's, a dense layer's):
    ``(bias, relu, nodes, out)`` for the ``add`` of a bias over the last axis that alone
    reads ``v`` (``bias`` None where there is none) and the ``relu`` that alone reads what
    comes before it (``relu`` False where there is none), ``nodes`` those ops in order and
    ``out`` the last one's result (``v`` itself with neither)."""
    add, relu = _epilogue_prims()
    nodes, out, bias, with_relu = [], v, None, False
    after = readers.get(out)
    if uses.get(out) == 1 and after is not None and after.kind == "op" and after.op is add \
            and not after.meta.get("cast_to") and len(after.inputs) == 2:
        other = after.inputs[1] if after.inputs[0] == out else after.inputs[0]
        s = after.outputs[0]
        if other != out and graph.shapes[other] == (graph.shapes[out][-1],) \
                and graph.shapes[s] == graph.shapes[out] \
                and graph.dtypes[other] == graph.dtypes[out] == graph.dtypes[s]:
            nodes.append(after)
            out, bias = s, other
            after = readers.get(out)
    if uses.get(out) == 1 and after is not None and after.kind == "op" and after.op is relu \
            and not after.meta.get("cast_to") and graph.dtypes[after.outputs[0]] == graph.dtypes[out]:
        nodes.append(after)
        out, with_relu = after.outputs[0], True
    return bias, with_relu, nodes, out


@functools.cache
def _epilogue_prims() -> tuple:
    from ...ops import activations, elementwise
    return elementwise.add.primitive, activations._relu.primitive


def is_weak(graph: Graph, vid: int) -> bool:
    """A weak Python scalar constant (its dtype is the text ``"weak float"`` etc.)."""
    return isinstance(graph.dtypes[vid], str)


def dynamic_values(graph: Graph) -> set:
    """Values whose shape may differ from ``graph.shapes`` on a later call: inputs with an
    unknown (``None``) dimension and everything computed from them (rank-0 results
    excepted: a rank cannot change)."""
    dyn = {v for v in graph.inputs if any(d is None for d in graph.shapes[v])}
    for node in graph.nodes:
        if node.kind in ("input", "const"):
            for o in node.outputs:
                if any(d is None for d in graph.shapes[o]):
                    dyn.add(o)
            continue
        if dyn and any(i in dyn for i in node.inputs):
            dyn.update(o for o in node.outputs if len(graph.shapes[o]) != 0)
        else:
            dyn.update(o for o in node.outputs if any(d is None for d in graph.shapes[o]))
    return dyn


def const_values(graph: Graph) -> dict:
    """Value id -> the value of each ``const`` node."""
    return {n.outputs[0]: n.params["value"] for n in graph.nodes if n.kind == "const"}


# -- the pass ------------------------------------------------------------------------------
@functools.cache
def _prims() -> dict:
    from ...ops import creation, shape
    from ...ops import elementwise as ew
    return {
        "multiply": ew.multiply.primitive, "add": ew.add.primitive,
        "subtract": ew.subtract.primitive, "divide": ew.divide.primitive,
        "negative": ew.negative.primitive, "reshape": shape._reshape.primitive,
        "transpose": shape._transpose.primitive, "cast": ew._cast.primitive,
        "broadcast_to": shape._broadcast_to.primitive,
        "identity": creation._identity.primitive,
    }


def _is_neutral(value: Any, neutral: int, x_shape: tuple, x_dynamic: bool) -> bool:
    """``value`` is a constant equal to ``neutral`` everywhere whose broadcast against a
    value of shape ``x_shape`` leaves that shape alone (on every call)."""
    t = type(value)
    if t in _PY_NUMBERS:
        return value == neutral
    if not hasattr(value, "dtype") or value.dtype.kind not in "iuf":
        return False
    size, ndim = value.size, value.ndim
    if size == 0:
        return False
    if size > 1 or ndim > len(x_shape):
        if x_dynamic:
            return False
        try:
            if np.broadcast_shapes(value.shape, x_shape) != tuple(x_shape):
                return False
        except ValueError:
            return False
    flat = np.asarray(value).reshape(-1)
    return bool(np.all(flat == neutral))


def run(graph: Graph) -> int:
    """Remove ops that return their input unchanged; returns how many went.

    >>> import ember
    >>> f = ember.function(lambda x: -(-ember.reshape(x, [2, 2])) / 1.0)
    >>> g = f.get_concrete_function(ember.TensorSpec([2, 2])).graph
    >>> g.stats["simplified"]
    3
    """
    p = _prims()
    mul, add, sub, div, neg = (p["multiply"], p["add"], p["subtract"], p["divide"],
                               p["negative"])
    reshape, transpose, cast = p["reshape"], p["transpose"], p["cast"]
    bcast, ident = p["broadcast_to"], p["identity"]
    binary = {mul, add, sub, div}
    shapes, dtypes = graph.shapes, graph.dtypes
    consts = const_values(graph)
    dyn = dynamic_values(graph)
    made_by_neg: dict[int, int] = {}     # -x's id -> x's id
    mapping: dict[int, int] = {}
    keep: list[Node] = []
    removed = 0
    for node in graph.nodes:
        rename_inputs(node, mapping)
        if node.kind != "op" or node.meta.get("cast_to") is not None \
                or node.meta.get("multi") or node.meta.get("effect") or len(node.outputs) != 1:
            keep.append(node)
            continue
        prim, ins, y = node.op, node.inputs, node.outputs[0]
        x = None
        if prim in binary and len(ins) == 2:
            a, b = ins
            if b in consts and not is_weak(graph, a):
                neutral = 1 if prim is mul or prim is div else 0
                if _is_neutral(consts[b], neutral, shapes[a], a in dyn):
                    x = a
            if x is None and a in consts and (prim is mul or prim is add) \
                    and not is_weak(graph, b) \
                    and _is_neutral(consts[a], 1 if prim is mul else 0, shapes[b], b in dyn):
                x = b
        elif len(ins) == 1 and not is_weak(graph, ins[0]):
            a = ins[0]
            if prim is neg:
                if a in made_by_neg:
                    x = made_by_neg[a]
                else:
                    made_by_neg[y] = a
            elif prim is ident:
                x = a
            elif prim is transpose:
                x = a if tuple(node.params.get("perm", ())) == tuple(range(len(shapes[a]))) \
                    else None
            elif prim is cast:
                x = a if node.params.get("dtype") == dtypes[a] else None
            elif (prim is reshape or prim is bcast) and a not in dyn \
                    and tuple(node.params.get("shape", ())) == shapes[a]:
                x = a
        if x is not None and shapes[x] == shapes[y] and dtypes[x] == dtypes[y] \
                and not isinstance(dtypes[x], str):
            mapping[y] = x
            removed += 1
            continue
        keep.append(node)
    if removed:
        graph.nodes = keep
        rename_outputs(graph, mapping)
    return removed
