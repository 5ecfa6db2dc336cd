"""Jacobians from a tape: one backward pass per element of the target."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core import nest
from ..core.tensor import Tensor
from ..core.variable import Variable


def _unit_seeds(shape: tuple, dtype, batch: bool = False):
    """One-hot output gradients, one per target element (per column with ``batch``)."""
    if batch:
        b, m = shape[0], int(np.prod(shape[1:]))
        for k in range(m):
            seed = np.zeros((b, m), dtype=dtype)
            seed[:, k] = 1
            yield Tensor(seed.reshape(shape))
        return
    n = int(np.prod(shape))
    for k in range(n):
        seed = np.zeros(n, dtype=dtype)
        seed[k] = 1
        yield Tensor(seed.reshape(shape))


def _jacobian_target(target: Any, what: str) -> Tensor | Variable:
    if isinstance(target, (Tensor, Variable)):
        return target
    if isinstance(target, (list, tuple, dict)):
        raise TypeError(f"GradientTape.{what}: `target` must be a single tensor, got a "
                        f"{type(target).__name__} (stack the targets, or call {what} once "
                        "per target)")
    from .tape import _as_target
    return _as_target(target)


def _zero_mode(unconnected_gradients) -> bool:
    return str(getattr(unconnected_gradients, "value", unconnected_gradients)).lower() == \
        "zero"


def jacobian(tape, target: Any, sources: Any, unconnected_gradients="none") -> Any:
    """``result[i]`` has shape ``target.shape + source_i.shape``."""
    from ..ops.creation import zeros
    from ..ops.shape import reshape, stack
    target = _jacobian_target(target, "jacobian")
    flat_sources = nest.flatten(sources)
    tshape = tuple(target._value.shape)
    columns: list[list] = [[] for _ in flat_sources]
    for seed in _unit_seeds(tshape, target._value.dtype):
        grads = tape._run_backprop([target], flat_sources, [seed])
        for col, s in zip(columns, flat_sources):
            col.append(grads.get(id(s)))
    out = []
    for s, gs in zip(flat_sources, columns):
        sshape = tuple(s.shape)
        if all(g is None for g in gs):
            out.append(zeros(tshape + sshape, dtype=s.dtype)
                       if _zero_mode(unconnected_gradients) else None)
            continue
        gs = [zeros(sshape, dtype=s.dtype) if g is None else g for g in gs]
        out.append(reshape(stack(gs, axis=0), tshape + sshape))
    return nest.pack_sequence_as(sources, out)


def batch_jacobian(tape, target: Any, source: Any, unconnected_gradients="none") -> Any:
    """Jacobian of each example's output against the same example's input, shape
    ``(batch,) + target.shape[1:] + source.shape[1:]``. An unconnected source gives zeros
    in either ``unconnected_gradients`` mode (TensorFlow keeps that for compatibility).

    Assumes examples do not interact (as TensorFlow does): ``d target[b] / d source[b]``
    is read from the gradient of ``sum_b target[b, j]``.
    """
    from ..ops.creation import zeros
    from ..ops.shape import reshape, stack
    target = _jacobian_target(target, "batch_jacobian")
    if not isinstance(source, (Tensor, Variable)):
        raise ValueError(f"GradientTape.batch_jacobian: `source` must be a single tensor or "
                         f"variable, got {type(source).__name__}")
    tshape = tuple(target._value.shape)
    sshape = tuple(source.shape)
    if not tshape or not sshape or tshape[0] != sshape[0]:
        raise ValueError(f"batch_jacobian: target shape {tshape} and source shape {sshape} "
                         "must share the first (batch) dimension")
    cols = []
    for seed in _unit_seeds(tshape, target._value.dtype, batch=True):
        g = tape._run_backprop([target], [source], [seed]).get(id(source))
        cols.append(g)
    if all(c is None for c in cols):
        # zeros (in the target's dtype) whatever unconnected_gradients says, as TF does
        return zeros((tshape[0],) + tshape[1:] + sshape[1:], dtype=target.dtype)
    cols = [zeros(sshape, dtype=source.dtype) if c is None else c for c in cols]
    return reshape(stack(cols, axis=1), (tshape[0],) + tshape[1:] + sshape[1:])
