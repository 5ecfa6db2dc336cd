"""The graph an ``ember.function`` traces: values and the nodes that make them.

A graph is a list of nodes in execution order. Each node reads value ids and writes
value ids; a value knows its shape and dtype. Node kinds:

- ``input``  a placeholder for the function's ``params["index"]``-th tensor argument
- ``const``  an array (or a weak Python scalar) fixed at trace time
- ``op``     a primitive's forward on its inputs (``meta["cast_to"]`` re-applies the
             dispatcher's Python-float dtype rule)
- ``read``   a variable's current value (variables are captured by reference)
- ``assign`` ``assign`` / ``assign_add`` / ``assign_sub`` of a variable (a side effect)
- ``update`` a fused in-place optimizer update (``ember.raw_ops.apply_*``, a side effect)
- ``host``   a Python callable run on every call (the seed of a stateful random op)
- ``fused``  a chain of elementwise ops the fusion pass merged into one kernel
- ``call``   a sub-plan with its own graph(s): ``ember.cond``, ``while_loop``, ``scan``
- ``pyfunc`` a Python function on NumPy arrays (``ember.numpy_function``; an effect when
             stateful)

Nodes with side effects keep their order; the optimization passes never reorder nodes.
"""
from __future__ import annotations

from typing import Any

import numpy as np

EFFECT_KINDS = frozenset({"assign", "update", "host"})


class Node:
    """One step of a graph. ``op`` is the primitive, variable or callable it runs."""

    __slots__ = ("inputs", "kind", "meta", "op", "outputs", "params")

    def __init__(self, kind: str, op: Any, inputs: tuple, outputs: tuple,
                 params: dict | None = None, meta: dict | None = None):
        self.kind = kind
        self.op = op
        self.inputs = tuple(inputs)
        self.outputs = tuple(outputs)
        self.params = params if params is not None else {}
        self.meta = meta if meta is not None else {}

    @property
    def name(self) -> str:
        """What the node runs, for printing: the primitive's name, ``read`` etc."""
        if self.kind == "op":
            return self.op.name
        if self.kind == "fused":
            return "fused[" + ", ".join(self.meta["names"]) + "]"
        if self.kind in ("read", "assign"):
            label = self.params.get("kind", "read")
            return f"{label} {_variable_name(self.op)}"
        if self.kind == "update":
            return getattr(self.op, "__name__", "update")
        if self.kind == "call":
            return self.meta.get("label", "call")
        if self.kind in ("host", "pyfunc"):
            return self.meta.get("label", self.kind)
        return self.kind

    def __repr__(self) -> str:
        return f"<Node {self.name} {self.inputs}->{self.outputs}>"


def _variable_name(var: Any) -> str:
    name = getattr(var, "path", None) or getattr(var, "_name", None) or "variable"
    return str(name)


class Graph:
    """Values (shape, dtype) and nodes; ``inputs``/``outputs`` are value ids.

    An output entry is a value id, or ``("literal", obj)`` for a non-tensor result.
    """

    def __init__(self, name: str = "graph"):
        self.name = name
        self.nodes: list[Node] = []
        self.shapes: list[tuple] = []
        self.dtypes: list[Any] = []
        self.inputs: list[int] = []
        self.input_names: list[str] = []
        self.outputs: list = []
        self.stats: dict[str, int] = {}
        # while tracing: values whose shape may differ between calls of the graph (an
        # op whose output shape depends on input values, and what is computed from it)
        self.value_shaped: set[int] = set()

    def new_value(self, shape: tuple, dtype: Any) -> int:
        self.shapes.append(tuple(shape))
        self.dtypes.append(dtype)
        return len(self.shapes) - 1

    def add(self, node: Node) -> Node:
        self.nodes.append(node)
        return node

    def output_ids(self) -> list[int]:
        return [o for o in self.outputs if isinstance(o, int)]

    def count(self, what: str, n: int) -> None:
        """Add ``n`` to an optimization statistic (shown by ``str(graph)``)."""
        if n:
            self.stats[what] = self.stats.get(what, 0) + n

    # -- printing ---------------------------------------------------------------------
    def value_type(self, vid: int) -> str:
        dt = self.dtypes[vid]
        name = getattr(dt, "name", str(dt))
        shape = ",".join("?" if d is None else str(d) for d in self.shapes[vid])
        return f"{name}[{shape}]"

    def __str__(self) -> str:
        return format_graph(self)


def format_graph(graph: Graph, indent: str = "") -> str:
    """A readable listing: one line per node with its inputs and output types, then what
    the optimizer did.

    >>> g = Graph("f"); x = g.new_value((2,), np.dtype("float32"))
    >>> _ = g.add(Node("input", None, (), (x,), {"index": 0, "name": "x"}))
    >>> g.inputs, g.input_names, g.outputs = [x], ["x"], [x]
    >>> print(format_graph(g))
    graph f(x: float32[2]) -> float32[2]
      %0 = input x : float32[2]
    """
    sig = ", ".join(f"{n}: {graph.value_type(v)}" for n, v in zip(graph.input_names,
                                                                   graph.inputs))
    outs = ", ".join(graph.value_type(o) if isinstance(o, int) else repr(o[1])[:20]
                     for o in graph.outputs)
    lines = [f"{indent}graph {graph.name}({sig}) -> {outs or 'None'}"]
    for node in graph.nodes:
        lines.append(indent + "  " + _format_node(graph, node))
        for sub in node.meta.get("subgraphs", ()):
            lines.append(format_graph(sub, indent + "    "))
    if graph.stats:
        done = ", ".join(f"{k}: {v}" for k, v in sorted(graph.stats.items()))
        peak = getattr(graph, "peak_bytes", None)
        if peak is not None:
            done += f"; peak live {peak:,} bytes"
        lines.append(f"{indent}  # optimized: {done}")
    return "\n".join(lines)


def _format_node(graph: Graph, node: Node) -> str:
    args = ", ".join(f"%{i}" for i in node.inputs)
    if node.kind == "input":
        text = f"input {node.params.get('name', node.params['index'])}"
    elif node.kind == "const":
        v = node.params["value"]
        text = f"const {_short(v)}"
    else:
        text = f"{node.name}({args})" if node.kind != "read" else node.name
        if node.kind == "update":
            names = [_variable_name(a[1]) for a in node.params["template"] if a[0] == "var"]
            text = f"{node.name}[{', '.join(names)}]({args})"
        shown = {k: v for k, v in node.params.items() if k not in ("kind", "value")
                 and not callable(v) and not isinstance(v, Graph)}
        if shown and node.kind == "op":
            text += " {" + ", ".join(f"{k}={_short(v)}" for k, v in shown.items()) + "}"
        if node.meta.get("inplace") is not None:
            text += " [in place]"
    if not node.outputs:
        return text
    outs = ", ".join(f"%{o}" for o in node.outputs)
    types = ", ".join(graph.value_type(o) for o in node.outputs)
    return f"{outs} = {text} : {types}"


def _short(v: Any) -> str:
    if isinstance(v, np.ndarray):
        if v.size <= 4:
            return np.array2string(v, separator=",").replace("\n", "")
        return f"<{v.dtype.name}{list(v.shape)}>"
    text = repr(v)
    return text if len(text) <= 40 else text[:37] + "..."
