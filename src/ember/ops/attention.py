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

__all__ = ["dot_product_attention", "dot_product_attention_packed"]

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


def dot_product_attention_packed(qkv: Any, heads: int, mask: Any = None,
                                 scale: float = 1.0) -> tuple:
    """``dot_product_attention`` of query, key and value stacked along the heads axis of
    one tensor ``(B, T, 3 * heads, H)`` (self-attention's fused projection, in that
    order). The heads are read in place and the gradient is one tensor of ``qkv``'s
    shape, with no split before or concatenation after.

    >>> import ember
    >>> out, probs = dot_product_attention_packed(ember.ones((1, 2, 3, 4)), heads=1)
    >>> out.shape, probs.shape
    (TensorShape([1, 2, 1, 4]), TensorShape([1, 1, 2, 2]))
    """
    shape = tuple(getattr(qkv, "shape", ()))
    if len(shape) != 4 or heads < 1 or shape[2] != 3 * heads:
        raise InvalidArgumentError(
            "dot_product_attention_packed: expected qkv of shape (B, T, 3 * heads, H) "
            f"with heads={heads}; got shape {shape}")
    extras = () if mask is None else (mask,)
    out, probs = _attention_packed(qkv, *extras, heads=int(heads), scale=float(scale))
    return out, probs


# -- forward ----------------------------------------------------------------------------------
@primitive(name="dot_product_attention", multiple_results=True)
def _attention(xp, q, k, v, *mask, scale=1.0):
    return _forward(xp, q, k, v, mask, scale)


@primitive(name="dot_product_attention_packed", multiple_results=True)
def _attention_packed(xp, qkv, *mask, heads=1, scale=1.0):
    return _forward(xp, *_unpack(qkv, heads), mask, scale)


def _unpack(qkv, heads: int) -> tuple:
    """Query, key and value: views of the packed ``(B, T, 3 * heads, H)`` array."""
    return tuple(qkv[:, :, i * heads:(i + 1) * heads] for i in range(3))


def _forward(xp, q, k, v, mask: tuple, scale: float) -> tuple:
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
    dout, dprobs, probs = _cotangents(g, outs)
    if not STATE.tapes:
        return tuple(_attention_grad(dout, q, k, v, probs, *_grad_extra(mask, dprobs),
                                     scale=scale, masked=bool(mask),
                                     has_dprobs=dprobs is not None)) + (None,) * len(mask)
    return _attention_grad_ops(dout, dprobs, q, k, v, probs, mask, scale) + \
        (None,) * len(mask)


@_attention_packed.vjp(takes_none=True)
def _(g, outs, qkv, *mask, heads=1, scale=1.0):
    dout, dprobs, probs = _cotangents(g, outs)
    if not STATE.tapes:
        return (_attention_packed_grad(dout, qkv, probs, *_grad_extra(mask, dprobs),
                                       heads=heads, scale=scale, masked=bool(mask),
                                       has_dprobs=dprobs is not None),) + (None,) * len(mask)
    from .shape import concat, split
    grads = _attention_grad_ops(dout, dprobs, *split(qkv, 3, axis=2), probs, mask, scale)
    return (concat(list(grads), axis=2),) + (None,) * len(mask)


def _cotangents(g, outs) -> tuple:
    """``(gradient of the output (zeros if none), of the probabilities or None, the
    probabilities)``."""
    dout, dprobs = g
    if dout is None:
        from .creation import zeros_like
        dout = zeros_like(outs[0])
    return dout, dprobs, outs[1]


def _grad_extra(mask: tuple, dprobs) -> tuple:
    return tuple(mask) + (() if dprobs is None else (dprobs,))


# -- backward ---------------------------------------------------------------------------------
@primitive(name="dot_product_attention_grad", multiple_results=True)
def _attention_grad(xp, dout, q, k, v, probs, *extra, scale=1.0, masked=False,
                    has_dprobs=False):
    """``(dq, dk, dv)`` of ``dot_product_attention`` from the output's gradient (and the
    probabilities' when ``has_dprobs``); ``probs`` is the forward's."""
    return _backward(xp, dout, q, k, v, probs, extra, scale, masked, has_dprobs, None)


@primitive(name="dot_product_attention_packed_grad")
def _attention_packed_grad(xp, dout, qkv, probs, *extra, heads=1, scale=1.0, masked=False,
                           has_dprobs=False):
    """The gradient of ``dot_product_attention_packed``'s ``qkv``, written in place."""
    grad = xp.empty(qkv.shape, qkv.dtype)
    _backward(xp, dout, *_unpack(qkv, heads), probs, extra, scale, masked, has_dprobs,
              _unpack(grad, heads))
    return grad


def _backward(xp, dout, q, k, v, probs, extra: tuple, scale: float, masked: bool,
              has_dprobs: bool, into: tuple | None) -> tuple:
    """``(dq, dk, dv)``, written into the arrays ``into`` when given."""
    mask = extra[:1] if masked else ()
    dprobs = extra[-1] if has_dprobs else None
    m = _full_mask(xp, mask, q, k)
    B, T, N, _ = q.shape
    kernels = _kernels(q, k, v, dout, probs, *(() if dprobs is None else (dprobs,)))
    if kernels is not None and probs.flags.c_contiguous and \
            (dprobs is None or dprobs.flags.c_contiguous) and \
            (into is None or _kernels(*into) is not None):
        dq, dk, dv = into or tuple(np.empty(a.shape, np.float32) for a in (q, k, v))
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
    if into is None:
        return tuple(xp.ascontiguousarray(a) for a in (dq, dk, dv))
    for target, value in zip(into, (dq, dk, dv)):
        target[...] = value
    return into


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
    contiguous and whose rows (axis 1) do not overlap, as BLAS requires of a leading
    dimension, and a ``cblas_sgemm`` to call. Reversed views and views broadcast along
    the steps take the NumPy path."""
    for a in arrays:
        if type(a) is not np.ndarray or a.ndim != 4 or a.size == 0 or a.strides[3] != 4 \
                or min(a.strides) < 0 or any(s % 4 for s in a.strides) \
                or a.strides[1] < 4 * a.shape[3]:
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
    cpu_threads.parallel_ranges(
        pairs, run, pairs if pairs * work_per_pair >= _MIN_SPLIT_WORK else 1)
