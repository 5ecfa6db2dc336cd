"""Window functions of ``keras.ops``: bartlett, blackman, hamming, hanning and kaiser.

Each takes the window length (a Python number or a one-element tensor) and returns a
1-D tensor of ``keras.config.floatx()`` values, computed in float64 with Ember ops. The
length sets the output shape, so these are eager-only, as in Keras (a symbolic input is
a TypeError).

>>> from ember.keras.ops import numpy_windows as kops
>>> kops.hanning(5).numpy().tolist()
[0.0, 0.5, 1.0, 0.5, 0.0]
"""
from __future__ import annotations

import math
from typing import Any

import ember

from ..config import floatx
from ..models.keras_tensor import KerasTensor
from ._dispatch import t as _t

__all__ = ["bartlett", "blackman", "hamming", "hanning", "kaiser"]


def _length(x: Any, op: str) -> float:
    """The window length ``x`` as a Python number."""
    if isinstance(x, KerasTensor):
        raise TypeError(f"keras.ops.{op}: {op.capitalize()} operation does not support "
                        f"symbolic tensors; received input x = {x} of type {type(x)}")
    # a Python float is taken as it is (through float32 it would lose digits: 7.3)
    v = ember.constant(x, dtype="float64") if isinstance(x, float) else _t(x)
    if int(ember.size(v)) != 1 or v.ndim > 1:
        raise ValueError(f"keras.ops.{op}: the window length must be a scalar (or a "
                         f"one-element 1-D tensor); received shape {tuple(v.shape)}")
    if not (v.dtype.is_integer or v.dtype.is_floating):
        raise TypeError(f"keras.ops.{op}: the window length must be a number; received "
                        f"dtype {v.dtype.name}")
    return float(ember.reshape(ember.cast(v, "float64"), []))


def _centered(M: float) -> ember.Tensor:
    """NumPy's ``arange(1 - M, M, 2)`` in float64: positions centred on 0."""
    count = math.ceil(M - 0.5)
    return (1.0 - M) + 2.0 * ember.range(0, count, dtype="float64")


def _cosine_window(x: Any, op: str, terms: tuple) -> ember.Tensor:
    """``sum_j c_j cos(j pi n / (M - 1))`` over the centred positions ``n``."""
    M = _length(x, op)
    if M < 1:
        return ember.zeros([0], dtype=floatx())
    if M == 1:
        return ember.ones([1], dtype=floatx())
    phase = (math.pi / (M - 1)) * _centered(M)
    w = terms[0] + ember.zeros_like(phase)
    for j, c in enumerate(terms[1:], start=1):
        w = w + c * ember.cos(j * phase)
    return ember.cast(w, floatx())


def bartlett(x: Any) -> ember.Tensor:
    """The Bartlett (triangular) window of length ``x``.

    >>> from ember.keras.ops import numpy_windows as kops
    >>> kops.bartlett(5).numpy().tolist()
    [0.0, 0.5, 1.0, 0.5, 0.0]
    """
    M = _length(x, "bartlett")
    if M < 1:
        return ember.zeros([0], dtype=floatx())
    if M == 1:
        return ember.ones([1], dtype=floatx())
    n = _centered(M)
    w = ember.where(ember.less_equal(n, 0.0), 1.0 + n / (M - 1), 1.0 - n / (M - 1))
    return ember.cast(w, floatx())


def hanning(x: Any) -> ember.Tensor:
    """The Hann window ``0.5 - 0.5 cos(2 pi n / (M - 1))``, ``0 <= n < M``.

    >>> from ember.keras.ops import numpy_windows as kops
    >>> kops.hanning(3).numpy().tolist()
    [0.0, 1.0, 0.0]
    """
    return _cosine_window(x, "hanning", (0.5, 0.5))


def hamming(x: Any) -> ember.Tensor:
    """The Hamming window ``0.54 - 0.46 cos(2 pi n / (M - 1))``, ``0 <= n < M``.

    >>> from ember.keras.ops import numpy_windows as kops
    >>> [round(v, 2) for v in kops.hamming(5).numpy().tolist()]
    [0.08, 0.54, 1.0, 0.54, 0.08]
    """
    return _cosine_window(x, "hamming", (0.54, 0.46))


def blackman(x: Any) -> ember.Tensor:
    """The Blackman window ``0.42 - 0.5 cos(2 pi n / (M-1)) + 0.08 cos(4 pi n / (M-1))``.

    >>> from ember.keras.ops import numpy_windows as kops
    >>> [round(v, 2) for v in kops.blackman(5).numpy().tolist()]
    [-0.0, 0.34, 1.0, 0.34, -0.0]
    """
    return _cosine_window(x, "blackman", (0.42, 0.5, 0.08))


# log I0 (modified Bessel function of the first kind, order 0), in float64.
# Up to _SPLIT: the power series I0(z) = sum_k (z^2 / 4)^k / (k!)^2, whose terms are all
# positive (no cancellation) and whose tail past k = 70 is below 1e-30 of the sum there.
# Beyond: the asymptotic series I0(z) = e^z / sqrt(2 pi z) sum_k c_k / z^k with
# c_k = c_(k-1) (2k - 1)^2 / (8k), accurate to about 1e-16 from z = 30 with 20 terms.
_SPLIT = 30.0
_SERIES_TERMS = 71
_ASYMPTOTIC = [1.0]
for _k in range(1, 20):
    _ASYMPTOTIC.append(_ASYMPTOTIC[-1] * (2 * _k - 1) ** 2 / (8 * _k))


def _log_i0(z: ember.Tensor) -> ember.Tensor:
    """``log(I0(z))`` for float64 ``z >= 0``."""
    small = ember.minimum(z, _SPLIT)
    q = ember.expand_dims(small * small / 4.0, -1)
    k = ember.range(0, _SERIES_TERMS, dtype="float64")
    inv_fact2 = ember.constant([1.0 / math.factorial(i) ** 2 for i in range(_SERIES_TERMS)],
                               dtype="float64")
    series = ember.math.log(ember.reduce_sum(ember.pow(q, k) * inv_fact2, axis=-1))
    big = ember.maximum(z, _SPLIT)
    inv = 1.0 / big
    poly = ember.zeros_like(big)
    for c in reversed(_ASYMPTOTIC):  # Horner in 1 / z
        poly = poly * inv + c
    asym = big - 0.5 * ember.math.log(2.0 * math.pi * big) + ember.math.log(poly)
    return ember.where(ember.less_equal(z, _SPLIT), series, asym)


def kaiser(x: Any, beta: float) -> ember.Tensor:
    """The Kaiser window ``I0(beta sqrt(1 - (2n / (M - 1) - 1)^2)) / I0(beta)``.

    ``I0`` is the modified Bessel function of the first kind of order 0.

    >>> from ember.keras.ops import numpy_windows as kops
    >>> [round(v, 4) for v in kops.kaiser(5, beta=14.0).numpy().tolist()]
    [0.0, 0.1649, 1.0, 0.1649, 0.0]
    """
    M = _length(x, "kaiser")
    if isinstance(beta, KerasTensor):
        raise TypeError("keras.ops.kaiser: `beta` must be a number, not a symbolic tensor")
    beta = abs(float(beta if isinstance(beta, (int, float)) else _t(beta).numpy()))
    if M < 1:
        return ember.zeros([0], dtype=floatx())
    if M == 1:
        return ember.ones([1], dtype=floatx())
    alpha = (M - 1) / 2.0
    r = (ember.range(0, math.ceil(M), dtype="float64") - alpha) / alpha
    arg = beta * ember.sqrt(ember.maximum(1.0 - r * r, 0.0))
    top = _log_i0(arg)
    bottom = _log_i0(ember.constant([beta], dtype="float64"))
    return ember.cast(ember.exp(top - bottom), floatx())
