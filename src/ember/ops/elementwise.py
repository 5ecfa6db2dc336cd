"""Elementwise ops: arithmetic, transcendental functions, rounding, comparisons, logic,
and the composites TensorFlow builds from them (``add_n``, ``xlogy``, ``xdivy``,
``polyval`` ...).

Each primitive's forward uses the array module ``xp``; each vjp uses Ember ops, so it
can be differentiated again.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..core.dtypes import to_numpy
from ..core.errors import InvalidArgumentError
from .creation import convert_to_tensor
from .long_rows import broadcast_binary
from .primitive import primitive
from .special import erf_array


def _int_to_float(xp, x):
    """Transcendental functions on integer tensors give float32 (not NumPy's float64)."""
    k = x.dtype.kind
    if k in "iub":
        return x.astype(xp.float32)
    return x


def _holomorphic(rule):
    """A vjp written as ``g * f'(x)``, given TF's complex convention: for complex
    values the gradient is ``g * conj(f'(x))``, that is ``conj(rule(conj(g)))``."""
    def vjp(g, out, *xs):
        if not g.dtype.is_complex:
            return rule(g, out, *xs)
        from .special_functions import conj
        res = rule(conj(g), out, *xs)
        if isinstance(res, tuple):
            return tuple(None if r is None else conj(r) for r in res)
        return conj(res)
    return vjp


# -- arithmetic --------------------------------------------------------------------------
@primitive
def add(xp, x, y):
    return broadcast_binary(xp.add, x, y)


@add.vjp
def _(g, out, x, y):
    return g, g


@primitive
def subtract(xp, x, y):
    return broadcast_binary(xp.subtract, x, y)


@subtract.vjp
def _(g, out, x, y):
    return g, -g


@primitive
def multiply(xp, x, y):
    return broadcast_binary(xp.multiply, x, y)


@multiply.vjp
def _(g, out, x, y):
    if x._value.dtype.kind == "c" or y._value.dtype.kind == "c":  # TF: g * conj(other)
        from .special_functions import conj
        return g * conj(y), g * conj(x)
    return g * y, g * x


@primitive
def divide(xp, x, y):
    return broadcast_binary(xp.true_divide, x, y)


@divide.vjp
def _(g, out, x, y):
    if x._value.dtype.kind == "c" or y._value.dtype.kind == "c":
        from .special_functions import conj
        return g / conj(y), -g * conj(out) / conj(y)
    return g / y, -g * out / y


truediv = divide


@primitive
def floordiv(xp, x, y):
    _check_int_divisor(xp, "floordiv", x, y)
    return xp.floor_divide(x, y)


def _check_int_divisor(xp, op: str, x, y) -> None:
    """Integer division by zero is an error, as in TF (NumPy would give 0 silently)."""
    xk = x.dtype.kind if hasattr(x, "dtype") else ("f" if isinstance(x, float) else "i")
    yk = y.dtype.kind if hasattr(y, "dtype") else ("f" if isinstance(y, float) else "i")
    if xk in "iu" and yk in "iu" and bool((y == 0).any() if hasattr(y, "any") else y == 0):
        raise InvalidArgumentError(
            f"ember.{op}: integer division by zero (the divisor, of shape "
            f"{tuple(getattr(y, 'shape', ()))}, holds 0)")


@floordiv.vjp
def _(g, out, x, y):
    return None, None


@primitive
def floormod(xp, x, y):
    _check_int_divisor(xp, "floormod", x, y)
    return xp.mod(x, y)


@floormod.vjp
def _(g, out, x, y):
    return g, -g * floor(x / y)


mod = floormod


@primitive
def pow(xp, x, y):  # noqa: A001 - TensorFlow's name
    return xp.power(x, y)


@pow.vjp
@_holomorphic
def _(g, out, x, y):
    gx = g * y * pow(x, y - 1)
    # d/dy x**y = x**y log x, taken as 0 where x <= 0 (as TensorFlow does)
    positive = greater(x, 0)
    safe_x = where(positive, x, ones_like_value(x))
    gy = g * where(positive, out * log(safe_x), zeros_like_value(out))
    return gx, gy


@primitive
def negative(xp, x):
    return xp.negative(x)


@negative.vjp
def _(g, out, x):
    return -g


neg = negative


@primitive
def abs(xp, x):  # noqa: A001
    return xp.abs(x)


@abs.vjp
def _(g, out, x):
    return g * sign(x)


@primitive
def sign(xp, x):
    return xp.sign(x)


@sign.vjp
def _(g, out, x):
    return zeros_like_value(g)


@primitive
def exp(xp, x):
    return xp.exp(_int_to_float(xp, x))


@exp.vjp
@_holomorphic
def _(g, out, x):
    return g * out


@primitive
def expm1(xp, x):
    return xp.expm1(_int_to_float(xp, x))


@expm1.vjp
@_holomorphic
def _(g, out, x):
    return g * (out + 1)


@primitive
def log(xp, x):
    return xp.log(_int_to_float(xp, x))


@log.vjp
@_holomorphic
def _(g, out, x):
    return g / x


@primitive
def log1p(xp, x):
    return xp.log1p(_int_to_float(xp, x))


@log1p.vjp
@_holomorphic
def _(g, out, x):
    return g / (x + 1)


@primitive
def sqrt(xp, x):
    return xp.sqrt(_int_to_float(xp, x))


def _zero_where_g_is_zero(g, grad):
    """TF's rule for sqrt, rsqrt and reciprocal: a zero incoming gradient gives a zero
    gradient even where the local derivative is infinite or NaN (``where(x > 0, sqrt(x),
    0)`` has a finite gradient at ``x <= 0``)."""
    return where(equal(g, 0), zeros_like_value(grad), grad)


@sqrt.vjp
@_holomorphic
def _(g, out, x):
    return _zero_where_g_is_zero(g, g * 0.5 / out)


@primitive
def rsqrt(xp, x):
    x = _int_to_float(xp, x)
    return xp.reciprocal(xp.sqrt(x))


@rsqrt.vjp
@_holomorphic
def _(g, out, x):
    return _zero_where_g_is_zero(g, g * -0.5 * out / x)


@primitive
def square(xp, x):
    return xp.square(x)


@square.vjp
@_holomorphic
def _(g, out, x):
    return g * 2 * x


@primitive
def reciprocal(xp, x):
    return xp.reciprocal(_int_to_float(xp, x))


@reciprocal.vjp
@_holomorphic
def _(g, out, x):
    return _zero_where_g_is_zero(g, -g * out * out)


# -- trigonometric and hyperbolic ---------------------------------------------------------
@primitive
def sin(xp, x):
    return xp.sin(_int_to_float(xp, x))


@sin.vjp
@_holomorphic
def _(g, out, x):
    return g * cos(x)


@primitive
def cos(xp, x):
    return xp.cos(_int_to_float(xp, x))


@cos.vjp
@_holomorphic
def _(g, out, x):
    return -g * sin(x)


@primitive
def tan(xp, x):
    return xp.tan(_int_to_float(xp, x))


@tan.vjp
@_holomorphic
def _(g, out, x):
    return g * (1 + out * out)


@primitive
def asin(xp, x):
    return xp.arcsin(_int_to_float(xp, x))


@asin.vjp
@_holomorphic
def _(g, out, x):
    return g * rsqrt(1 - x * x)


@primitive
def acos(xp, x):
    return xp.arccos(_int_to_float(xp, x))


@acos.vjp
@_holomorphic
def _(g, out, x):
    return -g * rsqrt(1 - x * x)


@primitive
def atan(xp, x):
    return xp.arctan(_int_to_float(xp, x))


@atan.vjp
@_holomorphic
def _(g, out, x):
    return g / (1 + x * x)


@primitive
def atan2(xp, y, x):
    return xp.arctan2(y, x)


@atan2.vjp
def _(g, out, y, x):
    denom = x * x + y * y
    return g * x / denom, -g * y / denom


@primitive
def sinh(xp, x):
    return xp.sinh(_int_to_float(xp, x))


@sinh.vjp
@_holomorphic
def _(g, out, x):
    return g * cosh(x)


@primitive
def cosh(xp, x):
    return xp.cosh(_int_to_float(xp, x))


@cosh.vjp
@_holomorphic
def _(g, out, x):
    return g * sinh(x)


@primitive
def tanh(xp, x):
    return xp.tanh(_int_to_float(xp, x))


@tanh.vjp
@_holomorphic
def _(g, out, x):
    return g * (1 - out * out)


@primitive
def asinh(xp, x):
    return xp.arcsinh(_int_to_float(xp, x))


@asinh.vjp
@_holomorphic
def _(g, out, x):
    return g * rsqrt(x * x + 1)


@primitive
def acosh(xp, x):
    return xp.arccosh(_int_to_float(xp, x))


@acosh.vjp
@_holomorphic
def _(g, out, x):
    return g * rsqrt(x * x - 1)


@primitive
def atanh(xp, x):
    return xp.arctanh(_int_to_float(xp, x))


@atanh.vjp
@_holomorphic
def _(g, out, x):
    return g / (1 - x * x)


@primitive
def sigmoid(xp, x):
    x = _int_to_float(xp, x)
    if x.dtype.kind == "c":
        return 1 / (1 + xp.exp(-x))
    # exp of a non-positive number only: no overflow for large |x|, and no cancellation
    e = xp.exp(-xp.abs(x))
    s = xp.asarray(1 / (1 + e))   # sigmoid(|x|)
    xp.copyto(s, e * s, where=x < 0)   # sigmoid(-|x|) = e / (1 + e) where x < 0
    return s


@sigmoid.vjp
@_holomorphic
def _(g, out, x):
    return g * out * (1 - out)


@primitive
def erf(xp, x):
    return erf_array(xp, _int_to_float(xp, x))


@erf.vjp
def _(g, out, x):
    return g * (2.0 / np.sqrt(np.pi)) * exp(-x * x)


# -- min / max / clipping / rounding ------------------------------------------------------
@primitive
def maximum(xp, x, y):
    return broadcast_binary(xp.maximum, x, y, scalars=True)


@maximum.vjp
def _(g, out, x, y):
    # ties send the gradient to x, as TensorFlow does
    mask = greater_equal(x, y)
    zero = zeros_like_value(g)
    return where(mask, g, zero), where(mask, zero, g)


@primitive
def minimum(xp, x, y):
    return broadcast_binary(xp.minimum, x, y, scalars=True)


@minimum.vjp
def _(g, out, x, y):
    mask = less_equal(x, y)
    zero = zeros_like_value(g)
    return where(mask, g, zero), where(mask, zero, g)


def clip_by_value(t: Any, clip_value_min: Any, clip_value_max: Any, name=None):
    """Clip values to ``[clip_value_min, clip_value_max]``; the gradient passes where
    the value was inside the range.

    >>> import ember
    >>> ember.clip_by_value([-2.0, 0.5, 3.0], -1.0, 1.0).numpy()
    array([-1. ,  0.5,  1. ], dtype=float32)
    """
    # TF's order: min(t, max) first, so clip_value_min wins where min > max
    return maximum(minimum(t, clip_value_max), clip_value_min)


@primitive
def round(xp, x):  # noqa: A001 - banker's rounding, like TensorFlow
    return xp.round(x)


@round.vjp
def _(g, out, x):
    return None


@primitive
def floor(xp, x):
    return xp.floor(x)


@floor.vjp
def _(g, out, x):
    return None


@primitive
def ceil(xp, x):
    return xp.ceil(x)


@ceil.vjp
def _(g, out, x):
    return None


@primitive
def rint(xp, x):
    return xp.rint(x)


@rint.vjp
def _(g, y, x):
    return None


# -- comparisons and logic (no gradient) --------------------------------------------------
@primitive
def equal(xp, x, y):
    return xp.equal(x, y)


@primitive
def not_equal(xp, x, y):
    return xp.not_equal(x, y)


@primitive
def less(xp, x, y):
    return xp.less(x, y)


@primitive
def less_equal(xp, x, y):
    return xp.less_equal(x, y)


@primitive
def greater(xp, x, y):
    return xp.greater(x, y)


@primitive
def greater_equal(xp, x, y):
    return xp.greater_equal(x, y)


def require_kind(name: str, kinds: str, what: str, *arrays) -> None:
    """Refuse an array whose dtype kind is not in ``kinds``, naming the op ``ember.{name}``
    and ``what`` it expects (``"bool"``, ``"integer"``)."""
    for a in arrays:
        if a.dtype.kind not in kinds:
            raise InvalidArgumentError(f"ember.{name} expects {what} tensors; got "
                                       f"{a.dtype.name} of shape {tuple(a.shape)}")


def _require_bool(name, *arrays):
    require_kind(name, "b", "bool", *arrays)


@primitive
def logical_and(xp, x, y):
    _require_bool("logical_and", x, y)
    return xp.logical_and(x, y)


@primitive
def logical_or(xp, x, y):
    _require_bool("logical_or", x, y)
    return xp.logical_or(x, y)


@primitive
def logical_xor(xp, x, y):
    _require_bool("logical_xor", x, y)
    return xp.logical_xor(x, y)


@primitive
def logical_not(xp, x):
    _require_bool("logical_not", x)
    return xp.logical_not(x)


@primitive
def is_nan(xp, x):
    return xp.isnan(x)


@primitive
def is_inf(xp, x):
    return xp.isinf(x)


@primitive
def is_finite(xp, x):
    return xp.isfinite(x)


@primitive(name="where")
def _where(xp, condition, x, y):
    if condition.dtype.kind != "b":
        raise InvalidArgumentError(f"ember.where: condition must be bool; got "
                                   f"{condition.dtype.name}")
    return xp.where(condition, x, y)


@_where.vjp
def _(g, out, condition, x, y):
    zero = zeros_like_value(g)
    return None, where(condition, g, zero), where(condition, zero, g)


def where(condition: Any, x: Any = None, y: Any = None, name=None):
    """Choose from ``x`` where ``condition`` holds and from ``y`` elsewhere (broadcasting).

    With only ``condition``, returns the coordinates of true elements (int64, shape
    ``(n, rank)``), as TensorFlow does.

    >>> import ember
    >>> ember.where([True, False], 1.0, 2.0).numpy()
    array([1., 2.], dtype=float32)
    """
    if x is None and y is None:
        from .indexing import where_indices
        return where_indices(condition)
    if x is None or y is None:
        raise ValueError("ember.where: give both x and y, or neither")
    return _where(condition, x, y)


# -- casting ------------------------------------------------------------------------------
@primitive(name="cast")
def _cast(xp, x, dtype):
    if dtype.kind in "iu" and x.dtype.kind == "f":
        return xp.trunc(x).astype(dtype)  # toward zero, as TensorFlow
    if dtype.kind == "b":
        return x != 0
    if x.dtype.kind == "c" and dtype.kind != "c":
        x = x.real            # TF's cast keeps the real part (NumPy would warn)
    return x.astype(dtype)


@_cast.vjp
def _(g, out, x, dtype):
    return cast(g, x.dtype) if x.dtype.is_inexact else None


def cast(x: Any, dtype: Any, name=None):
    """Convert ``x`` to ``dtype``; floats to ints truncate toward zero.

    >>> import ember
    >>> ember.cast([1.7, -1.7], "int32").numpy()
    array([ 1, -1], dtype=int32)
    """
    npd = to_numpy(dtype)
    if getattr(getattr(x, "_value", None), "dtype", None) == npd:
        return x if not hasattr(x, "_is_ember_variable") else x.read_value()
    return _cast(x, dtype=npd)


def saturate_cast(x: Any, dtype: Any, name=None):
    """Cast, clipping values that do not fit the target dtype first."""
    npd = to_numpy(dtype)
    if npd.kind in "iu":
        info = np.iinfo(npd)
        x = clip_by_value(cast(x, "float64"), float(info.min), float(info.max))
    return cast(x, npd)


# -- helpers used by gradient rules --------------------------------------------------------
@primitive
def zeros_like_value(xp, x):
    return xp.zeros_like(x)


@primitive
def ones_like_value(xp, x):
    return xp.ones_like(x)


@primitive
def stop_gradient(xp, x):
    """The same values, but no gradient flows back through it.

    >>> import ember
    >>> x = ember.constant(2.0)
    >>> with ember.GradientTape() as t:
    ...     t.watch(x)
    ...     y = x * ember.stop_gradient(x)
    >>> float(t.gradient(y, x))
    2.0
    """
    return x


# -- composites TensorFlow also exposes ---------------------------------------------------
def add_n(inputs: list, name=None):
    """Sum of a list of same-shaped tensors.

    >>> import ember
    >>> ember.add_n([[1.0], [2.0], [3.0]]).numpy()
    array([6.], dtype=float32)
    """
    inputs = list(inputs)
    if not inputs:
        raise ValueError("ember.add_n: needs at least one tensor")
    shapes = [tuple(getattr(t, "shape", None) or np.shape(t)) for t in inputs]
    if any(s != shapes[0] for s in shapes[1:]):
        raise InvalidArgumentError(
            f"ember.add_n: inputs must all have the same shape; got shapes "
            f"{', '.join(str(s) for s in shapes)}")
    total = inputs[0]
    for t in inputs[1:]:
        total = add(total, t)
    return total if len(inputs) > 1 else add(total, zeros_like_value(total))


def accumulate_n(inputs: Sequence[Any], shape: Any = None, tensor_dtype: Any = None,
                 name=None):
    """The sum of same-shaped tensors (``add_n``)."""
    return add_n(list(inputs))


def scalar_mul(scalar: Any, x: Any, name=None):
    """``scalar * x`` for a scalar (0-d) ``scalar``."""
    s = convert_to_tensor(scalar) if not isinstance(scalar, (int, float)) else scalar
    if not isinstance(s, (int, float)) and tuple(s.shape) != ():
        raise ValueError(f"ember.math.scalar_mul: scalar must be 0-d; got shape "
                         f"{tuple(s.shape)}")
    return multiply(s, x)


def squared_difference(x, y, name=None):
    """``(x - y) ** 2`` elementwise."""
    d = subtract(x, y)
    return d * d


def divide_no_nan(x, y, name=None):
    """``x / y``, but 0 where ``y`` is 0 (and no gradient through those places).

    >>> import ember
    >>> ember.math.divide_no_nan([1.0, 1.0], [0.0, 2.0]).numpy()
    array([0. , 0.5], dtype=float32)
    """
    zero = equal(y, 0)
    safe_y = where(zero, ones_like_value(y), y)
    q = divide(x, safe_y)
    return where(zero, zeros_like_value(q), q)


def multiply_no_nan(x, y, name=None):
    """``x * y``, but 0 where ``y`` is 0 even if ``x`` is inf or nan."""
    p = multiply(x, y)
    return where(equal(y, 0), zeros_like_value(p), p)


def reciprocal_no_nan(x, name=None):
    """``1 / x``, but 0 where ``x`` is 0."""
    return divide_no_nan(ones_like_value(x), x)


def xlogy(x, y, name=None):
    """``x * log(y)``, 0 where ``x`` is 0."""
    zero = equal(x, 0)
    safe_y = where(zero, ones_like_value(y), y)
    out = x * log(safe_y)
    return where(zero, zeros_like_value(out), out)


def xdivy(x: Any, y: Any, name=None):
    """``x / y``, 0 where ``x`` is 0."""
    x, y = convert_to_tensor(x), convert_to_tensor(y)
    zero = equal(x, 0)
    safe_y = where(zero, zeros_like_value(y) + 1, y)
    return where(zero, zeros_like_value(divide(x, safe_y)), divide(x, safe_y))


def polyval(coeffs: Sequence[Any], x: Any, name=None):
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


def erfc(x, name=None):
    """``1 - erf(x)``, without the cancellation of that formula for large ``x``.

    >>> import ember
    >>> float(ember.math.erfc(ember.constant(5.0)))
    1.53745982...e-12
    """
    from .special_erfinv import erfc as _erfc
    return _erfc(x)
