"""Dense chain: dense layers on a few rows (a one-sample predict) become one op.

A ``Dense(n, activation="relu")`` layer traces as

    p = matmul(h, w)       # h: (rows, k) with at most four rows
    s = add(p, b)          # b: the (n,) bias
    r = relu(s)

(the add and the ReLU each optional). When ``p`` is read by the add alone and ``s`` by
the ReLU alone, and the layer's result is read only by the next such layer, the layers
become one ``dense_chain(h, w1, b1, w2, ...)`` node (``ops/dense_chain.py``) whose
compiled kernel runs them all in one call; only chains through 256 KB of weights or
more, since smaller ones gain nothing. In a training step the backward pass reads each
layer's result, so there each chain is one layer long.

>>> import ember
>>> w, b = ember.Variable(ember.ones([400, 300])), ember.Variable(ember.zeros([300]))
>>> f = ember.function(lambda x: ember.nn.relu(ember.matmul(x, w) + b) @ ember.ones([300, 2]))
>>> g = f.get_concrete_function(ember.TensorSpec([1, 400])).graph
>>> [n.name for n in g.nodes if n.kind == "op"]
['dense_chain']
"""
from __future__ import annotations

import functools

import numpy as np

from ..ir import Graph, Node
from .simplify import bias_relu_after, last_readers, use_counts

#: inputs of at most this many rows take the chain (a batch is faster as plain products)
MOST_ROWS = 4
#: ... through matrices of at least this many elements in all (256 KB in float32): small
#: layers gain nothing from the kernel
LEAST_WEIGHTS = 1 << 16


@functools.cache
def _prims() -> tuple:
    from ...ops import dense_chain, linalg
    return linalg.matmul.primitive, dense_chain._dense_chain.primitive


def run(graph: Graph) -> int:
    """Replace each chain of few-row dense layers by one node; returns how many."""
    matmul, chain = _prims()
    uses, readers = use_counts(graph), last_readers(graph)
    layers = [_layer(graph, node, uses, readers)                # in graph order
              for node in graph.nodes if _few_rows_product(graph, node, matmul)]
    if not layers:
        return 0
    chains: list[list] = []
    ends: dict[int, list] = {}      # a chain's result -> the chain
    for layer in layers:
        before = ends.pop(layer[0], None)
        if before is not None and uses.get(layer[0]) == 1:
            before.append(layer)
        else:
            before = [layer]
            chains.append(before)
        ends[layer[5]] = before
    replaced: dict[int, Node] = {}
    drop: set[int] = set()
    for links in chains:
        if sum(_size(graph.shapes[link[1]]) for link in links) < LEAST_WEIGHTS:
            continue
        inputs = [links[0][0]]
        for _, w, b, _, _, _ in links:
            inputs += [w] if b is None else [w, b]
        last = links[-1][4][-1]
        replaced[id(last)] = Node(
            "op", chain, tuple(inputs), (links[-1][5],),
            {"relus": tuple(link[3] for link in links),
             "biases": tuple(link[2] is not None for link in links)})
        drop.update(id(n) for link in links for n in link[4] if n is not last)
    if replaced:
        graph.nodes = [replaced.get(id(n), n) for n in graph.nodes if id(n) not in drop]
    return len(replaced)


def _size(shape: tuple) -> int:
    return shape[0] * shape[1]


def _few_rows_product(graph: Graph, node: Node, matmul) -> bool:
    """``node`` is a plain float32 ``matmul`` of a 2-D input of at most ``MOST_ROWS``
    rows (known when traced) by a matrix."""
    if node.kind != "op" or node.op is not matmul or node.params or len(node.inputs) != 2 \
            or node.meta.get("cast_to"):
        return False
    x, w = node.inputs
    sx, sw = graph.shapes[x], graph.shapes[w]
    return (len(sx) == 2 and len(sw) == 2 and isinstance(sx[0], int) and sx[0] <= MOST_ROWS
            and None not in sw and graph.dtypes[x] == graph.dtypes[w] == np.float32)


def _layer(graph: Graph, node: Node, uses: dict, readers: dict) -> tuple:
    """``(input, w, bias or None, relu, nodes, output)`` for the dense layer that the
    product ``node`` starts: the bias add and the ReLU after it that read only it."""
    bias, relu, after, out = bias_relu_after(graph, node.outputs[0], uses, readers)
    return node.inputs[0], node.inputs[1], bias, relu, [node, *after], out
