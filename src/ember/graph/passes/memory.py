"""Memory planning: elementwise ops write into an input's buffer when nothing else
needs it, ops that can take a result over an input are told when they may, and an
estimate of the plan's peak memory.

In ``y = exp(a) * b`` the array of ``exp(a)`` is read once, by the multiply, and dies
right after; the multiply can write its result into that array
(``multiply(t, b, out=t)``) instead of allocating a new one. A node is made in place
(``meta["inplace"] = i``, the index of the input it overwrites; printed
``[in place]``) when

- it is an ``op`` whose primitive is one of the elementwise kernels of the fusion pass
  (``fusion.KERNELS``), with no ``cast_to``, or a ``fused`` node (then the input is one
  its first op reads);
- the input value is read exactly once in the whole graph (by this node, in one
  argument: so no view of it exists anywhere) and is not a graph output;
- it has the shape and dtype of the node's result;
- its producer is known to return a fresh, writable array: an elementwise kernel op,
  ``matmul``, a two-operand ``einsum`` or a ``fused`` node; never an input, a constant,
  a variable read, or a view-making op (reshape, transpose, slicing).

At run time the step still checks: NumPy refuses ``out=`` into a read-only array or one
of a different shape before writing anything, and the step then computes the result the
ordinary way.

An op whose primitive ``donates`` an input (``Primitive.donates``: the LSTM takes its
gate activations over the input projection, and its gradient takes ``dZ`` over those
activations) gets ``donate=True`` in its params when that input is read once, is not a
graph output, and comes fresh from its producer (one of the above, or a primitive with
``fresh_results``), possibly through ``reshape``s each read once; the op checks at run
time that the array is writable and contiguous before writing over it. In an
LSTM(128) train step (batch 64, 50 steps) this keeps one 6.5 MB array where there were
three, and the step ran 13.7 ms against 14.3 (mean of eight alternating runs).

``graph.peak_bytes`` is a static estimate of the largest total size of the arrays the
plan holds at once (results of ops alive at each step, buffers shared by in-place ops
counted once; inputs, constants and variables, which the plan does not own, excluded,
and so are temporaries inside ops). It is printed with the optimizer statistics.

>>> import ember
>>> f = ember.function(lambda x, y: ember.exp(ember.matmul(x, y)) * 2.0)
>>> g = f.get_concrete_function(ember.TensorSpec([4, 4]), ember.TensorSpec([4, 4])).graph
>>> [n.meta.get("inplace") for n in g.nodes if n.kind in ("op", "fused")], g.peak_bytes
([None, 0], 64)
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from .. import plan as _plan
from ..ir import Graph, Node
from .fusion import compile_program, kernels, static_shapes
from .simplify import dynamic_values


@functools.cache
def _fresh_producers() -> frozenset:
    from ...ops import linalg
    return frozenset(kernels()) | {linalg.matmul.primitive}


def _returns_fresh(node: Node, fresh: frozenset) -> bool:
    """Whether ``node`` returns a new array nothing else refers to: a fused node, an
    elementwise kernel, ``matmul``, or an ``einsum`` of two operands (a product is
    always computed into a new array; one operand may come back as a view of it)."""
    if node.kind == "fused":
        return True
    if node.kind == "op" and getattr(node.op, "fresh_results", False):
        return True
    if node.kind != "op" or node.meta.get("multi"):
        return False
    from ...ops import linalg
    return node.op in fresh or (node.op is linalg._einsum.primitive
                                and len(node.inputs) == 2)


def _reads(node: Node) -> list:
    """The values a node reads, once per argument (a fused node's inner ops included)."""
    if node.kind == "fused":
        return [sp[1] for _, _, specs in node.meta["program"] for sp in specs
                if sp[0] == "v"]
    return list(node.inputs)


def _candidates(node: Node, table: dict) -> list:
    """Indices into ``node.inputs`` of the values the node could overwrite."""
    if node.kind == "fused":
        first = [sp[1] for sp in node.meta["program"][0][2] if sp[0] == "v"]
        return [node.inputs.index(v) for v in first]
    if node.kind == "op" and node.op in table and node.meta.get("cast_to") is None \
            and not node.meta.get("multi") and not node.meta.get("effect") \
            and len(node.outputs) == 1 and table[node.op][0] == len(node.inputs):
        return list(range(len(node.inputs)))
    return []


def run(graph: Graph) -> int:
    """Mark the nodes that can overwrite an input; set ``graph.peak_bytes``. Returns how
    many nodes were made in place.

    >>> import ember
    >>> f = ember.function(lambda x: ember.sqrt(ember.matmul(x, x)))
    >>> g = f.get_concrete_function(ember.TensorSpec([2, 2])).graph
    >>> print(g)
    graph <lambda>(x: float32[2,2]) -> float32[2,2]
      %0 = input x : float32[2,2]
      %1 = matmul(%0, %0) : float32[2,2]
      %2 = sqrt(%1) [in place] : float32[2,2]
      # optimized: in place: 1; peak live 16 bytes
    """
    table = kernels()
    fresh = _fresh_producers()
    reads: dict[int, int] = {}
    made: dict[int, Node] = {}
    for node in graph.nodes:
        for v in _reads(node):
            reads[v] = reads.get(v, 0) + 1
        for o in node.outputs:
            made[o] = node
    outputs = set(graph.output_ids())
    shapes, dtypes = graph.shapes, graph.dtypes
    count = 0
    dyn = None              # the graph's dynamic values, worked out once when needed
    for node in graph.nodes:
        if node.meta.get("inplace") is not None:
            continue
        cands = _candidates(node, table)
        if not cands:
            continue
        y = node.outputs[0]
        if not shapes[y] or None in shapes[y] or isinstance(dtypes[y], str):
            continue
        for at in cands:
            v = node.inputs[at]
            p = made.get(v)
            if reads.get(v) != 1 or v in outputs or p is None \
                    or shapes[v] != shapes[y] or dtypes[v] != dtypes[y]:
                continue
            if _returns_fresh(p, fresh):
                node.meta["inplace"] = at
                if node.kind == "op":
                    if dyn is None:
                        dyn = dynamic_values(graph)
                    node.meta["shapes"] = static_shapes(graph, node, dyn)
                count += 1
                break
    count += _donate(graph, reads, made, outputs, fresh)
    graph.peak_bytes = peak_bytes(graph)
    return count


def _donate(graph: Graph, reads: dict, made: dict, outputs: set, fresh: frozenset) -> int:
    """Set ``donate=True`` on the ops whose primitive ``donates`` an input (see
    ``Primitive``) when the plan owns that input outright; returns how many."""
    count = 0
    for node in graph.nodes:
        spec = getattr(node.op, "donates", None) if node.kind == "op" else None
        if spec is None or node.params.get("donate"):
            continue
        at, result = spec
        if at >= len(node.inputs) or result >= len(node.outputs):
            continue
        v, y = node.inputs[at], node.outputs[result]
        if graph.shapes[v] == graph.shapes[y] and graph.dtypes[v] == graph.dtypes[y] \
                and _owned(v, reads, made, outputs, fresh):
            node.params = {**node.params, "donate": True}
            count += 1
    return count


def _owned(v: int, reads: dict, made: dict, outputs: set, fresh: frozenset) -> bool:
    """Whether value ``v`` may be overwritten by its one reader: read once (in one
    argument), not a graph output, and made fresh by its producer, or a ``reshape`` (a
    view or a copy) of a value that is itself owned so."""
    from ...ops import shape
    while True:
        p = made.get(v)
        if reads.get(v) != 1 or v in outputs or p is None:
            return False
        if p.kind == "op" and p.op is shape._reshape.primitive:
            v = p.inputs[0]
            continue
        return _returns_fresh(p, fresh)


def peak_bytes(graph: Graph) -> int:
    """The largest total size of the plan's own arrays alive at one step (see the
    module's docstring)."""
    keep = set(graph.output_ids())
    runnable = [n for n in graph.nodes if n.kind not in ("input", "const")]
    last: dict[int, int] = {}
    for k, node in enumerate(runnable):
        for i in node.inputs:
            last[i] = k
    live: dict[int, int] = {}
    total = peak = 0
    for k, node in enumerate(runnable):
        at = node.meta.get("inplace")
        given = node.op.donates if node.kind == "op" and node.params.get("donate") \
            else None
        if at is not None and node.inputs[at] in live:
            nb = live.pop(node.inputs[at])
            live[node.outputs[0]] = nb         # the same buffer, handed on
        elif given is not None and node.inputs[given[0]] in live:
            for o in node.outputs:
                if o != node.outputs[given[1]]:
                    nb = _nbytes(graph, o)
                    live[o] = nb
                    total += nb
            live[node.outputs[given[1]]] = live.pop(node.inputs[given[0]])   # handed on
        elif node.kind != "read":
            for o in node.outputs:
                nb = _nbytes(graph, o)
                live[o] = nb
                total += nb
        peak = max(peak, total)
        for i in set(node.inputs) | set(node.outputs):
            if i in live and i not in keep and last.get(i, k) <= k:
                total -= live.pop(i)
    return peak


def _nbytes(graph: Graph, vid: int) -> int:
    dt = graph.dtypes[vid]
    if isinstance(dt, str):
        return 0
    n = getattr(dt, "itemsize", 0)
    for d in graph.shapes[vid]:
        n *= d if d is not None else 1
    return int(n)


# -- the step: an in-place op runs as a one-op fused program ---------------------------------
def _install() -> None:
    factories = _plan.STEP_FACTORIES
    current = factories["op"]
    base = getattr(current, "wrapped", current)

    def op_step(node: Node, xp: Any) -> Callable:
        at = node.meta.get("inplace")
        if at is None or node.op not in kernels():
            return base(node, xp)
        program = [(node.op, node.params, tuple(("v", i) for i in node.inputs))]
        return compile_program(program, node.outputs[0], xp, node.inputs[at],
                               shapes=node.meta.get("shapes"))

    op_step.wrapped = base
    factories["op"] = op_step


_install()
