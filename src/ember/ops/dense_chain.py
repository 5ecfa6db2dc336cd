"""``dense_chain``: dense layers one after another on a few rows (a one-sample predict),
as one op, which the graph optimizer puts in place of their ops
(``graph/passes/dense_chain``).

Each layer is ``h = h @ w (+ b)``, then ReLU where asked. Run as separate ops, a
one-sample MLP spends as long between its products as in them: each op is a Python
step, and the weights streamed through the cache push the interpreter's own data out of
it. The compiled kernel (``ember.ops.kernels.row_product.chain``) runs every layer in
one call, with each large product shared with a worker thread: the benchmark's
784-512-256-10 MLP took 18-19 us that way, against 35-37 us as separate ops.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..core import cpu_threads
from . import kernels
from .activations import _relu, _relu_grad
from .elementwise import add
from .linalg import matmul
from .primitive import primitive
from .reduction import reduce_sum


def _split(params: Sequence[Any], biases: Sequence[bool]) -> tuple[tuple, tuple]:
    """``(kernels, biases)``, a bias None where the layer has none, from the flat
    ``w1, b1, w2, ...`` inputs."""
    kernels, bs, at = [], [], 0
    for has_bias in biases:
        kernels.append(params[at])
        bs.append(params[at + 1] if has_bias else None)
        at += 2 if has_bias else 1
    return tuple(kernels), tuple(bs)


@primitive(name="dense_chain")
def _dense_chain(xp, x, *params, relus=(), biases=()):
    """Dense layers in turn: ``h = x``, then for each layer ``h = h @ w + b`` (no add
    where ``biases`` says it has none), through ReLU where ``relus`` says so."""
    if xp is np and x.dtype == _FLOAT32 and type(x) is np.ndarray and _kernels_on():
        # with every bias, as Dense layers have: the kernels and biases by slicing
        ws, bs = (params[0::2], params[1::2]) if all(biases) else _split(params, biases)
        if all(type(p) is np.ndarray and p.dtype == _FLOAT32 for p in params):
            out = _ROWS[0].chain(x, ws, bs, relus, cpu_threads.thread_count() > 1)
            if out is not None:
                return out
    h = x
    for w, b, relu in zip(*_split(params, biases), relus):
        h = matmul.primitive.forward(xp, h, w)
        if b is not None:
            h = add.primitive.forward(xp, h, b)
        if relu:
            h = _relu.primitive.forward(xp, h)
    return h


_FLOAT32 = np.dtype(np.float32)
_ROWS: list[Any] = [None]       # ember.ops.kernels.row_product, once the kernels are on


def _kernels_on() -> bool:
    if not kernels.enabled():
        return False
    if _ROWS[0] is None:
        _ROWS[0] = kernels.kernels_for("row_product")
    return True


@_dense_chain.vjp
def _(g, y, x, *params, relus=(), biases=(), needs=None):
    ws, bs = _split(params, biases)
    inputs = [x]        # each layer's input, computed again
    for w, b, relu in zip(ws[:-1], bs[:-1], relus[:-1]):
        inputs.append(dense_chain(inputs[-1], [w], [b], [relu]))
    grads: list[Any] = []
    for i in reversed(range(len(ws))):
        w, b = ws[i], bs[i]
        if relus[i]:
            g = _relu_grad(g, y if i == len(ws) - 1 else inputs[i + 1])
        layer = [matmul(inputs[i], g, transpose_a=True)]
        if b is not None:
            layer.append(reduce_sum(g, axis=(0,)))
        grads[:0] = layer
        g = matmul(g, w, transpose_b=True)
    return (g, *grads)


def dense_chain(x: Any, kernels: Sequence[Any], biases: Sequence[Any | None],
                relus: Sequence[bool]) -> Any:
    """Dense layers in turn on ``x`` (2-D): ``h = h @ kernels[i] + biases[i]`` (no add
    where the bias is None), through ReLU where ``relus[i]``; one op.

    >>> import ember
    >>> from ember.ops.dense_chain import dense_chain
    >>> out = dense_chain(ember.ones([1, 2]), [ember.ones([2, 3])], [ember.ones([3])],
    ...                   [True])
    >>> out.numpy().tolist()
    [[3.0, 3.0, 3.0]]
    """
    flat = []
    for w, b in zip(kernels, biases):
        flat += [w] if b is None else [w, b]
    return _dense_chain(x, *flat, relus=tuple(bool(r) for r in relus),
                        biases=tuple(b is not None for b in biases))
