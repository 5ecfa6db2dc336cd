"""The gradient of a traced ``ember.while_loop``.

A loop whose trip count is known only when it runs is differentiated as TensorFlow does:
while a tape needs it, the forward while node also returns how many iterations ran and
every loop variable's value at the start of each iteration, stacked (``histories``).
The gradient is a second ``ember.while_loop`` that walks those iterations backwards:
iteration ``i`` re-runs the body's graph on the recorded state under a tape and pulls
the cotangents of the loop variables back through it, summing the cotangents of what
the body captured (outer tensors and variables). Being an ordinary ``while_loop``, the
backward loop is itself differentiable the same way (second order).

>>> import ember
>>> @ember.function
... def grow(x):
...     with ember.GradientTape() as tape:
...         tape.watch(x)
...         (y,) = ember.while_loop(lambda y: y < 10.0, lambda y: (y * 2.0,), [x])
...     return y, tape.gradient(y, x)
>>> [float(v) for v in grow(ember.constant(1.5))]
[12.0, 8.0]
"""
from __future__ import annotations

from collections.abc import Sequence

from ...core.tensor import Tensor
from ...ops import primitive as _prim
from ...ops.primitive import primitive
from ..interpret import run_graph
from .common import _is_inexact
from .conditional import _draw_overrides
from .subgraph import _record_call, _taped_variables


@primitive(name="history_row")
def _history_row(xp, history, i):
    """Row ``i`` of a loop's stacked history (the loop variable entering iteration i)."""
    return history[int(i)]


@_history_row.vjp
def _(g, out, history, i):
    return _history_row_grad(g, history, i), None


@primitive(name="history_row_grad")
def _history_row_grad(xp, g, like, i):
    """``g`` placed in row ``i`` of zeros shaped like ``like``, whose row count is known
    only at run time (so the shape is taken from ``like``, not fixed in the graph)."""
    out = xp.zeros(like.shape, g.dtype)
    out[int(i)] = g
    return out


@_history_row_grad.vjp
def _(gg, out, g, like, i):
    return _history_row(gg, i), None, None


def record_while(op, loop_vars: list, union: list, outs: list, count: Tensor,
                 histories: list, drawn: list) -> None:
    """Put the while node on the active tapes as one multiple-results primitive whose
    gradient is the backward loop over ``histories`` (and the numbers ``drawn`` by the
    body's random nodes, stacked the same way)."""
    variables = _taped_variables(op.subgraphs)
    n, ncap = len(loop_vars), len(union)
    body_graph = op.subgraphs[1]
    body_caps = [union[j] for j in op.maps[1]]

    # Under nested tapes the gradient itself is differentiated: its backward loop reads
    # the histories, so they are outputs of the taped node too (cotangents flow into them).
    nested = len(_prim.STATE.tapes) > 1
    taped = tuple(outs) + ((count, *histories) if nested else ())

    def vjp(gs, ys, *inputs, needs):
        out: list = [None] * len(inputs)
        moving = [j for j in range(n) if _is_inexact(loop_vars[j])]
        wanted = [k for k in range(ncap + len(variables))
                  if needs[n + k] and (k >= ncap or _is_inexact(union[k]))]
        if not any(needs[j] for j in moving) and not wanted:
            return tuple(out)
        sources = [union[k] if k < ncap else variables[k - ncap] for k in wanted]
        row_grads = [gs[n + 1 + j] for j in moving] if nested else None
        grads = _backward_loop(body_graph, body_caps, count, histories, drawn, moving,
                               [gs[j] for j in moving], sources, row_grads)
        for j, g in zip(moving, grads):
            out[j] = g
        for k, g in zip(wanted, grads[len(moving):]):
            out[n + k] = g
        return tuple(out)

    _record_call("while_loop", vjp, (*loop_vars, *union), variables, taped)


def _backward_loop(body_graph, body_caps: list, count: Tensor, histories: list,
                   drawn: list, moving: list, cotangents: list, sources: list,
                   row_grads: list | None) -> list:
    """Cotangents of the loop's entry values (``moving`` variables) and of ``sources``,
    given the cotangents of its results (and, under nested tapes, of the history rows):
    a while_loop from the last iteration down."""
    from ...ops.creation import zeros_like
    from ...ops.elementwise import add, equal, maximum, subtract, where
    from .loop import while_loop
    nm = len(moving)

    def body(i, *carry):
        dv, acc = list(carry[:nm]), list(carry[nm:])
        row = maximum(i, 0)       # the body is traced on the first values of the loop
        state = [_history_row(h, row) for h in histories]
        draws = _draw_overrides(body_graph, len(state), [_history_row(d, row) for d in drawn])
        grads = _body_gradients(body_graph, state, body_caps, moving, dv, sources, draws)
        dv = grads[:nm]
        if row_grads is not None:
            dv = [add(d, _history_row(r, row)) for d, r in zip(dv, row_grads)]
        return (subtract(i, 1), *dv, *[add(a, g) for a, g in zip(acc, grads[nm:])])

    init = [subtract(count, 1), *cotangents, *[zeros_like(s) for s in sources]]
    result = list(while_loop(lambda i, *rest: i >= 0, body, init))[1:]
    if row_grads is not None:     # no iteration ran: the one row is the entry itself
        none_ran, first = equal(count, 0), zeros_like(count)
        for j, r in enumerate(row_grads):
            result[j] = add(result[j], where(none_ran, _history_row(r, first),
                                             zeros_like(result[j])))
    return result


def _body_gradients(graph, state: list, caps: list, moving: list, dv: Sequence,
                    sources: list, draws: dict) -> list:
    """One iteration pulled back: the body re-run on ``state`` (its random nodes giving
    ``draws``) under a tape, then the
    gradients of its moving outputs (weighted by ``dv``) w.r.t. its moving inputs and
    ``sources`` (zeros where unconnected)."""
    from ...autodiff.tape import GradientTape
    with GradientTape(watch_accessed_variables=False) as tape:
        for j in moving:
            tape.watch(state[j])
        for s in sources:
            tape.watch(s)
        outs = run_graph(graph, state + caps, effects=False, draws=draws)
    return list(tape.gradient([outs[j] for j in moving], [state[j] for j in moving] + sources,
                              output_gradients=list(dv), unconnected_gradients="zero"))
