"""How an op is defined and dispatched.

A primitive is a forward function written once against an array module ``xp`` (NumPy or
CuPy) plus a gradient rule (``vjp``) written with Ember ops, so gradients are themselves
differentiable::

    @primitive
    def tanh(xp, x):
        return xp.tanh(x)

    @tanh.vjp
    def _(g, y, x):
        return g * (1 - y * y)

Positional arguments of a primitive are tensors; keyword arguments are static parameters
(axes, flags) handed unchanged to both the forward and the vjp. The eager call path is
kept short: tensors in, arrays to the forward, one Tensor out, and a record on each
active GradientTape that watches an input.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from ..core import backend as _backend
from ..core.convert import holds_tensor as _holds_tensor
from ..core.convert import to_array
from ..core.dtypes import from_numpy
from ..core.errors import InvalidArgumentError, OpError
from ..core.tensor import Tensor
from ..core.thread_state import STATE
from ..core.variable import Variable

# ``STATE`` (core.thread_state) holds this thread's recording tapes, variable-read watchers
# and graph builders; while a builder is active, ops on its graph tensors go into it.

_np = np
_PY_SCALARS = (int, float, bool)


# A recorded op application ("node") is a plain tuple, the cheapest thing to build on the
# hot path: (primitive, input tensors handed to the vjp, ids gradients are routed to
# (a Variable's own id for reads), static params, output tensors).


class Primitive:
    """A forward function and its gradient rule; calling it runs the op eagerly."""

    def __init__(self, name: str, forward: Callable, multiple_results: bool = False,
                 donates: tuple[int, int] | None = None, fresh_results: bool = False):
        self.name = name
        self.forward = forward
        self.multiple_results = multiple_results
        # (input index, result index): called with ``donate=True`` the op may write that
        # result over that input, which must then be the caller's to overwrite (a
        # graph's memory plan passes it when nothing else reads the input)
        self.donates = donates
        # every result is a new array the op owns (none a view of an input): a result
        # may be donated to the next op
        self.fresh_results = fresh_results
        self.vjp_rule: Callable | None = None
        self.vjp_takes_needs = False
        self.vjp_takes_none = False
        # whether the output shape depends on the input *values* (a boolean mask's
        # count): True, or ``fn(params, arrays) -> bool``; a graph records such outputs
        # with unknown dimensions, so it folds nothing from their shapes
        self.shape_from_values: bool | Callable = False

    def vjp(self, rule: Callable | None = None, *, takes_none: bool = False) -> Callable:
        """Decorator: set the gradient rule ``rule(g, y, *inputs, **params)``.

        It returns one gradient per positional input (a single value for one input);
        ``None`` means no gradient flows to that input. A rule with a keyword-only
        parameter ``needs`` is also told which inputs need a gradient (a tuple of bools),
        so it can skip work whose result would be thrown away. With ``takes_none``
        (``@op.vjp(takes_none=True)``, multiple results only) the rule gets None, instead
        of an array of zeros, for each result no gradient reached.
        """
        if rule is None:
            return functools.partial(self.vjp, takes_none=takes_none)
        code = rule.__code__
        self.vjp_takes_needs = "needs" in code.co_varnames[
            code.co_argcount:code.co_argcount + code.co_kwonlyargcount]
        self.vjp_takes_none = takes_none
        self.vjp_rule = rule
        return rule

    def __repr__(self) -> str:
        return f"<ember primitive {self.name}>"


def _is_inexact(arr) -> bool:
    k = arr.dtype.kind
    return k == "f" or k == "c" or arr.dtype.name == "bfloat16"


def _op_error(prim: Primitive, args: tuple, params: dict, err: Exception) -> Exception:
    """Re-raise a backend error as one that names the op and what it got."""
    if isinstance(err, (OpError, KeyboardInterrupt, MemoryError)):
        return err
    described = ", ".join(_describe(a) for a in args)
    extra = "".join(f", {k}={v!r}" for k, v in params.items() if not callable(v))
    msg = f"ember.{prim.name}: {err} (got {described}{extra})"
    if isinstance(err, TypeError):
        return TypeError(msg)
    return InvalidArgumentError(msg)


def _describe(a: Any) -> str:
    v = getattr(a, "_value", a)
    if hasattr(v, "shape") and hasattr(v, "dtype"):
        try:        # not every object with these attributes is an array (NumPy itself)
            return f"{from_numpy(v.dtype).name} tensor of shape {tuple(v.shape)}"
        except (TypeError, ValueError):
            pass
    return f"Python {type(a).__name__} {a!r}"[:80]


def _convert_args(args: tuple, recording: bool):
    """Slow path: arrays for the forward, and (when recording) Tensors for the tape.

    Returns (values, tensors, python_float) where python_float says a Python float
    took part, so an integer result promotion can be brought back to float32.
    """
    vals = []
    tensors = [] if recording else None
    py_float = False
    scalars = []      # positions of Python scalars among the tape's tensors
    for a in args:
        t = type(a)
        if t is Tensor:
            vals.append(a._value)
            if recording:
                tensors.append(a)
        elif isinstance(a, Variable):
            if recording or STATE.watchers or STATE.tracing:
                a = read_variable(a)
                vals.append(a._value)
                if recording:
                    tensors.append(a)
            else:
                vals.append(a._value)
        elif t in _PY_SCALARS or isinstance(a, (np.generic,)) and t is not np.ndarray:
            if t is float:
                py_float = True
            vals.append(a)  # stays a weak scalar: float32 tensor * 2.0 is float32
            if recording:
                if t in _PY_SCALARS and t is not bool:
                    scalars.append(len(tensors))
                tensors.append(Tensor(to_array(a)))
        elif isinstance(a, Tensor):  # subclasses (symbolic tensors later)
            vals.append(a._value)
            if recording:
                tensors.append(a)
        elif type(a) in (list, tuple) and _holds_tensor(a):
            a = _pack(a)  # TF's auto-packing: the tape and a trace see the tensors inside
            vals.append(a._value)
            if recording:
                tensors.append(a)
        else:
            arr = to_array(a)
            vals.append(arr)
            if recording:
                tensors.append(Tensor(arr))
    if scalars:
        _tape_scalars_like_arrays(tensors, scalars, vals, args)
    if vals and all(type(v) in _PY_SCALARS for v in vals):
        # nothing to take a dtype from: Python defaults (float32 if any float, else int32)
        common = "float32" if any(type(v) is float for v in vals) else None
        vals = [to_array(v, common if type(v) is not bool else None) for v in vals]
        py_float = False
    return vals, tensors, py_float


def _pack(value: Any) -> Tensor:
    from .shape import pack
    return pack(value)


def _tape_scalars_like_arrays(tensors: list, scalars: list, vals: list, args: tuple) -> None:
    """The tape's copies of Python scalars in the dtype of the op's first inexact array,
    so a gradient through ``x_float64 * 0.3`` uses 0.3, not float32's 0.30000001."""
    for v in vals:
        dt = getattr(v, "dtype", None)
        if dt is not None and type(v) not in _PY_SCALARS and dt.kind in "fc" \
                and dt != np.float32:
            for k in scalars:
                tensors[k] = Tensor(np.asarray(args[k], dtype=dt))
            return


def _float32_for_python_floats(out, vals):
    """int tensor * 2.5 -> float32 (Python floats default to float32), not NumPy's float64."""
    if out.dtype == np.float64 and not any(
            getattr(v, "dtype", None) == np.float64 for v in vals
            if type(v) is not float):
        return out.astype(np.float32)
    return out


def _xp(vals):
    if _backend.cupy is None:
        return _np
    for v in vals:
        if type(v) is _backend.cupy_ndarray:
            return _backend.cupy
    return _np


def is_traced(*values: Any) -> bool:
    """Whether any of ``values`` is a traced tensor of the graph ``ember.function`` is
    building now (its value is known only when the graph runs)."""
    return bool(STATE.tracing) and any(getattr(v, "_graph", None) is not None for v in values)


def value_shaped(x: Any) -> bool:
    """Whether ``x`` is a traced tensor whose shape may differ from call to call of its
    graph: the result of an op whose output shape depends on input values (a boolean
    mask's), or computed from one. Code that would read such a shape while tracing
    reads it as the graph runs instead (``ember.shape``, reductions' gradients)."""
    graph = getattr(x, "_graph", None)
    return graph is not None and x._vid in graph.value_shaped


def record(prim: Primitive, inputs: tuple, params: dict, outputs: tuple,
           input_ids: tuple | None = None) -> None:
    """Append a node to every active tape that watches one of ``inputs``."""
    node = None
    ids = input_ids if input_ids is not None else tuple(map(id, inputs))
    for tape in STATE.tapes:
        watched = tape._watched
        for i in ids:
            if i in watched:
                break
        else:
            continue
        if node is None:
            node = (prim, inputs, ids, params, outputs)
        tape._nodes.append(node)
        for o in outputs:
            watched.add(id(o))


def make_op(prim: Primitive) -> Callable:
    """The eager entry point of a primitive: ``op(*tensors, **params) -> Tensor``.

    One and two eager-Tensor inputs (the common case) take a short path written out in
    full (no per-argument loop, no helper calls, the tape check inlined); anything else
    goes through ``_slow_call``.
    """
    fwd = prim.forward
    multi = prim.multiple_results

    def op(*args, **params):
        n = len(args)
        if n == 2:
            a, b = args
            if type(a) is Tensor and type(b) is Tensor and not multi:
                av, bv = a._value, b._value
                try:
                    out = fwd(_np if _backend.cupy is None else _xp((av, bv)), av, bv,
                              **params)
                except Exception as e:  # noqa: BLE001 - re-raised with the op's name
                    raise _op_error(prim, args, params, e) from None
                result = Tensor(out)
                tapes = STATE.tapes
                if tapes and prim.vjp_rule is not None and out.dtype.kind in "fcV":
                    ia, ib = id(a), id(b)
                    node = None
                    for tape in tapes:
                        watched = tape._watched
                        if ia in watched or ib in watched:
                            if node is None:
                                node = (prim, args, (ia, ib), params, (result,))
                            tape._nodes.append(node)
                            watched.add(id(result))
                return result
        elif n == 1:
            a = args[0]
            if type(a) is Tensor and not multi:
                av = a._value
                try:
                    out = fwd(_np if _backend.cupy is None else _xp((av,)), av, **params)
                except Exception as e:  # noqa: BLE001
                    raise _op_error(prim, args, params, e) from None
                result = Tensor(out)
                tapes = STATE.tapes
                if tapes and prim.vjp_rule is not None and out.dtype.kind in "fcV":
                    ia = id(a)
                    node = None
                    for tape in tapes:
                        watched = tape._watched
                        if ia in watched:
                            if node is None:
                                node = (prim, args, (ia,), params, (result,))
                            tape._nodes.append(node)
                            watched.add(id(result))
                return result
        return _slow_call(prim, args, params)

    op.__name__ = prim.name
    op.__qualname__ = prim.name
    op.primitive = prim
    return op


def _slow_call(prim, args, params):
    """Any mix of Tensors, Python scalars, NumPy arrays, Variables and lists."""
    builders = STATE.tracing
    tracing = bool(builders)
    recording = bool(STATE.tapes) and prim.vjp_rule is not None
    try:
        vals, tensors, py_float = _convert_args(args, recording or tracing)
    except (TypeError, ValueError) as e:
        raise _op_error(prim, args, params, e) from None
    try:
        out = prim.forward(_xp(vals), *vals, **params)
    except Exception as e:  # noqa: BLE001
        raise _op_error(prim, args, params, e) from None
    if prim.multiple_results:
        if tracing:
            result = builders[-1].record_op(prim, tensors, vals, params, tuple(out), None)
        else:
            result = tuple(Tensor(o) for o in out)
        if recording:
            record(prim, tuple(tensors), params, result)
        return result
    raw_dtype = getattr(out, "dtype", None)
    if py_float and raw_dtype is not None:
        out = _float32_for_python_floats(out, vals)
        if out.dtype.kind != "V":
            custom = [v.dtype for v in vals if getattr(v, "dtype", None) is not None
                      and v.dtype.kind == "V"]
            if custom and out.dtype.kind == "f":  # bfloat16 * 2.0 stays bfloat16
                out = out.astype(custom[0])
    if tracing:
        cast_to = out.dtype if raw_dtype is not None and out.dtype != raw_dtype else None
        result = builders[-1].record_op(prim, tensors, vals, params, (out,), cast_to)[0]
        if recording and _is_inexact(out):
            record(prim, tuple(tensors), params, (result,))
        return result
    result = Tensor(out)
    if recording and _is_inexact(out):
        record(prim, tuple(tensors), params, (result,))
    return result


def primitive(fn: Callable | None = None, *, name: str | None = None,
              multiple_results: bool = False, donates: tuple[int, int] | None = None,
              fresh_results: bool = False):
    """Decorator turning ``forward(xp, *arrays, **params)`` into an eager op.

    ``donates=(i, r)``: the forward takes ``donate=False`` and, given True, may write
    result ``r`` over input ``i`` (see ``Primitive``); ``fresh_results``: no result is a
    view of an input.

    >>> @primitive
    ... def double(xp, x):
    ...     return x * 2
    >>> double(Tensor(np.ones(2, np.float32))).numpy()
    array([2., 2.], dtype=float32)
    """
    def wrap(f: Callable) -> Callable:
        prim = Primitive(name or f.__name__, f, multiple_results, donates, fresh_results)
        op = make_op(prim)
        op.vjp = prim.vjp
        return op

    return wrap(fn) if fn is not None else wrap


# -- reading a variable -------------------------------------------------------------------
_READ = Primitive("read_variable", lambda xp, v: v)
_READ.vjp_rule = lambda g, y, v: g


def read_variable(var: Variable) -> Tensor:
    """A Tensor holding the variable's current value; recorded so gradients reach it.

    Every active tape that watches accessed variables starts watching a trainable
    variable when it is read.
    """
    state = STATE
    out = state.tracing[-1].read_variable(var) if state.tracing else Tensor(var._value)
    for w in state.watchers:
        w(var)
    if state.tapes and _is_inexact(var._value):
        vid = id(var)
        for tape in state.tapes:
            if var.trainable and tape._watch_accessed and vid not in tape._watched:
                tape._watch_variable(var)
        record(_READ, (out,), {}, (out,), input_ids=(vid,))
    return out
