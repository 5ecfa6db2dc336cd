"""More neural-network ops of ``keras.ops.nn``: activations, normalizations, attention,
``multi_hot``, ``polar`` and ``psnr``.

Integer inputs to the floating-point ops give float32, as Keras's JAX backend does (its
other backends disagree with each other there, some truncating to integers).

>>> from ember.keras.ops import nn_extra
>>> nn_extra.hard_tanh([-2.0, 0.5, 3.0]).numpy().tolist()
[-1.0, 0.5, 1.0]
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

import ember

from ...ops.attention import dot_product_attention as fused_attention
from .. import config as _config
from ._dispatch import float_result as _float_result
from ._dispatch import float_t as _f
from ._dispatch import keras_op
from ._dispatch import t as _t

__all__ = [
    "batch_normalization",
    "celu",
    "dot_product_attention",
    "glu",
    "hard_shrink",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "hard_tanh",
    "layer_normalization",
    "log_sigmoid",
    "multi_hot",
    "polar",
    "psnr",
    "rms_normalization",
    "soft_shrink",
    "sparse_plus",
    "sparse_sigmoid",
    "sparsemax",
    "squareplus",
    "tanh_shrink",
    "threshold",
]


def _c(value: Any, like: ember.Tensor) -> ember.Tensor:
    """A Python number (or array-like) as a tensor of ``like``'s dtype."""
    return ember.cast(value, like.dtype)


def _axis_of(x: ember.Tensor, axis: int, name: str) -> int:
    if not isinstance(axis, (int, np.integer)) or not -x.ndim <= axis < max(x.ndim, 1):
        raise ValueError(f"keras.ops.{name}: axis {axis!r} is out of bounds for an input of "
                         f"shape {tuple(x.shape)} (rank {x.ndim})")
    return int(axis) % x.ndim


# =========================================================================================
# Activations
# =========================================================================================
@keras_op
def sparse_sigmoid(x: Any) -> ember.Tensor:
    """0 for x <= -1, (x + 1) / 2 between, 1 for x >= 1.

    >>> from ember.keras.ops import nn_extra
    >>> nn_extra.sparse_sigmoid([-6.0, 0.0, 0.5, 6.0]).numpy().tolist()
    [0.0, 0.5, 0.75, 1.0]
    """
    x = _f(x)
    return ember.clip_by_value(_c(0.5, x) * (x + _c(1.0, x)), _c(0.0, x), _c(1.0, x))


@keras_op
def soft_shrink(x: Any, threshold: float = 0.5) -> ember.Tensor:
    """x - threshold above ``threshold``, x + threshold below ``-threshold``, else 0.

    >>> from ember.keras.ops import nn_extra
    >>> nn_extra.soft_shrink([-1.0, 0.0, 1.0]).numpy().tolist()
    [-0.5, 0.0, 0.5]
    """
    x = _f(x)
    thr = _c(threshold, x)
    zero = ember.zeros_like(x)
    return ember.where(x > thr, x - thr, ember.where(x < -thr, x + thr, zero))


@keras_op
def sparse_plus(x: Any) -> ember.Tensor:
    """0 for x <= -1, (x + 1)^2 / 4 for -1 < x < 1, x for x >= 1.

    >>> from ember.keras.ops import nn_extra
    >>> nn_extra.sparse_plus([-1.0, 0.0, 1.0]).numpy().tolist()
    [0.0, 0.25, 1.0]
    """
    x = _f(x)
    one = _c(1.0, x)
    mid = _c(0.25, x) * ember.square(ember.clip_by_value(x, -one, one) + one)
    return ember.where(x >= one, x, mid)


@keras_op
def squareplus(x: Any, b: float = 4) -> ember.Tensor:
    """(x + sqrt(x^2 + b)) / 2, a smooth ReLU.

    >>> from ember.keras.ops import nn_extra
    >>> [round(v, 4) for v in nn_extra.squareplus([-1.0, 0.0, 1.0]).numpy().tolist()]
    [0.618, 1.0, 1.618]
    """
    x = _f(x)
    return (x + ember.sqrt(ember.square(x) + _c(b, x))) / _c(2.0, x)


@keras_op
def log_sigmoid(x: Any) -> ember.Tensor:
    """log(sigmoid(x)) = -softplus(-x), computed stably.

    >>> from ember.keras.ops import nn_extra
    >>> round(float(nn_extra.log_sigmoid(0.0)), 6)
    -0.693147
    """
    return ember.nn.log_sigmoid(_f(x))


@keras_op
def hard_sigmoid(x: Any) -> ember.Tensor:
    """relu6(x + 3) / 6: 0 below -3, 1 above 3, linear between.

    >>> from ember.keras.ops import nn_extra
    >>> [round(v, 4) for v in nn_extra.hard_sigmoid([-1.0, 0.0, 1.0]).numpy().tolist()]
    [0.3333, 0.5, 0.6667]
    """
    x = _f(x)
    return ember.clip_by_value(x / _c(6.0, x) + _c(0.5, x), _c(0.0, x), _c(1.0, x))


@keras_op
def hard_silu(x: Any) -> ember.Tensor:
    """x * hard_sigmoid(x) (hard swish): 0 below -3, x above 3.

    >>> from ember.keras.ops import nn_extra
    >>> [round(v, 4) for v in nn_extra.hard_silu([-3.0, -1.0, 1.0, 3.0]).numpy().tolist()]
    [-0.0, -0.3333, 0.6667, 3.0]
    """
    x = _f(x)
    return x * hard_sigmoid(x)


hard_swish = hard_silu


@keras_op
def celu(x: Any, alpha: float = 1.0) -> ember.Tensor:
    """max(x, 0) + alpha * (exp(min(x, 0) / alpha) - 1), a smooth ELU.

    >>> from ember.keras.ops import nn_extra
    >>> [round(v, 4) for v in nn_extra.celu([-1.0, 0.0, 1.0]).numpy().tolist()]
    [-0.6321, 0.0, 1.0]
    """
    x = _f(x)
    a = _c(alpha, x)
    zero = ember.zeros_like(x)
    return ember.maximum(x, zero) + a * ember.math.expm1(ember.minimum(x, zero) / a)


@keras_op
def glu(x: Any, axis: int = -1) -> ember.Tensor:
    """Gated linear unit: ``a * sigmoid(b)`` where ``x`` splits into halves ``a, b``.

    >>> from ember.keras.ops import nn_extra
    >>> [round(v, 4) for v in nn_extra.glu([-1.0, 0.0, 1.0, 1.0]).numpy().tolist()]
    [-0.7311, 0.0]
    """
    x = _f(x)
    ax = _axis_of(x, axis, "glu")
    if x.shape[ax] % 2 != 0:
        raise ValueError(f"keras.ops.glu: axis size must be divisible by 2. Received: "
                         f"x.shape={tuple(x.shape)} with axis={axis}")
    a, b = ember.split(x, 2, axis=ax)
    return a * ember.sigmoid(b)


@keras_op
def tanh_shrink(x: Any) -> ember.Tensor:
    """x - tanh(x).

    >>> from ember.keras.ops import nn_extra
    >>> [round(v, 4) for v in nn_extra.tanh_shrink([-1.0, 0.0, 1.0]).numpy().tolist()]
    [-0.2384, 0.0, 0.2384]
    """
    x = _f(x)
    return x - ember.tanh(x)


@keras_op
def hard_tanh(x: Any) -> ember.Tensor:
    """x clipped to [-1, 1] (integers stay integers).

    >>> from ember.keras.ops import nn_extra
    >>> nn_extra.hard_tanh([-2.0, -1.0, 0.0, 1.0, 2.0]).numpy().tolist()
    [-1.0, -1.0, 0.0, 1.0, 1.0]
    """
    x = _t(x)
    if x.dtype.name == "bool":
        x = ember.cast(x, "int32")
    return ember.clip_by_value(x, _c(-1, x), _c(1, x))


@keras_op
def hard_shrink(x: Any, threshold: float = 0.5) -> ember.Tensor:
    """x where |x| > ``threshold``, else 0.

    >>> from ember.keras.ops import nn_extra
    >>> nn_extra.hard_shrink([-0.5, 0.0, 1.0]).numpy().tolist()
    [0.0, 0.0, 1.0]
    """
    x = _f(x)
    return ember.where(ember.abs(x) > _c(threshold, x), x, ember.zeros_like(x))


@keras_op
def threshold(x: Any, threshold: float, default_value: float) -> ember.Tensor:
    """x where x > ``threshold``, else ``default_value`` (in x's dtype).

    >>> from ember.keras.ops import nn_extra
    >>> nn_extra.threshold([-1.0, 0.0, 1.0, 2.0], 1, 0).numpy().tolist()
    [0.0, 0.0, 0.0, 2.0]
    """
    x = _t(x)
    if x.dtype.name == "bool":
        x = ember.cast(x, "int32")
    if x.dtype.is_floating:
        keep = x > _c(threshold, x)
    else:   # an integer x against a float threshold compares as floats, as in NumPy
        keep = ember.cast(x, "float64") > ember.constant(threshold, dtype="float64")
    return ember.where(keep, x, ember.fill(x.shape, _c(default_value, x)))


@keras_op
def sparsemax(x: Any, axis: int = -1) -> ember.Tensor:
    """Euclidean projection of ``x`` onto the probability simplex along ``axis``: like
    softmax but with exact zeros (Martins & Astudillo, 2016).

    >>> from ember.keras.ops import nn_extra
    >>> nn_extra.sparsemax([-1.0, 0.0, 1.0]).numpy().tolist()
    [0.0, 0.0, 1.0]
    """
    x = _f(x)
    ax = _axis_of(x, axis, "sparsemax")
    n = x.shape[ax]
    z = ember.sort(x, axis=ax, direction="DESCENDING")
    csum = ember.cumsum(z, axis=ax)
    shape = [1] * x.ndim
    shape[ax] = n
    r = ember.reshape(ember.range(1, n + 1, dtype=x.dtype), shape)
    one = _c(1.0, x)
    support = ember.cast(z * r > csum - one, x.dtype)     # 1 + r z_r > sum_{j<=r} z_j
    k = ember.reduce_sum(support, axis=ax, keepdims=True)
    tau = (ember.reduce_sum(support * z, axis=ax, keepdims=True) - one) / k
    return ember.maximum(x - tau, ember.zeros_like(x))


# =========================================================================================
# Normalizations
# =========================================================================================
def _norm_param(v: Any, x: ember.Tensor, shape: list, name: str, what: str) -> ember.Tensor:
    v = ember.cast(_t(v), x.dtype)
    size = int(np.prod(shape))
    if v.ndim != len(shape) and int(np.prod(v.shape)) == size:
        v = ember.reshape(v, shape)
    try:
        ember.broadcast_static_shape(v.shape, x.shape)
    except Exception:  # noqa: BLE001 - re-raised with the op's name
        raise ValueError(f"keras.ops.{name}: `{what}` of shape {tuple(v.shape)} does not "
                         f"broadcast against `x` of shape {tuple(x.shape)}") from None
    return v


@keras_op
def batch_normalization(x: Any, mean: Any, variance: Any, axis: int, offset: Any = None,
                        scale: Any = None, epsilon: float = 1e-3) -> ember.Tensor:
    """(x - mean) / sqrt(variance + epsilon) * scale + offset, with the 1-D ``mean``,
    ``variance``, ``offset`` and ``scale`` laid along ``axis`` of ``x``.

    >>> from ember.keras.ops import nn_extra
    >>> y = nn_extra.batch_normalization([[0.1, 0.2], [0.3, 0.4]], mean=[0.2, 0.3],
    ...                                  variance=[1.0, 1.0], axis=-1, epsilon=0.0)
    >>> [[round(v, 4) for v in row] for row in y.numpy().tolist()]
    [[-0.1, -0.1], [0.1, 0.1]]
    """
    x = _f(x)
    ax = _axis_of(x, axis, "batch_normalization")
    shape = [1] * x.ndim
    shape[ax] = x.shape[ax]
    params = {}
    for what, v in (("mean", mean), ("variance", variance), ("offset", offset),
                    ("scale", scale)):
        if v is None:
            params[what] = None
            continue
        v = ember.cast(_t(v), x.dtype)
        if tuple(v.shape) != (x.shape[ax],):
            raise ValueError(f"keras.ops.batch_normalization: `{what}` must be a vector of "
                             f"length {x.shape[ax]} (the size of axis {axis} of `x` of shape "
                             f"{tuple(x.shape)}). Received: {what}.shape={tuple(v.shape)}")
        params[what] = ember.reshape(v, shape)
    return ember.nn.batch_normalization(x, params["mean"], params["variance"],
                                        params["offset"], params["scale"], _c(epsilon, x))


def _norm_axes(x: ember.Tensor, axis: Any, name: str) -> list:
    axes = [axis] if isinstance(axis, (int, np.integer)) else list(axis)
    return sorted(_axis_of(x, a, name) for a in axes)


def _compute_dtype(x: ember.Tensor) -> str:
    """At least float32, as Keras computes normalizations (float64 stays float64)."""
    return "float64" if x.dtype.name == "float64" else "float32"


@keras_op
def layer_normalization(x: Any, gamma: Any = None, beta: Any = None, axis: Any = -1,
                        epsilon: float | None = None, **kwargs: Any) -> ember.Tensor:
    """Normalize ``x`` to zero mean and unit variance over ``axis`` (int or list), then
    ``* gamma + beta``. Computed in at least float32; the result has ``x``'s float dtype.

    >>> from ember.keras.ops import nn_extra
    >>> [round(v, 4) for v in nn_extra.layer_normalization([0.0, 1, 2, 3, 4]).numpy().tolist()]
    [-1.4142, -0.7071, 0.0, 0.7071, 1.4142]
    """
    rms_scaling = kwargs.pop("rms_scaling", False)
    if rms_scaling:
        warnings.warn("You passed `rms_scaling=True`, which is deprecated. This argument "
                      "incorrectly scales the input by the variance, not the root mean "
                      "square. To correctly use RMS Normalization, please use "
                      "`keras.ops.rms_normalization` instead.", stacklevel=2)
    eps = _config.epsilon() if epsilon is None else epsilon
    x = _f(x)
    out_dtype = x.dtype
    x = ember.cast(x, _compute_dtype(x))
    axes = _norm_axes(x, axis, "layer_normalization")
    shape = [x.shape[d] if d in axes else 1 for d in range(x.ndim)]
    if gamma is not None:
        gamma = _norm_param(gamma, x, shape, "layer_normalization", "gamma")
    if beta is not None:
        beta = _norm_param(beta, x, shape, "layer_normalization", "beta")
    if rms_scaling:
        mean = ember.reduce_mean(x, axis=axes, keepdims=True)
        var = ember.reduce_mean(ember.square(x - mean), axis=axes, keepdims=True)
        out = x * ember.math.rsqrt(var + _c(eps, x))
        if gamma is not None:
            out = out * gamma
    else:
        out = _fused_layer_norm(x, gamma, beta, axes, eps)
    return ember.cast(out, out_dtype)


def _fused_layer_norm(x: ember.Tensor, gamma: Any, beta: Any, axes: list,
                      eps: float) -> ember.Tensor:
    """``ember.raw_ops.layer_norm``, also where Keras allows what it refuses: no axes (the
    mean is ``x`` itself: normalize over a new axis of size 1 instead) and ``gamma`` or
    ``beta`` that broadcast ``x`` to a larger shape (``x`` is broadcast first)."""
    target = tuple(x.shape)
    for p in (gamma, beta):
        if p is not None:
            target = tuple(ember.broadcast_static_shape(target, p.shape))
    if target != tuple(x.shape):
        axes = [a + len(target) - x.ndim for a in axes]
        x = ember.broadcast_to(x, target)
    if axes:
        return ember.raw_ops.layer_norm(x, gamma, beta, axis=axes, epsilon=eps)
    gamma, beta = (None if p is None else ember.expand_dims(p, -1) for p in (gamma, beta))
    out = ember.raw_ops.layer_norm(ember.expand_dims(x, -1), gamma, beta, axis=-1,
                                   epsilon=eps)
    return ember.squeeze(out, -1)


@keras_op
def rms_normalization(x: Any, scale: Any = None, axis: Any = -1,
                      epsilon: float | None = None) -> ember.Tensor:
    """x / sqrt(mean(x^2) + epsilon) over ``axis``, times ``scale`` (Zhang & Sennrich,
    2019). Computed in at least float32; a scalar ``x`` gives shape (1,), as in Keras.

    >>> from ember.keras.ops import nn_extra
    >>> [round(v, 4) for v in nn_extra.rms_normalization([3.0, 4.0]).numpy().tolist()]
    [0.8485, 1.1314]
    """
    eps = _config.epsilon() if epsilon is None else epsilon
    x = _f(x)
    out_dtype = x.dtype
    x = ember.cast(x, _compute_dtype(x))
    if x.ndim == 0:
        x = ember.reshape(x, [1])
    axes = _norm_axes(x, axis, "rms_normalization")
    ms = ember.reduce_mean(ember.square(x), axis=axes, keepdims=True)
    out = x * ember.math.rsqrt(ms + _c(eps, x))
    if scale is not None:
        out = out * ember.cast(_t(scale), x.dtype)
    return ember.cast(out, out_dtype)


# =========================================================================================
# Attention
# =========================================================================================
def _large_negative(dtype: str) -> float:
    return -0.7 * (65500.0 if dtype == "float16" else 3.38953e38)


@keras_op
def dot_product_attention(query: Any, key: Any, value: Any, bias: Any = None, mask: Any = None,
                          scale: float | None = None, is_causal: bool = False,
                          flash_attention: bool | None = None,
                          attn_logits_soft_cap: float | None = None) -> ember.Tensor:
    """softmax(Q K^T * scale + bias, masked) V over 4-D ``(B, T, N, H)`` query and
    ``(B, S, K, H)`` key/value; ``K`` may divide ``N`` (grouped-query attention).

    ``mask`` is boolean (True takes part), broadcastable to ``(B, N, T, S)``, as is
    ``bias``; ``scale`` defaults to ``1 / sqrt(H)``; ``is_causal`` adds a lower-triangular
    mask. The softmax runs in at least float32.

    >>> import numpy as np
    >>> from ember.keras.ops import nn_extra
    >>> q = np.ones((2, 4, 8, 16), "float32"); kv = np.ones((2, 6, 8, 16), "float32")
    >>> tuple(nn_extra.dot_product_attention(q, kv, kv).shape)
    (2, 4, 8, 16)
    """
    if attn_logits_soft_cap is not None:
        raise ValueError("keras.ops.dot_product_attention: attn_logits_soft_cap is only "
                         "supported for JAX on TPU. Set attn_logits_soft_cap=None.")
    if flash_attention:
        raise ValueError("keras.ops.dot_product_attention: flash attention is not supported "
                         "by Ember; use flash_attention=None or False.")
    q, k, v = _t(query), _t(key), _t(value)
    if q.ndim != 4 or k.ndim != 4 or v.ndim != 4:
        raise ValueError("keras.ops.dot_product_attention: `dot_product_attention` only "
                         f"supports 4D inputs. Received: query.shape={tuple(q.shape)}, "
                         f"key.shape={tuple(k.shape)}, value.shape={tuple(v.shape)}.")
    dtype = _float_result(q, k, v)
    q, k, v = (ember.cast(a, dtype) for a in (q, k, v))
    b, t, n, h = q.shape
    s, kh = k.shape[1], k.shape[2]
    if tuple(k.shape) != tuple(v.shape) or k.shape[0] != b or k.shape[3] != h or \
            kh < 1 or n % kh != 0:
        raise ValueError("keras.ops.dot_product_attention: expected query (B, T, N, H) and "
                         "key == value shape (B, S, K, H) with N a multiple of K. Received: "
                         f"query.shape={tuple(q.shape)}, key.shape={tuple(k.shape)}, "
                         f"value.shape={tuple(v.shape)}.")
    g = n // kh
    logits_dtype = "float64" if dtype == "float64" else "float32"
    sc = (1.0 / float(np.sqrt(h))) if scale is None else scale
    keep = None
    if mask is not None:
        keep = ember.broadcast_to(ember.cast(_t(mask), "bool"), [b, n, t, s])
    if is_causal:
        causal = ember.cast(ember.linalg.band_part(ember.ones([t, s], "int32"), -1, 0), "bool")
        causal = ember.broadcast_to(causal, [b, n, t, s])
        keep = causal if keep is None else ember.logical_and(keep, causal)
    if bias is None and kh == n and dtype in ("float32", "float64"):
        # one fused op (ember.ops.attention); its masked logits are -1e9 rather than
        # -0.7 * float32 max: both give exactly 0 after the softmax, uniform rows alike
        return fused_attention(q, k, v, keep, sc)[0]
    qg = ember.reshape(q, [b, t, kh, g, h])
    ein = "float32" if dtype == "bfloat16" else dtype  # NumPy's einsum: no bfloat16
    logits = ember.einsum("btkgh,bskh->bkgts", _t(qg, ein), _t(k, ein))
    logits = ember.reshape(ember.cast(logits, logits_dtype), [b, n, t, s])
    logits = logits * ember.cast(sc, logits_dtype)
    if bias is not None:
        logits = logits + ember.cast(_t(bias), logits_dtype)
    if keep is not None:
        neg = ember.fill([b, n, t, s], ember.cast(_large_negative(logits_dtype), logits_dtype))
        logits = ember.where(keep, logits, neg)
    probs = ember.cast(ember.nn.softmax(logits, axis=-1), dtype)
    probs = ember.reshape(probs, [b, kh, g, t, s])
    out = ember.einsum("bkgts,bskh->btkgh", _t(probs, ein), _t(v, ein))
    return ember.reshape(_t(out, dtype), [b, t, n, h])


# =========================================================================================
# Encodings and measures
# =========================================================================================
@keras_op
def multi_hot(inputs: Any, num_classes: int | None = None, axis: int = -1, dtype: Any = None,
              sparse: bool = False, **kwargs: Any) -> ember.Tensor:
    """Multi-hot vectors of integer labels: the one-hot encodings of each row's labels,
    OR-ed together (over axis 1 of a batch, or over the single axis of a 1-D input).
    ``num_tokens`` is accepted as an alias of ``num_classes``; float32 by default.

    >>> from ember.keras.ops import nn_extra
    >>> nn_extra.multi_hot([0, 4], num_classes=5).numpy().tolist()
    [1.0, 0.0, 0.0, 0.0, 1.0]
    """
    if num_classes is None and "num_tokens" in kwargs:
        num_classes = kwargs.pop("num_tokens")
    if num_classes is None:
        raise ValueError("keras.ops.multi_hot: Argument `num_classes` must be specified.")
    if sparse:
        raise ValueError("keras.ops.multi_hot: sparse=True is not supported by Ember")
    x = _t(inputs)
    if x.dtype.is_floating or x.dtype.name == "bool":
        x = ember.cast(x, "int32")
    x = ember.cast(x, "int32")
    nd = x.ndim + 1
    if not -nd <= axis < nd:
        raise ValueError(f"keras.ops.multi_hot: axis must be -1 or between [0, {x.ndim}), "
                         f"but received {axis}.")
    hot = ember.one_hot(x, int(num_classes), axis=int(axis) % nd, dtype="float32")
    reduction_axis = 1 if x.ndim > 1 else 0
    out = ember.reduce_max(hot, axis=reduction_axis)
    return ember.cast(out, dtype or "float32")


@keras_op
def polar(abs_: Any, angle: Any) -> ember.Tensor:
    """The complex numbers ``abs_ * (cos(angle) + 1j * sin(angle))`` (complex64, or
    complex128 from float64 inputs), as ``torch.polar``. Eager values only: Ember has no
    gradient through complex results.

    >>> from ember.keras.ops import nn_extra
    >>> complex(nn_extra.polar(2.0, 0.0))
    (2+0j)
    """
    r, a = _f(abs_), _f(angle)
    dtype = _float_result(r, a)
    r, a = ember.cast(r, dtype), ember.cast(a, dtype)
    cdtype = "complex128" if dtype == "float64" else "complex64"
    real = ember.cast(r * ember.cos(a), cdtype)
    imag = ember.cast(r * ember.sin(a), cdtype)
    return real + imag * ember.constant(1j, dtype=cdtype)


@keras_op
def psnr(x1: Any, x2: Any, max_val: float) -> ember.Tensor:
    """Peak signal-to-noise ratio 20 log10(max_val) - 10 log10(mean((x1 - x2)^2)), a
    scalar over all elements.

    >>> from ember.keras.ops import nn_extra
    >>> round(float(nn_extra.psnr([1.0, 1.0], [0.5, 0.5], 1.0)), 4)
    6.0206
    """
    a, b = _t(x1), _t(x2)
    if tuple(a.shape) != tuple(b.shape):
        raise ValueError(f"keras.ops.psnr: Input shapes {tuple(a.shape)} and "
                         f"{tuple(b.shape)} must match for PSNR calculation.")
    dtype = _float_result(a, b)
    a, b = ember.cast(a, dtype), ember.cast(b, dtype)
    mse = ember.reduce_mean(ember.square(a - b))
    ln10 = ember.cast(np.log(10.0), dtype)
    top = ember.log(ember.cast(max_val, dtype)) / ln10
    return ember.cast(20.0, dtype) * top - ember.cast(10.0, dtype) * ember.log(mse) / ln10
