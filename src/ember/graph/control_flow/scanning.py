"""``ember.scan``: the eager (or taped) unrolled loop and the traced scan node."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...core import nest
from ...core.errors import InvalidArgumentError
from ...ops import primitive as _prim
from ..interpret import run_graph
from .call_node import _ControlFlowOp, _emit
from .common import _check_callable, _describe, _pack, _static_shape, _structure, _to_tensors
from .sequence import _check_elems, _element_specs, _slices, _stack_leaves, _unrolled_inside_trace
from .subgraph import _trace_subgraph, _union_captures


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
    parent = _prim.STATE.tracing[-1]
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
