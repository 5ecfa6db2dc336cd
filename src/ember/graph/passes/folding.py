"""Gradient folding: a relu's gradient moves in front of the max pool gradient after it.

``Conv2D(activation="relu")`` followed by ``MaxPooling2D`` traces, in the backward pass,

    a  = max_pool_grad(g, x, y)       # g routed to each window's maximum of x
    dz = _relu_grad(a, x)             # times (x > 0), x being the relu's output

Both run over the input-sized array. The pool's gradient is nonzero only where
``x == y``, so the relu's mask may as well be taken from ``y`` and applied to ``g``, on
the pooled array (a quarter of the size for 2x2 windows): the pair becomes one
``max_pool_relu_grad(g, x, y)`` node (``ops/pool.py``), with the same values.
It is done only when ``a`` is read by the relu gradient alone and is not an output.

A Conv2D layer's bias gradient then sums that result over every axis but the channels,
one more pass over the input-sized array: such a ``reduce_sum`` becomes the second
result of a ``max_pool_relu_grad_sum`` node, which adds the values up as it writes them.

When only the layer's filter gradient reads that result (a first layer, whose input
needs no gradient), the filter gradient takes the pool's gradient in: one
``conv_filter_grad_pooled`` node (``ops/conv.py``) makes the input-sized gradient a few
samples at a time, right before their product, and never stores it whole.

>>> import ember
>>> pool = ember.function(lambda x: ember.nn.max_pool2d(ember.nn.relu(x), 2, 2, "VALID"))
>>> def step(x):
...     with ember.GradientTape() as tape:
...         tape.watch(x)
...         y = ember.reduce_sum(pool(x))
...     return tape.gradient(y, x)
>>> g = ember.function(step).get_concrete_function(ember.TensorSpec([1, 4, 4, 1])).graph
>>> [n.name for n in g.nodes if n.kind == "op" and "grad" in n.name]
['max_pool_relu_grad']
"""
from __future__ import annotations

import functools

from ..ir import Graph, Node
from .simplify import absorb_reader, use_counts


@functools.cache
def _prims() -> tuple:
    from ...ops import activations, pool, reduction
    return (pool._max_pool_grad.primitive, activations._relu_grad.primitive,
            pool._max_pool_relu_grad.primitive, reduction._reduce_sum.primitive,
            pool._max_pool_relu_grad_sum.primitive)


def run(graph: Graph) -> int:
    """Fold each relu gradient into the max pool gradient before it, the bias gradient
    of the result into the same node, and that node into the convolution filter
    gradient that alone reads its result; returns how many folds."""
    return _relu_into_pool(graph) + _sums_into_pool(graph) + _pool_into_filter_grad(graph)


def _relu_into_pool(graph: Graph) -> int:
    pool_grad, relu_grad, folded = _prims()[:3]
    made = {n.outputs[0]: n for n in graph.nodes
            if n.kind == "op" and n.op is pool_grad and len(n.outputs) == 1}
    if not made:
        return 0
    uses = use_counts(graph)
    drop: set[int] = set()
    count = 0
    for k, node in enumerate(graph.nodes):
        if node.kind != "op" or node.op is not relu_grad or node.meta.get("cast_to"):
            continue
        a, x = node.inputs
        pg = made.get(a)
        if pg is None or uses.get(a) != 1 or pg.inputs[1] != x \
                or graph.shapes[a] != graph.shapes[node.outputs[0]]:
            continue
        g, _, y = pg.inputs
        graph.nodes[k] = Node("op", folded, (g, x, y), node.outputs,
                              {"ksize": pg.params["ksize"]})
        drop.add(id(pg))
        count += 1
    if drop:
        graph.nodes = [n for n in graph.nodes if id(n) not in drop]
    return count


def _sums_into_pool(graph: Graph) -> int:
    """``reduce_sum(max_pool_relu_grad(g, x, y))`` over every axis but the channels (a
    bias gradient) becomes the second result of one ``max_pool_relu_grad_sum`` node,
    which adds the values up as it writes them."""
    _, _, folded, reduce_sum, with_sums = _prims()
    made = {n.outputs[0]: n for n in graph.nodes if n.kind == "op" and n.op is folded}

    def bias_grad(node: Node) -> bool:
        dx = node.inputs[0]
        return (node.kind == "op" and node.op is reduce_sum and not node.meta.get("cast_to")
                and not node.params.get("keepdims")
                and tuple(node.params.get("axis") or ()) == tuple(range(len(
                    graph.shapes[dx]) - 1))
                and graph.dtypes[node.outputs[0]] == graph.dtypes[dx])
    return absorb_reader(graph, made, bias_grad, with_sums) if made else 0


def _pool_into_filter_grad(graph: Graph) -> int:
    """``(dz, db) = max_pool_relu_grad_sum(g, z, y)`` whose ``dz`` only a
    ``conv_filter_grad(x, dz)`` reads (a first layer: no input gradient) becomes one
    ``conv_filter_grad_pooled(x, g, z, y)`` node giving the filter gradient and ``db``,
    placed where the pool's gradient was."""
    from ...ops import conv
    with_sums = _prims()[4]
    made = {n.outputs[0]: n for n in graph.nodes if n.kind == "op" and n.op is with_sums}
    if not made:
        return 0
    uses = use_counts(graph)
    at = {id(n): k for k, n in enumerate(graph.nodes)}
    where = {o: at[id(n)] for n in graph.nodes for o in n.outputs}
    merged: dict[int, Node] = {}
    drop: set[int] = set()
    for node in graph.nodes:
        if node.kind != "op" or node.op is not conv._conv_filter_grad.primitive \
                or node.meta.get("cast_to"):
            continue
        x, dz = node.inputs
        pg = made.get(dz)
        if pg is None or id(pg) in merged or uses.get(dz) != 1 \
                or where.get(x, -1) > at[id(pg)] or pg.meta.get("cast_to"):
            continue
        merged[id(pg)] = Node("op", conv._conv_filter_grad_pooled.primitive,
                              (x, *pg.inputs), (node.outputs[0], pg.outputs[1]),
                              {"ksize": pg.params["ksize"], **node.params}, {"multi": True})
        drop.add(id(node))
    if merged:
        graph.nodes = [merged.get(id(n), n) for n in graph.nodes if id(n) not in drop]
    return len(merged)
