"""Pieces shared by ``scan`` and ``map_fn``: checking and slicing ``elems``, stacking
results, and when to unroll the loop."""
from __future__ import annotations

from typing import Any

import numpy as np

from ...core import nest
from ...core.errors import InvalidArgumentError
from ...core.tensor import Tensor
from ...ops import primitive as _prim
from .common import _describe, _static_shape, _xp_of


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
    from ...ops.shape import unstack
    return [unstack(x) if x._value.shape[0] else [] for x in flat]


def _stack_leaves(rows: list, empty_like: list) -> list:
    """Stack the k-th leaf of every row; with no rows, empty tensors shaped
    ``(0,) + shape`` from ``empty_like`` [(shape, dtype)]."""
    from ...ops.shape import stack
    if not rows:
        return [Tensor(np.zeros((0,) + tuple(0 if d is None else d for d in s), dt))
                for s, dt in empty_like]
    return [stack([r[k] for r in rows]) for k in range(len(rows[0]))]


def _unrolled_inside_trace() -> bool:
    """scan / map_fn run their Python loop (recorded op by op) eagerly, and inside a
    trace while a tape records (so the tape can differentiate them)."""
    return not _prim.STATE.tracing or bool(_prim.STATE.tapes)


def _element_specs(flat: list, prefix: str) -> list:
    specs = []
    for k, x in enumerate(flat):
        v = x._value
        example = v[0] if v.shape[0] else _xp_of([v]).zeros(v.shape[1:], v.dtype)
        specs.append((example, None, f"{prefix}_{k}"))
    return specs
