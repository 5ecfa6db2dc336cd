"""``ember.numpy_function`` and ``ember.py_function``: a Python function on NumPy arrays
(or on eager tensors), as one step of a graph.

Eagerly it just runs. Inside a traced ``ember.function`` it runs once on the trace's
values (giving this call's result) and is recorded as a ``pyfunc`` node that calls it
again, with the new arrays, on every run of the graph. Its results carry no gradient.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..core import dtypes as _dtypes
from ..core.backend import to_host
from ..core.convert import to_array
from ..core.tensor import Tensor
from ..ops import primitive as _prim
from .ir import Node
from .plan import STEP_FACTORIES
from .tracer import GraphTensor, suspended


def _wrap(func: Callable, tout: Any, single: bool) -> Callable:
    """``func`` on host arrays, returning a tuple of arrays of the declared dtypes."""
    def run(*arrays):
        out = func(*[np.asarray(to_host(a)) for a in arrays])
        if not single and not isinstance(out, (list, tuple)):
            out = [out]
        outs = [out] if single else list(out)
        if tout is not None:
            declared = [tout] if single else list(tout)
            if len(declared) != len(outs):
                raise ValueError(f"ember.numpy_function: {getattr(func, '__name__', func)} "
                                 f"returned {len(outs)} values; Tout declares "
                                 f"{len(declared)}")
            outs = [np.asarray(o, dtype=_dtypes.to_numpy(d)) for o, d in zip(outs, declared)]
        else:
            outs = [np.asarray(o) for o in outs]
        for o in outs:
            if o.dtype.kind in "OUS":
                raise TypeError("ember.numpy_function: results must be numeric arrays; got "
                                f"{o.dtype} (strings are not ember tensors)")
        return tuple(outs)
    return run


def numpy_function(func: Callable, inp: Sequence[Any], Tout: Any = None,
                   stateful: bool = True, name: str | None = None) -> Any:
    """Call ``func`` on the NumPy values of ``inp``; in a traced function, on every call
    of the graph. ``Tout`` is a dtype or a list of dtypes (``None``: as ``func`` returns).

    >>> import ember, numpy as np
    >>> f = ember.function(lambda x: ember.numpy_function(np.sort, [x], ember.float32) * 2)
    >>> f(ember.constant([3.0, 1.0, 2.0])).numpy()
    array([2., 4., 6.], dtype=float32)
    """
    single = not isinstance(Tout, (list, tuple))
    run = _wrap(func, Tout, single)
    label = f"numpy_function {name or getattr(func, '__name__', 'func')}"
    result = call_pyfunc(run, list(inp), label, bool(stateful))
    return result[0] if single else result


def py_function(func: Callable, inp: Sequence[Any], Tout: Any = None,
                name: str | None = None) -> Any:
    """Call ``func`` on eager tensors made from ``inp`` (``numpy_function`` hands it NumPy
    arrays); in a traced function, on every call of the graph. ``func`` may return
    tensors, arrays or numbers; ``Tout`` is a dtype or a list of dtypes.

    >>> import ember
    >>> f = ember.function(lambda x: ember.py_function(lambda v: v * 3, [x], ember.int32))
    >>> f(ember.constant([1, 2])).numpy().tolist()
    [3, 6]
    """
    def on_tensors(*arrays):
        return func(*[Tensor(np.asarray(a)) for a in arrays])
    on_tensors.__name__ = getattr(func, "__name__", "func")
    single = not isinstance(Tout, (list, tuple))
    run = _wrap(on_tensors, Tout, single)
    label = f"py_function {name or on_tensors.__name__}"
    result = call_pyfunc(run, list(inp), label, True)
    return result[0] if single else result


def call_pyfunc(run: Callable, inputs: list, label: str, effect: bool,
                record_always: bool = False, run_in_dry_trace: bool = True) -> list:
    """``run`` (arrays -> tuple of arrays) on ``inputs`` now, and, inside a trace, as a
    ``pyfunc`` node that calls it on every run of the graph. Without traced inputs it is
    only run now, unless ``record_always``; ``run_in_dry_trace=False`` (a call without
    results, such as printing) does not run it while a branch, loop body or example
    shape is traced dry, only when the graph runs."""
    values = [x._value if isinstance(x, Tensor) else to_array(x) for x in inputs]
    builder = _prim.STATE.tracing[-1] if _prim.STATE.tracing else None
    traced = builder is not None and (record_always or any(type(x) is GraphTensor
                                                           for x in inputs))
    if traced and not run_in_dry_trace and builder.before_write is not None:
        outs = ()
    else:
        with suspended():
            outs = run(*values)
    if not traced:
        return [Tensor(o) for o in outs]
    ins = tuple(builder.value_id(x, v) for x, v in zip(inputs, values))
    graph = builder.graph
    out_ids = tuple(graph.new_value(o.shape, o.dtype) for o in outs)
    graph.add(Node("pyfunc", run, ins, out_ids, {}, {"label": label, "effect": effect}))
    return [GraphTensor(o, graph, i) for o, i in zip(outs, out_ids)]


def _pyfunc_step(node: Node, xp: Any) -> Callable:
    run, ins, outs = node.op, node.inputs, node.outputs

    def step(s):
        for o, r in zip(outs, run(*[s[i] for i in ins])):
            s[o] = r
    return step


STEP_FACTORIES["pyfunc"] = _pyfunc_step
