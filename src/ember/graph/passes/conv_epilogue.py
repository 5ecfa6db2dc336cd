"""Conv epilogue: a convolution's bias add, and the ReLU after it, join the convolution.

A ``Conv2D(..., activation="relu")`` layer traces as

    c = conv(x, w)
    s = add(c, b)          # b: the (O,) bias
    r = relu(s)

Each op runs over the whole output. When ``c`` is read by the add alone and ``s`` by
the relu alone (neither is a graph output), the three become one
``conv_bias(x, w, b, relu=True)`` node (``ops/conv.py``) whose compiled kernel adds the
bias and clamps each chunk of rows right after its product, while it is in cache; with
no ReLU after it (or the sum read elsewhere too), the pair becomes
``conv_bias(x, w, b, relu=False)``. The values are the same. The gradient rules never
read ``c`` or ``s`` (ReLU's reads its output), so nothing else needs them.

A 2x2 max pool reading such a 2-D result then joins it too: ``conv_bias_pool`` gives
both the result and its pool, pooling each chunk while it is in cache instead of
reading the whole result back.

>>> import ember
>>> w, b = ember.ones([3, 3, 1, 2]), ember.constant([0.5, -0.5])
>>> f = ember.function(lambda x: ember.nn.relu(ember.nn.conv2d(x, w, 1, "VALID") + b))
>>> g = f.get_concrete_function(ember.TensorSpec([1, 5, 5, 1])).graph
>>> [n.name for n in g.nodes if n.kind == "op"]
['conv_bias']
"""
from __future__ import annotations

import functools

from ..ir import Graph, Node
from .simplify import absorb_reader, bias_relu_after, last_readers, use_counts


@functools.cache
def _prims() -> tuple:
    from ...ops import conv, pool
    return (conv._conv.primitive, conv._conv_bias.primitive, pool._max_pool.primitive,
            conv._conv_bias_pool.primitive, conv.POOL_2X2)


def run(graph: Graph) -> int:
    """Fold each bias add (and ReLU) into the convolution before it, and a 2x2 max pool
    after that into the same node; returns how many folds."""
    return _bias_into_conv(graph) + _pool_into_conv(graph)


def _bias_into_conv(graph: Graph) -> int:
    conv, conv_bias = _prims()[:2]
    uses, readers = use_counts(graph), last_readers(graph)
    replaced: dict[int, Node] = {}      # id(node kept in place) -> its replacement
    drop: set[int] = set()
    for cv in graph.nodes:
        if cv.kind != "op" or cv.op is not conv or len(cv.outputs) != 1 \
                or cv.meta.get("cast_to"):
            continue
        b, relu, after, out = bias_relu_after(graph, cv.outputs[0], uses, readers)
        if b is None:
            continue
        replaced[id(after[-1])] = Node("op", conv_bias, (cv.inputs[0], cv.inputs[1], b),
                                       (out,), dict(cv.params, relu=relu))
        drop.update([id(cv)] + [id(n) for n in after[:-1]])
    if replaced:
        graph.nodes = [replaced.get(id(n), n) for n in graph.nodes if id(n) not in drop]
    return len(replaced)


def _pool_into_conv(graph: Graph) -> int:
    """A 2-D ``conv_bias`` whose result a 2x2 max pool reads: one ``conv_bias_pool``
    node with both results (the result itself stays: the gradients read it)."""
    conv_bias, max_pool, with_pool, pool_2x2 = _prims()[1:]
    made = {n.outputs[0]: n for n in graph.nodes if n.kind == "op" and n.op is conv_bias
            and len(graph.shapes[n.outputs[0]]) == 4}

    def pools_2x2(node: Node) -> bool:
        return (node.kind == "op" and node.op is max_pool and not node.meta.get("cast_to")
                and node.params == pool_2x2)
    return absorb_reader(graph, made, pools_2x2, with_pool) if made else 0
