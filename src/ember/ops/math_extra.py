"""More of ``tf.math``: ``lgamma``, ``digamma``, ``lbeta``, ``rint``, ``xdivy``,
``cumulative_logsumexp``, ``polyval``, ``scalar_mul``, ``angle``, ``complex``,
``confusion_matrix``, ``is_non_decreasing`` / ``is_strictly_increasing``,
``invert_permutation``, ``accumulate_n`` and ``ndtri``.

``lgamma`` / ``digamma`` / ``trigamma`` are written once for ``xp`` (Lanczos series with
reflection below 1/2; recurrence and the asymptotic series for the psi functions), so
they need no SciPy. The rest are composites of primitives.

>>> import ember
>>> [round(float(v), 5) for v in ember.math.lgamma([0.5, 3.0])]
[0.57236, 0.69315]
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from ..core.errors import InvalidArgumentError
from ..core.tensor import Tensor
from .creation import convert_to_tensor
from .elementwise import (_int_to_float, add_n, cast, divide, equal, exp, greater, less,
                          log, logical_or, multiply, where, zeros_like_value)
from .primitive import primitive
from .reduction import cumsum, reduce_all, reduce_max, reduce_sum

__all__ = ["lgamma", "digamma", "lbeta", "rint", "xdivy", "cumulative_logsumexp", "polyval",
           "scalar_mul", "angle", "complex", "confusion_matrix", "is_non_decreasing",
           "is_strictly_increasing", "invert_permutation", "accumulate_n", "ndtri"]

# Lanczos approximation, g = 7, n = 9 (Godfrey's coefficients)
_LANCZOS_G = 7.0
_LANCZOS = (0.99999999999980993, 676.5203681218851, -1259.1392167224028,
            771.32342877765313, -176.61502916214059, 12.507343278686905,
            -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7)


def _as_float64(xp, x):
    x = _int_to_float(xp, x)
    return x.astype(np.float64), x.dtype


def _lanczos_lgamma(xp, z):
    """log Gamma(z) for z >= 1/2."""
    zm = z - 1.0
    acc = xp.full_like(zm, _LANCZOS[0])
    for i in range(1, len(_LANCZOS)):
        acc = acc + _LANCZOS[i] / (zm + i)
    t = zm + _LANCZOS_G + 0.5
    return 0.5 * math.log(2 * math.pi) + (zm + 0.5) * xp.log(t) - t + xp.log(acc)


@primitive
def lgamma(xp, x):
    z, dt = _as_float64(xp, x)
    with np.errstate(all="ignore"):
        small = z < 0.5
        zr = xp.where(small, 1.0 - z, z)
        out = _lanczos_lgamma(xp, zr)
        # reflection: lgamma(z) = log(pi / |sin(pi z)|) - lgamma(1 - z)
        s = xp.abs(xp.sin(math.pi * xp.where(small, z, 0.5)))
        refl = math.log(math.pi) - xp.log(s) - out
        out = xp.where(small, refl, out)
        pole = (z <= 0) & (z == xp.floor(z))
        out = xp.where(pole, np.inf, out)
        out = xp.where(xp.isinf(z), np.inf, out)
    return out.astype(dt)


@lgamma.vjp
def _(g, y, x):
    return g * digamma(x)


def _psi_asymptotic(xp, z):
    """digamma for z >= 6."""
    inv = 1.0 / z
    inv2 = inv * inv
    series = inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (
        1 / 240 - inv2 * (1 / 132)))))
    return xp.log(z) - 0.5 * inv - series


@primitive
def digamma(xp, x):
    z, dt = _as_float64(xp, x)
    with np.errstate(all="ignore"):
        small = z < 0.5
        w = xp.where(small, 1.0 - z, z)
        shift = xp.zeros_like(w)
        for _ in range(6):  # psi(w) = psi(w + 1) - 1 / w until w >= 6
            low = w < 6
            shift = shift - xp.where(low, 1.0 / w, 0.0)
            w = xp.where(low, w + 1.0, w)
        out = _psi_asymptotic(xp, w) + shift
        # reflection: psi(z) = psi(1 - z) - pi / tan(pi z)
        out = xp.where(small, out - math.pi / xp.tan(math.pi * xp.where(small, z, 0.25)), out)
        pole = (z <= 0) & (z == xp.floor(z))
        out = xp.where(pole, np.nan, out)
        out = xp.where(z == np.inf, np.inf, out)
    return out.astype(dt)


@digamma.vjp
def _(g, y, x):
    return g * _trigamma(x)


@primitive(name="trigamma")
def _trigamma(xp, x):
    z, dt = _as_float64(xp, x)
    with np.errstate(all="ignore"):
        small = z < 0.5
        w = xp.where(small, 1.0 - z, z)
        acc = xp.zeros_like(w)
        for _ in range(6):
            low = w < 6
            acc = acc + xp.where(low, 1.0 / (w * w), 0.0)
            w = xp.where(low, w + 1.0, w)
        inv = 1.0 / w
        inv2 = inv * inv
        out = acc + inv + 0.5 * inv2 + inv * inv2 * (1 / 6 - inv2 * (1 / 30 - inv2 * (
            1 / 42 - inv2 * (1 / 30))))
        # reflection: psi1(1 - z) + psi1(z) = pi^2 / sin^2(pi z)
        s = xp.sin(math.pi * xp.where(small, z, 0.25))
        out = xp.where(small, math.pi ** 2 / (s * s) - out, out)
        pole = (z <= 0) & (z == xp.floor(z))
        out = xp.where(pole, np.inf, out)
    return out.astype(dt)


def lbeta(x: Any, name=None) -> Tensor:
    """``log(|Beta(x)|)`` over the last axis: ``sum(lgamma(x)) - lgamma(sum(x))``."""
    x = convert_to_tensor(x)
    if x.ndim == 0:
        raise InvalidArgumentError("ember.math.lbeta: x must have rank >= 1")
    x = cast(x, "float32") if x.dtype.is_integer else x
    return reduce_sum(lgamma(x), axis=-1) - lgamma(reduce_sum(x, axis=-1))


@primitive
def rint(xp, x):
    return xp.rint(x)


@rint.vjp
def _(g, y, x):
    return None


def xdivy(x: Any, y: Any, name=None) -> Tensor:
    """``x / y``, 0 where ``x`` is 0."""
    x, y = convert_to_tensor(x), convert_to_tensor(y)
    zero = equal(x, 0)
    safe_y = where(zero, zeros_like_value(y) + 1, y)
    return where(zero, zeros_like_value(divide(x, safe_y)), divide(x, safe_y))


def cumulative_logsumexp(x: Any, axis: Any = 0, exclusive: bool = False,
                         reverse: bool = False, name=None) -> Tensor:
    """``log(cumsum(exp(x)))`` along ``axis``, computed stably (shifted by the max)."""
    x = convert_to_tensor(x)
    m = reduce_max(x, axis=axis, keepdims=True)
    m = where(greater(m, -np.inf), m, zeros_like_value(m))
    from .elementwise import stop_gradient
    m = stop_gradient(m)
    return log(cumsum(exp(x - m), axis=axis, exclusive=exclusive, reverse=reverse)) + m


def polyval(coeffs: Sequence[Any], x: Any, name=None) -> Tensor:
    """``coeffs[0] * x**(n-1) + ... + coeffs[n-1]`` by Horner's rule (0 for no coeffs)."""
    x = convert_to_tensor(x)
    if not isinstance(coeffs, (list, tuple)):
        raise ValueError(f"ember.math.polyval: coeffs must be a list; got "
                         f"{type(coeffs).__name__}")
    if not coeffs:
        return zeros_like_value(x)
    out = cast(coeffs[0], x.dtype) + zeros_like_value(x)
    for c in coeffs[1:]:
        out = out * x + cast(c, x.dtype)
    return out


def scalar_mul(scalar: Any, x: Any, name=None) -> Tensor:
    """``scalar * x`` for a scalar (0-d) ``scalar``."""
    s = convert_to_tensor(scalar) if not isinstance(scalar, (int, float)) else scalar
    if not isinstance(s, (int, float)) and tuple(s.shape) != ():
        raise ValueError(f"ember.math.scalar_mul: scalar must be 0-d; got shape "
                         f"{tuple(s.shape)}")
    return multiply(s, x)


def angle(input: Any, name=None) -> Tensor:  # noqa: A002
    """The argument of each complex number (0 or pi for real numbers)."""
    from .elementwise import atan2
    from .special_functions import imag, real
    x = convert_to_tensor(input)
    if x.dtype.is_complex:
        return atan2(imag(x), real(x))
    return where(less(x, 0), zeros_like_value(x) + math.pi, zeros_like_value(x))


def complex(real: Any, imag: Any, name=None) -> Tensor:  # noqa: A001
    """``real + 1j * imag``: complex64 from float32 parts, complex128 from float64."""
    from .special_functions import _times_i
    re, im = convert_to_tensor(real), convert_to_tensor(imag)
    if re.dtype != im.dtype or re.dtype.name not in ("float32", "float64"):
        raise TypeError(f"ember.complex: real and imag must both be float32 or both "
                        f"float64; got {re.dtype.name} and {im.dtype.name}")
    ctype = "complex64" if re.dtype.name == "float32" else "complex128"
    return cast(re, ctype) + _times_i(cast(im, ctype))


def confusion_matrix(labels: Any, predictions: Any, num_classes: Any = None,
                     weights: Any = None, dtype: Any = "int32", name=None) -> Tensor:
    """``m[i, j]`` = (weighted) count of examples with label ``i`` predicted as ``j``."""
    from .indexing import scatter_nd
    from .shape import reshape, stack
    lab, pred = convert_to_tensor(labels), convert_to_tensor(predictions)
    if not (lab.dtype.is_integer and pred.dtype.is_integer):
        raise TypeError(f"ember.math.confusion_matrix: labels and predictions must be "
                        f"integers; got {lab.dtype.name} and {pred.dtype.name}")
    lab, pred = reshape(cast(lab, "int64"), [-1]), reshape(cast(pred, "int64"), [-1])
    if lab.shape != pred.shape:
        raise InvalidArgumentError(f"ember.math.confusion_matrix: labels and predictions "
                                   f"must have the same size; got {tuple(lab.shape)} and "
                                   f"{tuple(pred.shape)}")
    lv, pv = np.asarray(lab.numpy()), np.asarray(pred.numpy())
    if (lv.size and lv.min() < 0) or (pv.size and pv.min() < 0):
        raise InvalidArgumentError("ember.math.confusion_matrix: labels and predictions "
                                   "must be non-negative")
    if num_classes is None:
        n = int(max(lv.max() if lv.size else -1, pv.max() if pv.size else -1)) + 1
    else:
        n = int(getattr(num_classes, "_value", num_classes))
        if (lv.size and lv.max() >= n) or (pv.size and pv.max() >= n):
            raise InvalidArgumentError(f"ember.math.confusion_matrix: labels and "
                                       f"predictions must be < num_classes={n}")
    values = (cast(reshape(convert_to_tensor(weights), [-1]), dtype) if weights is not None
              else cast(zeros_like_value(lab) + 1, dtype))
    return scatter_nd(stack([lab, pred], axis=1), values, [n, n])


def is_non_decreasing(x: Any, name=None) -> Tensor:
    """True when every element of (flattened) ``x`` is >= the one before it."""
    from .shape import reshape
    x = reshape(convert_to_tensor(x), [-1])
    return reduce_all(logical_or(greater(x[1:], x[:-1]), equal(x[1:], x[:-1])))


def is_strictly_increasing(x: Any, name=None) -> Tensor:
    """True when every element of (flattened) ``x`` is > the one before it."""
    from .shape import reshape
    x = reshape(convert_to_tensor(x), [-1])
    return reduce_all(greater(x[1:], x[:-1]))


def invert_permutation(x: Any, name=None) -> Tensor:
    """The inverse of the permutation ``x``: ``y[x[i]] = i``."""
    x = convert_to_tensor(x)
    if x.ndim != 1 or not x.dtype.is_integer:
        raise InvalidArgumentError(f"ember.math.invert_permutation: expects a 1-D integer "
                                   f"tensor; got {x.dtype.name} of shape {tuple(x.shape)}")
    v = np.asarray(x.numpy())
    if sorted(v.tolist()) != list(range(v.size)):
        raise InvalidArgumentError(f"ember.math.invert_permutation: {v.tolist()} is not a "
                                   f"permutation of 0..{v.size - 1}")
    out = np.empty_like(v)
    out[v] = np.arange(v.size, dtype=v.dtype)
    return Tensor(out)


def accumulate_n(inputs: Sequence[Any], shape: Any = None, tensor_dtype: Any = None,
                 name=None) -> Tensor:
    """The sum of same-shaped tensors (``add_n``)."""
    return add_n(list(inputs))


def ndtri(x: Any, name=None) -> Tensor:
    """The inverse of the standard normal CDF: ``sqrt(2) * erfinv(2x - 1)``."""
    from .special_erfinv import erfinv
    x = convert_to_tensor(x)
    x = cast(x, "float32") if x.dtype.is_integer else x
    return erfinv(x * 2 - 1) * math.sqrt(2.0)
