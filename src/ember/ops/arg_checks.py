"""Argument checks the ops share: how a tensor is named in an error, integer inputs, and
whether a graph is being traced (value-dependent checks run only eagerly)."""
from __future__ import annotations

from typing import Any

from ..core.tensor import Tensor
from .creation import convert_to_tensor

__all__ = ["describe", "int_tensor", "tracing"]


def describe(x: Tensor) -> str:
    """``"int32 tensor of shape (2, 3)"``, for error messages.

    >>> import ember
    >>> describe(ember.zeros([2, 3]))
    'float32 tensor of shape (2, 3)'
    """
    return f"{x.dtype.name} tensor of shape {tuple(x.shape)}"


def int_tensor(x: Any, op: str, what: str) -> Tensor:
    """``x`` as a tensor, which must hold integers (else TypeError naming ``op``)."""
    t = convert_to_tensor(x)
    if not t.dtype.is_integer:
        raise TypeError(f"ember.{op}: {what} must be an integer tensor; got {describe(t)}")
    return t


def tracing() -> bool:
    """True while an ``ember.function`` traces on this thread (values are not known)."""
    from ..graph.context import executing_eagerly
    return not executing_eagerly()
