"""Discrete cosine transforms, types I-IV, and their inverses (``tf.signal.dct``).

Computed with real FFTs of the (real, imaginary) pair primitives, as TensorFlow does, so
values agree with ``scipy.fft.dct`` (unnormalized: ``norm=None``; orthonormal:
``norm="ortho"``, not for type I) and gradients of every order flow through them.

>>> import ember
>>> dct(ember.constant([1., 2., 3., 4.])).numpy()
array([20.       , -6.308644 ,  0.       , -0.4483415], dtype=float32)
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...core.errors import InvalidArgumentError
from ...core.tensor import Tensor
from ..shape import concat, transpose
from ..spectral import fit_axis, irfft_pair, rfft_pair
from ._util import describe, real_input, shape_of, static_int

__all__ = ["dct", "idct"]


def _const(values: np.ndarray, like: Tensor) -> Tensor:
    return Tensor(np.asarray(values, dtype=np.float64).astype(like._value.dtype))


def _dct_last(x: Tensor, kind: int, norm: str | None) -> Tensor:
    """The DCT of ``kind`` over the last axis of a float32/float64 tensor."""
    n = shape_of(x)[-1]
    if kind == 1:
        ext = concat([x, x[..., -2:0:-1]], axis=-1)
        return rfft_pair(ext)[0]
    theta = np.arange(n, dtype=np.float64) * (math.pi * 0.5 / n)
    if kind == 2:
        re, im = rfft_pair(x, 2 * n)
        re, im = re[..., :n], im[..., :n]
        out = re * _const(2.0 * np.cos(theta), x) + im * _const(2.0 * np.sin(theta), x)
        if norm == "ortho":
            w = np.full(n, math.sqrt(2.0 / n) * 0.5)
            w[0] = 0.5 / math.sqrt(n)
            out = out * _const(w, x)
        return out
    if kind == 3:
        if norm == "ortho":
            w = np.full(n, math.sqrt(n) * math.sqrt(0.5))
            w[0] = math.sqrt(n)
        else:
            w = np.full(n, float(n))
        re = x * _const(2.0 * w * np.cos(theta), x)
        im = x * _const(2.0 * w * np.sin(theta), x)
        return irfft_pair(re, im, 2 * n)[..., :n]
    # kind 4: the odd outputs of the type-II DCT of the signal zero-padded to 2n
    out = _dct_last(fit_axis(x, -1, 2 * n), 2, None)[..., 1::2]
    if norm == "ortho":
        out = out * (math.sqrt(0.5) / math.sqrt(n))
    return out


def _transform(input: Any, kind: Any, n: Any, axis: Any, norm: Any,
               op: str) -> Tensor:
    x = real_input(input, op)
    if kind not in (1, 2, 3, 4) or isinstance(kind, bool):
        raise ValueError(f"ember.signal.{op}: types I, II, III and IV (I)DCT are supported; "
                         f"got type={kind!r}")
    if norm not in (None, "ortho"):
        raise ValueError(f"ember.signal.{op}: unknown normalization; expected None or "
                         f"'ortho', got {norm!r}")
    if kind == 1 and norm == "ortho":
        raise ValueError(f"ember.signal.{op}: normalization is not supported for the "
                         f"type-I DCT")
    shape = shape_of(x)
    rank = len(shape)
    if rank < 1:
        raise InvalidArgumentError(f"ember.signal.{op}: input must have rank >= 1; got "
                                   f"{describe(x)}")
    ax = static_int(axis, op, "axis")
    if not -rank <= ax < rank:
        raise InvalidArgumentError(f"ember.signal.{op}: axis {ax} is out of range for an "
                                   f"input of shape {shape}")
    ax %= rank
    if ax != rank - 1:
        perm = list(range(rank))
        perm[ax], perm[-1] = perm[-1], perm[ax]
        x = transpose(x, perm)
    if n is not None:
        length = static_int(n, op, "n")
        if length < 1:
            raise ValueError(f"ember.signal.{op}: n should be a positive integer or None; "
                             f"got {length}")
        x = fit_axis(x, -1, length)
    size = shape_of(x)[-1]
    if kind == 1 and size < 2:
        raise ValueError(f"ember.signal.{op}: the type-I DCT needs a dimension of at least "
                         f"2; got {describe(x)}")
    if size == 0:
        raise InvalidArgumentError(f"ember.signal.{op}: cannot transform an empty dimension; "
                                   f"got {describe(x)}")
    out = _dct_last(x, kind, norm)
    if ax != rank - 1:
        out = transpose(out, perm)
    return out


def dct(input: Any, type: int = 2, n: Any = None, axis: int = -1,
        norm: str | None = None, name: str | None = None) -> Tensor:
    """The type I, II, III or IV discrete cosine transform of ``input`` along ``axis``
    (``n``: crop or zero-pad that dimension first; ``norm="ortho"``: orthonormal).

    >>> import ember
    >>> dct(ember.constant([1., 1., 1.]), norm="ortho").numpy().round(5)
    array([1.73205, 0.     , 0.     ], dtype=float32)
    """
    return _transform(input, type, n, axis, norm, "dct")


def idct(input: Any, type: int = 2, n: Any = None, axis: int = -1,
         norm: str | None = None, name: str | None = None) -> Tensor:
    """The inverse DCT: a DCT of type 1, 3, 2, 4 for ``type`` 1, 2, 3, 4. With
    ``norm="ortho"`` it inverts :func:`dct` exactly; without, ``idct(dct(x))`` is ``x``
    times ``2 * N`` (``2 * (N - 1)`` for type I).

    >>> import ember
    >>> x = ember.constant([1., 2., 3.])
    >>> idct(dct(x, norm="ortho"), norm="ortho").numpy().round(5)
    array([1., 2., 3.], dtype=float32)
    """
    inverse = {1: 1, 2: 3, 3: 2, 4: 4}.get(type, type) if not isinstance(type, bool) \
        else type
    return _transform(input, inverse, n, axis, norm, "idct")
