"""Window functions: Hann, Hamming, Kaiser, Kaiser-Bessel-derived and Vorbis.

Each returns a constant ``[window_length]`` tensor of a floating ``dtype`` (float32 by
default), computed in float64 and rounded once. The formulas are TensorFlow's, quirks
included: a ``periodic`` raised-cosine window of odd length equals the symmetric one, a
length-1 Hann/Hamming/Kaiser window is ``[1.]``, and the Kaiser-Bessel-derived window of
odd length ``n`` has ``n - 1`` samples.

>>> hann_window(4).numpy()
array([0. , 0.5, 1. , 0.5], dtype=float32)
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...core.tensor import Tensor
from ..creation import constant
from ..special_functions import _COEFS, _bessel_abs, _horner
from ._util import float_dtype, static_int

__all__ = [
    "hamming_window",
    "hann_window",
    "kaiser_bessel_derived_window",
    "kaiser_window",
    "vorbis_window",
]


def _out(values: np.ndarray, dtype: np.dtype) -> Tensor:
    return constant(np.asarray(values, dtype=np.float64).astype(dtype))


def _raised_cosine(op: str, window_length: Any, periodic: Any, dtype: Any, a: float,
                   b: float) -> Tensor:
    npd = float_dtype(dtype, op)
    n = static_int(window_length, op, "window_length", minimum=0)
    if n == 1:
        return _out(np.ones(1), npd)
    even = 1 - n % 2
    denom = n + int(bool(periodic)) * even - 1
    k = np.arange(n, dtype=np.float64)
    return _out(a - b * np.cos(2.0 * np.pi * k / max(denom, 1)), npd)


def hann_window(window_length: Any, periodic: bool = True, dtype: Any = "float32",
                name: str | None = None) -> Tensor:
    """The Hann window ``0.5 - 0.5 cos(2 pi k / N)`` (``N = window_length`` when
    ``periodic`` and the length is even, else ``window_length - 1``).

    >>> hann_window(5, periodic=False).numpy()
    array([0. , 0.5, 1. , 0.5, 0. ], dtype=float32)
    """
    return _raised_cosine("hann_window", window_length, periodic, dtype, 0.5, 0.5)


def hamming_window(window_length: Any, periodic: bool = True, dtype: Any = "float32",
                   name: str | None = None) -> Tensor:
    """The Hamming window ``0.54 - 0.46 cos(2 pi k / N)`` (``N`` as in
    :func:`hann_window`).

    >>> hamming_window(4).numpy()
    array([0.08, 0.54, 1.  , 0.54], dtype=float32)
    """
    return _raised_cosine("hamming_window", window_length, periodic, dtype, 0.54, 0.46)


def _i0e(a: np.ndarray) -> np.ndarray:
    """``exp(-a) I0(a)`` for ``a >= 0`` in float64, without overflow for large ``a``."""
    a = np.asarray(a, dtype=np.float64)
    small = a <= 700.0
    near = _bessel_abs(np, np.where(small, a, 0.0), 0) * np.exp(-np.where(small, a, 0.0))
    big = np.where(small, 700.0, a)
    far = _horner(np, 1.0 / big, _COEFS[0][1]) / np.sqrt(2.0 * math.pi * big)
    return np.where(small, near, far)


def _kaiser(n: int, beta: float) -> np.ndarray:
    if n == 1:
        return np.ones(1)
    half = (n - 1) / 2.0
    arg = np.arange(n, dtype=np.float64) - half
    num = beta * np.sqrt(np.maximum(0.0, 1.0 - (arg / half) ** 2))
    return np.exp(num - beta) * (_i0e(num) / _i0e(np.float64(beta)))


def _beta(beta: Any, op: str) -> float:
    try:
        return float(np.asarray(beta.numpy() if hasattr(beta, "numpy") else beta))
    except (TypeError, ValueError):
        raise TypeError(f"ember.signal.{op}: beta must be a real scalar; got {beta!r}") \
            from None


def kaiser_window(window_length: Any, beta: Any = 12.0, dtype: Any = "float32",
                  name: str | None = None) -> Tensor:
    """The Kaiser window ``I0(beta sqrt(1 - (2k / (N - 1) - 1)^2)) / I0(beta)``.

    >>> kaiser_window(3, beta=0.0).numpy()
    array([1., 1., 1.], dtype=float32)
    """
    npd = float_dtype(dtype, "kaiser_window")
    n = static_int(window_length, "kaiser_window", "window_length", minimum=0)
    return _out(_kaiser(n, _beta(beta, "kaiser_window")), npd)


def kaiser_bessel_derived_window(window_length: Any, beta: Any = 12.0,
                                 dtype: Any = "float32", name: str | None = None) -> Tensor:
    """The Kaiser-Bessel-derived window (power complementary, for the MDCT): the square
    root of the normalized running sum of a Kaiser window of ``window_length // 2 + 1``
    samples, mirrored (``2 * (window_length // 2)`` samples).

    >>> w = kaiser_bessel_derived_window(4, beta=0.0).numpy()
    >>> (w[:2] ** 2 + w[2:] ** 2).round(6).tolist()
    [1.0, 1.0]
    """
    op = "kaiser_bessel_derived_window"
    npd = float_dtype(dtype, op)
    n = static_int(window_length, op, "window_length", minimum=0)
    csum = np.cumsum(_kaiser(n // 2 + 1, _beta(beta, op)))
    half = np.sqrt(csum[:-1] / csum[-1])
    return _out(np.concatenate([half, half[::-1]]), npd)


def vorbis_window(window_length: Any, dtype: Any = "float32",
                  name: str | None = None) -> Tensor:
    """The Vorbis window ``sin(pi/2 sin^2(pi (k + 1/2) / N))`` (power complementary).

    >>> vorbis_window(2).numpy()
    array([0.70710677, 0.70710677], dtype=float32)
    """
    npd = float_dtype(dtype, "vorbis_window")
    n = static_int(window_length, "vorbis_window", "window_length", minimum=0)
    k = np.arange(n, dtype=np.float64)
    return _out(np.sin(np.pi / 2.0 * np.sin(np.pi / max(n, 1) * (k + 0.5)) ** 2), npd)
