"""Discrete Fourier transforms on (real, imaginary) pairs of float tensors, differentiable.

Keras represents complex spectra as two real tensors, so these primitives take and give
pairs of real arrays and never put a complex tensor on the tape. Each transform is a
(real-)linear map, so its gradient is its adjoint, which is again one of these primitives:

* ``dft`` (unnormalized forward DFT over ``axes``) and the unnormalized inverse DFT are
  each other's adjoints (the DFT matrix is symmetric, ``F^H = conj(F)``).
* ``rfft`` (the ``n // 2 + 1`` non-negative frequencies of a real signal of length ``n``)
  and ``irfft`` (back to ``n`` real samples) are each other's adjoints up to the diagonal
  weights ``w_k / n``, with ``w_k = 1`` for the zero (and, for even ``n``, the Nyquist)
  frequency and ``2`` for the others. The ``weighted`` flag folds these weights in, so
  ``vjp(rfft, weighted=b) = irfft(weighted=not b)`` and the other way round: gradients of
  any order stay inside these two primitives.

Forwards use the array module's ``fft`` (NumPy or CuPy) in the input's precision
(float64 in complex128, anything else in complex64) and give the input's float dtype.

>>> import numpy as np
>>> from ember.core.tensor import Tensor
>>> re, im = rfft_pair(Tensor(np.array([0., 1., 2., 3.], np.float32)))
>>> re.numpy().tolist(), im.numpy().tolist()
([6.0, -2.0, -2.0], [0.0, 2.0, 0.0])
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core.errors import InvalidArgumentError
from ..core.tensor import Tensor
from .primitive import primitive
from .shape import pad

__all__ = [
    "complex_from_parts",
    "complex_parts",
    "dft",
    "fft_pair",
    "ifft_pair",
    "irfft_pair",
    "rfft_pair",
]


def _complex_dtype(xp, dtype):
    return xp.complex128 if dtype == xp.float64 else xp.complex64


def _to_complex(xp, re, im):
    if re.shape != im.shape:
        raise ValueError(f"the real part has shape {re.shape} but the imaginary part has "
                         f"shape {im.shape}; they must match")
    work = xp.float64 if re.dtype == xp.float64 or im.dtype == xp.float64 else xp.float32
    c = xp.empty(re.shape, dtype=_complex_dtype(xp, work))
    c.real = re.astype(work, copy=False)
    c.imag = im.astype(work, copy=False)
    return c


def _split(c, dtype):
    return c.real.astype(dtype, copy=True), c.imag.astype(dtype, copy=True)


# -- complex <-> complex: the n-dimensional DFT --------------------------------------------------
@primitive(name="dft", multiple_results=True)
def dft(xp, re, im, axes=(-1,), inverse=False):
    """Unnormalized DFT of ``re + i*im`` over ``axes`` (``inverse``: sign +, still
    unnormalized); returns the (real, imaginary) pair in ``re``'s dtype."""
    c = _to_complex(xp, re, im)
    if inverse:
        out = xp.fft.ifftn(c, axes=axes, norm="forward")
    else:
        out = xp.fft.fftn(c, axes=axes, norm="backward")
    return _split(out, re.dtype)


@dft.vjp
def _(g, ys, re, im, axes=(-1,), inverse=False):
    return tuple(dft(g[0], g[1], axes=axes, inverse=not inverse))


def _axis_size(x: Any, axes: tuple) -> int:
    shape = tuple(x.shape)
    return int(np.prod([shape[a] for a in axes])) if axes else 1


def fft_pair(re: Any, im: Any, axes: tuple = (-1,)):
    """DFT of ``re + i*im`` over ``axes`` as a (real, imaginary) pair (like ``np.fft.fftn``).

    >>> import numpy as np
    >>> from ember.core.tensor import Tensor
    >>> r, i = fft_pair(Tensor(np.array([1., 2.], np.float32)),
    ...                 Tensor(np.array([0., 1.], np.float32)))
    >>> r.numpy().tolist(), i.numpy().tolist()
    ([3.0, -1.0], [1.0, -1.0])
    """
    return dft(re, im, axes=tuple(axes), inverse=False)


def ifft_pair(re: Any, im: Any, axes: tuple = (-1,)):
    """Inverse DFT (with the ``1/n`` factor) over ``axes``, like ``np.fft.ifftn``."""
    axes = tuple(axes)
    r, i = dft(re, im, axes=axes, inverse=True)
    n = _axis_size(r, axes)
    if n <= 1:
        return r, i
    return r * (1.0 / n), i * (1.0 / n)


# -- real <-> half spectrum ---------------------------------------------------------------------
def _half_weights(xp, n: int, dtype):
    """``w_k / n`` for the ``n // 2 + 1`` bins of a length-``n`` real transform."""
    w = xp.full((n // 2 + 1,), 2.0, dtype=xp.float64)
    w[0] = 1.0
    if n % 2 == 0:
        w[-1] = 1.0
    return (w / n).astype(dtype)


@primitive(name="rfft", multiple_results=True)
def _rfft(xp, x, weighted=False):
    n = x.shape[-1]
    work = xp.float64 if x.dtype == xp.float64 else xp.float32
    out = xp.fft.rfft(x.astype(work, copy=False), axis=-1)
    re, im = _split(out, x.dtype)
    if weighted:
        w = _half_weights(xp, n, x.dtype)
        re *= w
        im *= w
    return re, im


@_rfft.vjp
def _(g, ys, x, weighted=False):
    return _irfft(g[0], g[1], n=int(x.shape[-1]), weighted=not weighted)


@primitive(name="irfft")
def _irfft(xp, re, im, n=2, weighted=False):
    if re.shape[-1] != n // 2 + 1:
        raise ValueError(f"irfft of length {n} needs {n // 2 + 1} frequency bins; got "
                         f"{re.shape[-1]}")
    c = _to_complex(xp, re, im)
    if weighted:
        c /= _half_weights(xp, n, c.real.dtype)
    return xp.fft.irfft(c, n=n, axis=-1).astype(re.dtype, copy=False)


@_irfft.vjp
def _(g, y, re, im, n=2, weighted=False):
    return tuple(_rfft(g, weighted=not weighted))


def fit_axis(x: Any, axis: int, size: int):
    """Crop or zero-pad ``x`` along ``axis`` (negative) to ``size`` (differentiably)."""
    shape = tuple(int(d) for d in x.shape)
    have = shape[axis]
    if have == size:
        return x
    if have > size:
        key = (Ellipsis, slice(0, size)) + (slice(None),) * (-axis - 1)
        return x[key]
    pads = [[0, 0] for _ in shape]
    pads[axis] = [0, size - have]
    return pad(x, pads)


def rfft_pair(x: Any, fft_length: int | None = None):
    """``np.fft.rfft(x, n=fft_length)`` over the last axis, as a (real, imaginary) pair."""
    if len(tuple(x.shape)) == 0:
        raise InvalidArgumentError("ember.rfft: expects a tensor of rank >= 1; got a scalar")
    n = int(x.shape[-1]) if fft_length is None else int(fft_length)
    if n < 1:
        raise InvalidArgumentError(f"ember.rfft: fft_length must be >= 1; got {n}")
    return tuple(_rfft(fit_axis(x, -1, n)))


def irfft_pair(re: Any, im: Any, fft_length: int | None = None):
    """``np.fft.irfft(re + i*im, n=fft_length)`` over the last axis (real output)."""
    if len(tuple(re.shape)) == 0:
        raise InvalidArgumentError("ember.irfft: expects tensors of rank >= 1; got scalars")
    n = 2 * (int(re.shape[-1]) - 1) if fft_length is None else int(fft_length)
    if n < 1:
        raise InvalidArgumentError(
            f"ember.irfft: the output length must be >= 1; got {n} (from "
            f"{'fft_length' if fft_length is not None else 'an input of last dimension'} "
            f"{fft_length if fft_length is not None else re.shape[-1]})")
    m = n // 2 + 1
    return _irfft(fit_axis(re, -1, m), fit_axis(im, -1, m), n=n)


# -- complex tensors <-> (real, imaginary) pairs --------------------------------------------------
@primitive(name="complex")
def _complex(xp, re, im, dtype="complex64"):
    out = xp.empty(np.broadcast_shapes(re.shape, im.shape), dtype=np.dtype(dtype))
    out.real = re
    out.imag = im
    return out


@_complex.vjp
def _(g, y, re, im, dtype="complex64"):
    gr, gi = _complex_parts(g)
    return gr, gi


@primitive(name="complex_parts", multiple_results=True)
def _complex_parts(xp, c):
    real = xp.float64 if c.dtype == xp.complex128 else xp.float32
    if c.dtype.kind != "c":
        return c.copy(), xp.zeros_like(c)
    return c.real.astype(real, copy=True), c.imag.astype(real, copy=True)


@_complex_parts.vjp
def _(g, ys, c):
    if c._value.dtype.kind != "c":
        return g[0]
    return _complex(g[0], g[1], dtype=c._value.dtype.name)


def complex_from_parts(re: Any, im: Any, dtype: str = "complex64") -> Tensor:
    """The complex tensor ``re + i*im`` of ``dtype`` (gradients flow to both parts)."""
    if np.dtype(dtype).kind != "c":
        raise InvalidArgumentError(f"ember.complex: dtype must be complex64 or complex128; "
                                   f"got {dtype}")
    return _complex(re, im, dtype=np.dtype(dtype).name)


def complex_parts(c: Any):
    """``(real, imag)`` of a complex tensor (a real tensor gives itself and zeros)."""
    return tuple(_complex_parts(c))
