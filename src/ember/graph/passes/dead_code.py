"""Dead-code removal: drop nodes whose results reach neither an output nor a side effect.

Tracing records everything the function computed, including what it threw away (a
forward value only its gradient needed, a metric nobody returned); this pass keeps the
nodes that outputs, variable writes, optimizer updates and stateful seeds depend on.
Inputs stay (they are the signature).
"""
from __future__ import annotations

from ..ir import EFFECT_KINDS, Graph


def run(graph: Graph) -> int:
    """Remove unneeded nodes; returns how many went.

    >>> import ember
    >>> f = ember.function(lambda x: (ember.exp(x), x * 2.0)[1])
    >>> print(f.get_concrete_function(ember.TensorSpec([2])).graph)  # doctest: +ELLIPSIS
    graph <lambda>(x: float32[2]) -> float32[2]
      %0 = input x : float32[2]
      %... = multiply(%0, %...) : float32[2]
    ...
    """
    live = set(graph.output_ids())
    keep = []
    for node in reversed(graph.nodes):
        if (node.kind == "input" or node.kind in EFFECT_KINDS or node.meta.get("effect")
                or any(o in live for o in node.outputs)):
            keep.append(node)
            live.update(node.inputs)
    removed = len(graph.nodes) - len(keep)
    keep.reverse()
    graph.nodes = keep
    return removed
