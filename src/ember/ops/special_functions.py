"""Elementwise functions NumPy has (or SciPy has) and Ember's other op families lack.

Modified Bessel functions of order 0 and 1 (``bessel_i0``, ``bessel_i1``), base-2 and
base-10 logarithms and ``exp2``, the real cube root, ``nextafter``, ``signbit``,
``gcd`` / ``lcm``, and complex numbers: their parts (``real``, ``imag``, ``conj``,
``angle``) and ``complex`` to build them.
Each forward is one call of the array module ``xp`` (NumPy or CuPy) where it has the
function, so results are exact to the last bit; gradients are written with Ember ops.

The Bessel functions are evaluated without SciPy, in float64:

- for ``|x| <= 20`` the power series ``I_n(x) = (x/2)^n sum_k (x^2/4)^k / (k! (k+n)!)``
  (45 terms, all positive, so no cancellation);
- beyond, the large-argument expansion
  ``I_n(x) ~ e^x / sqrt(2 pi x) * sum_k (-1)^k prod_{j<=k} (4n^2 - (2j-1)^2) / (k! (8x)^k)``
  (22 terms), with ``e^x`` formed as ``e^(x/2) * e^(x/2)`` so that it does not overflow
  before ``I_n`` itself does.

Both pieces agree with SciPy's ``i0`` / ``i1`` to about 2e-15 (relative) everywhere.

>>> import numpy as np
>>> round(float(bessel_i0(np.array(1.0))), 12), round(float(bessel_i1(np.array(1.0))), 12)
(1.266065877752, 0.565159103992)
"""
from __future__ import annotations

import contextlib
import math
from typing import Any

import numpy as np

from ..core.tensor import Tensor
from .creation import convert_to_tensor
from .elementwise import (_int_to_float, atan2, cast, equal, less, require_kind, where,
                          zeros_like_value)
from .primitive import primitive

_SERIES_LIMIT = 20.0
_SERIES_TERMS = 45
_ASYMPTOTIC_TERMS = 22


def _series_coefficients(n: int) -> np.ndarray:
    """1 / (k! (k+n)!) for k = 0 .. _SERIES_TERMS-1: the power series in (x/2)^2."""
    return np.array([1.0 / (math.factorial(k) * math.factorial(k + n))
                     for k in range(_SERIES_TERMS)])


def _asymptotic_coefficients(n: int) -> np.ndarray:
    """The coefficients of 1/x^k in the large-argument expansion of I_n."""
    mu = 4.0 * n * n
    coefs = [1.0]
    for k in range(1, _ASYMPTOTIC_TERMS):
        coefs.append(coefs[-1] * (((2 * k - 1) ** 2 - mu) / (8.0 * k)))
    return np.array(coefs)


_COEFS = {n: (_series_coefficients(n), _asymptotic_coefficients(n)) for n in (0, 1)}


def _quiet(xp):
    """NumPy's floating-point warnings silenced (CuPy has none to silence)."""
    return np.errstate(all="ignore") if xp is np else contextlib.nullcontext()


def _horner(xp, z, coefs):
    out = xp.zeros_like(z)
    for c in coefs[::-1]:
        out = out * z + c
    return out


def _bessel_abs(xp, a, n: int):
    """I_n at ``a = |x|`` (a float64 array), for n in (0, 1)."""
    series_c, asym_c = _COEFS[n]
    small = a <= _SERIES_LIMIT
    a_small = xp.where(small, a, 0.0)
    half = 0.5 * a_small
    near = _horner(xp, half * half, series_c)
    if n == 1:
        near = near * half
    a_big = xp.minimum(xp.where(small, _SERIES_LIMIT, a), 1500.0)  # inf stays inf below
    e = xp.exp(0.5 * a_big)
    far = e * (_horner(xp, 1.0 / a_big, asym_c) / xp.sqrt((2.0 * math.pi) * a_big)) * e
    return xp.where(small, near, far)


@primitive
def bessel_i0(xp, x):
    """The modified Bessel function of the first kind, order 0 (even in ``x``).

    >>> import ember
    >>> ember.ops.special_functions.bessel_i0(ember.constant([0.0, 2.0])).numpy()
    array([1.       , 2.2795851], dtype=float32)
    """
    x = _int_to_float(xp, x)
    with _quiet(xp):
        out = _bessel_abs(xp, xp.abs(x.astype(xp.float64)), 0)
        return out.astype(x.dtype)


@bessel_i0.vjp
def _(g, y, x):
    return g * bessel_i1(x)


@primitive
def bessel_i1(xp, x):
    """The modified Bessel function of the first kind, order 1 (odd in ``x``).

    >>> import ember
    >>> ember.ops.special_functions.bessel_i1(ember.constant([-1.0, 0.0])).numpy()
    array([-0.5651591,  0.       ], dtype=float32)
    """
    x = _int_to_float(xp, x)
    with _quiet(xp):
        x64 = x.astype(xp.float64)
        out = xp.sign(x64) * _bessel_abs(xp, xp.abs(x64), 1)
        return out.astype(x.dtype)


@bessel_i1.vjp
def _(g, y, x):
    # I1'(x) = I0(x) - I1(x) / x, and 1/2 at x = 0
    at_zero = equal(x, 0)
    safe_x = where(at_zero, zeros_like_value(x) + 1, x)
    slope = where(at_zero, zeros_like_value(x) + 0.5, bessel_i0(x) - y / safe_x)
    return g * slope


# -- exact elementary functions NumPy provides ----------------------------------------------
_LN2 = math.log(2.0)
_LN10 = math.log(10.0)


@primitive
def log2(xp, x):
    """Base-2 logarithm, exact on powers of two. ``log2([8.0])`` is ``[3.0]``."""
    return xp.log2(_int_to_float(xp, x))


@log2.vjp
def _(g, y, x):
    return g / (x * _LN2)


def _rounded_via_float64(xp, ufunc, x):
    """``ufunc(x)`` for narrower floats computed in float64 and rounded back: NumPy's own
    float32 ``log10`` and ``cbrt`` are one unit in the last place off at exact powers
    (``log10(1e3)``, ``cbrt(-27)``) on some CPUs (AMD EPYC, NumPy 2.4)."""
    if x.dtype.kind == "f" and x.dtype.itemsize < 8:
        return ufunc(x.astype(xp.float64)).astype(x.dtype)
    return ufunc(x)


@primitive
def log10(xp, x):
    """Base-10 logarithm, exact at powers of ten: ``log10([1000.0])`` is ``[3.0]``."""
    return _rounded_via_float64(xp, xp.log10, _int_to_float(xp, x))


@log10.vjp
def _(g, y, x):
    return g / (x * _LN10)


@primitive
def exp2(xp, x):
    """``2 ** x``, exact for integer ``x``. ``exp2([3.0])`` is ``[8.0]``."""
    return xp.exp2(_int_to_float(xp, x))


@exp2.vjp
def _(g, y, x):
    return g * y * _LN2


@primitive
def cbrt(xp, x):
    """The real cube root (negative for negative ``x``). ``cbrt([-8.0])`` is ``[-2.0]``."""
    return _rounded_via_float64(xp, xp.cbrt, _int_to_float(xp, x))


@cbrt.vjp
def _(g, y, x):
    return g / (3.0 * y * y)


@primitive
def nextafter(xp, x1, x2):
    """The next float after ``x1`` towards ``x2``; it carries no gradient."""
    return xp.nextafter(x1, x2)


@primitive
def signbit(xp, x):
    """Whether the sign bit is set: True for negatives, ``-0.0`` and ``-nan`` (bool)."""
    if x.dtype.kind in "iub":
        return x < 0 if x.dtype.kind == "i" else xp.zeros(x.shape, dtype=bool)
    return xp.signbit(x)


def _require_integers(name: str, *arrays) -> None:
    require_kind(name, "iu", "integer", *arrays)


@primitive
def gcd(xp, x1, x2):
    """Greatest common divisor of integers (non-negative). ``gcd([12], [18])`` is ``[6]``."""
    _require_integers("gcd", x1, x2)
    return xp.gcd(x1, x2)


@primitive
def lcm(xp, x1, x2):
    """Least common multiple of integers (non-negative). ``lcm([4], [6])`` is ``[12]``."""
    _require_integers("lcm", x1, x2)
    return xp.lcm(x1, x2)


# -- complex numbers ------------------------------------------------------------------------
@primitive
def real(xp, x):
    """The real part (the input itself for real dtypes).

    >>> import ember, numpy as np
    >>> ember.ops.special_functions.real(ember.constant(np.array([1 + 2j]))).numpy()
    array([1.])
    """
    return xp.real(x) if x.dtype.kind == "c" else x


@real.vjp
def _(g, y, x):
    return cast(g, x.dtype) if x.dtype.is_complex else g


@primitive
def imag(xp, x):
    """The imaginary part (zeros of the same dtype for real inputs)."""
    return xp.imag(x) if x.dtype.kind == "c" else xp.zeros_like(x)


@imag.vjp
def _(g, y, x):
    if x.dtype.is_complex:
        return _times_i(cast(g, x.dtype))
    return zeros_like_value(g)


@primitive
def conj(xp, x):
    """The complex conjugate (the input itself for real dtypes)."""
    return xp.conj(x) if x.dtype.kind == "c" else x


@conj.vjp
def _(g, y, x):
    return conj(g)


@primitive
def _times_i(xp, x):
    """``1j * x`` for a complex tensor (its dtype kept)."""
    return x * x.dtype.type(1j)


@_times_i.vjp
def _(g, y, x):
    return -_times_i(g)


def angle(input: Any, name=None) -> Tensor:  # noqa: A002
    """The argument of each complex number (0 or pi for real numbers)."""
    x = convert_to_tensor(input)
    if x.dtype.is_complex:
        return atan2(imag(x), real(x))
    return where(less(x, 0), zeros_like_value(x) + math.pi, zeros_like_value(x))


def complex(real: Any, imag: Any, name=None) -> Tensor:  # noqa: A001
    """``real + 1j * imag``: complex64 from float32 parts, complex128 from float64."""
    re, im = convert_to_tensor(real), convert_to_tensor(imag)
    if re.dtype != im.dtype or re.dtype.name not in ("float32", "float64"):
        raise TypeError(f"ember.complex: real and imag must both be float32 or both "
                        f"float64; got {re.dtype.name} and {im.dtype.name}")
    ctype = "complex64" if re.dtype.name == "float32" else "complex128"
    return cast(re, ctype) + _times_i(cast(im, ctype))
