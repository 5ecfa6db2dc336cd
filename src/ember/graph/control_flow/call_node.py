"""The ``call`` node: ``_ControlFlowOp`` (what it runs), its plan step, and ``_emit``,
which adds one to the graph being traced."""
from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any

from ...core.tensor import Tensor
from ..ir import Graph, Node
from ..plan import STEP_FACTORIES, Plan
from ..tracer import GraphBuilder, GraphTensor, suspended
from .common import _has_effect, _written_variables, _xp_of


class _ControlFlowOp:
    """What a ``call`` node runs: subgraphs and how to drive their plans."""

    label = "call"

    def __init__(self, subgraphs: Sequence[Graph]):
        self.subgraphs = list(subgraphs)

    def plans(self, xp) -> list:
        return [Plan(g, xp) for g in self.subgraphs]

    def with_subgraphs(self, subgraphs: Sequence[Graph]) -> _ControlFlowOp:
        """The same op over other (e.g. rewritten) subgraphs of the same signature."""
        new = copy.copy(self)
        new.subgraphs = list(subgraphs)
        return new

    def run(self, xp, plans: list, arrays: list) -> list:   # pragma: no cover - abstract
        raise NotImplementedError

    def interpret(self, tensors: list, effects: bool = True) -> list:  # pragma: no cover
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<ember {self.label}>"


def _call_step(node: Node, xp) -> Callable:
    op, ins, outs = node.op, node.inputs, node.outputs
    plans = op.plans(xp)
    run = op.run

    def step(s):
        for o, r in zip(outs, run(xp, plans, [s[i] for i in ins])):
            s[o] = r
    return step


STEP_FACTORIES["call"] = _call_step


def _rerun(op: _ControlFlowOp, tensors: Sequence[Tensor],
           static_shapes: Sequence[Any] | None = None) -> list:
    """A node whose outputs include recorded values (loop histories, random draws), run
    again by ``run_graph``: inside a trace the same node is added (re-running the Python
    would draw anew); eagerly it runs on the arrays."""
    from ...ops import primitive as _prim
    if _prim.STATE.tracing:
        return _emit(_prim.STATE.tracing[-1], op, tensors, static_shapes)
    arrays = [t._value for t in tensors]
    xp = _xp_of(arrays)
    return [Tensor(a) for a in op.run(xp, op.plans(xp), arrays)]


def _emit(parent: GraphBuilder, op: _ControlFlowOp, inputs: Sequence[Tensor],
          static_shapes: Sequence[Any] | None = None) -> list:
    """Add ``op``'s call node to ``parent``'s graph, run it once on this trace's values
    (its side effects happen now, as the trace runs the function) and return its
    outputs as traced tensors."""
    ins = tuple(parent.value_id(t, t._value) for t in inputs)
    arrays = [t._value for t in inputs]
    if parent.before_write is not None:
        for var in _written_variables(op.subgraphs):
            parent.before_write(var)
    xp = _xp_of(arrays)
    with suspended():
        results = op.run(xp, op.plans(xp), arrays)
    g = parent.graph
    if static_shapes is None:
        static_shapes = [None] * len(results)
    # a dimension the node may change from call to call (a while loop's shape invariant,
    # its trip count) is None in the graph too, so passes treat the value as dynamic
    outs = tuple(g.new_value(r.shape if s is None else tuple(s), r.dtype)
                 for r, s in zip(results, static_shapes))
    # and ember.shape of it is read as the graph runs (``value_shaped``)
    g.value_shaped.update(o for o, s in zip(outs, static_shapes)
                          if s is not None and None in tuple(s))
    g.add(Node("call", op, ins, outs, {},
               {"subgraphs": op.subgraphs, "label": op.label,
                "effect": _has_effect(op.subgraphs)}))
    return [GraphTensor(r, g, o, s) for r, o, s in zip(results, outs, static_shapes)]
