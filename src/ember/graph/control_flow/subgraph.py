"""Tracing a function as a subgraph of the graph being built: ``_Traced``, its
captures, and whether active tapes need what the subgraphs use."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ...core import nest
from ...core.thread_state import set_aside
from ...ops import primitive as _prim
from ..ir import Graph
from ..tracer import GraphBuilder, VariableSnapshot, tracing
from .common import _is_inexact, _read_variables, _tensor_leaves, _to_tensors


class _Traced:
    """One function traced as a subgraph: its builder (captures), graph, and result."""

    def __init__(self, builder: GraphBuilder, result: Any):
        self.builder = builder
        self.graph = builder.graph
        self.result = result
        self.flat = nest.flatten(result)
        self.leaves = _tensor_leaves(self.flat)


def _trace_subgraph(parent: GraphBuilder, name: str, fn: Callable, args: Callable,
                    specs: Sequence[tuple], op: str, what: str) -> _Traced:
    """Trace ``fn(*args(placeholders))`` dry into a child graph of ``parent``.

    ``specs`` are (example array, static shape or None, name) for the placeholders.
    Tapes are set aside while it runs (the call node is what they record).
    """
    builder = GraphBuilder(f"{parent.graph.name}/{name}", parent=parent)
    snapshot = VariableSnapshot()
    builder.before_write = snapshot.save
    try:
        with set_aside("tapes"), tracing(builder), np.errstate(all="ignore"):
            phs = [builder.placeholder(v, n, static_shape=s) for v, s, n in specs]
            result = _to_tensors(fn(*args(phs)), op, f"the values {what} returns")
    finally:
        snapshot.restore()
    traced = _Traced(builder, result)
    builder.graph.outputs = [builder.value_id(t, t._value) for t in traced.leaves]
    _check_captures(builder, op, what)
    from ..passes import dead_code
    dead_code.run(builder.graph)
    return traced


def _check_captures(builder: GraphBuilder, op: str, what: str) -> None:
    outer = set()
    b = builder.parent
    while b is not None:
        outer.add(id(b.graph))
        b = b.parent
    for t in builder.captures:
        if id(t._graph) not in outer:
            raise ValueError(
                f"ember.{op}: {what} used a tensor made inside another branch or loop body "
                f"('{t._graph.name}'); tensors made there exist only there. Return it from "
                "that function and use the result instead.")


def _union_captures(traced: Sequence[_Traced]) -> tuple[list, list]:
    """The outer tensors any of the subgraphs captures (once each), and for each
    subgraph the positions of its captures in that list."""
    union, index, maps = [], {}, []
    for tr in traced:
        m = []
        for c in tr.builder.captures:
            k = index.get(id(c))
            if k is None:
                k = index[id(c)] = len(union)
                union.append(c)
            m.append(k)
        maps.append(tuple(m))
    return union, maps


def _taped_variables(graphs: Sequence[Graph]) -> list:
    """The float variables the subgraphs read, now watched by every active tape that
    watches what it accesses (as reading them in the subgraph would have made them)."""
    variables = [v for v in _read_variables(graphs) if _prim._is_inexact(v._value)]
    for tape in _prim.STATE.tapes:
        for v in variables:
            if v.trainable and tape._watch_accessed:
                tape._watch_variable(v)
    return variables


def _record_call(name: str, vjp: Callable, tensors: Sequence, variables: list,
                 outs: Sequence) -> None:
    """Put a control-flow node on the active tapes: one multiple-results primitive over
    ``tensors`` and the ``variables`` it reads, whose ``vjp(gs, ys, *inputs, needs)``
    returns a gradient per input (the variables' after the tensors')."""
    from ...core.tensor import Tensor
    prim = _prim.Primitive(name, None, multiple_results=True)
    prim.vjp_rule = vjp
    prim.vjp_takes_needs = True
    standins = [Tensor(np.broadcast_to(np.zeros((), v._value.dtype), v._value.shape))
                for v in variables]         # shape and dtype; gradients go to id(var)
    ids = (*map(id, tensors), *map(id, variables))
    _prim.record(prim, (*tensors, *standins), {}, tuple(outs), input_ids=ids)


def _tapes_need(inputs: Sequence[Any], graphs: Sequence[Graph]) -> bool:
    """Whether an active tape watches (or will watch) something the subgraphs use."""
    if not _prim.STATE.tapes:
        return False
    ids = [id(t) for t in inputs if _is_inexact(t)]
    variables = [v for v in _read_variables(graphs) if _prim._is_inexact(v._value)]
    for tape in _prim.STATE.tapes:
        if any(i in tape._watched for i in ids):
            return True
        if any(id(v) in tape._watched or (v.trainable and tape._watch_accessed)
               for v in variables):
            return True
    return False
