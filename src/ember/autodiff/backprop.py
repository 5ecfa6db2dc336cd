"""The reverse pass: walk a tape's recorded nodes backwards, calling each op's vjp.

Gradients are Ember tensors computed with Ember ops, so an outer tape records the
backward pass of an inner one (second and higher order gradients). Broadcasting is
undone here, once for every op: a gradient whose shape differs from its input's is
summed back to the input's shape.
"""
from __future__ import annotations

from typing import Sequence

from ..core.tensor import Tensor
from ..ops import primitive as _prim


def sum_to_shape(g: Tensor, shape: tuple) -> Tensor:
    """Sum a broadcast gradient back down to ``shape``."""
    from ..ops.reduction import reduce_sum
    from ..ops.shape import reshape
    gshape = g._value.shape
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    axes = list(range(lead))
    for i, d in enumerate(shape):
        if d == 1 and gshape[lead + i] != 1:
            axes.append(lead + i)
    if axes:
        g = reduce_sum(g, axis=tuple(axes), keepdims=False)
    if g._value.shape != tuple(shape):
        g = reshape(g, tuple(shape))
    return g


def _relevant_nodes(nodes: list, source_ids: set) -> tuple[list, set]:
    """Nodes on some path from a source (forward scan in recording order), and the ids of
    every value that depends on a source (only those need gradients)."""
    reach = set(source_ids)
    out = []
    for node in nodes:
        for i in node[2]:
            if i in reach:
                out.append(node)
                for o in node[4]:
                    reach.add(id(o))
                break
    return out, reach


def backprop(nodes: list, targets: Sequence[Tensor], sources_ids: Sequence[int],
             output_gradients: Sequence[Tensor | None], release: bool = False) -> dict:
    """Gradients of sum(targets * output_gradients) for every id in ``sources_ids``.

    Returns a dict from id to accumulated gradient Tensor (absent: unconnected). With
    ``release`` (a tape used once), ``nodes`` is emptied and each node's forward values
    and gradient are dropped as soon as the backward pass is past it, so memory falls
    during the pass instead of after it.
    """
    from ..ops.elementwise import add, cast
    from ..ops.creation import ones_like

    grads: dict[int, Tensor] = {}
    for t, og in zip(targets, output_gradients):
        g = ones_like(t) if og is None else og
        k = id(t)
        grads[k] = add(grads[k], g) if k in grads else g
    keep = set(sources_ids)
    relevant, reach = _relevant_nodes(nodes, keep)
    if release:
        nodes.clear()
    for k in range(len(relevant) - 1, -1, -1):
        prim, inputs, input_ids, params, outs = relevant[k]
        if release:     # the forward values this node holds can go once it is done
            relevant[k] = None
        if prim.multiple_results:
            gs = [grads.get(id(o)) if id(o) in keep else grads.pop(id(o), None)
                  for o in outs]
            if all(g is None for g in gs):
                continue
            if prim.vjp_takes_none:
                g = tuple(gs)
            else:
                from ..ops.creation import zeros_like
                g = tuple(zeros_like(o) if gi is None else gi for o, gi in zip(outs, gs))
            y = outs
        else:
            o = id(outs[0])
            g = grads.get(o) if o in keep else grads.pop(o, None)
            if g is None:
                continue
            y = outs[0]
        if prim.vjp_takes_needs:
            needs = tuple(i in reach for i in input_ids)
            in_grads = prim.vjp_rule(g, y, *inputs, needs=needs, **params)
        else:
            in_grads = prim.vjp_rule(g, y, *inputs, **params)
        if len(inputs) == 1 and not isinstance(in_grads, (tuple, list)):
            in_grads = (in_grads,)
        for inp, iid, ig in zip(inputs, input_ids, in_grads):
            if ig is None or not _prim._is_inexact(inp._value):
                continue
            if not isinstance(ig, Tensor):
                ig = Tensor(ig) if hasattr(ig, "dtype") else ig
            if ig._value.shape != inp._value.shape:
                ig = sum_to_shape(ig, inp._value.shape)
            if ig._value.dtype != inp._value.dtype:
                ig = cast(ig, inp._value.dtype)
            grads[iid] = add(grads[iid], ig) if iid in grads else ig
    return grads
