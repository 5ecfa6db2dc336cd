"""Gradient clipping as Keras optimizers do it: per tensor norm, global norm, or value."""
from __future__ import annotations

import ember


def clip_by_norm(gradient: ember.Tensor, clipnorm: float) -> ember.Tensor:
    """Rescale ``gradient`` so its L2 norm (over all elements) is at most ``clipnorm``.

    >>> g = clip_by_norm(ember.constant([3.0, 4.0]), 1.0)
    >>> [round(float(x), 4) for x in g]
    [0.6, 0.8]
    """
    dtype = gradient.dtype
    norm = ember.sqrt(ember.reduce_sum(ember.square(gradient)))
    limit = ember.cast(clipnorm, dtype)
    return gradient * (limit / ember.maximum(norm, limit))


def global_norm(gradients: list) -> ember.Tensor:
    """The L2 norm of all the (non-None) gradients taken together, in float32 or wider.

    >>> float(global_norm([ember.constant([3.0]), None, ember.constant([4.0])]))
    5.0
    """
    sums = [ember.reduce_sum(ember.square(ember.cast(g, _wide(g.dtype))))
            for g in gradients if g is not None]
    if len(sums) == 1:
        return ember.sqrt(sums[0])
    wide = _wide_of([s.dtype for s in sums])
    return ember.sqrt(ember.add_n([ember.cast(s, wide) for s in sums]))


def clip_by_global_norm(gradients: list, clip_norm: float) -> list:
    """Scale every gradient by ``clip_norm / max(global_norm, clip_norm)``; a non-finite
    global norm makes every gradient NaN (as Keras, so a bad step shows at once).

    >>> a, b = clip_by_global_norm([ember.constant([3.0]), ember.constant([4.0])], 1.0)
    >>> round(float(a[0]), 4), round(float(b[0]), 4)
    (0.6, 0.8)
    """
    norm = global_norm(gradients)
    limit = ember.cast(clip_norm, norm.dtype)
    scale = limit / ember.maximum(norm, limit) + (norm - norm)  # NaN if norm is not finite
    return [None if g is None else g * ember.cast(scale, g.dtype) for g in gradients]


def clip_by_value(gradients: list, clipvalue: float) -> list:
    """Clip every element of every gradient into ``[-clipvalue, clipvalue]``."""
    return [None if g is None else ember.clip_by_value(g, -clipvalue, clipvalue)
            for g in gradients]


def _wide(dtype) -> str:
    return "float32" if dtype.name in ("float16", "bfloat16") else dtype.name


def _wide_of(dtypes: list) -> str:
    return "float64" if any(d.name == "float64" for d in dtypes) else "float32"
