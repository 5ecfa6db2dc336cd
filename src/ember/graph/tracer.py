"""Tracing: running a Python function once while recording every op into a graph.

While a ``GraphBuilder`` is active, the tensors flowing through the function are
``GraphTensor``s: ordinary tensors holding the values of this (first) run, plus the id
of the graph value they stand for. Every primitive applied to one is recorded as a node
(``ember.ops.primitive`` calls ``record_op``), as are variable reads and assignments,
fused optimizer updates and the seeds of stateful random ops. Because the trace really
runs the function, its results are those of the first call; the recorded graph runs
every later call.

Values computed only from constants stay plain tensors: they are folded as the trace
runs. A GraphTensor cannot become a Python value (``bool``, ``int``, ``float``, NumPy):
that value would be frozen into the graph, so it is an error that says where.
"""
from __future__ import annotations

import contextlib
import linecache
import os
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from ..core.shape import TensorShape
from ..core.tensor import Tensor
from ..core.thread_state import STATE, set_aside
from ..core.variable import Variable
from .ir import Graph, Node

_EMBER_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class TracedValueError(TypeError):
    """A traced tensor was used where a Python value is needed (``if``, ``int``, ...)."""


def _user_line() -> str:
    """``file:line: code`` of the innermost frame outside Ember (where the user's code
    turned a traced tensor into a Python value)."""
    frame = sys._getframe(2)
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(
            _EMBER_DIR):
        frame = frame.f_back
    if frame is None:
        return "an unknown line"
    code = linecache.getline(frame.f_code.co_filename, frame.f_lineno).strip()
    return f"{frame.f_code.co_filename}:{frame.f_lineno}: `{code}`"


class GraphTensor(Tensor):
    """A tensor inside a function being traced: its value on this run, and its graph id."""

    __slots__ = ("_graph", "_static_shape", "_vid")

    def __init__(self, value: Any, graph: Graph, vid: int, static_shape=None) -> None:
        self._value = value
        self._graph = graph
        self._vid = vid
        self._static_shape = static_shape

    def _alias(self) -> GraphTensor:
        """A new tensor object for the same graph value (a distinct id on tapes)."""
        return GraphTensor(self._value, self._graph, self._vid, self._static_shape)

    @property
    def shape(self) -> TensorShape:
        if self._static_shape is not None:
            return TensorShape(self._static_shape)
        return TensorShape.of_ints(self._value.shape)

    def get_shape(self) -> TensorShape:
        return self.shape

    def _refuse(self, what: str, hint: str):
        raise TracedValueError(
            f"ember.function: a traced tensor (shape {tuple(self.shape)}, "
            f"{self.dtype.name}) cannot be used as {what} inside a function being traced "
            f"({_user_line()}). Its value differs from call to call, but the graph would "
            f"keep this one. {hint}")

    def __bool__(self) -> bool:
        self._refuse("a Python bool", "Use ember.cond(pred, true_fn, false_fn) for a branch "
                     "that depends on a tensor, or ember.where(cond, x, y) to choose "
                     "elementwise; ember.while_loop for loops.")

    def __int__(self) -> int:
        self._refuse("a Python int", "Keep it a tensor (use ember ops on it).")

    def __float__(self) -> float:
        self._refuse("a Python float", "Keep it a tensor (use ember ops on it).")

    def __index__(self) -> int:
        self._refuse("an index or size", "Use ember ops that take tensors (ember.gather, "
                     "ember.slice) or a static shape (x.shape).")

    def numpy(self) -> np.ndarray:
        self._refuse("a NumPy array (.numpy())", "Return the tensor from the function and "
                     "call .numpy() on the result.")

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        self._refuse("a NumPy array", "Return the tensor from the function and convert "
                     "the result.")

    def __repr__(self) -> str:
        return (f"<ember.Tensor %{self._vid} (traced in '{self._graph.name}') "
                f"shape={tuple(self.shape)} dtype={self.dtype.name}>")

    __str__ = __repr__


class GraphBuilder:
    """Records the ops of one trace into ``self.graph``.

    A builder nested in another (a branch of ``ember.cond`` traced inside a function)
    captures the outer tensors it uses as extra inputs: ``captures`` lists the outer
    tensors, in the order of the inner graph's capture inputs.
    """

    def __init__(self, name: str, parent: GraphBuilder | None = None):
        self.graph = Graph(name)
        self.parent = parent
        self.captures: list[GraphTensor] = []
        self._captured: dict[int, int] = {}
        self._consts: dict[int, int] = {}
        self._keep: list = []            # keeps constant objects alive (ids stay unique)
        self.before_write: Callable | None = None   # told of each variable about to change

    # -- values -----------------------------------------------------------------------
    def placeholder(self, value: Any, name: str, static_shape=None) -> GraphTensor:
        """An input of the graph holding ``value`` on this trace; with a ``static_shape``
        of unknown (None) dimensions (a loop variable's shape invariant), one whose
        shape may change from run to run (``value_shaped``)."""
        g = self.graph
        vid = g.new_value(value.shape if static_shape is None else static_shape,
                          value.dtype)
        if static_shape is not None and None in tuple(static_shape):
            g.value_shaped.add(vid)
        g.add(Node("input", None, (), (vid,), {"index": len(g.inputs), "name": name}))
        g.inputs.append(vid)
        g.input_names.append(name)
        return GraphTensor(value, g, vid, static_shape)

    def constant(self, value: Any) -> int:
        key = id(value)
        found = self._consts.get(key)
        if found is not None:
            return found
        if hasattr(value, "dtype"):
            vid = self.graph.new_value(value.shape, value.dtype)
        else:    # a Python scalar keeps its weak dtype (2.0 * float16 stays float16)
            vid = self.graph.new_value((), "weak " + type(value).__name__)
        self.graph.add(Node("const", None, (), (vid,), {"value": value}))
        self._consts[key] = vid
        self._keep.append(value)
        return vid

    def value_id(self, t: Any, val: Any) -> int:
        """The graph value for an op argument: ``t`` as the dispatcher saw it and
        ``val``, the array (or weak Python scalar) its forward got."""
        if type(t) is GraphTensor:
            if t._graph is self.graph:
                return t._vid
            return self._capture(t)
        return self.constant(val)

    def _capture(self, t: GraphTensor) -> int:
        found = self._captured.get(id(t))
        if found is not None:
            return found
        if self.parent is None:
            raise ValueError(
                f"ember.function: a tensor traced in another function ('{t._graph.name}') "
                f"was used in '{self.graph.name}'; tensors do not outlive the trace they "
                "were made in. Pass it as an argument or return it.")
        g = self.graph
        outer = t._graph.value_shaped
        shape = (None,) * t._value.ndim if t._vid in outer else t._value.shape
        vid = g.new_value(shape, t._value.dtype)
        if t._vid in outer:
            g.value_shaped.add(vid)
        g.add(Node("input", None, (), (vid,), {"index": len(g.inputs),
                                                "name": f"capture_{len(self.captures)}"}))
        g.inputs.append(vid)
        g.input_names.append(f"capture_{len(self.captures)}")
        self.captures.append(t)
        self._captured[id(t)] = vid
        return vid

    def wrap(self, value: Any, vid: int) -> GraphTensor:
        return GraphTensor(value, self.graph, vid)

    # -- recording (called from ember.ops while this builder is active) -----------------
    def record_op(self, prim, tensors, vals, params, outs, cast_to) -> tuple:
        if not any(type(t) is GraphTensor for t in tensors):
            return tuple(Tensor(o) for o in outs)      # constants only: folded now
        ins = tuple(self.value_id(t, v) for t, v in zip(tensors, vals))
        g = self.graph
        by_values = prim.shape_from_values
        if by_values and not isinstance(by_values, bool):
            by_values = by_values(params, vals)
        if by_values or (g.value_shaped and any(i in g.value_shaped for i in ins)):
            # the shapes of this run may not be the next run's: unknown for the graph
            out_ids = tuple(g.new_value((None,) * o.ndim, o.dtype) for o in outs)
            g.value_shaped.update(i for i, o in zip(out_ids, outs) if o.ndim)
        else:
            out_ids = tuple(g.new_value(o.shape, o.dtype) for o in outs)
        g.add(Node("op", prim, ins, out_ids, params,
                   {"cast_to": cast_to, "multi": prim.multiple_results}))
        return tuple(GraphTensor(o, g, i) for o, i in zip(outs, out_ids))

    def read_variable(self, var: Variable) -> GraphTensor:
        g = self.graph
        vid = g.new_value(var._value.shape, var._value.dtype)
        g.add(Node("read", var, (), (vid,)))
        return GraphTensor(var._value, g, vid)

    def assign(self, var: Variable, kind: str, value: Any) -> Variable:
        if isinstance(value, Variable):
            value = value.read_value()
        if isinstance(value, Tensor):
            vid = self.value_id(value, value._value)
            concrete = value._value
        else:
            concrete = np.asarray(value) if not hasattr(value, "dtype") else value
            vid = self.constant(concrete)
        if self.before_write is not None:
            self.before_write(var)
        with suspended():
            var._update(kind, concrete)
        self.graph.add(Node("assign", var, (vid,), (), {"kind": kind}))
        return var

    def record_update(self, update: Callable, args: tuple, kwargs: dict) -> None:
        template, ins, concrete = [], [], []
        for a in list(args) + list(kwargs.values()):
            if isinstance(a, Variable):
                if self.before_write is not None:
                    self.before_write(a)
                template.append(("var", a))
                concrete.append(a)
            elif isinstance(a, Tensor):
                template.append(("val", len(ins)))
                ins.append(self.value_id(a, a._value))
                concrete.append(a._value)
            else:
                template.append(("lit", a))
                concrete.append(a)
        names = tuple(kwargs)
        npos = len(args)
        with suspended():
            update(*concrete[:npos], **dict(zip(names, concrete[npos:])))
        self.graph.add(Node("update", update, tuple(ins), (),
                            {"template": tuple(template), "npos": npos, "names": names}))

    def host_value(self, thunk: Callable, label: str) -> GraphTensor:
        with suspended():
            value = thunk()
        g = self.graph
        vid = g.new_value(value.shape, value.dtype)
        g.add(Node("host", thunk, (), (vid,), meta={"label": label}))
        return GraphTensor(value, g, vid)


class VariableSnapshot:
    """Values of the variables a dry trace writes, put back after it."""

    def __init__(self):
        self._saved: dict[int, tuple] = {}

    def save(self, var: Variable) -> None:
        if id(var) not in self._saved:
            self._saved[id(var)] = (var, var._value.copy())

    def restore(self) -> None:
        for var, value in self._saved.values():
            var._value = value


@contextlib.contextmanager
def suspended():
    """Run eagerly, unrecorded, inside a trace (for work done on the trace's behalf)."""
    with set_aside("tracing", "assign_hooks", "tapes"):
        yield


@contextlib.contextmanager
def tracing(builder: GraphBuilder):
    """Make ``builder`` record the ops run inside the block."""
    STATE.tracing.append(builder)
    STATE.assign_hooks.append(builder.assign)
    try:
        yield builder
    finally:
        STATE.tracing.pop()
        STATE.assign_hooks.pop()


@contextlib.contextmanager
def creating_variables(hook: Callable[[str | None], None]):
    """Tell ``hook`` the name of each ``ember.Variable`` about to be created in the block
    (in this thread); it raises to refuse one. ``init_scope`` does not lift the block
    out of it: a variable made there while tracing is still made by the trace."""
    STATE.variable_hooks.append(hook)
    try:
        yield
    finally:
        STATE.variable_hooks.pop()


def current_builder() -> GraphBuilder | None:
    """The innermost active graph builder, or None when running eagerly."""
    return STATE.tracing[-1] if STATE.tracing else None
