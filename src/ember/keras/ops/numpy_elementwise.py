"""Elementwise NumPy-style ops of ``keras.ops``: trigonometric and hyperbolic functions,
logarithms and powers, rounding, remainders, NaN-aware extrema, floating-point tests and
complex parts.

Result dtypes follow Keras 3's promotion lattice (``keras.backend.result_type``): a Python
``int`` is int32 and a Python ``float`` float32; where Keras treats a Python scalar as
weakly typed (``floor_divide``, ``fmax``, ``fmin``, ``divide_no_nan``) it takes the
tensor's dtype. 64-bit dtypes are kept, as on Keras's TensorFlow backend.

>>> float(hypot(3.0, 4.0)), log2([1, 8]).numpy().tolist(), gcd([12, 7], 18).numpy().tolist()
(5.0, [0.0, 3.0], [6, 1])
"""
from __future__ import annotations

import math
from typing import Any

import ember

# Primitives with no public Ember name yet (NumPy's log2, cbrt, i0, nextafter, gcd,
# complex parts ...); once ``ember.math`` exports them this line becomes ``_sf = ember.math``.
from ember.ops import special_functions as _sf

from ._dispatch import keras_op
from ._dispatch import t as _t
from ._dtypes import float_dtype as _float_dtype
from ._dtypes import result_type

__all__ = [
    "allclose", "angle", "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctan2",
    "arctanh", "cbrt", "conj", "conjugate", "copy", "cosh", "deg2rad", "divide_no_nan",
    "exp2", "fabs", "floor_divide", "fmax", "fmin", "fmod", "gcd", "heaviside", "hypot",
    "i0", "imag", "isclose", "isfinite", "isinf", "isnan", "isneginf", "isposinf", "isreal",
    "lcm", "ldexp", "log2", "log10", "logaddexp", "logaddexp2", "logical_xor", "mod",
    "nan_to_num", "nextafter", "rad2deg", "real", "reciprocal", "signbit", "sinc", "sinh",
    "trunc",
]

# ---- Keras's dtype promotion ------------------------------------------------------------
_WEAK = {"i": int, "f": float}  # the weak dtypes of Python scalars (int32, float32)
_FLOAT = ("float32", True)  # Keras's ``float`` argument of result_type: a weak float


def _kind(dtype: str) -> str:
    """NumPy's kind letter of a dtype name: b, i, u, f or c."""
    for prefix, kind in (("bool", "b"), ("uint", "u"), ("int", "i"), ("complex", "c")):
        if dtype.startswith(prefix):
            return kind
    return "f"


def _result_type(*specs: tuple) -> str:
    """Keras's ``result_type`` of ``(dtype, weak)`` pairs, keeping 64-bit dtypes."""
    return result_type(*[_WEAK.get(_kind(d), d) if w else d for d, w in specs])


def _spec(x: Any, weak_scalars: bool = False) -> tuple:
    """``(dtype name, weak)`` of an op argument, as Keras sees it."""
    dtype = getattr(x, "dtype", None)
    if dtype is not None:
        return ember.as_dtype(dtype).name, False
    if isinstance(x, bool):
        return "bool", False
    if isinstance(x, int):
        return "int32", weak_scalars
    if isinstance(x, float):
        return "float32", weak_scalars
    if isinstance(x, complex):
        return "complex64", False
    return _t(x).dtype.name, False


def _promote(*xs: Any, weak_scalars: bool = False, floating: bool = False) -> str:
    """The Keras result dtype of the arguments (``floating``: also with a weak float)."""
    specs = [_spec(x, weak_scalars) for x in xs]
    return _result_type(*specs, _FLOAT) if floating else _result_type(*specs)


def _wide_float_dtype(dtype: str, keep_bool: bool = False) -> str:
    """Keras's rule for cbrt, hypot, heaviside, i0, deg2rad, rad2deg: 64-bit integers give
    float64, smaller integers float32 (and bool, unless ``keep_bool``); floats are kept."""
    if dtype in ("int64", "uint64"):
        return "float64"
    if _kind(dtype) in "iu" or (dtype == "bool" and not keep_bool):
        return "float32"
    return dtype


def _full_like(x: ember.Tensor, value: float) -> ember.Tensor:
    """A constant of ``x``'s shape and dtype (no gradient flows into it)."""
    return ember.zeros_like(x) + ember.constant(value, dtype=x.dtype)


def _is_complex(x: ember.Tensor) -> bool:
    return x.dtype.is_complex


def _no_complex(name: str, *xs: ember.Tensor) -> None:
    for x in xs:
        if _is_complex(x):
            raise TypeError(f"keras.ops.{name}: complex inputs are not supported, received "
                            f"a {x.dtype.name} tensor of shape {tuple(x.shape)}")


def _ints_only(name: str, dtype: str, *xs: Any) -> None:
    if _kind(dtype) not in "iu":
        got = ", ".join(_spec(x)[0] for x in xs)
        raise TypeError(f"keras.ops.{name}: expects integer tensors, received dtypes {got} "
                        f"(which promote to {dtype})")


# ---- unary float functions --------------------------------------------------------------
def _float_unary(name: str, fn, example: str, no_complex: bool = False):
    def op(x: Any) -> ember.Tensor:
        x = _t(x)
        if no_complex:
            _no_complex(name, x)
        return fn(_t(x, _float_dtype(x)))
    op.__name__ = op.__qualname__ = name
    op.__doc__ = (f"Elementwise ``{name}``; integers and bool give float32"
                  f"{' (complex is refused)' if no_complex else ''}. "
                  f"``keras.ops.{name}{example}``.")
    return keras_op(op)


def _sinc(x: ember.Tensor) -> ember.Tensor:
    """``sin(pi x) / (pi x)``, with its Taylor polynomial near 0 (smooth gradients)."""
    px = x * math.pi
    small = ember.less(ember.abs(px), 1e-4)
    safe = ember.where(small, _full_like(px, 1.0), px)
    return ember.where(small, 1.0 - px * px / 6.0, ember.sin(safe) / safe)


arccos = _float_unary("arccos", ember.acos, "([1, -1])`` → ``[0.0, 3.1415927]")
arccosh = _float_unary("arccosh", ember.acosh, "([1.0, 10.0])`` → ``[0.0, 2.993223]")
arcsin = _float_unary("arcsin", ember.asin, "([1.0, 0.0])`` → ``[1.5707964, 0.0]")
arcsinh = _float_unary("arcsinh", ember.asinh, "([1.0])`` → ``[0.88137364]")
arctan = _float_unary("arctan", ember.atan, "([0, 1])`` → ``[0.0, 0.7853982]")
arctanh = _float_unary("arctanh", ember.atanh, "([0.0, -0.5])`` → ``[0.0, -0.54930615]")
cosh = _float_unary("cosh", ember.cosh, "([0.0])`` → ``[1.0]")
sinh = _float_unary("sinh", ember.sinh, "([0.0])`` → ``[0.0]")
log2 = _float_unary("log2", _sf.log2, "([1, 8])`` → ``[0.0, 3.0]")
log10 = _float_unary("log10", _sf.log10, "([1, 1000])`` → ``[0.0, 3.0]")
sinc = _float_unary("sinc", _sinc, "([0.0, 0.5])`` → ``[1.0, 0.63661975]")


@keras_op
def angle(x: Any) -> ember.Tensor:
    """The argument of each complex value in radians (``pi`` for negative reals, else 0).

    ``keras.ops.angle([1 + 1j, -2.0 + 0j])`` → ``[0.7853982, 3.1415927]`` (float32).
    """
    x = _t(x)
    x = _t(x, _float_dtype(x))
    if _is_complex(x):
        return ember.atan2(_sf.imag(x), _sf.real(x))
    turned = ember.where(_sf.signbit(x), _full_like(x, math.pi), _full_like(x, 0.0))
    return ember.where(ember.is_nan(x), x, turned)


@keras_op
def cbrt(x: Any) -> ember.Tensor:
    """The real cube root (int64 gives float64, smaller integers float32).

    ``keras.ops.cbrt([-8.0, 27.0])`` → ``[-2.0, 3.0]``.
    """
    x = _t(x)
    _no_complex("cbrt", x)
    return _sf.cbrt(_t(x, _wide_float_dtype(x.dtype.name)))


def _angle_units(name: str, factor: float, example: str):
    def op(x: Any) -> ember.Tensor:
        x = _t(x)
        _no_complex(name, x)
        return _t(x, _wide_float_dtype(x.dtype.name)) * factor
    op.__name__ = op.__qualname__ = name
    op.__doc__ = (f"Convert angles ({'degrees to radians' if factor < 1 else 'radians to degrees'})."
                  f" ``keras.ops.{name}{example}``.")
    return keras_op(op)


deg2rad = _angle_units("deg2rad", math.pi / 180.0, "([180.0])`` → ``[3.1415927]")
rad2deg = _angle_units("rad2deg", 180.0 / math.pi, "([3.1415927])`` → ``[180.0]")


exp2 = _float_unary("exp2", _sf.exp2, "([3, -1])`` → ``[8.0, 0.5]")
fabs = _float_unary("fabs", ember.abs, "([-1, 2])`` → ``[1.0, 2.0]", no_complex=True)


@keras_op
def i0(x: Any) -> ember.Tensor:
    """The modified Bessel function of the first kind, order 0 (int64 gives float64,
    smaller integers float32). ``keras.ops.i0([0.0, 1.0])`` → ``[1.0, 1.2660658]``.
    """
    x = _t(x)
    _no_complex("i0", x)
    return _sf.bessel_i0(_t(x, _wide_float_dtype(x.dtype.name)))


reciprocal = _float_unary("reciprocal", ember.reciprocal, "([2.0, 4.0])`` → ``[0.5, 0.25]")


@keras_op
def trunc(x: Any) -> ember.Tensor:
    """Round toward zero; integer and bool tensors come back unchanged.

    ``keras.ops.trunc([-1.7, 1.7])`` → ``[-1.0, 1.0]``.
    """
    x = _t(x)
    if not x.dtype.is_floating:
        _no_complex("trunc", x)
        return x
    return ember.where(ember.less(x, 0), ember.ceil(x), ember.floor(x))


@keras_op
def copy(x: Any) -> ember.Tensor:
    """A copy of ``x`` (same values and dtype). ``keras.ops.copy([1, 2])`` → ``[1, 2]``."""
    return ember.identity(_t(x))


# ---- complex parts ----------------------------------------------------------------------
@keras_op
def real(x: Any) -> ember.Tensor:
    """The real part (a real input comes back as it is).

    ``keras.ops.real([1 + 2j])`` → ``[1.0]`` (float32 for complex64).
    """
    return _sf.real(_t(x))


@keras_op
def imag(x: Any) -> ember.Tensor:
    """The imaginary part (zeros of the input's dtype for real inputs).

    ``keras.ops.imag([1 + 2j])`` → ``[2.0]``.
    """
    return _sf.imag(_t(x))


@keras_op
def conjugate(x: Any) -> ember.Tensor:
    """The complex conjugate (a real input comes back as it is).

    ``keras.ops.conjugate([1 + 2j])`` → ``[1 - 2j]``.
    """
    return _sf.conj(_t(x))


@keras_op
def conj(x: Any) -> ember.Tensor:
    """Shorthand for ``conjugate``. ``keras.ops.conj([1 + 2j])`` → ``[1 - 2j]``."""
    return conjugate(x)


# ---- tests on values (bool results) -----------------------------------------------------
@keras_op
def isfinite(x: Any) -> ember.Tensor:
    """Whether each value is finite (not NaN or ±inf; integers always are).

    ``keras.ops.isfinite([1.0, inf, nan])`` → ``[True, False, False]``.
    """
    return ember.is_finite(_t(x))


@keras_op
def isinf(x: Any) -> ember.Tensor:
    """Whether each value is ±inf. ``keras.ops.isinf([1.0, -inf])`` → ``[False, True]``."""
    return ember.is_inf(_t(x))


@keras_op
def isnan(x: Any) -> ember.Tensor:
    """Whether each value is NaN. ``keras.ops.isnan([1.0, nan])`` → ``[False, True]``."""
    return ember.is_nan(_t(x))


def _isinf_signed(name: str, value: float):
    def op(x: Any) -> ember.Tensor:
        x = _t(x)
        _no_complex(name, x)
        if not x.dtype.is_floating:
            return ember.zeros_like(x, dtype="bool")
        return ember.equal(x, value)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = (f"Whether each value is {'+' if value > 0 else '-'}inf (never for integers)."
                  f" ``keras.ops.{name}([-inf, inf])`` → "
                  f"``[{value < 0}, {value > 0}]``.")
    return keras_op(op)


isneginf = _isinf_signed("isneginf", -math.inf)
isposinf = _isinf_signed("isposinf", math.inf)


@keras_op
def isreal(x: Any) -> ember.Tensor:
    """Whether each imaginary part is zero (always true for real dtypes).

    ``keras.ops.isreal([1 + 1j, 2 + 0j])`` → ``[False, True]``.
    """
    x = _t(x)
    if not _is_complex(x):
        return ember.ones_like(x, dtype="bool")
    return ember.equal(_sf.imag(x), 0)


@keras_op
def signbit(x: Any) -> ember.Tensor:
    """Whether the sign bit is set (True for negatives, ``-0.0`` and ``-nan``).

    ``keras.ops.signbit([-1.0, -0.0, 2.0])`` → ``[True, True, False]``.
    """
    x = _t(x)
    _no_complex("signbit", x)
    return _sf.signbit(x)


@keras_op
def isclose(x1: Any, x2: Any, rtol: float = 1e-5, atol: float = 1e-8,
            equal_nan: bool = False) -> ember.Tensor:
    """Whether ``|x1 - x2| <= atol + rtol * |x2|`` elementwise (infinities are close only
    to themselves; NaNs only with ``equal_nan=True``).

    ``keras.ops.isclose([1.0, 1.1], [1.0, 1.0])`` → ``[True, False]``.
    """
    a, b = _t(x1), _t(x2)
    if not (a.dtype.is_inexact or b.dtype.is_inexact):
        dtype = "float64"  # compare integers exactly, as NumPy does
    else:
        dtype = _promote(a, b, floating=True)
    a, b = _t(a, dtype), _t(b, dtype)
    finite = ember.logical_and(ember.is_finite(a), ember.is_finite(b))
    fa = ember.where(finite, a, ember.zeros_like(a))
    fb = ember.where(finite, b, ember.zeros_like(b))
    within = ember.less_equal(ember.abs(fa - fb), atol + rtol * ember.abs(fb))
    close = ember.logical_or(ember.logical_and(within, finite), ember.equal(a, b))
    if equal_nan:
        close = ember.logical_or(close, ember.logical_and(ember.is_nan(a), ember.is_nan(b)))
    return close


@keras_op
def allclose(x1: Any, x2: Any, rtol: float = 1e-5, atol: float = 1e-8,
             equal_nan: bool = False) -> ember.Tensor:
    """Whether all values are close (``isclose``), as a scalar bool tensor.

    ``keras.ops.allclose([1.0, 2.0], [1.0, 2.000001])`` → ``True``.
    """
    return ember.reduce_all(isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan))


def _finite_range(dtype: ember.DType) -> tuple:
    """The largest and the lowest finite value of a float dtype."""
    try:
        return float(dtype.max), float(dtype.min)
    except ValueError:  # NumPy's finfo does not know bfloat16; ml_dtypes (its home) does
        import ml_dtypes
        info = ml_dtypes.finfo(dtype.as_numpy_dtype)
        return float(info.max), float(info.min)


@keras_op
def nan_to_num(x: Any, nan: float = 0.0, posinf: float | None = None,
               neginf: float | None = None) -> ember.Tensor:
    """Replace NaN by ``nan`` and ±inf by ``posinf`` / ``neginf`` (default: the dtype's
    largest / lowest finite value); integer tensors come back unchanged.

    ``keras.ops.nan_to_num([nan, inf, 1.0], posinf=9.0)`` → ``[0.0, 9.0, 1.0]``.
    """
    x = _t(x)
    if _is_complex(x):
        parts = [nan_to_num(p, nan=nan, posinf=posinf, neginf=neginf)
                 for p in (_sf.real(x), _sf.imag(x))]
        unit = ember.constant(1j, dtype=x.dtype)
        return ember.cast(parts[0], x.dtype) + ember.cast(parts[1], x.dtype) * unit
    if not x.dtype.is_floating:
        return x
    top, bottom = _finite_range(x.dtype)
    big = top if posinf is None else posinf
    low = bottom if neginf is None else neginf
    out = ember.where(ember.is_nan(x), _full_like(x, nan), x)
    out = ember.where(ember.equal(x, math.inf), _full_like(x, big), out)
    return ember.where(ember.equal(x, -math.inf), _full_like(x, low), out)


# ---- binary arithmetic ------------------------------------------------------------------
@keras_op
def arctan2(x1: Any, x2: Any) -> ember.Tensor:
    """The angle of the point ``(x2, x1)`` in ``[-pi, pi]`` (integers give float32).

    ``keras.ops.arctan2([1.0, -1.0], [0.0, 0.0])`` → ``[1.5707964, -1.5707964]``.
    """
    dtype = _promote(x1, x2, floating=True)
    return ember.atan2(_t(x1, dtype), _t(x2, dtype))


@keras_op
def divide_no_nan(x1: Any, x2: Any) -> ember.Tensor:
    """``x1 / x2``, but 0 wherever ``x2`` is 0 (integers give float32).

    ``keras.ops.divide_no_nan([1.0, 1.0], [0.0, 2.0])`` → ``[0.0, 0.5]``.
    """
    dtype = _promote(x1, x2, weak_scalars=True, floating=True)
    return ember.divide_no_nan(_t(x1, dtype), _t(x2, dtype))


@keras_op
def floor_divide(x1: Any, x2: Any) -> ember.Tensor:
    """``floor(x1 / x2)`` in the promoted dtype (integers stay integers).

    ``keras.ops.floor_divide([7, -7], 2)`` → ``[3, -4]``.
    """
    dtype = _promote(x1, x2, weak_scalars=True)
    if dtype == "bool":
        dtype = "int8"  # as NumPy promotes bool // bool
    return ember.floordiv(_t(x1, dtype), _t(x2, dtype))


def _nan_aware(name: str, ember_fn, doc: str):
    def op(x1: Any, x2: Any) -> ember.Tensor:
        dtype = _promote(x1, x2, weak_scalars=True)
        a, b = _t(x1, dtype), _t(x2, dtype)
        out = ember_fn(a, b)
        if not a.dtype.is_inexact:
            return out
        out = ember.where(ember.is_nan(a), b, out)
        return ember.where(ember.is_nan(b), a, out)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return keras_op(op)


fmax = _nan_aware("fmax", ember.maximum, """Elementwise maximum that ignores NaNs (NaN only
    where both are NaN). ``keras.ops.fmax([2.0, nan], [1.0, 4.0])`` → ``[2.0, 4.0]``.""")
fmin = _nan_aware("fmin", ember.minimum, """Elementwise minimum that ignores NaNs (NaN only
    where both are NaN). ``keras.ops.fmin([2.0, nan], [1.0, 4.0])`` → ``[1.0, 4.0]``.""")


def _int_or_float_dtype(x1: Any, x2: Any) -> str:
    dtype = _promote(x1, x2)
    return "int32" if dtype == "bool" else dtype


@keras_op
def mod(x1: Any, x2: Any) -> ember.Tensor:
    """Remainder of floor division, with the sign of ``x2`` (bool gives int32).

    ``keras.ops.mod([7, -7], 3)`` → ``[1, 2]``.
    """
    dtype = _int_or_float_dtype(x1, x2)
    return ember.floormod(_t(x1, dtype), _t(x2, dtype))


@keras_op
def fmod(x1: Any, x2: Any) -> ember.Tensor:
    """Remainder of truncated division, with the sign of ``x1`` (C's ``fmod``).

    ``keras.ops.fmod([7, -7], 3)`` → ``[1, -1]``.
    """
    dtype = _int_or_float_dtype(x1, x2)
    a, b = _t(x1, dtype), _t(x2, dtype)
    if a.dtype.is_floating:
        # |x1| mod |x2| is the exact truncated remainder of the magnitudes
        return ember.sign(a) * ember.floormod(ember.abs(a), ember.abs(b))
    # integers (where |x1| may overflow): move the floored remainder to x1's side
    r = ember.floormod(a, b)
    wrong_side = ember.logical_and(ember.not_equal(r, 0),
                                   ember.not_equal(ember.less(r, 0), ember.less(a, 0)))
    return ember.where(wrong_side, r - b, r)


@keras_op
def gcd(x1: Any, x2: Any) -> ember.Tensor:
    """Greatest common divisor of integers (non-negative).

    ``keras.ops.gcd([12, 7], [18, 21])`` → ``[6, 7]``.
    """
    dtype = _promote(x1, x2)
    _ints_only("gcd", dtype, x1, x2)
    return _sf.gcd(_t(x1, dtype), _t(x2, dtype))


@keras_op
def lcm(x1: Any, x2: Any) -> ember.Tensor:
    """Least common multiple of integers (non-negative).

    ``keras.ops.lcm([2, 3, 4], [5, 6, 7])`` → ``[10, 6, 28]``.
    """
    dtype = _promote(x1, x2)
    _ints_only("lcm", dtype, x1, x2)
    return _sf.lcm(_t(x1, dtype), _t(x2, dtype))


@keras_op
def heaviside(x1: Any, x2: Any) -> ember.Tensor:
    """Step function: 0 where ``x1 < 0``, 1 where ``x1 > 0``, ``x2`` where ``x1 == 0``.

    ``keras.ops.heaviside([-2.0, 0.0, 3.0], 0.5)`` → ``[0.0, 0.5, 1.0]``.
    """
    dtype = _wide_float_dtype(_promote(x1, x2), keep_bool=True)
    work = "float32" if dtype == "bool" else dtype
    a, b = _t(x1, work), _t(x2, work)
    _no_complex("heaviside", a)
    a = a + ember.zeros_like(b)  # the broadcast shape
    out = ember.where(ember.greater(a, 0), _full_like(a, 1.0), b + ember.zeros_like(a))
    out = ember.where(ember.less(a, 0), _full_like(a, 0.0), out)
    return _t(ember.where(ember.is_nan(a), a, out), dtype)


@keras_op
def hypot(x1: Any, x2: Any) -> ember.Tensor:
    """``sqrt(x1**2 + x2**2)`` without overflow for large values (integers give float32).

    ``keras.ops.hypot([3.0, 5.0], [4.0, 12.0])`` → ``[5.0, 13.0]``.
    """
    dtype = _wide_float_dtype(_promote(x1, x2), keep_bool=True)
    work = "float32" if dtype == "bool" else dtype
    a, b = _t(x1, work), _t(x2, work)
    _no_complex("hypot", a, b)
    a, b = ember.abs(a), ember.abs(b)
    a_bigger = ember.greater_equal(a, b)
    hi, lo = ember.where(a_bigger, a, b), ember.where(a_bigger, b, a)
    special = ember.logical_or(ember.equal(hi, 0), ember.is_inf(hi))
    ratio = lo / ember.where(special, _full_like(hi, 1.0), hi)
    out = hi * ember.sqrt(1.0 + ratio * ratio)
    out = ember.where(ember.logical_or(ember.is_inf(a), ember.is_inf(b)),
                      _full_like(out, math.inf), out)
    return _t(out, dtype)


@keras_op
def ldexp(x1: Any, x2: Any) -> ember.Tensor:
    """``x1 * 2**x2`` with an integer exponent ``x2``.

    ``keras.ops.ldexp([0.75, 1.5], [1, 2])`` → ``[1.5, 6.0]``.
    """
    exponent = _t(x2)
    if not exponent.dtype.is_integer:
        raise TypeError("keras.ops.ldexp: the exponent `x2` must be an integer tensor, "
                        f"received dtype={exponent.dtype.name}")
    dtype = _promote(x1, exponent, floating=True)
    mantissa = _t(x1, dtype)
    _no_complex("ldexp", mantissa)
    wide = "float64"
    k = _t(exponent, "int64" if exponent.dtype.name in ("int64", "uint64") else "int32")
    half = ember.floordiv(k, 2)  # two factors, so 2**k overflows only when the result does
    out = (_t(mantissa, wide) * _sf.exp2(_t(half, wide))
           * _sf.exp2(_t(k - half, wide)))
    return _t(out, dtype)


def _log_add(name: str, base2: bool, doc: str):
    def op(x1: Any, x2: Any) -> ember.Tensor:
        dtype = _promote(x1, x2, floating=True)
        a, b = _t(x1, dtype), _t(x2, dtype)
        _no_complex(name, a)
        a_bigger = ember.greater_equal(a, b)
        hi, lo = ember.where(a_bigger, a, b), ember.where(a_bigger, b, a)
        finite = ember.is_finite(hi)
        safe_hi = ember.where(finite, hi, ember.zeros_like(hi))
        safe_lo = ember.where(finite, lo, ember.zeros_like(lo))
        gap = safe_lo - safe_hi  # <= 0
        if base2:
            out = safe_hi + ember.log1p(_sf.exp2(gap)) / math.log(2.0)
        else:
            out = safe_hi + ember.log1p(ember.exp(gap))
        # an infinite larger value wins, unless the other one is NaN
        return ember.where(finite, out, ember.where(ember.is_nan(lo), lo, hi))
    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return keras_op(op)


logaddexp = _log_add("logaddexp", False, """``log(exp(x1) + exp(x2))`` without overflow
    (integers give float32). ``keras.ops.logaddexp([0.0], [0.0])`` → ``[0.6931472]``.""")
logaddexp2 = _log_add("logaddexp2", True, """``log2(2**x1 + 2**x2)`` without overflow
    (integers give float32). ``keras.ops.logaddexp2([1, 2], [1, 2])`` → ``[2.0, 3.0]``.""")


@keras_op
def logical_xor(x1: Any, x2: Any) -> ember.Tensor:
    """Elementwise XOR of truth values. ``keras.ops.logical_xor([1, 0], [1, 1])`` →
    ``[False, True]``."""
    return ember.logical_xor(ember.cast(_t(x1), "bool"), ember.cast(_t(x2), "bool"))


@keras_op
def nextafter(x1: Any, x2: Any) -> ember.Tensor:
    """The next representable float after ``x1`` towards ``x2`` (no gradient).

    ``keras.ops.nextafter([1.0, 1.0], [2.0, 0.0])`` → ``[1.0000001, 0.99999994]``.
    """
    dtype = _promote(x1, x2, floating=True)
    return _sf.nextafter(_t(x1, dtype), _t(x2, dtype))
