"""Control flow that depends on tensor values: ``cond``, ``while_loop``, ``scan``, ``map_fn``.

Eagerly they are plain Python: ``cond`` calls one branch, ``while_loop`` loops,
``scan`` / ``map_fn`` loop over the leading dimension and stack the results, and
GradientTapes record the ops that actually ran.

Inside a function being traced by ``ember.function`` a branch or a loop body cannot be
unrolled into the graph, because which branch runs (or how many times) changes from
call to call. Each function is traced once as a *subgraph* (a child ``GraphBuilder``;
the outer tensors it uses become extra capture inputs), dry: variable writes made while
tracing it are rolled back. Then one ``call`` node goes into the outer graph; its step
runs the subgraphs' plans (picks a branch, iterates, maps). The trace itself runs that
step once on this call's values, so the trace's results and side effects are those of
the branch actually taken.

A ``cond`` node also goes on the active GradientTapes: its gradient is another ``cond``
whose branches re-run a branch's subgraph with Ember ops (``interpret.run_graph``) under
a tape. ``scan`` and ``map_fn`` are unrolled while a tape records them inside a trace;
``while_loop`` cannot be differentiated inside a trace.
"""
from __future__ import annotations

from .conditional import cond
from .loop import while_loop
from .mapping import map_fn
from .scanning import scan

__all__ = ["cond", "map_fn", "scan", "while_loop"]
