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

import copy
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..core import nest
from ..core.errors import InvalidArgumentError
from ..core.tensor import Tensor
from ..core.variable import Variable
from ..ops import primitive as _prim
from .interpret import run_graph
from .ir import EFFECT_KINDS, Graph, Node
from .plan import STEP_FACTORIES, Plan
from .tracer import GraphBuilder, GraphTensor, VariableSnapshot, suspended, tracing

_PASSTHROUGH_KINDS = ("input", "read", "const")


# -- small helpers -------------------------------------------------------------------------
def _check_callable(fn: Any, what: str, op: str) -> None:
    if not callable(fn):
        raise TypeError(f"ember.{op}: {what} must be callable; got "
                        f"{type(fn).__name__} {fn!r}"[:200])


def _leaf_to_tensor(x: Any, op: str, what: str) -> Any:
    if x is None or isinstance(x, Tensor):
        return x
    if isinstance(x, Variable):
        return x.read_value()
    if isinstance(x, (bool, int, float, complex, np.ndarray, np.generic)):
        from ..ops.creation import convert_to_tensor
        return convert_to_tensor(x)
    raise TypeError(f"ember.{op}: {what} must be tensors or (nested) lists, tuples and "
                    f"dicts of tensors; got a {type(x).__name__}: {x!r}"[:300])


def _to_tensors(struct: Any, op: str, what: str) -> Any:
    flat = [_leaf_to_tensor(x, op, what) for x in nest.flatten(struct)]
    if not isinstance(struct, (list, tuple, dict)):
        return flat[0]
    return nest.pack_sequence_as(struct, flat)


def _structure(s: Any, top_sequence_type: bool = True) -> Any:
    """A hashable picture of a nest: containers and their keys, leaves as 'T'."""
    if isinstance(s, dict):
        return ("dict", tuple((k, _structure(s[k])) for k in sorted(s)))
    if isinstance(s, (list, tuple)):
        kind = type(s).__name__ if top_sequence_type else "sequence"
        return (kind, tuple(_structure(x) for x in s))
    return None if s is None else "T"


def _describe(s: Any) -> str:
    """A nest written with its leaves as dtype[shape]."""
    if isinstance(s, dict):
        return "{" + ", ".join(f"{k!r}: {_describe(s[k])}" for k in s) + "}"
    if isinstance(s, (list, tuple)):
        inner = ", ".join(_describe(x) for x in s)
        if isinstance(s, list):
            return f"[{inner}]"
        name = "" if type(s) is tuple else type(s).__name__
        return f"{name}({inner}{',' if len(s) == 1 and not name else ''})"
    if s is None:
        return "None"
    if isinstance(s, Tensor):
        return f"{s.dtype.name}{list(_static_shape(s))}"
    return type(s).__name__


def _static_shape(t: Tensor) -> tuple:
    if type(t) is GraphTensor:
        return tuple(t.shape)
    return tuple(t._value.shape)


def _tensor_leaves(flat: list) -> list:
    return [x for x in flat if x is not None]


def _truth(pred: Any, op: str) -> bool:
    """A predicate's Python truth value (eagerly, or an untraced tensor in a trace)."""
    if isinstance(pred, Variable):
        pred = pred._value
    v = pred._value if isinstance(pred, Tensor) else pred
    if hasattr(v, "shape") and hasattr(v, "dtype"):
        if v.size != 1:
            raise InvalidArgumentError(f"ember.{op}: the predicate must be a scalar; got a "
                                       f"tensor of shape {tuple(v.shape)}")
        return bool(v.reshape(()))
    return bool(v)


def _is_inexact(t: Any) -> bool:
    return isinstance(t, Tensor) and _prim._is_inexact(t._value)


def _xp_of(arrays: Sequence[Any]):
    return _prim._xp([a for a in arrays if hasattr(a, "dtype")])


def _merge_shapes(a: tuple, b: tuple):
    if len(a) != len(b):
        return None
    return tuple(x if x == y else None for x, y in zip(a, b))


# -- walking subgraphs -----------------------------------------------------------------------
def _all_nodes(graphs: Sequence[Graph]):
    for g in graphs:
        for n in g.nodes:
            yield n
            if n.kind == "call":
                yield from _all_nodes(n.meta.get("subgraphs", ()))


def _has_effect(graphs: Sequence[Graph]) -> bool:
    return any(n.kind in EFFECT_KINDS or n.meta.get("effect") for n in _all_nodes(graphs))


def _unique(objs) -> list:
    seen, out = set(), []
    for o in objs:
        if id(o) not in seen:
            seen.add(id(o))
            out.append(o)
    return out


def _written_variables(graphs: Sequence[Graph]) -> list:
    found = []
    for n in _all_nodes(graphs):
        if n.kind == "assign":
            found.append(n.op)
        elif n.kind == "update":
            found.extend(a[1] for a in n.params["template"] if a[0] == "var")
    return _unique(found)


def _read_variables(graphs: Sequence[Graph]) -> list:
    return _unique(n.op for n in _all_nodes(graphs) if n.kind == "read")


def _passthrough_outputs(graph: Graph) -> frozenset:
    """Output positions whose array is not fresh (an input, a variable's array, a
    constant): the call node copies those, so nothing later can write into them."""
    producer = {o: n.kind for n in graph.nodes for o in n.outputs}
    return frozenset(k for k, o in enumerate(graph.outputs)
                     if isinstance(o, int) and producer.get(o) in _PASSTHROUGH_KINDS)


# -- tracing a function as a subgraph ------------------------------------------------------
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
    saved_tapes = _prim.ACTIVE_TAPES[:]
    _prim.ACTIVE_TAPES.clear()
    try:
        with tracing(builder), np.errstate(all="ignore"):
            phs = [builder.placeholder(v, n, static_shape=s) for v, s, n in specs]
            result = _to_tensors(fn(*args(phs)), op, f"the values {what} returns")
    finally:
        _prim.ACTIVE_TAPES[:] = saved_tapes
        snapshot.restore()
    traced = _Traced(builder, result)
    builder.graph.outputs = [builder.value_id(t, t._value) for t in traced.leaves]
    _check_captures(builder, op, what)
    from .passes import dead_code
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


def _tapes_need(inputs: Sequence[Any], graphs: Sequence[Graph]) -> bool:
    """Whether an active tape watches (or will watch) something the subgraphs use."""
    if not _prim.ACTIVE_TAPES:
        return False
    ids = [id(t) for t in inputs if _is_inexact(t)]
    variables = [v for v in _read_variables(graphs) if _prim._is_inexact(v._value)]
    for tape in _prim.ACTIVE_TAPES:
        if any(i in tape._watched for i in ids):
            return True
        if any(id(v) in tape._watched or (v.trainable and tape._watch_accessed)
               for v in variables):
            return True
    return False


# -- the call node ---------------------------------------------------------------------------
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
    outs = tuple(g.new_value(r.shape, r.dtype) for r in results)
    g.add(Node("call", op, ins, outs, {},
               {"subgraphs": op.subgraphs, "label": op.label,
                "effect": _has_effect(op.subgraphs)}))
    if static_shapes is None:
        static_shapes = [None] * len(outs)
    return [GraphTensor(r, g, o, s) for r, o, s in zip(results, outs, static_shapes)]


# -- cond --------------------------------------------------------------------------------------
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
    """Inputs: the predicate, then the captures of both branches."""

    label = "cond"

    def __init__(self, subgraphs, maps):
        super().__init__(subgraphs)
        self.maps = maps
        self.fresh = [_passthrough_outputs(g) for g in subgraphs]

    def run(self, xp, plans, arrays):
        k = 0 if bool(arrays[0]) else 1
        caps = arrays[1:]
        res = plans[k]([caps[j] for j in self.maps[k]])
        copy = self.fresh[k]
        return [r.copy() if i in copy else r for i, r in enumerate(res)]

    def branch_fn(self, k: int, caps: Sequence[Any], effects: bool) -> Callable:
        graph, inputs = self.subgraphs[k], [caps[j] for j in self.maps[k]]
        return lambda: run_graph(graph, inputs, effects)

    def interpret(self, tensors, effects=True):
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
    parent = _prim.TRACING[-1]
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
    op = _CondOp([t.graph, f.graph], maps)
    shapes = [_merge_shapes(_static_shape(a), _static_shape(b))
              for a, b in zip(t.leaves, f.leaves)]
    outs = _emit(parent, op, [pred] + union, shapes)
    if _prim.ACTIVE_TAPES and outs:
        _record_cond(op, pred, union, outs)
    it = iter(outs)
    return _pack(t.result, [None if x is None else next(it) for x in t.flat])


def _pack(structure: Any, flat: list) -> Any:
    if not isinstance(structure, (list, tuple, dict)):
        return flat[0]
    return nest.pack_sequence_as(structure, flat)


def _record_cond(op: _CondOp, pred: Tensor, union: list, outs: list) -> None:
    """Put the cond node on the active tapes as one multiple-results primitive whose
    gradient is a cond of the branches' gradients."""
    variables = [v for v in _read_variables(op.subgraphs) if _prim._is_inexact(v._value)]
    for tape in _prim.ACTIVE_TAPES:       # as reading them in the branch would have
        for v in variables:
            if v.trainable and tape._watch_accessed:
                tape._watch_variable(v)
    ncap = len(union)
    random = any(n.kind == "host" for n in _all_nodes(op.subgraphs))
    prim = _prim.Primitive("cond", None, multiple_results=True)

    def vjp(gs, ys, pred_t, *rest, needs):
        wanted = [k for k in range(len(rest)) if needs[k + 1] and _is_inexact(rest[k])]
        out = [None] * (1 + len(rest))
        if not wanted:
            return tuple(out)
        if random:
            raise NotImplementedError(
                "ember.cond: a branch with random ops (dropout, ember.random.*) cannot be "
                "differentiated inside ember.function yet: re-running it for the gradient "
                "would draw new random numbers. Draw them before the cond and pass them "
                "in, or compute this gradient eagerly.")
        caps = rest[:ncap]
        sources = [caps[k] if k < ncap else variables[k - ncap] for k in wanted]

        def branch(b):
            inputs = [caps[j] for j in op.maps[b]]
            return lambda: _branch_gradients(op.subgraphs[b], inputs, sources, gs)

        grads = cond(pred_t, branch(0), branch(1))
        for k, g in zip(wanted, grads):
            out[1 + k] = g
        return tuple(out)

    prim.vjp_rule = vjp
    prim.vjp_takes_needs = True
    standins = [Tensor(np.broadcast_to(np.zeros((), v._value.dtype), v._value.shape))
                for v in variables]         # shape and dtype; gradients go to id(var)
    inputs = (pred, *union, *standins)
    ids = (id(pred), *map(id, union), *map(id, variables))
    _prim.record(prim, inputs, {}, tuple(outs), input_ids=ids)


def _branch_gradients(graph: Graph, inputs: list, sources: list, gs: Sequence) -> list:
    """Gradients of one branch's outputs (weighted by ``gs``) w.r.t. ``sources``: the
    branch is re-run with Ember ops under a tape; zeros where unconnected."""
    from ..autodiff.tape import GradientTape
    from ..ops.creation import zeros_like
    with GradientTape(watch_accessed_variables=False) as tape:
        for s in sources:
            tape.watch(s)
        outs = run_graph(graph, inputs, effects=False)
    targets, weights = [], []
    for o, g in zip(outs, gs):
        if _is_inexact(o):
            targets.append(o)
            weights.append(g)
    if not targets:
        return [zeros_like(s) for s in sources]
    return list(tape.gradient(targets, sources, output_gradients=weights,
                              unconnected_gradients="zero"))


# -- while_loop ----------------------------------------------------------------------------------
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
    graph node whose trip count may differ from call to call.

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
    if _prim.TRACING:
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
    return nest.pack_sequence_as(loop_vars, flat_out) if isinstance(
        loop_vars, (list, tuple, dict)) else flat_out[0]


class _WhileOp(_ControlFlowOp):
    """Inputs: the loop variables, maximum_iterations (if given), the captures of cond
    and body."""

    label = "while_loop"

    def __init__(self, subgraphs, n: int, has_max: bool, maps, structure, spread,
                 invariants):
        super().__init__(subgraphs)
        self.n, self.has_max, self.maps = n, has_max, maps
        self.structure, self.spread, self.invariants = structure, spread, invariants
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
        while mx is None or i < mx:
            if not bool(cplan(vals + ccaps)[0]):
                break
            vals = bplan(vals + bcaps)
            i += 1
        ins = arrays[:n]
        return [v.copy() if (i and j in self.fresh) or any(v is a for a in ins) else v
                for j, v in enumerate(vals)]

    def interpret(self, tensors, effects=True):
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


def _traced_while(cond, body, loop_vars, spread, shape_invariants, maximum_iterations):
    parent = _prim.TRACING[-1]
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
    for k, (t, inv) in enumerate(zip(flat, invariants)):
        if not _shape_fits(_static_shape(t), inv):
            raise ValueError(f"ember.while_loop: loop variable {k} has shape "
                             f"{_static_shape(t)}, which does not fit its shape invariant "
                             f"{inv}")
    specs = [(t._value, inv, f"loop_var_{k}") for k, (t, inv) in
             enumerate(zip(flat, invariants))]

    def args(phs):
        packed = nest.pack_sequence_as(loop_vars, phs) if isinstance(
            loop_vars, (list, tuple, dict)) else phs[0]
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
        from ..ops.creation import convert_to_tensor
        mx = maximum_iterations.read_value() if isinstance(
            maximum_iterations, Variable) else convert_to_tensor(maximum_iterations)
        inputs.append(mx)
    subgraphs = [c.graph, b.graph]
    if _tapes_need(list(flat) + union, subgraphs):
        raise NotImplementedError(
            "ember.while_loop: a GradientTape inside this ember.function watches a value "
            "the loop uses, but a while_loop cannot be differentiated inside a traced "
            "function (its trip count is only known when it runs). Use ember.scan (a fixed "
            "number of steps; it is differentiable), or compute the gradient eagerly "
            "(outside ember.function).")
    op = _WhileOp(subgraphs, len(flat), has_max, maps, loop_vars, spread,
                  shape_invariants)
    outs = _emit(parent, op, inputs + union, invariants)
    if isinstance(loop_vars, (list, tuple, dict)):
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


# -- scan / map_fn: shared pieces ---------------------------------------------------------------
def _check_elems(elems: Any, op: str) -> list:
    flat = nest.flatten(elems)
    if not flat or any(x is None for x in flat):
        raise ValueError(f"ember.{op}: elems must be a tensor or a nest of tensors; got "
                         f"{_describe(elems)}")
    shapes = [_static_shape(x) for x in flat]
    if any(len(s) == 0 for s in shapes):
        raise InvalidArgumentError(f"ember.{op}: elems must have a leading dimension to "
                                   f"loop over; got {_describe(elems)}")
    ns = {x._value.shape[0] for x in flat}
    if len(ns) != 1:
        raise InvalidArgumentError(f"ember.{op}: all elems must have the same first "
                                   f"dimension; got {_describe(elems)}")
    return flat


def _slices(flat: list) -> list:
    from ..ops.shape import unstack
    return [unstack(x) if x._value.shape[0] else [] for x in flat]


def _stack_leaves(rows: list, empty_like: list) -> list:
    """Stack the k-th leaf of every row; with no rows, empty tensors shaped
    ``(0,) + shape`` from ``empty_like`` [(shape, dtype)]."""
    from ..ops.shape import stack
    if not rows:
        return [Tensor(np.zeros((0,) + tuple(0 if d is None else d for d in s), dt))
                for s, dt in empty_like]
    return [stack([r[k] for r in rows]) for k in range(len(rows[0]))]


def _unrolled_inside_trace() -> bool:
    """scan / map_fn run their Python loop (recorded op by op) eagerly, and inside a
    trace while a tape records (so the tape can differentiate them)."""
    return not _prim.TRACING or bool(_prim.ACTIVE_TAPES)


def _element_specs(flat: list, prefix: str) -> list:
    specs = []
    for k, x in enumerate(flat):
        v = x._value
        example = v[0] if v.shape[0] else _xp_of([v]).zeros(v.shape[1:], v.dtype)
        specs.append((example, None, f"{prefix}_{k}"))
    return specs


# -- scan -----------------------------------------------------------------------------------------
def scan(fn: Callable, elems: Any, initializer: Any = None, parallel_iterations: int = 10,
         back_prop: bool = True, swap_memory: bool = False, infer_shape: bool = True,
         reverse: bool = False, name: str | None = None) -> Any:
    """Apply ``fn(accumulator, element)`` along the first dimension of ``elems``,
    returning every accumulator, stacked.

    Without ``initializer`` the first element is the first accumulator (and the first
    result). With ``reverse=True`` the elements are visited last to first; the results
    stay aligned with the elements. ``elems`` and the accumulator may be nests.

    >>> import ember
    >>> ember.scan(lambda a, x: a + x, ember.constant([1, 2, 3, 4])).numpy()
    array([ 1,  3,  6, 10], dtype=int32)
    >>> ember.scan(lambda a, x: a * x, ember.constant([1., 2., 3.]), initializer=2.0,
    ...            reverse=True).numpy()
    array([12., 12.,  6.], dtype=float32)
    """
    _check_callable(fn, "fn", "scan")
    elems = _to_tensors(elems, "scan", "elems")
    flat_e = _check_elems(elems, "scan")
    init = None if initializer is None else _to_tensors(initializer, "scan", "initializer")
    if init is not None and any(x is None for x in nest.flatten(init)):
        raise TypeError(f"ember.scan: initializer must be tensors; got {_describe(init)}")
    n = flat_e[0]._value.shape[0]
    if init is None and n == 0:
        raise InvalidArgumentError("ember.scan: elems must contain at least one element "
                                   "when no initializer is given")
    if not _unrolled_inside_trace():
        return _traced_scan(fn, elems, flat_e, init, reverse)
    slices = _slices(flat_e)
    order = list(range(n))[::-1] if reverse else list(range(n))
    rows = []
    if init is None:
        acc_struct = elems
        acc = _pack(elems, [s[order[0]] for s in slices])
        rows.append(nest.flatten(acc))
        order = order[1:]
    else:
        acc_struct = acc = init
    entry = nest.flatten(acc)
    for i in order:
        new = _to_tensors(fn(acc, _pack(elems, [s[i] for s in slices])), "scan",
                          "the values fn returns")
        _check_accumulator(new, acc_struct, entry, eager=True)
        acc = new
        rows.append(nest.flatten(acc))
    if reverse:
        rows.reverse()
    empty = [(_static_shape(x), x._value.dtype) for x in entry]
    return _pack(acc_struct, _stack_leaves(rows, empty))


def _check_accumulator(new: Any, acc_struct: Any, entry: list, eager: bool) -> None:
    if _structure(new) != _structure(acc_struct):
        raise ValueError(f"ember.scan: fn must return the same structure as its "
                         f"accumulator; the accumulator is {_describe(acc_struct)} but fn "
                         f"returned {_describe(new)}")
    for k, (a, b) in enumerate(zip(entry, nest.flatten(new))):
        if b is None or a._value.dtype != b._value.dtype or (
                not eager and _static_shape(a) != _static_shape(b)) or (
                eager and a._value.shape != b._value.shape):
            raise TypeError(f"ember.scan: accumulator {k} starts as "
                            f"{a.dtype.name}{list(_static_shape(a))} but fn returned "
                            f"{_describe(b)}; dtype and shape must stay the same")


class _ScanOp(_ControlFlowOp):
    """Inputs: elems (flat), the initializer (flat, if given), the body's captures."""

    label = "scan"

    def __init__(self, subgraphs, ne: int, na: int, has_init: bool, reverse: bool, maps,
                 structures, empty_like):
        super().__init__(subgraphs)
        self.ne, self.na, self.has_init, self.reverse = ne, na, has_init, reverse
        self.maps, self.structures, self.empty_like = maps, structures, empty_like

    def run(self, xp, plans, arrays):
        ne, na = self.ne, self.na
        elems = arrays[:ne]
        k = ne
        if self.has_init:
            acc = list(arrays[ne:ne + na])
            k += na
        caps = [arrays[k:][j] for j in self.maps[0]]
        n = elems[0].shape[0]
        order = list(range(n))[::-1] if self.reverse else list(range(n))
        plan = plans[0]
        rows = []
        if not self.has_init:
            if n == 0:
                raise InvalidArgumentError("ember.scan: elems must contain at least one "
                                           "element when no initializer is given")
            acc = [e[order[0]] for e in elems]
            rows.append(acc)
            order = order[1:]
        for i in order:
            acc = plan(acc + [e[i] for e in elems] + caps)
            rows.append(acc)
        if self.reverse:
            rows.reverse()
        if not rows:
            return [xp.zeros((0,) + tuple(s), dt) for s, dt in self.empty_like]
        return [xp.stack([r[j] for r in rows]) for j in range(na)]

    def interpret(self, tensors, effects=True):
        ne, na = self.ne, self.na
        elems = list(tensors[:ne])
        k = ne + (na if self.has_init else 0)
        init = list(tensors[ne:ne + na]) if self.has_init else None
        caps = [tensors[k:][j] for j in self.maps[0]]
        graph = self.subgraphs[0]
        fn = lambda a, x: run_graph(graph, list(a) + list(x) + caps, effects)
        return list(scan(fn, elems, initializer=init, reverse=self.reverse))


def _traced_scan(fn, elems, flat_e, init, reverse):
    parent = _prim.TRACING[-1]
    elem_specs = _element_specs(flat_e, "elem")
    if init is None:
        acc_struct = elems
        first = -1 if reverse else 0
        acc_specs = [(x._value[first], None, f"acc_{k}") for k, x in enumerate(flat_e)]
    else:
        acc_struct = init
        acc_specs = [(x._value, None, f"acc_{k}") for k, x in
                     enumerate(nest.flatten(init))]
    na = len(acc_specs)

    def args(phs):
        return _pack(acc_struct, phs[:na]), _pack(elems, phs[na:])

    def body(a, x):
        new = _to_tensors(fn(a, x), "scan", "the values fn returns")
        _check_accumulator(new, acc_struct, nest.flatten(a), eager=False)
        return new

    b = _trace_subgraph(parent, "scan_body", body, args, acc_specs + elem_specs, "scan",
                        "fn")
    union, maps = _union_captures((b,))
    inputs = list(flat_e) + ([] if init is None else nest.flatten(init)) + union
    empty = [(tuple(s._value.shape), s._value.dtype) for s in b.leaves]
    op = _ScanOp([b.graph], len(flat_e), na, init is not None, bool(reverse), maps,
                 acc_struct, empty)
    return _pack(acc_struct, _emit(parent, op, inputs))


# -- map_fn ------------------------------------------------------------------------------------
class _Spec:
    """One leaf of fn_output_signature: a shape (or None) and a NumPy dtype."""

    def __init__(self, shape, dtype):
        self.shape, self.dtype = shape, dtype


def _output_signature(sig: Any) -> Any:
    """fn_output_signature as the same nest of ``_Spec``s."""
    from ..core import dtypes as _dtypes
    from .tensor_spec import TensorSpec

    def leaf(s):
        if isinstance(s, TensorSpec):
            return _Spec(None if s.shape is None else tuple(s.shape),
                         np.dtype(s.dtype.as_numpy_dtype))
        try:
            return _Spec(None, np.dtype(_dtypes.as_dtype(s).as_numpy_dtype))
        except (TypeError, ValueError, KeyError, AttributeError) as e:
            raise TypeError(f"ember.map_fn: fn_output_signature must be a dtype, a "
                            f"TensorSpec or a nest of them; got {s!r}") from e

    return _pack(sig, [leaf(s) for s in nest.flatten(sig)])


def _check_output(out: Any, sig: Any, first: Any) -> None:
    """fn's result against fn_output_signature (if given) and the first result."""
    if sig is not None:
        if _structure(out) != _structure(sig):
            raise ValueError(f"ember.map_fn: fn returned {_describe(out)}, which does not "
                             f"match the structure of fn_output_signature")
        for k, (t, spec) in enumerate(zip(nest.flatten(out), nest.flatten(sig))):
            shape, dtype = spec.shape, spec.dtype
            if t is None or t._value.dtype != dtype:
                raise TypeError(f"ember.map_fn: output {k} of fn is {_describe(t)} but "
                                f"fn_output_signature says {dtype.name}")
            s = _static_shape(t)
            if shape is not None and (len(s) != len(shape) or any(
                    a is not None and b is not None and a != b for a, b in zip(s, shape))):
                raise ValueError(f"ember.map_fn: output {k} of fn has shape {s} but "
                                 f"fn_output_signature says {shape}")
    if any(x is None for x in nest.flatten(out)):
        raise TypeError(f"ember.map_fn: fn must return tensors; got {_describe(out)}")
    if first is not None:
        a, b = nest.flatten(first), nest.flatten(out)
        if _structure(out) != _structure(first) or any(
                x._value.dtype != y._value.dtype or x._value.shape != y._value.shape
                for x, y in zip(a, b)):
            raise ValueError(f"ember.map_fn: fn must return the same structure, dtypes "
                             f"and shapes for every element; got {_describe(first)} and "
                             f"then {_describe(out)}")


def map_fn(fn: Callable, elems: Any, dtype: Any = None, parallel_iterations: int | None = None,
           back_prop: bool = True, swap_memory: bool = False, infer_shape: bool = True,
           name: str | None = None, fn_output_signature: Any = None) -> Any:
    """Apply ``fn`` to each element of ``elems`` (unstacked along the first dimension)
    and stack the results.

    ``elems`` may be a nest of tensors (``fn`` gets the same nest of slices) and ``fn``
    may return a nest. ``fn_output_signature`` (or the older ``dtype``) states what
    ``fn`` returns when it differs from ``elems``; Ember also infers it from ``fn``'s
    first result.

    >>> import ember
    >>> ember.map_fn(lambda x: x * x, ember.constant([1, 2, 3])).numpy()
    array([1, 4, 9], dtype=int32)
    >>> ember.map_fn(lambda t: ember.cast(t[0], "float32") * t[1],
    ...              (ember.constant([1, 2]), ember.constant([0.5, 0.25])),
    ...              fn_output_signature=ember.float32).numpy()
    array([0.5, 0.5], dtype=float32)
    """
    _check_callable(fn, "fn", "map_fn")
    if fn_output_signature is None:
        fn_output_signature = dtype
    sig = None if fn_output_signature is None else _output_signature(fn_output_signature)
    elems = _to_tensors(elems, "map_fn", "elems")
    flat_e = _check_elems(elems, "map_fn")
    if not _unrolled_inside_trace():
        return _traced_map(fn, elems, flat_e, sig)
    n = flat_e[0]._value.shape[0]
    slices = _slices(flat_e)
    rows, first = [], None
    for i in range(n):
        out = _to_tensors(fn(_pack(elems, [s[i] for s in slices])), "map_fn",
                          "the values fn returns")
        _check_output(out, sig, first)
        if first is None:
            first = out
        rows.append(nest.flatten(out))
    if first is not None:
        return _pack(first, _stack_leaves(rows, []))
    return _empty_map_result(elems, flat_e, sig)


def _empty_map_result(elems, flat_e, sig):
    if sig is None:
        return _pack(elems, _stack_leaves([], [(_static_shape(x)[1:], x._value.dtype)
                                               for x in flat_e]))
    leaves = [(() if spec.shape is None else spec.shape, spec.dtype)
              for spec in nest.flatten(sig)]
    return _pack(sig, _stack_leaves([], leaves))


class _MapOp(_ControlFlowOp):
    """Inputs: elems (flat), then the body's captures."""

    label = "map_fn"

    def __init__(self, subgraphs, ne: int, maps, empty_like):
        super().__init__(subgraphs)
        self.ne, self.maps, self.empty_like = ne, maps, empty_like

    def run(self, xp, plans, arrays):
        elems = arrays[:self.ne]
        caps = [arrays[self.ne:][j] for j in self.maps[0]]
        plan = plans[0]
        rows = [plan([e[i] for e in elems] + caps) for i in range(elems[0].shape[0])]
        if not rows:
            return [xp.zeros((0,) + tuple(s), dt) for s, dt in self.empty_like]
        return [xp.stack([r[j] for r in rows]) for j in range(len(self.empty_like))]

    def interpret(self, tensors, effects=True):
        elems = list(tensors[:self.ne])
        caps = [tensors[self.ne:][j] for j in self.maps[0]]
        graph = self.subgraphs[0]
        fn = lambda x: run_graph(graph, list(x) + caps, effects)
        return list(map_fn(fn, elems))


def _traced_map(fn, elems, flat_e, sig):
    parent = _prim.TRACING[-1]
    specs = _element_specs(flat_e, "elem")

    def args(phs):
        return (_pack(elems, phs),)

    def body(x):
        out = _to_tensors(fn(x), "map_fn", "the values fn returns")
        _check_output(out, sig, None)
        return out

    b = _trace_subgraph(parent, "map_fn_body", body, args, specs, "map_fn", "fn")
    if not b.leaves:
        raise TypeError("ember.map_fn: fn must return at least one tensor")
    union, maps = _union_captures((b,))
    empty = [(tuple(s._value.shape), s._value.dtype) for s in b.leaves]
    op = _MapOp([b.graph], len(flat_e), maps, empty)
    return _pack(b.result, _emit(parent, op, list(flat_e) + union))
