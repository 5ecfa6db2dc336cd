"""Scaled dot-product attention over projected heads as one op, forward and backward.

``dot_product_attention(q, k, v, mask, scale)`` takes Keras's layout, ``(batch, steps,
heads, features)``, and returns the output in that layout and the probabilities
``(batch, heads, T, S)``. As separate ops this is two transposes, a batched product, a
softmax, a second product and a transpose back, each a pass over memory, and the
backward pass twice that. Here the compiled loops (``ember.ops.kernels.attention``) do
each (batch, head) pair's products and softmax while its scores are in cache, read the
heads in place, and split the pairs over the CPU threads (``ember.core.cpu_threads``).
Without Numba, for float64 (where gradients are checked) and on GPU the same formulas
run as array ops.

Gradients: when no tape records the backward pass, one fused op computes ``dq, dk, dv``;
under an outer tape the same rule is written in Ember ops, so it is differentiable again.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core import cpu_threads
from ..core.errors import InvalidArgumentError
from .kernels import kernels_for
from .primitive import STATE, primitive

__all__ = ["dot_product_attention"]

#: what masked logits become (Keras's fused attention: a fully masked row is uniform)
MASKED_LOGIT = -1e9
_MIN_SPLIT_WORK = 1 << 21       # multiply-adds: less than this is not worth a hand-off


def dot_product_attention(query: Any, key: Any, value: Any, mask: Any = None,
                          scale: float = 1.0) -> tuple:
    """``softmax(scale * q k^T)`` (logits where ``mask`` is False set to -1e9) times
    ``v``, per batch entry and head: ``query (B, T, N, H)``, ``key (B, S, N, H)``,
    ``value (B, S, N, Hv)``; ``mask`` boolean, broadcastable to ``(B, N, T, S)``.
    Returns ``(output (B, T, N, Hv), probabilities (B, N, T, S))``.

    >>> import ember
    >>> q = ember.ones((1, 2, 1, 4))
    >>> out, probs = dot_product_attention(q, q, q, scale=0.5)
    >>> out.shape, probs.numpy().tolist()
    (TensorShape([1, 2, 1, 4]), [[[[0.5, 0.5], [0.5, 0.5]]]])
    """
    shapes = [tuple(getattr(a, "shape", ())) for a in (query, key, value)]
    (qs, ks, vs) = shapes
    if (any(len(s) != 4 for s in shapes) or ks[:3] != vs[:3] or qs[0] != ks[0]
            or qs[2] != ks[2] or qs[3] != ks[3]):
        raise InvalidArgumentError(
            "dot_product_attention: expected query (B, T, N, H), key (B, S, N, H) and "
            f"value (B, S, N, Hv); got shapes {qs}, {ks} and {vs}")
    extras = () if mask is None else (mask,)
    out, probs = _attention(query, key, value, *extras, scale=float(scale))
    return out, probs


# -- forward ----------------------------------------------------------------------------------
@primitive(name="dot_product_attention", multiple_results=True)
def _attention(xp, q, k, v, *mask, scale=1.0):
    m = _full_mask(xp, mask, q, k)
    B, T, N, _ = q.shape
    S = k.shape[1]
    kernels = _kernels(q, k, v)
    if kernels is not None:
        out = np.empty((B, T, N, v.shape[3]), np.float32)
        probs = np.empty((B, N, T, S), np.float32)
        fn, ilp64 = _blas()
        keep = _kernel_mask(m, probs.shape)
        _by_pairs(B * N, T * S * (q.shape[3] + v.shape[3]),
                  lambda lo, hi: kernels.forward(
                      fn, ilp64, q, k, v, np.float32(scale), keep, m is not None,
                      np.float32(MASKED_LOGIT), out, probs, lo, hi))
        return out, probs
    s = xp.matmul(q.transpose(0, 2, 1, 3), k.transpose(0, 2, 3, 1))
    s *= scale
    if m is not None:
        s = xp.where(m, s, s.dtype.type(MASKED_LOGIT))
    s -= s.max(axis=-1, keepdims=True)
    xp.exp(s, out=s)
    s /= s.sum(axis=-1, keepdims=True)
    out = xp.matmul(s, v.transpose(0, 2, 1, 3)).transpose(0, 2, 1, 3)
    return xp.ascontiguousarray(out), s


@_attention.vjp(takes_none=True)
def _(g, outs, q, k, v, *mask, scale=1.0):
    dout, dprobs = g
    _, probs = outs
    from .creation import zeros_like
    if dout is None:
        dout = zeros_like(outs[0])
    if not STATE.tapes:
        extra = tuple(mask) + (() if dprobs is None else (dprobs,))
        return tuple(_attention_grad(dout, q, k, v, probs, *extra, scale=scale,
                                     masked=bool(mask), has_dprobs=dprobs is not None)) \
            + (None,) * len(mask)
    return _attention_grad_ops(dout, dprobs, q, k, v, probs, mask, scale) + \
        (None,) * len(mask)


# -- backward ---------------------------------------------------------------------------------
@primitive(name="dot_product_attention_grad", multiple_results=True)
def _attention_grad(xp, dout, q, k, v, probs, *extra, scale=1.0, masked=False,
                    has_dprobs=False):
    """``(dq, dk, dv)`` of ``dot_product_attention`` from the output's gradient (and the
    probabilities' when ``has_dprobs``); ``probs`` is the forward's."""
    mask = extra[:1] if masked else ()
    dprobs = extra[-1] if has_dprobs else None
    m = _full_mask(xp, mask, q, k)
    B, T, N, _ = q.shape
    kernels = _kernels(q, k, v, dout, probs, *(() if dprobs is None else (dprobs,)))
    if kernels is not None and probs.flags.c_contiguous and \
            (dprobs is None or dprobs.flags.c_contiguous):
        dq, dk, dv = (np.empty(a.shape, np.float32) for a in (q, k, v))
        fn, ilp64 = _blas()
        keep = _kernel_mask(m, probs.shape)
        _by_pairs(B * N, T * probs.shape[3] * 2 * (q.shape[3] + v.shape[3]),
                  lambda lo, hi: kernels.backward(
                      fn, ilp64, q, k, v, probs, dout, probs if dprobs is None else dprobs,
                      dprobs is not None, np.float32(scale), keep, masked, dq, dk, dv,
                      lo, hi))
        return dq, dk, dv
    dot = dout.transpose(0, 2, 1, 3)                       # (B, N, T, Hv)
    dp = xp.matmul(dot, v.transpose(0, 2, 3, 1))           # (B, N, T, S)
    if dprobs is not None:
        dp = dp + dprobs
    dv = xp.matmul(probs.transpose(0, 1, 3, 2), dot).transpose(0, 2, 1, 3)
    ds = dp - (dp * probs).sum(axis=-1, keepdims=True)
    ds *= probs
    ds *= scale
    if m is not None:
        ds = xp.where(m, ds, ds.dtype.type(0))
    dq = xp.matmul(ds, k.transpose(0, 2, 1, 3)).transpose(0, 2, 1, 3)
    dk = xp.matmul(ds.transpose(0, 1, 3, 2), q.transpose(0, 2, 1, 3)).transpose(0, 2, 1, 3)
    return tuple(xp.ascontiguousarray(a) for a in (dq, dk, dv))


def _attention_grad_ops(dout, dprobs, q, k, v, probs, mask, scale) -> tuple:
    """The fused rule above, in Ember ops (differentiable again)."""
    from .elementwise import multiply, subtract, where
    from .linalg import matmul
    from .reduction import reduce_sum
    from .shape import transpose
    heads = (0, 2, 1, 3)
    dot = transpose(dout, heads)
    dp = matmul(dot, transpose(v, heads), transpose_b=True)
    if dprobs is not None:
        dp = dp + dprobs
    dv = transpose(matmul(probs, dot, transpose_a=True), heads)
    ds = multiply(multiply(probs, subtract(dp, reduce_sum(dp * probs, axis=-1,
                                                          keepdims=True))), scale)
    if mask:
        ds = where(mask[0], ds, 0.0)
    dq = transpose(matmul(ds, transpose(k, heads)), heads)
    dk = transpose(matmul(ds, transpose(q, heads), transpose_a=True), heads)
    return dq, dk, dv


# -- helpers ----------------------------------------------------------------------------------
def _full_mask(xp, mask: tuple, q, k):
    """The mask broadcast to ``(B, N, T, S)`` (a view), or None."""
    if not mask:
        return None
    shape = (q.shape[0], q.shape[2], q.shape[1], k.shape[1])
    try:
        return xp.broadcast_to(mask[0].astype(bool, copy=False), shape)
    except ValueError:
        raise InvalidArgumentError(
            f"dot_product_attention: the mask of shape {tuple(mask[0].shape)} does not "
            f"broadcast to (batch, heads, T, S) = {shape}") from None


def _kernels(*arrays):
    """The compiled kernels when they apply: float32 NumPy arrays whose last axis is
    contiguous, and a ``cblas_sgemm`` to call."""
    for a in arrays:
        if type(a) is not np.ndarray or a.strides[-1] != 4 or a.size == 0 or \
                any(s % 4 for s in a.strides):
            return None
    kernels = kernels_for("attention", *arrays)
    return kernels if kernels is not None and _blas()[0] else None


def _blas() -> tuple:
    from .kernels import blas
    return blas.address()


_NO_MASK: dict = {}


def _kernel_mask(m, shape: tuple):
    """``m`` for the kernels, or (no mask) an all-True array of the same kind (a
    broadcast view), so that one compiled signature serves both."""
    if m is not None:
        return m
    one = _NO_MASK.get("one")
    if one is None:
        one = _NO_MASK["one"] = np.ones((1, 1, 1, 1), bool)
    return np.broadcast_to(one, shape)


def _by_pairs(pairs: int, work_per_pair: int, run) -> None:
    """``run(lo, hi)`` over ranges of (batch, head) pairs, one per CPU thread when the
    work pays for the hand-off."""
    parts = min(cpu_threads.parts(), pairs) if pairs * work_per_pair >= _MIN_SPLIT_WORK \
        else 1
    cuts = [pairs * p // parts for p in range(parts + 1)]
    cpu_threads.parallel(lambda p: run(cuts[p], cuts[p + 1]), parts)
