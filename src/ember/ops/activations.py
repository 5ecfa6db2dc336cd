"""Activation functions: ``tf.nn.relu``, ``gelu``, ``softmax`` and friends.

Each activation is a primitive whose forward is written once against ``xp`` in a
numerically stable form (no overflow for large ``|x|``) and whose gradient is written
with Ember ops, so gradients of gradients work. Where the backward pass is hot (relu
family, gelu, silu, selu) the gradient is itself a small private primitive, linear in
the incoming gradient, whose own vjp (the second derivative) is again Ember ops.

Speed on the CPU: forwards avoid ``xp.where`` on large arrays (several times slower
than multiplying by a boolean mask) and NumPy's scalar ``expm1``/``log1p`` (replaced by
accurate vectorized forms), and multi-pass forwards run on cache-sized blocks. The
exact gelu evaluates the normal CDF from the erfc series of ``ember.ops.special``
(the same function as ``ember.math.erf``), without the cancellation of ``1 + erf``.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core.errors import InvalidArgumentError
from .elementwise import (abs as _abs, add, cast, exp, less, minimum, multiply,
                          square, tanh)
from .kernels import kernels_for
from .primitive import primitive
from .reduction import normalize_axis, reduce_sum
from .special import _ERFC_CHEB

__all__ = [
    "relu", "relu6", "elu", "selu", "gelu", "softplus", "softsign", "silu", "swish",
    "leaky_relu", "softmax", "log_softmax", "crelu", "hard_sigmoid", "mish", "log_sigmoid",
]

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946
_INV_SQRT2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_GELU_C = math.sqrt(2.0 / math.pi)   # 0.7978845608...
_GELU_K = 0.044715


def _float(xp, x):
    """Integer and bool inputs become float32 (TensorFlow would refuse them)."""
    if x.dtype.kind in "iub":
        return x.astype(xp.float32)
    return x


def _ndim(x: Any) -> int:
    v = getattr(x, "_value", None)
    if v is not None:
        return v.ndim
    from ..core.convert import static_shape
    return len(static_shape(x))


# -- fast elementwise building blocks ----------------------------------------------------------
_BLOCK = 1 << 15   # elements per block for multi-pass forwards on the CPU (fits in cache)


def _blockwise(xp, fn, *arrays):
    """``fn(*arrays)`` for same-shaped arrays, computed on cache-sized blocks when they
    are large NumPy arrays (the same result, a fraction of the memory traffic)."""
    x = arrays[0]
    if x.ndim == 0:     # NumPy ufuncs give scalars for 0-d arrays; the blocks write out=
        return fn(*[a.reshape(1) if a.ndim == 0 else a for a in arrays]).reshape(())
    if xp is not np or x.size <= _BLOCK or any(a.shape != x.shape for a in arrays[1:]):
        return fn(*arrays)
    flats = [a.reshape(-1) for a in arrays]
    first = fn(*[f[:_BLOCK] for f in flats])
    out = np.empty(x.size, dtype=first.dtype)
    out[:_BLOCK] = first
    for start in range(_BLOCK, x.size, _BLOCK):
        out[start:start + _BLOCK] = fn(*[f[start:start + _BLOCK] for f in flats])
    return out.reshape(x.shape)


def _expm1_nonpos(xp, x):
    """expm1 for x <= 0 as 2 tanh(x/2) / (1 - tanh(x/2)): a few ulp, and much faster
    than NumPy's scalar expm1 (tanh is vectorized)."""
    t = x * 0.5
    xp.tanh(t, out=t)
    d = 1 - t
    t *= 2
    t /= d
    return t


def _log1p_unit(xp, z):
    """log1p for z in [0, 1]: log(u) with u = 1 + z, corrected by the rounding of u
    (``- ((u - 1) - z) / u``); about 2 ulp, and much faster than NumPy's log1p."""
    u = 1 + z
    corr = u - 1
    corr -= z
    corr /= u
    xp.log(u, out=u)
    u -= corr
    return u


def _softplus_block(xp, x):
    # log(1 + e^x) = max(x, 0) + log1p(e^-|x|): exp of non-positive numbers only
    e = xp.abs(x)
    xp.negative(e, out=e)
    xp.exp(e, out=e)
    out = _log1p_unit(xp, e)
    out += xp.maximum(x, 0)
    return out


def _sigmoid_block(xp, x):
    """1 / (1 + exp(-x)); exp(-x) may overflow to inf, which gives the exact limit 0."""
    with np.errstate(over="ignore"):
        e = xp.exp(-x)
    e += 1
    return xp.reciprocal(e, out=e)


def _sigmoid_array(xp, x):
    return _blockwise(xp, lambda b: _sigmoid_block(xp, b), x)


@primitive(name="sigmoid")
def _sigmoid(xp, x):
    return _sigmoid_array(xp, _float(xp, x))


@_sigmoid.vjp
def _(g, y, x):
    return g * (y * (1 - y))


# -- relu family ---------------------------------------------------------------------------
_ZEROS: dict = {}   # dtype -> a read-only zero vector (calloc'd: it maps the zero page)
_ZEROS_MAX = 1 << 26


def _zeros_like_fast(x):
    """A read-only zero array shaped like the NumPy float array ``x``, or None.

    NumPy's ``maximum`` against a scalar misses its SIMD loop (3-4x slower than against
    an array of the same shape), so relu compares with this shared zero buffer."""
    if type(x) is not np.ndarray or x.dtype.kind != "f" or not 0 < x.size <= _ZEROS_MAX:
        return None
    z = _ZEROS.get(x.dtype)
    if z is None or z.size < x.size:
        z = np.zeros(max(x.size, 1 << 16, 0 if z is None else 2 * z.size), x.dtype)
        z.flags.writeable = False
        _ZEROS[x.dtype] = z
    return z[:x.size].reshape(x.shape)


@primitive(name="relu")
def _relu(xp, x):
    z = _zeros_like_fast(x)
    return xp.maximum(x, 0) if z is None else xp.maximum(x, z)


@_relu.vjp
def _(g, y, x):
    return _relu_grad(g, y)


@primitive
def _relu_grad(xp, g, y):
    # the gradient at exactly 0 is 0, as in TensorFlow
    if g.shape == y.shape:
        kernels = kernels_for("relu", g, y, contiguous=True)
        if kernels is not None:
            out = np.empty_like(g)
            kernels.grad(g.reshape(-1), y.reshape(-1), out.reshape(-1))
            return out
    if g.dtype.kind == "f" and g.shape == y.shape:
        out = (y > 0).astype(g.dtype)   # a float mask multiplies faster than a bool one
        out *= g
        return out
    return g * (y > 0)


@_relu_grad.vjp
def _(gg, out, g, y):
    return _relu_grad(gg, y), None


def relu(features: Any, name=None):
    """Rectified linear unit: ``max(features, 0)``. The gradient at 0 is 0.

    >>> import ember
    >>> ember.nn.relu([-1.0, 0.0, 2.0]).numpy()
    array([0., 0., 2.], dtype=float32)
    """
    return _relu(features)


@primitive(name="relu6")
def _relu6(xp, x):
    return xp.minimum(xp.maximum(x, 0), 6)


@_relu6.vjp
def _(g, y, x):
    return _relu6_grad(g, x)


@primitive
def _relu6_grad(xp, g, x):
    # passes only strictly inside (0, 6), as TensorFlow's Relu6Grad
    return g * ((x > 0) & (x < 6))


@_relu6_grad.vjp
def _(gg, out, g, x):
    return _relu6_grad(gg, x), None


def relu6(features: Any, name=None):
    """``min(max(features, 0), 6)``; the gradient is 1 strictly inside (0, 6), else 0.

    >>> import ember
    >>> ember.nn.relu6([-1.0, 3.0, 9.0]).numpy()
    array([0., 3., 6.], dtype=float32)
    """
    return _relu6(features)


@primitive(name="leaky_relu")
def _leaky_relu(xp, x, alpha=0.2):
    x = _float(xp, x)
    # max(x, alpha x) for alpha <= 1, min(x, alpha x) above (alpha in x's dtype, so
    # bfloat16 stays bfloat16)
    a = x.dtype.type(alpha)
    return xp.maximum(x, x * a) if alpha <= 1 else xp.minimum(x, x * a)


@_leaky_relu.vjp
def _(g, y, x, alpha=0.2):
    return _leaky_relu_grad(g, x, alpha=alpha)


@primitive
def _leaky_relu_grad(xp, g, x, alpha=0.2):
    out = g * (x > 0)
    out *= 1 - alpha
    out += g * alpha
    return out


@_leaky_relu_grad.vjp
def _(gg, out, g, x, alpha=0.2):
    return _leaky_relu_grad(gg, x, alpha=alpha), None


def leaky_relu(features: Any, alpha: float = 0.2, name=None):
    """``features`` where positive, ``alpha * features`` elsewhere.

    >>> import ember
    >>> ember.nn.leaky_relu([-1.0, 2.0]).numpy()
    array([-0.2,  2. ], dtype=float32)
    """
    return _leaky_relu(features, alpha=float(alpha))


@primitive(name="crelu")
def _crelu(xp, x, axis=-1):
    return xp.concatenate([xp.maximum(x, 0), xp.maximum(-x, 0)], axis=axis)


@_crelu.vjp
def _(g, y, x, axis=-1):
    return _crelu_grad(g, x, axis=axis)


@primitive
def _crelu_grad(xp, g, x, axis=-1):
    n = x.shape[axis]
    lo = g[(slice(None),) * axis + (slice(0, n),)]
    hi = g[(slice(None),) * axis + (slice(n, 2 * n),)]
    return lo * (x > 0) - hi * (x < 0)


@_crelu_grad.vjp
def _(gg, out, g, x, axis=-1):
    return _crelu_grad_t(gg, x, axis=axis), None


@primitive
def _crelu_grad_t(xp, gg, x, axis=-1):
    # the transpose of _crelu_grad: linear in gg
    return xp.concatenate([gg * (x > 0), -(gg * (x < 0))], axis=axis)


@_crelu_grad_t.vjp
def _(g3, out, gg, x, axis=-1):
    return _crelu_grad(g3, x, axis=axis), None


def crelu(features: Any, axis: int = -1, name=None):
    """Concatenated ReLU: ``concat([relu(x), relu(-x)], axis)``, doubling that axis.

    >>> import ember
    >>> ember.nn.crelu([-1.0, 2.0]).numpy()
    array([0., 2., 1., 0.], dtype=float32)
    """
    ax = normalize_axis(axis, _ndim(features), "crelu")[0]
    return _crelu(features, axis=ax)


# -- exponential family ----------------------------------------------------------------------
@primitive(name="elu")
def _elu(xp, x):
    x = _float(xp, x)
    return _blockwise(xp, lambda b: _elu_block(xp, b), x).astype(x.dtype, copy=False)


def _elu_block(xp, x, alpha=1.0):
    # x for x > 0, e^x - 1 below: max(x, 0) + expm1(min(x, 0)) needs no select
    out = _expm1_nonpos(xp, xp.minimum(x, 0))
    if alpha != 1.0:
        out *= alpha
    out += xp.maximum(x, 0)
    return out


@_elu.vjp
def _(g, y, x):
    # 1 for x > 0, e^x = y + 1 below: min(y, 0) + 1 covers both
    return g * (minimum(y, 0) + 1)


def elu(features: Any, name=None):
    """Exponential linear unit: ``x`` if ``x > 0`` else ``exp(x) - 1``.

    >>> import ember
    >>> ember.nn.elu([-1.0, 2.0]).numpy().round(4)
    array([-0.6321,  2.    ], dtype=float32)
    """
    return _elu(features)


@primitive(name="selu")
def _selu(xp, x):
    def block(b):
        out = _elu_block(xp, b, _SELU_ALPHA)
        out *= _SELU_SCALE
        return out
    x = _float(xp, x)
    return _blockwise(xp, block, x).astype(x.dtype, copy=False)


@_selu.vjp
def _(g, y, x):
    return _selu_grad(g, y)


@primitive
def _selu_grad(xp, g, y):
    # scale for y >= 0 (TF's SeluGrad: scale at x = 0); d/dx scale*alpha*(e^x - 1)
    # = y + scale*alpha below
    def block(g, y):
        below = y + _SELU_SCALE * _SELU_ALPHA
        below += (_SELU_SCALE - below) * (y >= 0)
        below *= g
        return below
    return _blockwise(xp, block, g, y)


@_selu_grad.vjp
def _(gg, out, g, y):
    return _selu_grad(gg, y), gg * g * cast(less(y, 0), y.dtype)


def selu(features: Any, name=None):
    """Scaled ELU: ``scale * (x if x > 0 else alpha * (exp(x) - 1))`` with the
    self-normalizing constants ``alpha ~ 1.6733``, ``scale ~ 1.0507``.

    >>> import ember
    >>> ember.nn.selu([1.0]).numpy().round(4)
    array([1.0507], dtype=float32)
    """
    return _selu(features)


@primitive(name="softplus")
def _softplus(xp, x):
    return _blockwise(xp, lambda b: _softplus_block(xp, b), _float(xp, x))


@_softplus.vjp
def _(g, y, x):
    return g * _sigmoid(x)


def softplus(features: Any, name=None):
    """``log(exp(features) + 1)``, computed without overflow for large ``|x|``.

    >>> import ember
    >>> [round(float(v), 4) for v in ember.nn.softplus([0.0, 1000.0])]
    [0.6931, 1000.0]
    """
    return _softplus(features)


@primitive(name="log_sigmoid")
def _log_sigmoid(xp, x):
    # log(sigmoid(x)) = -softplus(-x)
    def block(b):
        out = _softplus_block(xp, -b)
        xp.negative(out, out=out)
        return out
    return _blockwise(xp, block, _float(xp, x))


@_log_sigmoid.vjp
def _(g, y, x):
    return g * _sigmoid(-x)


def log_sigmoid(x: Any, name=None):
    """``log(sigmoid(x))``, stable for large ``|x|`` (``-softplus(-x)``).

    >>> import ember
    >>> [round(float(v), 4) for v in ember.nn.log_sigmoid([0.0, -1000.0])]
    [-0.6931, -1000.0]
    """
    return _log_sigmoid(x)


@primitive(name="softsign")
def _softsign(xp, x):
    x = _float(xp, x)
    return x / (xp.abs(x) + 1)


@_softsign.vjp
def _(g, y, x):
    return g / square(_abs(x) + 1)


def softsign(features: Any, name=None):
    """``features / (abs(features) + 1)``.

    >>> import ember
    >>> ember.nn.softsign([-1.0, 3.0]).numpy()
    array([-0.5 ,  0.75], dtype=float32)
    """
    return _softsign(features)


@primitive(name="silu")
def _silu(xp, x, beta=1.0):
    def block(b):
        s = _sigmoid_block(xp, b * beta if beta != 1.0 else b)
        s *= b
        return s
    return _blockwise(xp, block, _float(xp, x))


@_silu.vjp
def _(g, y, x, beta=1.0):
    return _silu_grad(g, x, beta=beta)


@primitive
def _silu_grad(xp, g, x, beta=1.0):
    # d/dx x s(bx) = s + b x s (1 - s) = s (1 + b x (1 - s))
    def block(g, x):
        bx = x * beta if beta != 1.0 else x.copy()
        s = _sigmoid_block(xp, bx)
        bx *= 1 - s
        bx += 1
        bx *= s
        bx *= g
        return bx
    return _blockwise(xp, block, g, _float(xp, x))


@_silu_grad.vjp
def _(gg, out, g, x, beta=1.0):
    bx = x * beta
    s = _sigmoid(bx)
    # second derivative: b s (1 - s) (2 + b x (1 - 2 s))
    d2 = s * (1 - s) * (bx * (1 - 2 * s) + 2) * beta
    return _silu_grad(gg, x, beta=beta), gg * g * d2


def silu(features: Any, beta: Any = 1.0, name=None):
    """Sigmoid linear unit (swish): ``features * sigmoid(beta * features)``.

    >>> import ember
    >>> ember.nn.silu([0.0, 1.0]).numpy().round(4)
    array([0.    , 0.7311], dtype=float32)
    """
    if isinstance(beta, (int, float, np.integer, np.floating)) and not isinstance(beta, bool):
        return _silu(features, beta=float(beta))
    # a tensor beta: composite, so the gradient also reaches beta
    return multiply(features, _sigmoid(multiply(beta, features)))


swish = silu


# -- gelu -------------------------------------------------------------------------------------
def _erfc_nonneg(xp, a, coefs):
    """erfc(a) for a >= 0 (``a`` is overwritten): ``t exp(-a^2 + P(2t - 1))`` with
    ``t = 1 / (1 + a/2)`` and P the Chebyshev series of ember.ops.special, evaluated
    in place (Clenshaw)."""
    t = a * 0.5
    t += 1
    xp.reciprocal(t, out=t)
    two_u = t * 4
    two_u -= 2
    b1 = xp.full_like(two_u, coefs[-1])
    b2 = xp.zeros_like(two_u)
    tmp = xp.empty_like(two_u)
    for c in coefs[-2:0:-1]:
        xp.multiply(two_u, b1, out=tmp)
        tmp -= b2
        tmp += c
        b2, b1, tmp = b1, tmp, b2
    xp.multiply(two_u, b1, out=tmp)
    tmp *= 0.5
    tmp -= b2
    tmp += coefs[0]
    a *= a
    tmp -= a
    xp.exp(tmp, out=tmp)
    tmp *= t
    return tmp


_COEFS64 = tuple(float(c) for c in _ERFC_CHEB)
_COEFS32 = _COEFS64[:12]   # the rest are below float32 resolution (~1e-8)


def _ndtr_block(xp, x):
    """The standard normal CDF of a float32 or float64 block, in its dtype."""
    coefs = _COEFS64 if x.dtype == xp.float64 else _COEFS32
    half_tail = _erfc_nonneg(xp, xp.abs(x) * _INV_SQRT2, coefs)
    half_tail *= 0.5                      # P(X > |x|)
    # 1 - tail for x >= 0, tail below, as tail + [x >= 0] (1 - 2 tail)
    cdf = half_tail * -2
    cdf += 1
    cdf *= x >= 0
    cdf += half_tail
    return cdf


def _ndtr_array(xp, x):
    x = _float(xp, x)
    if x.dtype == xp.float64 or x.dtype == xp.float32:
        return _blockwise(xp, lambda b: _ndtr_block(xp, b), x)
    return _blockwise(xp, lambda b: _ndtr_block(xp, b.astype(xp.float32)), x).astype(x.dtype)


def _gelu_exact_block(xp, x):
    xf = x if x.dtype == xp.float64 or x.dtype == xp.float32 else x.astype(xp.float32)
    out = _ndtr_block(xp, xf)
    out *= xf
    return out.astype(x.dtype, copy=False)


@primitive
def _ndtr(xp, x):
    """The standard normal CDF ``0.5 * erfc(-x / sqrt(2))``, without cancellation."""
    return _ndtr_array(xp, x)


@_ndtr.vjp
def _(g, y, x):
    return g * (exp(x * x * -0.5) * _INV_SQRT_2PI)


@primitive(name="gelu")
def _gelu(xp, x, approximate=False):
    x = _float(xp, x)
    if approximate:
        def block(b):
            inner = b * b
            inner *= _GELU_K
            inner += 1
            inner *= b
            inner *= _GELU_C
            xp.tanh(inner, out=inner)
            inner += 1
            inner *= b
            inner *= 0.5
            return inner
        return _blockwise(xp, block, x)
    return _blockwise(xp, lambda b: _gelu_exact_block(xp, b), x)


@_gelu.vjp
def _(g, y, x, approximate=False):
    return _gelu_grad(g, x, approximate=approximate)


def _gelu_grad_block(xp, g, x, approximate):
    if approximate:
        x2 = x * x
        t = x2 * _GELU_K
        t += 1
        t *= x
        t *= _GELU_C
        xp.tanh(t, out=t)
        # 0.5 (1 + t) + 0.5 x (1 - t^2) c (1 + 3 k x^2)
        du = x2
        du *= 3 * _GELU_K * _GELU_C
        du += _GELU_C
        du *= x
        du *= 1 - t * t
        t += 1
        t += du
        t *= g
        t *= 0.5
        return t
    xf = x if x.dtype == xp.float64 or x.dtype == xp.float32 else x.astype(xp.float32)
    # Phi(x) + x phi(x)
    dens = xf * xf
    dens *= -0.5
    xp.exp(dens, out=dens)
    dens *= _INV_SQRT_2PI
    dens *= xf
    dens += _ndtr_block(xp, xf)
    dens *= g
    return dens.astype(g.dtype, copy=False)


@primitive
def _gelu_grad(xp, g, x, approximate=False):
    return _blockwise(xp, lambda g, x: _gelu_grad_block(xp, g, x, approximate),
                      _float(xp, g), _float(xp, x))


@_gelu_grad.vjp
def _(gg, out, g, x, approximate=False):
    if approximate:
        x2 = x * x
        t = tanh((x + x2 * x * _GELU_K) * _GELU_C)
        du = (x2 * (3 * _GELU_K) + 1) * _GELU_C
        d2u = x * (6 * _GELU_K * _GELU_C)
        # (1 - t^2) (u' + x (u'' - 2 t u'^2) / 2)
        d2 = (1 - t * t) * (du + x * (d2u - 2 * t * du * du) * 0.5)
    else:
        # phi(x) (2 - x^2)
        d2 = exp(x * x * -0.5) * _INV_SQRT_2PI * (2 - x * x)
    return _gelu_grad(gg, x, approximate=approximate), gg * g * d2


def gelu(features: Any, approximate: bool = False, name=None):
    """Gaussian error linear unit: ``x * P(X <= x)`` for a standard normal ``X``.

    ``approximate=False`` uses the exact CDF ``0.5 * (1 + erf(x / sqrt(2)))``;
    ``approximate=True`` the tanh form
    ``0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x**3)))``.

    >>> import ember
    >>> ember.nn.gelu([1.0]).numpy().round(4)
    array([0.8413], dtype=float32)
    """
    return _gelu(features, approximate=bool(approximate))


def hard_sigmoid(x: Any, name=None):
    """Keras 3's hard sigmoid: ``relu6(x + 3) / 6``.

    >>> import ember
    >>> ember.nn.hard_sigmoid([-4.0, 0.0, 4.0]).numpy().round(4)
    array([0. , 0.5, 1. ], dtype=float32)
    """
    return multiply(_relu6(add(x, 3.0)), 1.0 / 6.0)


def mish(x: Any, name=None):
    """``x * tanh(softplus(x))``.

    >>> import ember
    >>> ember.nn.mish([1.0]).numpy().round(4)
    array([0.8651], dtype=float32)
    """
    return multiply(x, tanh(_softplus(x)))


# -- softmax -----------------------------------------------------------------------------------
def _half_to_float(xp, x):
    """Half-precision inputs are computed in float32 and cast back (``back``);
    integer inputs become float32."""
    k = x.dtype.kind
    if (k == "f" and x.dtype.itemsize < 4) or x.dtype.name == "bfloat16":
        return x.astype(xp.float32), x.dtype
    if k in "iub":
        return x.astype(xp.float32), None
    return x, None


def _last_axis_sum(xp, a):
    """``sum(a, axis=-1)`` of a C-contiguous float array with 2+ axes, as one matrix-vector
    product (much faster than NumPy's reduction along a short contiguous axis)."""
    n = a.shape[-1]
    return (a.reshape(-1, n) @ xp.ones(n, a.dtype)).reshape(a.shape[:-1] + (1,))


def _fast_rows(x, axis) -> bool:
    return (x.ndim >= 2 and (axis == -1 or axis == x.ndim - 1) and x.dtype.kind == "f"
            and x.dtype.itemsize >= 4 and x.flags.c_contiguous and x.size >= 1024)


def _softmax_kernels(axis, *arrays):
    """The compiled softmax kernels when they apply: float32 NumPy arrays, C-contiguous,
    softmax along the last axis, not empty."""
    x = arrays[0]
    if (axis != -1 and axis != x.ndim - 1) or x.ndim == 0 or x.size == 0:
        return None
    return kernels_for("softmax", *arrays, contiguous=True)


@primitive(name="softmax")
def _softmax(xp, x, axis=-1):
    kernels = _softmax_kernels(axis, x)
    if kernels is not None:
        y = np.empty_like(x)
        kernels.forward(x.reshape(-1, x.shape[-1]), y.reshape(-1, x.shape[-1]))
        return y
    x, back = _half_to_float(xp, x)
    if x.size >= 1024:
        # one shift for the whole tensor when its values span less than 60: every
        # exp(x - max) is then a normal float (>= e^-60), as exact as a per-row shift
        # and without NumPy's slow reduction along a short axis
        hi, lo = x.max(), x.min()
        e = xp.subtract(x, hi) if hi - lo < 60.0 else x - xp.max(x, axis=axis, keepdims=True)
    else:
        e = x - xp.max(x, axis=axis, keepdims=True)
    xp.exp(e, out=e)
    e /= _last_axis_sum(xp, e) if _fast_rows(e, axis) else xp.sum(e, axis=axis, keepdims=True)
    return e if back is None else e.astype(back)


@_softmax.vjp
def _(g, y, x, axis=-1):
    return _softmax_grad(g, y, axis=axis)


@primitive
def _softmax_grad(xp, g, y, axis=-1):
    """``y * (g - sum(g * y, axis))``: the softmax gradient, fused."""
    kernels = _softmax_kernels(axis, g, y) if g.shape == y.shape else None
    if kernels is not None:
        out = np.empty_like(g)
        n = g.shape[-1]
        kernels.backward(g.reshape(-1, n), y.reshape(-1, n), out.reshape(-1, n))
        return out
    if _fast_rows(g, axis) and g.dtype == y.dtype and y.flags.c_contiguous:
        n = g.shape[-1]
        s = xp.einsum("ij,ij->i", g.reshape(-1, n), y.reshape(-1, n))
        out = g - s.reshape(g.shape[:-1] + (1,))
    else:
        out = g - xp.sum(g * y, axis=axis, keepdims=True)
    out *= y
    return out


@_softmax_grad.vjp
def _(u, out, g, y, axis=-1):
    # out_i = y_i (g_i - s), s = sum_j g_j y_j: the map g -> out is symmetric, and
    # d out_i / d y_k = delta_ik (g_i - s) - y_i g_k
    s = reduce_sum(g * y, axis=axis, keepdims=True)
    return (_softmax_grad(u, y, axis=axis),
            u * (g - s) - g * reduce_sum(u * y, axis=axis, keepdims=True))


@primitive(name="log_softmax")
def _log_softmax(xp, x, axis=-1):
    x, back = _half_to_float(xp, x)
    shifted = x - xp.max(x, axis=axis, keepdims=True)
    lse = xp.log(xp.sum(xp.exp(shifted), axis=axis, keepdims=True))
    shifted -= lse
    return shifted if back is None else shifted.astype(back)


@_log_softmax.vjp
def _(g, y, x, axis=-1):
    return g - exp(y) * reduce_sum(g, axis=axis, keepdims=True)


def _softmax_axis(logits: Any, axis: Any, op: str) -> int:
    if axis is None:
        axis = -1
    if not isinstance(axis, (int, np.integer)):
        v = getattr(axis, "_value", axis)
        if np.ndim(v) != 0:
            raise InvalidArgumentError(f"ember.{op}: axis must be a single int; got {axis!r}")
        axis = int(np.asarray(v))
    ndim = _ndim(logits)
    if ndim == 0:
        raise InvalidArgumentError(f"ember.{op}: logits must have rank >= 1; got a scalar")
    return normalize_axis(int(axis), ndim, op)[0]


def softmax(logits: Any, axis: Any = None, name=None):
    """``exp(logits) / reduce_sum(exp(logits), axis)`` along ``axis`` (default: the last),
    computed stably (the maximum is subtracted first).

    >>> import ember
    >>> ember.nn.softmax([1.0, 1.0]).numpy()
    array([0.5, 0.5], dtype=float32)
    """
    return _softmax(logits, axis=_softmax_axis(logits, axis, "softmax"))


def log_softmax(logits: Any, axis: Any = None, name=None):
    """``logits - log(reduce_sum(exp(logits), axis))`` along ``axis`` (default: the last),
    computed stably.

    >>> import ember
    >>> ember.nn.log_softmax([0.0, 0.0]).numpy().round(4)
    array([-0.6931, -0.6931], dtype=float32)
    """
    return _log_softmax(logits, axis=_softmax_axis(logits, axis, "log_softmax"))

