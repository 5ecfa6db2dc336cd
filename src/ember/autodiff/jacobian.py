"""Jacobians from a tape: one backward pass per target element."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core import nest
from ..core.tensor import Tensor
from ..core.variable import Variable


def _rows(tape, target: Tensor, flat_sources: list, unconnected: str) -> list:
    """For each source, a list of gradients, one per element of ``target``."""
    from ..ops.creation import zeros_like
    n = int(np.prod(target._value.shape))
    dtype = target._value.dtype
    rows: list[list] = [[] for _ in flat_sources]
    for k in range(n):
        seed = np.zeros(n, dtype=dtype)
        seed[k] = 1
        seed_t = Tensor(seed.reshape(target._value.shape))
        grads = tape._run_backprop([target], flat_sources, [seed_t])
        for j, s in enumerate(flat_sources):
            g = grads.get(id(s))
            rows[j].append(g)
    return rows


def jacobian(tape, target: Any, sources: Any, unconnected_gradients="none") -> Any:
    from ..ops.shape import reshape, stack
    from ..ops.creation import zeros
    from .tape import _as_target
    target = _as_target(target)
    flat_sources = nest.flatten(sources)
    rows = _rows(tape, target, flat_sources, str(unconnected_gradients))
    out = []
    tshape = tuple(target._value.shape)
    for s, gs in zip(flat_sources, rows):
        sshape = tuple(s.shape)
        if all(g is None for g in gs):
            zero_ok = str(getattr(unconnected_gradients, "value", unconnected_gradients)).lower()
            out.append(zeros(tshape + sshape, dtype=s.dtype) if zero_ok == "zero" else None)
            continue
        gs = [zeros(sshape, dtype=s.dtype) if g is None else g for g in gs]
        out.append(reshape(stack(gs, axis=0), tshape + sshape) if gs else
                   zeros(tshape + sshape, dtype=s.dtype))
    return nest.pack_sequence_as(sources, out)


def batch_jacobian(tape, target: Any, source: Any, unconnected_gradients="none") -> Any:
    """Jacobian of each example's output against the same example's input.

    Assumes examples do not interact (as TensorFlow does): ``d target[b] / d source[b]``
    is read from the gradient of ``sum_b target[b, j]``.
    """
    from ..ops.shape import reshape, stack
    from ..ops.creation import zeros
    from ..ops.reduction import reduce_sum
    from .tape import _as_target
    target = _as_target(target)
    if not isinstance(source, (Tensor, Variable)):
        raise ValueError("batch_jacobian takes a single source tensor")
    tshape = tuple(target._value.shape)
    sshape = tuple(source.shape)
    if not tshape or not sshape or tshape[0] != sshape[0]:
        raise ValueError(f"batch_jacobian: target shape {tshape} and source shape {sshape} "
                         "must share the first (batch) dimension")
    b = tshape[0]
    m = int(np.prod(tshape[1:]))
    cols = []
    for k in range(m):
        seed = np.zeros((b, m), dtype=target._value.dtype)
        seed[:, k] = 1
        grads = tape._run_backprop([target], [source], [Tensor(seed.reshape(tshape))])
        g = grads.get(id(source))
        cols.append(zeros(sshape, dtype=source.dtype) if g is None else g)
    if all(id(c) is None for c in cols):
        return None
    j = stack(cols, axis=1)  # (b, m, *source[1:])
    return reshape(j, (b,) + tshape[1:] + sshape[1:])
