"""Scaled dot-product attention over projected heads, written to keep the op count low:
one batched matmul for the scores, one fused softmax, one batched matmul for the values,
and the mask applied once."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ember
from ember.ops.attention import dot_product_attention
from ember.ops.random import stateless_keep_mask


def large_negative(dtype: Any) -> float:
    """What masked logits become: -1e9, or -3e4 where float16 cannot hold -1e9."""
    return -3e4 if ember.as_dtype(dtype).name == "float16" else -1e9


def expand_mask(mask: ember.Tensor, rank: int, axis: int) -> ember.Tensor:
    """Insert axes at ``axis`` until ``mask`` has ``rank`` axes (Keras's broadcasting of a
    ``(B, T, S)`` mask over the heads axis)."""
    while mask.ndim < rank:
        mask = ember.expand_dims(mask, axis)
    return mask


def masked_softmax(scores: ember.Tensor, mask: ember.Tensor | None = None,
                   axis: Any = -1, zero_masked: bool = True) -> ember.Tensor:
    """Softmax of ``scores`` over ``axis`` (an int or a tuple of axes) where ``mask`` (True
    = keep, broadcastable to ``scores``) sends the other logits to a large negative value.

    ``zero_masked`` also zeroes masked positions of the result, so a fully masked row
    comes out all zeros instead of uniform (Keras's ``Softmax`` layer does this; its fused
    dot-product attention does not).

    >>> p = masked_softmax(ember.constant([[1.0, 2.0, 3.0]]), ember.constant([[True, True,
    ...                    False]]))
    >>> [round(v, 4) for v in p.numpy()[0].tolist()]
    [0.2689, 0.7311, 0.0]
    """
    if mask is not None:
        scores = ember.where(mask, scores, large_negative(scores.dtype))
    if isinstance(axis, (tuple, list)) and len(axis) > 1:
        probs = ember.exp(scores - ember.reduce_logsumexp(scores, axis=list(axis),
                                                          keepdims=True))
    else:
        probs = ember.nn.softmax(scores, axis=axis[0] if isinstance(axis, (tuple, list))
                                 else axis)
    if mask is not None and zero_masked:
        probs = ember.where(mask, probs, ember.zeros_like(probs))
    return probs


def heads_attention(query: ember.Tensor, key: ember.Tensor, value: ember.Tensor,
                    mask: ember.Tensor | None = None, scale: float = 1.0,
                    zero_masked: bool = False,
                    dropout: Callable | None = None) -> tuple[ember.Tensor, ember.Tensor]:
    """Attention over projected heads: ``query (B, T, N, H)``, ``key (B, S, N, H)``,
    ``value (B, S, N, Hv)``; returns the output ``(B, T, N, Hv)`` and the attention
    probabilities ``(B, N, T, S)`` (before ``dropout``, a function applied to them).

    ``mask`` is True where a query may attend and broadcasts to ``(B, N, T, S)``; scores are
    ``scale * query . key``.

    >>> q = ember.ones((1, 2, 1, 4))
    >>> out, probs = heads_attention(q, q, q, scale=0.5)
    >>> out.shape, probs.numpy().tolist()
    (TensorShape([1, 2, 1, 4]), [[[[0.5, 0.5], [0.5, 0.5]]]])
    """
    if dropout is None and not zero_masked and query.dtype in (ember.float32,
                                                               ember.float64):
        # one fused op (ember.ops.attention): Keras's fused attention, whose fully
        # masked rows come out uniform
        return dot_product_attention(query, key, value, mask, scale)
    if scale != 1.0:
        query = query * scale
    scores = ember.matmul(ember.transpose(query, (0, 2, 1, 3)),
                          ember.transpose(key, (0, 2, 3, 1)))
    probs = masked_softmax(scores, mask, -1, zero_masked)
    weights = probs if dropout is None else dropout(probs)
    out = ember.matmul(weights, ember.transpose(value, (0, 2, 1, 3)))
    return ember.transpose(out, (0, 2, 1, 3)), probs


def stateless_dropout(x: ember.Tensor, rate: float, seed: ember.Tensor) -> ember.Tensor:
    """Inverted dropout of ``x`` at ``rate`` with a stateless draw seeded by ``seed``."""
    if rate >= 1:
        return ember.zeros_like(x)
    keep = stateless_keep_mask(tuple(x.shape), seed, rate, x.dtype)
    return x * (keep * (1.0 / (1.0 - rate)))
