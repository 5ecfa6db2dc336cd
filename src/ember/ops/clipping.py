"""Gradient clipping: ``tf.clip_by_norm`` and ``tf.clip_by_global_norm``.

Composites of primitives, so their gradients come for free; the arithmetic follows
TensorFlow's (same order of operations, same handling of zero and non-finite norms).
"""
from __future__ import annotations

from typing import Any, Sequence

from ..core.tensor import Tensor
from .creation import convert_to_tensor
from .elementwise import (cast, greater, maximum, minimum, multiply, ones_like_value, sqrt,
                          where)
from .linalg import global_norm
from .reduction import reduce_sum

__all__ = ["clip_by_norm", "clip_by_global_norm"]


def _float_tensor(t: Any, op: str) -> Tensor:
    t = convert_to_tensor(t)
    if t.dtype.is_integer or t.dtype.is_bool:
        raise TypeError(f"ember.{op}: expects floating point tensors; got {t.dtype.name} of "
                        f"shape {tuple(t.shape)} (use ember.cast)")
    return t


def clip_by_norm(t: Any, clip_norm: Any, axes: Any = None, name=None) -> Tensor:
    """``t * clip_norm / max(l2norm(t, axes), clip_norm)``: rescale ``t`` so that its L2
    norm (over ``axes``, every axis by default) is at most ``clip_norm``.

    >>> import ember
    >>> ember.clip_by_norm([3.0, 4.0], 1.0).numpy()
    array([0.6, 0.8], dtype=float32)
    """
    values = _float_tensor(getattr(t, "values", t) if type(t).__name__ == "IndexedSlices"
                           else t, "clip_by_norm")
    clip_norm = cast(clip_norm, values.dtype)
    if tuple(getattr(clip_norm, "shape", ())) != ():
        raise ValueError(f"ember.clip_by_norm: clip_norm must be a scalar; got shape "
                         f"{tuple(clip_norm.shape)}")
    l2sum = reduce_sum(values * values, axis=axes, keepdims=True)
    positive = greater(l2sum, 0)
    # sqrt only where the sum is positive: a zero tensor gets a zero (not NaN) gradient
    l2norm = where(positive, sqrt(where(positive, l2sum, ones_like_value(l2sum))), l2sum)
    return multiply(values, clip_norm) / maximum(l2norm, clip_norm)


def clip_by_global_norm(t_list: Sequence[Any], clip_norm: Any, use_norm: Any = None,
                        name=None) -> tuple[list, Tensor]:
    """Scale every tensor of ``t_list`` by ``clip_norm / max(global_norm, clip_norm)``.

    Returns ``(clipped_list, global_norm)``; None entries stay None. A non-finite global
    norm gives NaN tensors, as in TensorFlow.

    >>> import ember
    >>> clipped, norm = ember.clip_by_global_norm([[3.0], [4.0]], 1.0)
    >>> float(norm), clipped[1].numpy()
    (5.0, array([0.8], dtype=float32))
    """
    if isinstance(t_list, (str, bytes)) or not isinstance(t_list, (list, tuple)):
        raise TypeError(f"ember.clip_by_global_norm: t_list must be a list or tuple of "
                        f"tensors; got {type(t_list).__name__}")
    tensors = [None if t is None else _float_tensor(t, "clip_by_global_norm")
               for t in t_list]
    norm = global_norm(tensors) if use_norm is None else convert_to_tensor(use_norm)
    norm_dtype = norm.dtype
    clip = cast(clip_norm, norm_dtype)
    one = cast(1.0, norm_dtype)
    # TF: clip * min(1 / norm, 1 / clip), plus (norm - norm) so inf/NaN norms give NaN
    scale = clip * minimum(one / norm, one / clip) + (norm - norm)
    clipped = [None if t is None else t * cast(scale, t.dtype) for t in tensors]
    return clipped, norm
