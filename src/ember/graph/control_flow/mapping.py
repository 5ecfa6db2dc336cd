"""``ember.map_fn``: the eager (or taped) unrolled map, output-signature checks, and
the traced map node."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ...core import nest
from ...ops import primitive as _prim
from ..interpret import run_graph
from .call_node import _ControlFlowOp, _emit
from .common import _check_callable, _describe, _pack, _static_shape, _structure, _to_tensors
from .sequence import _check_elems, _element_specs, _slices, _stack_leaves, _unrolled_inside_trace
from .subgraph import _trace_subgraph, _union_captures


class _Spec:
    """One leaf of fn_output_signature: a shape (or None) and a NumPy dtype."""

    def __init__(self, shape, dtype):
        self.shape, self.dtype = shape, dtype


def _output_signature(sig: Any) -> Any:
    """fn_output_signature as the same nest of ``_Spec``s."""
    from ...core import dtypes as _dtypes
    from ..tensor_spec import TensorSpec

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
    parent = _prim.STATE.tracing[-1]
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
