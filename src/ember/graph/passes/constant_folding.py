"""Constant folding: compute at compile time what does not depend on the inputs.

An ``op`` node whose inputs are all ``const`` nodes gives the same result on every call,
so it is evaluated once, now (its primitive's forward on the constant values, with the
dispatcher's ``cast_to`` rule re-applied), and becomes a ``const`` node (one per result
of a multi-result primitive). Folding runs front to back, so whole constant chains
collapse in one pass.

Ops that only look at their input's shape and dtype (``ones_like``, ``zeros_like``)
fold too when that shape is fixed; this is what turns the seed of a traced gradient
(``ones_like(loss)``, then reshaped and broadcast) into a constant.

A result larger than ``MAX_BYTES`` (1 MB) is not folded: a big constant would be held
for the life of the function, where the op only holds it while it runs. A forward
that fails, or whose result does not have the shape and dtype the trace recorded, is
left alone.

>>> import ember
>>> f = ember.function(lambda x: ember.ones_like(ember.reduce_sum(x)) * 2.0 + x)
>>> g = f.get_concrete_function(ember.TensorSpec([3])).graph
>>> [n.name for n in g.nodes if n.kind == "op"], g.stats["constant folding"]
(['add'], 2)
"""
from __future__ import annotations

import functools

import numpy as np

from ..ir import Graph, Node
from .simplify import dynamic_values

MAX_BYTES = 1 << 20


@functools.cache
def _shape_only_prims() -> frozenset:
    from ...ops import creation
    from ...ops import elementwise as ew
    return frozenset({creation._zeros_like.primitive, creation._ones_like.primitive,
                      ew.zeros_like_value.primitive, ew.ones_like_value.primitive})


def _nbytes(v) -> int:
    return int(getattr(v, "nbytes", 0) or 0)


def _matches(graph: Graph, vid: int, value) -> bool:
    shape = getattr(value, "shape", None)
    dtype = getattr(value, "dtype", None)
    return shape is not None and tuple(shape) == graph.shapes[vid] \
        and dtype is not None and dtype == graph.dtypes[vid]


def _evaluate(graph: Graph, node: Node, args: list):
    """The node's results on ``args``, or None if it should not be folded."""
    try:
        with np.errstate(all="ignore"):
            out = node.op.forward(np, *args, **node.params)
            if node.meta.get("multi"):
                results = list(out)
            else:
                cast_to = node.meta.get("cast_to")
                results = [out.astype(cast_to) if cast_to is not None else out]
    except Exception:  # noqa: BLE001 - not foldable; the plan runs (and reports) it
        return None
    if len(results) != len(node.outputs) \
            or sum(_nbytes(r) for r in results) > MAX_BYTES \
            or not all(_matches(graph, o, r) for o, r in zip(node.outputs, results)):
        return None
    return results


def run(graph: Graph) -> int:
    """Replace ops on constants by their results; returns how many ops were folded.

    >>> import ember, numpy as np
    >>> c = np.arange(3.0)
    >>> from ember.graph.ir import Graph, Node
    >>> from ember.ops.elementwise import exp
    >>> g = Graph("g"); a = g.new_value((3,), c.dtype); b = g.new_value((3,), c.dtype)
    >>> _ = g.add(Node("const", None, (), (a,), {"value": c}))
    >>> _ = g.add(Node("op", exp.primitive, (a,), (b,)))
    >>> g.outputs = [b]
    >>> run(g), g.nodes[-1].kind, g.nodes[-1].params["value"].round(2).tolist()
    (1, 'const', [1.0, 2.72, 7.39])
    """
    consts: dict[int, object] = {}
    shape_only = _shape_only_prims()
    dyn = None
    folded = 0
    new_nodes: list[Node] = []
    for node in graph.nodes:
        if node.kind == "const":
            consts[node.outputs[0]] = node.params["value"]
        elif node.kind == "op" and node.inputs and not node.meta.get("effect"):
            results = None
            if all(i in consts for i in node.inputs):
                results = _evaluate(graph, node, [consts[i] for i in node.inputs])
            elif node.op in shape_only and len(node.inputs) == 1:
                (i,) = node.inputs
                if dyn is None:
                    dyn = dynamic_values(graph)
                dt = graph.dtypes[i]
                if i not in dyn and not isinstance(dt, str):
                    results = _evaluate(graph, node, [np.zeros(graph.shapes[i], dt)])
            if results is not None:
                for o, r in zip(node.outputs, results):
                    const = Node("const", None, (), (o,), {"value": r})
                    new_nodes.append(const)
                    consts[o] = r
                folded += 1
                continue
        new_nodes.append(node)
    if folded:
        graph.nodes = new_nodes
    return folded
