"""The gamma function family: ``lgamma`` (log |Gamma(x)|), ``digamma`` (its derivative,
psi) and ``lbeta`` (log |Beta| over the last axis).

``lgamma`` / ``digamma`` / ``trigamma`` (digamma's derivative, for its gradient) are
written once for ``xp`` in float64, so they need no SciPy: a Lanczos series with
reflection below 1/2 for ``lgamma``; recurrence up to 6 and the asymptotic series for the
psi functions. ``lbeta`` is a composite of ``lgamma`` and sums.

>>> import ember
>>> [round(float(v), 5) for v in ember.math.lgamma([0.5, 3.0])]
[0.57236, 0.69315]
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core.errors import InvalidArgumentError
from ..core.tensor import Tensor
from .creation import convert_to_tensor
from .elementwise import _int_to_float, cast
from .primitive import primitive
from .reduction import reduce_sum

__all__ = ["lgamma", "digamma", "lbeta"]

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
