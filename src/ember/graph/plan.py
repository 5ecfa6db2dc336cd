"""Running a graph: a flat list of steps over a list of value slots.

Each node becomes one closure that reads its input slots and writes its output slots;
no Tensor objects, no dispatch, no tape checks. A value's slot is cleared right after
its last reader runs, so an intermediate array is freed as soon as nothing needs it
(and buffers the memory planner marked may be overwritten in place).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .ir import Graph, Node

# node kind -> factory(node, xp) returning step(slots); filled in by the modules that
# own a node kind (fusion, control flow)
STEP_FACTORIES: dict[str, Callable] = {}


def _op_step(node: Node, xp) -> Callable:
    fwd = node.op.forward
    ins, outs, params = node.inputs, node.outputs, node.params
    cast_to = node.meta.get("cast_to")
    if node.meta.get("multi"):
        def step(s):
            res = fwd(xp, *[s[i] for i in ins], **params)
            for o, r in zip(outs, res):
                s[o] = r
        return step
    o = outs[0]
    if cast_to is not None:
        def step(s):
            s[o] = fwd(xp, *[s[i] for i in ins], **params).astype(cast_to)
        return step
    if len(ins) == 1:
        a = ins[0]
        if params:
            def step(s):
                s[o] = fwd(xp, s[a], **params)
        else:
            def step(s):
                s[o] = fwd(xp, s[a])
        return step
    if len(ins) == 2:
        a, b = ins
        if not params and node.op is _matmul():
            from ..ops.gemm import dot

            def step(s):        # two matrices: gemm.dot, as the op itself would run
                x, y = s[a], s[b]
                s[o] = dot(x, y) if x.ndim == 2 == y.ndim else fwd(xp, x, y)
            return step
        if params:
            def step(s):
                s[o] = fwd(xp, s[a], s[b], **params)
        else:
            def step(s):
                s[o] = fwd(xp, s[a], s[b])
        return step

    def step(s):
        s[o] = fwd(xp, *[s[i] for i in ins], **params)
    return step


def _matmul():
    from ..ops.linalg import matmul
    return matmul.primitive


def _read_step(node: Node, xp) -> Callable:
    var, o = node.op, node.outputs[0]

    def step(s):
        s[o] = var._value
    step.inline_read = (var, o)     # the driver writes this step out in its own body
    return step


def _assign_step(node: Node, xp) -> Callable:
    var, kind, i = node.op, node.params["kind"], node.inputs[0]
    update = var._update

    def step(s):
        update(kind, s[i])
    return step


def _update_step(node: Node, xp) -> Callable:
    fn, template = node.op, node.params["template"]
    npos, names, ins = node.params["npos"], node.params["names"], node.inputs

    def step(s):
        args = [a[1] if a[0] != "val" else s[ins[a[1]]] for a in template]
        fn(*args[:npos], **dict(zip(names, args[npos:])))
    return step


def _host_step(node: Node, xp) -> Callable:
    thunk, o = node.op, node.outputs[0]

    def step(s):
        s[o] = thunk()
    return step


STEP_FACTORIES.update(op=_op_step, read=_read_step, assign=_assign_step,
                      update=_update_step, host=_host_step)


class Plan:
    """The executable form of a graph: ``plan(input_arrays) -> output arrays``.

    >>> import ember
    >>> f = ember.function(lambda x: x * 2.0 + 1.0)
    >>> _ = f(ember.constant([1.0])); f(ember.constant([2.0])).numpy()
    array([5.], dtype=float32)
    """

    def __init__(self, graph: Graph, xp: Any = np):
        self.graph = graph
        slots: list = [None] * len(graph.shapes)
        for node in graph.nodes:
            if node.kind == "const":
                slots[node.outputs[0]] = node.params["value"]
        self._template = slots
        self._inputs = tuple(graph.inputs)
        self._outputs = tuple(graph.outputs)
        self._steps = self._compile(graph, xp)

    def _compile(self, graph: Graph, xp) -> tuple:
        keep = set(graph.output_ids())
        last_use: dict[int, int] = {}
        runnable = [n for n in graph.nodes if n.kind not in ("input", "const")]
        for k, node in enumerate(runnable):
            for i in node.inputs:
                last_use[i] = k
        frees: list[list[int]] = [[] for _ in runnable]
        for vid, k in last_use.items():
            if vid not in keep:
                frees[k].append(vid)
        for k, node in enumerate(runnable):     # results nothing reads
            for o in node.outputs:
                if o not in last_use and o not in keep:
                    frees[k].append(o)
        steps = []
        for node, free in zip(runnable, frees):
            steps.append((STEP_FACTORIES[node.kind](node, xp), tuple(free)))
        self._run = _driver(steps, self._inputs, self._outputs)
        return tuple(steps)

    def __call__(self, arrays) -> list:
        return self._run(self._template.copy(), arrays)


def _driver(steps: list, inputs: tuple, outputs: tuple) -> Callable:
    """One generated function that runs every step in order, clears dead slots and
    collects the outputs (no per-step loop at run time)."""
    env: dict[str, Any] = {}
    lines = ["def run(s, arrays):"]
    if inputs:
        lines.append("    " + ", ".join(f"s[{i}]" for i in inputs) +
                     (", = arrays" if len(inputs) == 1 else " = arrays"))
    for k, (step, free) in enumerate(steps):
        read = getattr(step, "inline_read", None)
        if read is not None:        # a variable read: one line, no call
            env[f"v{k}"] = read[0]
            lines.append(f"    s[{read[1]}] = v{k}._value")
        else:
            env[f"f{k}"] = step
            lines.append(f"    f{k}(s)")
        if free:
            lines.append("    " + " = ".join(f"s[{i}]" for i in free) + " = None")
    outs = []
    for j, o in enumerate(outputs):
        if type(o) is int:
            outs.append(f"s[{o}]")
        else:
            env[f"lit{j}"] = o[1]
            outs.append(f"lit{j}")
    lines.append("    return [" + ", ".join(outs) + "]")
    scope: dict[str, Any] = {}
    code = compile("\n".join(lines), "<ember plan>", "exec")
    exec(code, env, scope)  # noqa: S102 - our own generated source
    return scope["run"]
