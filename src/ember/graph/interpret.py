"""Running a traced graph again with Ember ops, node by node.

A ``Plan`` runs a graph on raw arrays, fast and invisible to tapes. ``run_graph`` runs
the same nodes through the ordinary dispatcher instead: each op is a call of its
primitive on tensors, each variable read a ``read_value()``, each assignment an
``assign``. So the run is recorded by whatever is active around it, a GradientTape (to
differentiate a branch of ``ember.cond``) or an enclosing trace (to put that gradient
into a graph), and the gradient it yields is itself made of Ember ops.

>>> import ember
>>> from ember.graph.interpret import run_graph
>>> f = ember.function(lambda x: ember.sin(x) * 2.0)
>>> g = f.get_concrete_function(ember.TensorSpec([2])).graph
>>> x = ember.constant([0.0, 1.0])
>>> with ember.GradientTape() as tape:
...     tape.watch(x)
...     (y,) = run_graph(g, [x])
>>> tape.gradient(y, x).numpy().round(3)
array([2.   , 1.081], dtype=float32)
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..core.tensor import Tensor
from ..ops import primitive as _prim
from .host_call import call_pyfunc
from .ir import Graph, Node

_PY_SCALARS = (bool, int, float, complex)


def _const(value: Any) -> Any:
    if type(value) in _PY_SCALARS:
        return value          # stays a weak Python scalar, as the trace saw it
    return Tensor(value)


def _op(node: Node, env: dict) -> None:
    args = tuple(env[i] for i in node.inputs)
    result = _prim._slow_call(node.op, args, dict(node.params))
    if node.meta.get("multi") or node.op.multiple_results:
        for o, r in zip(node.outputs, result):
            env[o] = r
        return
    cast_to = node.meta.get("cast_to")
    if cast_to is not None and result._value.dtype != cast_to:
        from ..ops.elementwise import cast
        result = cast(result, cast_to)
    env[node.outputs[0]] = result


def _update(node: Node, env: dict) -> None:
    template, names, npos = node.params["template"], node.params["names"], node.params["npos"]
    args = [env[node.inputs[a[1]]] if a[0] == "val" else a[1] for a in template]
    pos, kw = args[:npos], dict(zip(names, args[npos:]))
    if _prim.STATE.tracing:
        _prim.STATE.tracing[-1].record_update(node.op, tuple(pos), kw)
    else:
        node.op(*[a._value if isinstance(a, Tensor) else a for a in pos],
                **{k: v._value if isinstance(v, Tensor) else v for k, v in kw.items()})


def _host(node: Node, env: dict) -> None:
    label = node.meta.get("label", "host")
    if _prim.STATE.tracing:
        env[node.outputs[0]] = _prim.STATE.tracing[-1].host_value(node.op, label)
    else:
        env[node.outputs[0]] = Tensor(node.op())


def _pyfunc(node: Node, env: dict) -> None:
    outs = call_pyfunc(node.op, [env[i] for i in node.inputs], node.meta.get("label", ""),
                       bool(node.meta.get("effect")), record_always=True)
    for o, r in zip(node.outputs, outs):
        env[o] = r


def _fused(node: Node, env: dict) -> None:
    """A chain the fusion pass merged: its ``meta["program"]``, op by op."""
    prev = None
    for prim, params, specs in node.meta["program"]:
        args = tuple(prev if s[0] == "b" else env[s[1]] if s[0] == "v" else _const(s[1])
                     for s in specs)
        prev = _prim._slow_call(prim, args, dict(params))
    env[node.outputs[0]] = prev


def run_graph(graph: Graph, inputs: Sequence[Any], effects: bool = True,
              draws: dict | None = None) -> list:
    """Run ``graph`` on ``inputs`` (tensors, in ``graph.inputs`` order) with Ember ops;
    returns its outputs (tensors, or the literal objects a graph may return).

    ``effects=False`` skips variable writes and optimizer updates (re-running a branch
    only to differentiate it must not write its variables a second time). ``draws`` maps
    random (host) nodes' output ids to the values an earlier run drew there, which the
    re-run uses instead of drawing again."""
    if len(inputs) != len(graph.inputs):
        raise ValueError(f"run_graph: graph '{graph.name}' takes {len(graph.inputs)} "
                         f"inputs; got {len(inputs)}")
    env: dict[int, Any] = dict(zip(graph.inputs, inputs))
    for node in graph.nodes:
        kind = node.kind
        if kind == "input":
            continue
        if kind == "const":
            env[node.outputs[0]] = _const(node.params["value"])
        elif kind == "op":
            _op(node, env)
        elif kind == "read":
            env[node.outputs[0]] = node.op.read_value()
        elif kind == "assign":
            if effects:
                getattr(node.op, node.params["kind"])(env[node.inputs[0]])
        elif kind == "update":
            if effects:
                _update(node, env)
        elif kind == "host":
            if draws and node.outputs[0] in draws:
                env[node.outputs[0]] = draws[node.outputs[0]]
            else:
                _host(node, env)
        elif kind == "call":
            outs = node.op.interpret([env[i] for i in node.inputs], effects)
            for o, r in zip(node.outputs, outs):
                env[o] = r
        elif kind == "fused":
            _fused(node, env)
        elif kind == "pyfunc":
            if effects or node.outputs:      # a print is not repeated by a re-run
                _pyfunc(node, env)
        else:
            raise NotImplementedError(
                f"run_graph: cannot re-run a '{node.name}' node ({kind}) with Ember ops")
    return [env[o] if isinstance(o, (int, np.integer)) else o[1] for o in graph.outputs]
