"""``ember.cond``: eager branch choice, the traced cond node, and its gradient."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ...core.errors import InvalidArgumentError
from ...core.tensor import Tensor
from ...core.variable import Variable
from ...ops import primitive as _prim
from ..interpret import run_graph
from ..ir import Graph
from ..tracer import GraphTensor
from .call_node import _ControlFlowOp, _emit, _rerun
from .common import (
    _all_nodes,
    _check_callable,
    _describe,
    _expose_draws,
    _is_inexact,
    _merge_shapes,
    _pack,
    _passthrough_outputs,
    _static_shape,
    _structure,
    _truth,
)
from .subgraph import _record_call, _taped_variables, _trace_subgraph, _union_captures


def cond(pred: Any, true_fn: Callable | None = None, false_fn: Callable | None = None,
         name: str | None = None) -> Any:
    """``true_fn()`` if ``pred`` is true, else ``false_fn()``.

    Eagerly only the chosen branch runs. Inside ``ember.function`` a traced ``pred``
    makes both branches part of the graph and the choice happens on every call; both must
    return the same structure of tensors with the same dtypes.

    >>> import ember
    >>> x = ember.constant(2.0)
    >>> float(ember.cond(x > 1.0, lambda: x * 10.0, lambda: x - 10.0))
    20.0
    >>> f = ember.function(lambda x: ember.cond(x > 1.0, lambda: x * 10.0,
    ...                                        lambda: x - 10.0))
    >>> float(f(x)), float(f(ember.constant(0.5)))
    (20.0, -9.5)
    """
    _check_callable(true_fn, "true_fn", "cond")
    _check_callable(false_fn, "false_fn", "cond")
    if isinstance(pred, Variable):
        pred = pred.read_value()
    if type(pred) is GraphTensor:
        return _traced_cond(pred, true_fn, false_fn)
    return true_fn() if _truth(pred, "cond") else false_fn()


class _CondOp(_ControlFlowOp):
    """Inputs: the predicate, then the captures of both branches. Outputs: the branch's
    results; with ``draws`` (a tape differentiates a cond whose branches draw random
    numbers) also the values each branch's random nodes drew, the branch not taken
    giving zeros, so the gradient can re-run the branch on the same numbers."""

    label = "cond"

    def __init__(self, subgraphs, maps, draws=None):
        super().__init__(subgraphs)
        self.maps = maps
        self.draws = draws          # per branch: [(shape, dtype)] of its random draws
        self.fresh = [_passthrough_outputs(g) for g in subgraphs]

    def run(self, xp, plans, arrays):
        k = 0 if bool(arrays[0]) else 1
        caps = arrays[1:]
        res = plans[k]([caps[j] for j in self.maps[k]])
        copy = self.fresh[k]
        res = [r.copy() if i in copy else r for i, r in enumerate(res)]
        if self.draws is None:
            return res
        n = len(res) - len(self.draws[k])
        out = res[:n]
        for b, specs in enumerate(self.draws):
            out += res[n:] if b == k else [xp.zeros(s, dt) for s, dt in specs]
        return out

    def branch_fn(self, k: int, caps: Sequence[Any], effects: bool) -> Callable:
        graph, inputs = self.subgraphs[k], [caps[j] for j in self.maps[k]]
        return lambda: run_graph(graph, inputs, effects)

    def interpret(self, tensors, effects=True):
        if self.draws is not None:
            return _rerun(self, tensors)
        pred, caps = tensors[0], tensors[1:]
        return list(cond(pred, self.branch_fn(0, caps, effects),
                         self.branch_fn(1, caps, effects)))


def _check_scalar_pred(pred: Tensor, op: str) -> None:
    shape = _static_shape(pred)
    if any(d is not None and d != 1 for d in shape) or len(shape) > 1:
        raise InvalidArgumentError(f"ember.{op}: the predicate must be a scalar; got a "
                                   f"tensor of shape {shape}")


_MISMATCH = ("ember.cond: true_fn and false_fn arguments to ember.cond must have the same "
             "number, type, and overall structure of return values.")


def _traced_cond(pred: GraphTensor, true_fn: Callable, false_fn: Callable) -> Any:
    _check_scalar_pred(pred, "cond")
    parent = _prim.STATE.tracing[-1]
    no_args = lambda phs: ()
    t = _trace_subgraph(parent, "cond_true", true_fn, no_args, (), "cond", "true_fn")
    f = _trace_subgraph(parent, "cond_false", false_fn, no_args, (), "cond", "false_fn")
    if _structure(t.result) != _structure(f.result):
        raise ValueError(f"{_MISMATCH}\n  true_fn returned:  {_describe(t.result)}\n"
                         f"  false_fn returned: {_describe(f.result)}")
    for k, (a, b) in enumerate(zip(t.leaves, f.leaves)):
        if a._value.dtype != b._value.dtype:
            raise TypeError(f"{_MISMATCH} Output {k} is {a.dtype.name} in true_fn but "
                            f"{b.dtype.name} in false_fn.\n  true_fn returned:  "
                            f"{_describe(t.result)}\n  false_fn returned: "
                            f"{_describe(f.result)}")
    union, maps = _union_captures((t, f))
    shapes = [_merge_shapes(_static_shape(a), _static_shape(b))
              for a, b in zip(t.leaves, f.leaves)]
    draws = _expose_draws_of((t.graph, f.graph)) if _prim.STATE.tapes and shapes else None
    op = _CondOp([t.graph, f.graph], maps, draws)
    if draws is not None:
        shapes += [tuple(s) for specs in draws for s, _ in specs]
    outs = _emit(parent, op, [pred] + union, shapes)
    if _prim.STATE.tapes and outs:
        n = len(t.leaves)
        drawn, outs = outs[n:], outs[:n]
        _record_cond(op, pred, union, outs, drawn)
    it = iter(outs)
    return _pack(t.result, [None if x is None else next(it) for x in t.flat])


def _expose_draws_of(graphs: Sequence[Graph]) -> list | None:
    """Per branch, the (shape, dtype) of its random draws, now also returned by the
    branch (see ``_expose_draws``); None when the branches draw nothing."""
    if not any(n.kind == "host" for n in _all_nodes(graphs)):
        return None
    return [_expose_draws(g, "cond") for g in graphs]


def _draw_overrides(graph: Graph, n_results: int, drawn: list) -> dict:
    """Host node output id -> the value the forward run drew there."""
    return dict(zip(graph.outputs[n_results:], drawn))


def _record_cond(op: _CondOp, pred: Tensor, union: list, outs: list,
                 drawn: list | None = None) -> None:
    """Put the cond node on the active tapes as one multiple-results primitive whose
    gradient is a cond of the branches' gradients (re-run on the numbers ``drawn``)."""
    variables = _taped_variables(op.subgraphs)
    ncap = len(union)
    nout = len(outs)
    overrides = [{}, {}]
    if drawn:
        n0 = len(op.draws[0])
        overrides = [_draw_overrides(op.subgraphs[0], nout, drawn[:n0]),
                     _draw_overrides(op.subgraphs[1], nout, drawn[n0:])]

    def vjp(gs, ys, pred_t, *rest, needs):
        wanted = [k for k in range(len(rest)) if needs[k + 1] and _is_inexact(rest[k])]
        out = [None] * (1 + len(rest))
        if not wanted:
            return tuple(out)
        caps = rest[:ncap]
        sources = [caps[k] if k < ncap else variables[k - ncap] for k in wanted]

        def branch(b):
            inputs = [caps[j] for j in op.maps[b]]
            return lambda: _branch_gradients(op.subgraphs[b], inputs, sources, gs,
                                             overrides[b])

        grads = cond(pred_t, branch(0), branch(1))
        for k, g in zip(wanted, grads):
            out[1 + k] = g
        return tuple(out)

    _record_call("cond", vjp, (pred, *union), variables, outs)


def _branch_gradients(graph: Graph, inputs: list, sources: list, gs: Sequence,
                      draws: dict | None = None) -> list:
    """Gradients of one branch's outputs (weighted by ``gs``) w.r.t. ``sources``: the
    branch is re-run with Ember ops under a tape (its random nodes giving ``draws``);
    zeros where unconnected."""
    from ...autodiff.tape import GradientTape
    from ...ops.creation import zeros_like
    with GradientTape(watch_accessed_variables=False) as tape:
        for s in sources:
            tape.watch(s)
        outs = run_graph(graph, inputs, effects=False, draws=draws)
    targets, weights = [], []
    for o, g in zip(outs, gs):
        if _is_inexact(o):
            targets.append(o)
            weights.append(g)
    if not targets:
        return [zeros_like(s) for s in sources]
    return list(tape.gradient(targets, sources, output_gradients=weights,
                              unconnected_gradients="zero"))
