"""TensorFlow's control flow built from ``cond``, ``scan`` and ``map_fn``:
``switch_case``, ``case``, ``foldl``, ``foldr``, ``vectorized_map`` and ``no_op``.

They behave as in TensorFlow 2.21, eagerly and inside ``ember.function`` (where a traced
index or predicate becomes a chain of ``cond`` nodes, so only the chosen branch runs on
each call), with one leniency: ``switch_case`` also takes a Python int index.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ...core import nest
from ...core.errors import InvalidArgumentError
from ...ops import creation as _creation
from ...ops import elementwise as _ew
from ..host_call import call_pyfunc
from .common import _check_callable, _to_tensors
from .conditional import cond
from .mapping import map_fn
from .scanning import scan

__all__ = ["case", "foldl", "foldr", "no_op", "switch_case", "vectorized_map"]


def switch_case(branch_index: Any, branch_fns: Any, default: Callable | None = None,
                name: str = "switch_case") -> Any:
    """``branch_fns[branch_index]()``; an index out of range runs ``default`` (the last
    branch when ``default`` is None). ``branch_fns`` is a list of callables, or a dict
    or list of ``(index, callable)`` pairs whose indices are ``0 .. n-1``.

    >>> import ember
    >>> from ember.graph.control_flow.combinators import *
    >>> x = ember.constant(2.0)
    >>> fns = [lambda: x, lambda: x * 10.0, lambda: -x]
    >>> float(switch_case(ember.constant(1), fns))
    20.0
    >>> float(switch_case(ember.constant(7), fns, default=lambda: x * 0.0))
    0.0
    """
    fns = _indexed_branches(branch_fns)
    if default is None:
        default = fns[-1]
    _check_callable(default, "default", "switch_case")
    index = _creation.convert_to_tensor(branch_index)
    if index.dtype.name not in ("int32", "int64") or index.shape.rank != 0:
        raise TypeError(f"ember.switch_case: branch_index must be a scalar int32 or int64; "
                        f"got {index.dtype.name} of shape {tuple(index.shape)}")
    last = len(fns) - 1 if default is fns[-1] else len(fns)

    def chain(k: int) -> Any:
        if k == last:
            return default()
        return cond(_ew.equal(index, k), fns[k], lambda: chain(k + 1))
    return chain(0)


def _indexed_branches(branch_fns: Any) -> list:
    if isinstance(branch_fns, dict):
        pairs = list(branch_fns.items())
    elif isinstance(branch_fns, (list, tuple)) and branch_fns and all(
            isinstance(b, (list, tuple)) and len(b) == 2 for b in branch_fns):
        pairs = [tuple(b) for b in branch_fns]
    elif isinstance(branch_fns, (list, tuple)):
        pairs = list(enumerate(branch_fns))
    else:
        raise TypeError("ember.switch_case: branch_fns must be a list of callables or a "
                        f"dict / list of (index, callable) pairs; got {branch_fns!r}")
    if not pairs:
        raise ValueError("ember.switch_case: branch_fns must not be empty")
    keys = sorted(k for k, _ in pairs)
    if keys != list(range(len(pairs))):
        raise ValueError(f"ember.switch_case: branch indices (keys) must form the range "
                         f"[0, {len(pairs)}); got {keys}")
    fns = [fn for _, fn in sorted(pairs, key=lambda p: p[0])]
    for k, fn in enumerate(fns):
        _check_callable(fn, f"branch_fns[{k}]", "switch_case")
    return fns


def case(pred_fn_pairs: Sequence, default: Callable | None = None, exclusive: bool = False,
         strict: bool = False, name: str = "case") -> Any:
    """The ``fn()`` of the first ``(pred, fn)`` pair whose predicate is true, else
    ``default()``. Without ``default`` and no predicate true, it raises
    ``InvalidArgumentError`` (when the graph runs, inside ``ember.function``).
    ``exclusive`` and ``strict`` are accepted.

    >>> import ember
    >>> from ember.graph.control_flow.combinators import *
    >>> x = ember.constant(3.0)
    >>> float(case([(x > 5.0, lambda: x), (x > 1.0, lambda: x * 2.0)],
    ...                  default=lambda: -x))
    6.0
    """
    if isinstance(pred_fn_pairs, dict):
        raise TypeError("ember.case: pred_fn_pairs must be a list of (predicate, callable) "
                        "pairs (tensors cannot be dict keys)")
    pairs = list(pred_fn_pairs)
    if not pairs:
        if default is None:
            raise ValueError("ember.case: pred_fn_pairs is empty and there is no default")
        return default()
    for k, pair in enumerate(pairs):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise TypeError(f"ember.case: pred_fn_pairs[{k}] must be a (predicate, "
                            f"callable) pair; got {pair!r}")
        _check_callable(pair[1], f"the callable of pred_fn_pairs[{k}]", "case")
    if default is not None:
        _check_callable(default, "default", "case")
    preds = [p for p, _ in pairs]

    def none_true() -> Any:
        def fail() -> tuple:
            raise InvalidArgumentError(
                "ember.case: none of the conditions evaluated as True, and there is no "
                "default")
        call_pyfunc(fail, [], "case: no condition true", effect=True, record_always=True,
                    run_in_dry_trace=False)
        return pairs[-1][1]()          # never reached: the results' structure only

    otherwise = default if default is not None else none_true

    def chain(k: int) -> Any:
        if k == len(pairs):
            return otherwise()
        return cond(preds[k], pairs[k][1], lambda: chain(k + 1))
    return chain(0)


def _fold(fn: Callable, elems: Any, initializer: Any, reverse: bool, op: str) -> Any:
    _check_callable(fn, "fn", op)
    elems = _to_tensors(elems, op, "elems")
    if initializer is None:
        flat = nest.flatten(elems)
        if not flat or flat[0].shape.rank == 0 or flat[0].shape[0] == 0:
            raise InvalidArgumentError(f"ember.{op}: elems must have at least one element "
                                       "when no initializer is given")
        pick = -1 if reverse else 0
        initializer = nest.pack_sequence_as(elems, [x[pick] for x in flat])
        rest = [x[:-1] if reverse else x[1:] for x in flat]
        elems = nest.pack_sequence_as(elems, rest)
        if rest[0].shape[0] == 0:
            return initializer
    stacked = scan(fn, elems, initializer=initializer, reverse=reverse)
    pick = 0 if reverse else -1
    return nest.pack_sequence_as(stacked, [x[pick] for x in nest.flatten(stacked)])


def foldl(fn: Callable, elems: Any, initializer: Any = None, parallel_iterations: int = 10,
          back_prop: bool = True, swap_memory: bool = False, name: str | None = None) -> Any:
    """``fn(accumulator, element)`` over the first dimension of ``elems``, first to last;
    returns the final accumulator (without ``initializer``, the first element starts it).

    >>> import ember
    >>> from ember.graph.control_flow.combinators import *
    >>> int(foldl(lambda a, x: a * 10 + x, ember.constant([1, 2, 3])))
    123
    """
    return _fold(fn, elems, initializer, reverse=False, op="foldl")


def foldr(fn: Callable, elems: Any, initializer: Any = None, parallel_iterations: int = 10,
          back_prop: bool = True, swap_memory: bool = False, name: str | None = None) -> Any:
    """``foldl`` from the last element to the first.

    >>> import ember
    >>> from ember.graph.control_flow.combinators import *
    >>> int(foldr(lambda a, x: a * 10 + x, ember.constant([1, 2, 3])))
    321
    """
    return _fold(fn, elems, initializer, reverse=True, op="foldr")


def vectorized_map(fn: Callable, elems: Any, fallback_to_while_loop: bool = True,
                   warn: bool = True) -> Any:
    """``fn`` applied to each element of ``elems`` along the first dimension, stacked
    (``map_fn`` with the output structure taken from ``fn``).

    >>> import ember
    >>> from ember.graph.control_flow.combinators import *
    >>> vectorized_map(lambda r: ember.reduce_sum(r),
    ...                      ember.constant([[1, 2], [3, 4]])).numpy()
    array([3, 7], dtype=int32)
    """
    return map_fn(fn, elems)


def no_op(name: str | None = None) -> None:
    """Does nothing (TensorFlow's ``tf.no_op``, for branches with only side effects)."""
