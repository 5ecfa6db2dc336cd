"""Shape ops: reshape, transpose, expand/squeeze, concat/stack/split, tile, pad, ..."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core.errors import InvalidArgumentError
from .primitive import primitive


def _as_int_list(value: Any, op: str) -> list:
    if hasattr(value, "_value"):
        value = np.asarray(value._value)
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (int, np.integer)):
        return [int(value)]
    try:
        return [int(v) if v is not None else -1 for v in value]
    except (TypeError, ValueError):
        raise TypeError(f"ember.{op}: expected a list of ints; got {value!r}") from None


@primitive(name="reshape")
def _reshape(xp, x, shape=()):
    return xp.reshape(x, shape)


@_reshape.vjp
def _(g, out, x, shape=()):
    return _reshape(g, shape=tuple(x.shape))


def reshape(tensor: Any, shape: Any, name=None):
    """Give ``tensor`` a new shape with the same number of elements (one -1 is inferred).

    >>> import ember
    >>> ember.reshape(ember.range(6), [2, -1]).shape
    TensorShape([2, 3])
    """
    dims = tuple(_as_int_list(shape, "reshape"))
    v = getattr(tensor, "_value", None)
    if v is not None and v.shape == dims:
        return tensor if type(tensor).__name__ == "Tensor" else _reshape(tensor, shape=dims)
    try:
        return _reshape(tensor, shape=dims)
    except InvalidArgumentError:
        size = int(np.prod(v.shape)) if v is not None else np.size(tensor)
        raise InvalidArgumentError(
            f"ember.reshape: cannot reshape a tensor of shape "
            f"{tuple(v.shape) if v is not None else np.shape(tensor)} ({size} elements) "
            f"into shape {dims}") from None


@primitive(name="broadcast_to")
def _broadcast_to(xp, x, shape=()):
    return xp.broadcast_to(x, shape)


@_broadcast_to.vjp
def _(g, out, x, shape=()):
    return g  # summed back to x's shape by the backward pass


def broadcast_to(input: Any, shape: Any, name=None):  # noqa: A002
    """Broadcast ``input`` to ``shape`` (NumPy rules).

    >>> import ember
    >>> ember.broadcast_to([1., 2.], [2, 2]).numpy().tolist()
    [[1.0, 2.0], [1.0, 2.0]]
    """
    return _broadcast_to(input, shape=tuple(_as_int_list(shape, "broadcast_to")))


@primitive(name="stack", multiple_results=False)
def _stack(xp, *xs, axis=0):
    return xp.stack(xs, axis=axis)


@_stack.vjp
def _(g, out, *xs, axis=0):
    return tuple(unstack(g, axis=axis))


@primitive(name="unstack", multiple_results=True)
def _unstack(xp, x, axis=0):
    n = x.shape[axis]
    return tuple(xp.take(x, i, axis=axis) for i in range(n))


@_unstack.vjp
def _(g, outs, x, axis=0):
    return _stack(*g, axis=axis)


def stack(values: list, axis: int = 0, name="stack"):
    """Join same-shaped tensors along a new axis.

    >>> import ember
    >>> ember.stack([[1., 2.], [3., 4.]], axis=1).numpy().tolist()
    [[1.0, 3.0], [2.0, 4.0]]
    """
    values = list(values)
    if not values:
        raise ValueError("ember.stack: needs at least one tensor")
    return _stack(*values, axis=int(axis))


def unstack(value: Any, num: int | None = None, axis: int = 0, name="unstack"):
    """Split a tensor into a list of tensors along ``axis`` (removing it)."""
    return list(_unstack(value, axis=int(axis)))
