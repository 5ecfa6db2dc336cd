"""``ember.while_loop``: the eager loop and the traced while node."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ...core import nest
from ...core.tensor import Tensor
from ...core.variable import Variable
from ...ops import primitive as _prim
from ..interpret import run_graph
from ..ir import Graph
from .call_node import _ControlFlowOp, _emit, _rerun
from .common import (
    _check_callable,
    _describe,
    _expose_draws,
    _passthrough_outputs,
    _static_shape,
    _structure,
    _to_tensors,
    _truth,
)
from .loop_gradient import record_while
from .subgraph import _tapes_need, _trace_subgraph, _union_captures


def _as_shape(s: Any) -> tuple | None:
    if s is None:
        return None
    if hasattr(s, "as_list"):
        try:
            return tuple(s.as_list())
        except (ValueError, TypeError):
            return None
    return tuple(None if d is None else int(d) for d in s)


def _shape_fits(shape: tuple, invariant: tuple | None) -> bool:
    if invariant is None:
        return True
    return len(shape) == len(invariant) and all(
        i is None or d == i for d, i in zip(shape, invariant))


def while_loop(cond: Callable, body: Callable, loop_vars: Any, shape_invariants: Any = None,
               parallel_iterations: int = 10, back_prop: bool = True,
               swap_memory: bool = False, maximum_iterations: Any = None,
               name: str | None = None) -> Any:
    """Repeat ``body`` while ``cond`` is true; returns the final ``loop_vars``.

    ``cond`` and ``body`` take the loop variables as positional arguments (one per item
    of a list or tuple ``loop_vars``); ``body`` returns new values with the same
    structure, dtypes and shapes (unless ``shape_invariants`` relaxes them). At most
    ``maximum_iterations`` iterations run. Inside ``ember.function`` the loop is one
    graph node whose trip count may differ from call to call; a GradientTape there
    differentiates it (see loop_gradient.py).

    >>> import ember
    >>> i, total = ember.while_loop(lambda i, s: i < 5, lambda i, s: (i + 1, s + i),
    ...                             [ember.constant(0), ember.constant(0)])
    >>> int(i), int(total)
    (5, 10)
    """
    _check_callable(cond, "cond", "while_loop")
    _check_callable(body, "body", "while_loop")
    spread = type(loop_vars) in (list, tuple)
    if spread and not loop_vars:
        raise ValueError("ember.while_loop: loop_vars must not be empty")
    loop_vars = _to_tensors(loop_vars, "while_loop", "loop_vars")
    if any(x is None for x in nest.flatten(loop_vars)):
        raise TypeError(f"ember.while_loop: loop_vars must all be tensors; got "
                        f"{_describe(loop_vars)}")
    if _prim.STATE.tracing:
        return _traced_while(cond, body, loop_vars, spread, shape_invariants,
                             maximum_iterations)
    mx = None if maximum_iterations is None else int(_truth_int(maximum_iterations))
    i = 0
    while mx is None or i < mx:
        if not _truth(_call(cond, loop_vars, spread), "while_loop"):
            break
        loop_vars = _body_result(_call(body, loop_vars, spread), loop_vars, spread, None)
        i += 1
    return loop_vars


def _truth_int(x: Any) -> int:
    if isinstance(x, Tensor):
        return int(x._value)
    return int(x)


def _call(fn: Callable, args: Any, spread: bool) -> Any:
    return fn(*args) if spread else fn(args)


def _body_result(out: Any, loop_vars: Any, spread: bool, traced_shapes) -> Any:
    """``body``'s result, checked against the loop variables and repacked in their
    structure (a single value for a one-variable list is accepted, as TF does)."""
    if spread and len(loop_vars) == 1 and not isinstance(out, (list, tuple)):
        out = [out]
    out = _to_tensors(out, "while_loop", "the values body returns")
    if _structure(out, False) != _structure(loop_vars, False):
        raise ValueError(
            f"ember.while_loop: body must return the same structure as loop_vars; "
            f"loop_vars is {_describe(loop_vars)} but body returned {_describe(out)}")
    flat_in, flat_out = nest.flatten(loop_vars), nest.flatten(out)
    for k, (a, b) in enumerate(zip(flat_in, flat_out)):
        if b is None or a._value.dtype != b._value.dtype:
            raise TypeError(
                f"ember.while_loop: loop variable {k} enters the loop as "
                f"{a.dtype.name}{list(_static_shape(a))} but body returns "
                f"{_describe(b)}; its dtype must stay the same")
    return nest.pack_sequence_as(loop_vars, flat_out) if nest.is_nested(
        loop_vars) else flat_out[0]


class _WhileOp(_ControlFlowOp):
    """Inputs: the loop variables, maximum_iterations (if given), the captures of cond
    and body. Outputs: the final loop variables; with ``record`` (a tape differentiates
    the loop) also the trip count, each variable's entry values stacked (one row per
    iteration) and, stacked likewise, what the body's random nodes drew (``draws``: their
    (shape, dtype)); see loop_gradient.py."""

    label = "while_loop"

    def __init__(self, subgraphs, n: int, has_max: bool, maps, structure, spread,
                 invariants, flat_invariants: list, record: bool = False,
                 draws: list = ()):
        super().__init__(subgraphs)
        self.n, self.has_max, self.maps = n, has_max, maps
        self.structure, self.spread, self.invariants = structure, spread, invariants
        self.record, self.draws = record, list(draws)
        self.flat_invariants = list(flat_invariants)   # per loop variable, None: fixed
        self.fresh = _passthrough_outputs(subgraphs[1])

    def run(self, xp, plans, arrays):
        n = self.n
        vals = list(arrays[:n])
        k = n
        mx = None
        if self.has_max:
            mx = int(arrays[n])
            k += 1
        caps = arrays[k:]
        ccaps = [caps[j] for j in self.maps[0]]
        bcaps = [caps[j] for j in self.maps[1]]
        cplan, bplan = plans
        i = 0
        states, drawn = [], []
        while mx is None or i < mx:
            if not bool(cplan(vals + ccaps)[0]):
                break
            if self.record:
                states.append(vals)
            vals = bplan(vals + bcaps)
            if self.draws:
                vals, d = vals[:n], vals[n:]
                drawn.append(d)
            i += 1
        ins = arrays[:n]
        final = [v.copy() if (i and j in self.fresh) or any(v is a for a in ins) else v
                 for j, v in enumerate(vals)]
        if not self.record:
            return final
        nothing_drawn = [xp.zeros(s, dt) for s, dt in self.draws]
        return (final + [xp.asarray(i, np.int32)] + _stack_rows(xp, states, arrays[:n]) +
                _stack_rows(xp, drawn, nothing_drawn))

    def output_shapes(self, entry: list) -> list:
        """Static shapes of the outputs (None dims may change between calls), given the
        loop variables' entry shapes; a variable without a shape invariant keeps its
        run-time shape (None)."""
        shapes = list(self.flat_invariants)
        if self.record:
            shapes += [()] + [(None,) + tuple(s) for s in entry]
            shapes += [(None,) + tuple(s) for s, _ in self.draws]
        return shapes

    def interpret(self, tensors, effects=True):
        if self.record:
            return _rerun(self, tensors,
                          self.output_shapes([_static_shape(t) for t in tensors[:self.n]]))
        n = self.n
        vals = list(tensors[:n])
        k = n + (1 if self.has_max else 0)
        mx = tensors[n] if self.has_max else None
        caps = tensors[k:]
        cg, bg = self.subgraphs
        ccaps = [caps[j] for j in self.maps[0]]
        bcaps = [caps[j] for j in self.maps[1]]
        cond_fn = lambda *v: run_graph(cg, list(v) + ccaps, effects)[0]
        body_fn = lambda *v: run_graph(bg, list(v) + bcaps, effects)
        return list(while_loop(cond_fn, body_fn, vals, maximum_iterations=mx,
                               shape_invariants=self.invariants))


def _stack_rows(xp, rows: list, first: list) -> list:
    """Per position, the values of every iteration stacked (rows = iterations). A loop
    that ran no iteration gets the one row ``first`` (the entry values), so the backward
    body (which never runs then) can still be traced on real values."""
    rows = rows or [first]
    return [xp.stack([r[j] for r in rows]) for j in range(len(first))]


def _traced_while(cond, body, loop_vars, spread, shape_invariants, maximum_iterations):
    parent = _prim.STATE.tracing[-1]
    flat = nest.flatten(loop_vars)
    if shape_invariants is None:
        invariants = [None] * len(flat)
    else:
        inv = shape_invariants
        if not isinstance(inv, (list, tuple, dict)) or hasattr(inv, "as_list"):
            inv = [inv] if len(flat) == 1 else inv
        invariants = [_as_shape(s) for s in _flatten_shapes(inv)]
        if len(invariants) != len(flat):
            raise ValueError(f"ember.while_loop: shape_invariants has {len(invariants)} "
                             f"shapes for {len(flat)} loop variables")
    from ...ops.tensor_array import growable
    invariants = [(None,) + _static_shape(t)[1:] if inv is None and growable(t) else inv
                  for t, inv in zip(flat, invariants)]
    for k, (t, inv) in enumerate(zip(flat, invariants)):
        if not _shape_fits(_static_shape(t), inv):
            raise ValueError(f"ember.while_loop: loop variable {k} has shape "
                             f"{_static_shape(t)}, which does not fit its shape invariant "
                             f"{inv}")
    specs = [(t._value, inv, f"loop_var_{k}") for k, (t, inv) in
             enumerate(zip(flat, invariants))]

    def args(phs):
        packed = nest.pack_sequence_as(loop_vars, phs) if nest.is_nested(
            loop_vars) else phs[0]
        return tuple(packed) if spread else (packed,)

    c = _trace_subgraph(parent, "while_cond", cond, args, specs, "while_loop", "cond")
    if len(c.flat) != 1 or c.flat[0] is None or c.flat[0]._value.size != 1:
        raise TypeError(f"ember.while_loop: cond must return a boolean scalar; got "
                        f"{_describe(c.result)}")

    if maximum_iterations is None and _constant_truth(c.graph) is True:
        raise ValueError(
            "ember.while_loop: cond is always true (it does not depend on the loop "
            "variables, and no maximum_iterations is given), so the loop would never end. "
            "Note that shapes are static while tracing: a condition on ember.shape(x) "
            "or x.shape is a constant.")

    def body_fn(*a):
        return _body_result(body(*a), loop_vars, spread, None)

    b = _trace_subgraph(parent, "while_body", body_fn, args, specs, "while_loop", "body")
    for k, (t, o, inv) in enumerate(zip(flat, b.leaves, invariants)):
        s_in, s_out = _static_shape(t), _static_shape(o)
        ok = (s_in == s_out) if inv is None else (
            len(s_out) == len(inv) and all(i is None or d == i for d, i in zip(s_out, inv)))
        if not ok:
            raise ValueError(
                f"ember.while_loop: loop variable {k} enters the loop with shape {s_in}, but "
                f"has shape {s_out} after one iteration. To allow the shape to vary across "
                "iterations, use the `shape_invariants` argument of ember.while_loop to "
                "specify a less-specific shape.")
    union, maps = _union_captures((c, b))
    inputs = list(flat)
    has_max = maximum_iterations is not None
    if has_max:
        from ...ops.creation import convert_to_tensor
        mx = maximum_iterations.read_value() if isinstance(
            maximum_iterations, Variable) else convert_to_tensor(maximum_iterations)
        inputs.append(mx)
    subgraphs = [c.graph, b.graph]
    record = _tapes_need(list(flat) + union, subgraphs)
    if record:
        for k, (t, inv) in enumerate(zip(flat, invariants)):
            if inv is not None and tuple(inv) != _static_shape(t):
                raise NotImplementedError(
                    f"ember.while_loop: loop variable {k} may change shape between "
                    f"iterations (shape invariant {inv}), and such a loop cannot be "
                    "differentiated inside ember.function: its per-iteration values are "
                    "stacked for the gradient. Keep the shapes fixed, or compute this "
                    "gradient eagerly (outside ember.function).")
    draws = _expose_draws(b.graph, "while_loop") if record else ()
    op = _WhileOp(subgraphs, len(flat), has_max, maps, loop_vars, spread,
                  shape_invariants, invariants, record, draws)
    n = len(flat)
    outs = _emit(parent, op, inputs + union, op.output_shapes([_static_shape(t) for t in flat]))
    if record:
        outs, count, rest = outs[:n], outs[n], outs[n + 1:]
        record_while(op, flat, union, outs, count, rest[:n], rest[n:])
    if nest.is_nested(loop_vars):
        return nest.pack_sequence_as(loop_vars, outs)
    return outs[0]


def _constant_truth(graph: Graph):
    """The truth of a graph's single output when it is a constant, else None."""
    out = graph.outputs[0]
    for n in graph.nodes:
        if n.kind == "const" and out in n.outputs:
            return bool(np.asarray(n.params["value"]).reshape(()))
    return None


def _flatten_shapes(s: Any) -> list:
    if s is None or hasattr(s, "as_list"):
        return [s]
    if isinstance(s, dict):
        return [x for k in sorted(s) for x in _flatten_shapes(s[k])]
    if isinstance(s, (list, tuple)):
        if all(d is None or isinstance(d, (int, np.integer)) for d in s):
            return [s]        # a shape written as a list or tuple of dimensions
        return [x for e in s for x in _flatten_shapes(e)]
    return [s]
