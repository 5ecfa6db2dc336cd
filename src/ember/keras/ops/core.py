"""Core ops of ``keras.ops``: control flow, slicing, tensor checks.

>>> from ember import keras
>>> int(keras.ops.fori_loop(0, 3, lambda i, v: v + i, 0))
3
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import ember

from ._dispatch import keras_op
from ._dispatch import t as _t
from .numpy import cast, convert_to_numpy, convert_to_tensor, shape, stop_gradient  # noqa


def is_tensor(x: Any) -> bool:
    """Whether ``x`` is a backend (Ember) tensor. ``keras.ops.is_tensor(np.ones(2))`` → False."""
    return isinstance(x, ember.Tensor)


@keras_op
def cond(pred: Any, true_fn: Callable, false_fn: Callable) -> Any:
    """``true_fn()`` if ``pred`` else ``false_fn()`` (``ember.cond``)."""
    return ember.cond(pred, true_fn, false_fn)


def _as_tensors(nest: Any) -> Any:
    """The leaves of a nest as tensors, as Keras's backends convert loop variables (a
    Python int becomes an int32 tensor, a float a float32 one); None stays None."""
    return ember.nest.map_structure(lambda v: v if v is None else _t(v), nest)


def while_loop(cond: Callable, body: Callable, loop_vars: Any,
               maximum_iterations: int | None = None) -> Any:
    """Run ``body`` while ``cond`` holds; a tuple/list of ``loop_vars`` is unpacked.

    >>> from ember import keras
    >>> int(keras.ops.while_loop(lambda i: i < 3, lambda i: i + 1, 0))
    3
    """
    is_seq = isinstance(loop_vars, (list, tuple))
    loop_vars = _as_tensors(loop_vars)
    state = tuple(loop_vars) if is_seq else (loop_vars,)
    i = 0
    while maximum_iterations is None or i < maximum_iterations:
        if not bool(convert_to_numpy(cond(*state))):
            break
        out = body(*state)
        state = tuple(out) if is_seq else (out,)
        i += 1
    return state if is_seq else state[0]


def fori_loop(lower: int, upper: int, body_fun: Callable, init_val: Any) -> Any:
    """``val = body_fun(i, val)`` for ``i`` in ``range(lower, upper)`` (``init_val``'s
    leaves become tensors, as in Keras: ``fori_loop(0, 3, f, 0)`` gives an int32 tensor)."""
    val = _as_tensors(init_val)
    for i in range(int(lower), int(upper)):
        val = body_fun(i, val)
    return val


def scan(f: Callable, init: Any, xs: Any = None, length: int | None = None,
         reverse: bool = False, unroll: int = 1) -> tuple:
    """JAX-style scan: ``carry, y = f(carry, x)`` over ``xs``' first axis; ys stacked.

    >>> from ember import keras
    >>> carry, ys = keras.ops.scan(lambda c, x: (c + x, c + x), 0.0,
    ...                            keras.ops.convert_to_tensor([1.0, 2.0]))
    >>> float(carry), ys.numpy().tolist()
    (3.0, [1.0, 3.0])
    """
    if xs is None and length is None:
        raise ValueError("scan: at least one of `xs` and `length` must be given")
    flat = [] if xs is None else [_t(v) for v in ember.nest.flatten(xs)]
    n = length if length is not None else flat[0].shape[0]
    carry, ys = _as_tensors(init), []
    order = range(n - 1, -1, -1) if reverse else range(n)
    for i in order:
        x = None if xs is None else ember.nest.pack_sequence_as(xs, [v[i] for v in flat])
        carry, y = f(carry, x)
        ys.append(y)
    if reverse:
        ys.reverse()
    if not ys or ys[0] is None:
        return carry, None
    leaves = [ember.nest.flatten(y) for y in ys]
    stacked = [ember.stack([_t(l[j]) for l in leaves]) for j in range(len(leaves[0]))]
    return carry, ember.nest.pack_sequence_as(ys[0], stacked)


@keras_op
def slice(inputs: Any, start_indices: Any, shape: Any) -> ember.Tensor:
    """The block of ``shape`` starting at ``start_indices``. ``keras.ops.slice(x, (0, 1), (2, 2))``."""
    x = _t(inputs)
    start = [int(v) for v in np.asarray(convert_to_numpy(start_indices)).reshape(-1)]
    size = [int(v) for v in np.asarray(convert_to_numpy(shape)).reshape(-1)]
    if len(start) != x.ndim or len(size) != x.ndim:
        raise ValueError(f"slice: `start_indices` and `shape` need one entry per axis of "
                         f"the input of shape {tuple(x.shape)}; received {start} and {size}")
    return ember.slice(x, start, size)


dynamic_slice = slice


def slice_update(inputs: Any, start_indices: Any, updates: Any) -> ember.Tensor:
    """``inputs`` with the block at ``start_indices`` replaced by ``updates``."""
    x, u = _t(inputs), _t(updates)
    start = [int(v) for v in np.asarray(convert_to_numpy(start_indices)).reshape(-1)]
    grids = np.meshgrid(*[np.arange(s, s + d) for s, d in zip(start, u.shape)],
                        indexing="ij")
    idx = np.stack(grids, -1).reshape(-1, x.ndim).astype(np.int32)
    return ember.tensor_scatter_nd_update(x, ember.constant(idx),
                                          ember.reshape(ember.cast(u, x.dtype), [-1]))
