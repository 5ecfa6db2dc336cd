"""Fast Fourier transforms on complex tensors: ``tf.signal.fft`` and its relatives.

Each transform runs on the inner-most 1, 2 or 3 dimensions. The complex ones take and
give complex64/complex128 tensors (a real input is read as ``x + 0j``); the real ones
(``rfft*``) take float32/float64 signals and give the ``fft_length[-1] // 2 + 1``
non-negative frequencies of the last dimension, and ``irfft*`` turn such half spectra back
into real signals. ``fft_length`` crops or zero-pads the input on each transformed
dimension (for ``irfft*`` the last dimension to ``fft_length[-1] // 2 + 1`` bins).

All are differentiable (gradients of any order). The complex transforms are one primitive
whose gradient is the adjoint DFT (again that primitive); the real ones are built on the
(real, imaginary) pair primitives of ``ember.ops.spectral``. The gradient with respect to a
complex input follows TensorFlow's convention ``dL/dRe(z) + i dL/dIm(z)``, so
``tape.gradient`` gives TensorFlow's values.

>>> import numpy as np, ember
>>> from ember.ops.signal.fft import fft, rfft
>>> fft(ember.constant(np.array([1, 2j, -1, 0], np.complex64))).numpy()
array([0.+2.j, 4.+0.j, 0.-2.j, 0.+0.j], dtype=complex64)
>>> rfft(ember.constant([0., 1., 2., 3.])).numpy()
array([ 6.+0.j, -2.+2.j, -2.+0.j], dtype=complex64)
"""
from __future__ import annotations

from typing import Any

from ...core.tensor import Tensor
from ..primitive import primitive
from ..shape import roll
from ..spectral import (
    complex_from_parts,
    fft_pair,
    fit_axis,
    ifft_pair,
    irfft_pair,
    rfft_pair,
)
from ._util import (
    check_rank,
    complex_input,
    fft_lengths,
    real_input,
    shape_of,
    tensor,
)

__all__ = [
    "fft",
    "fft2d",
    "fft3d",
    "fftshift",
    "ifft",
    "ifft2d",
    "ifft3d",
    "ifftshift",
    "irfft",
    "irfft2d",
    "irfft3d",
    "rfft",
    "rfft2d",
    "rfft3d",
]


# -- complex to complex ---------------------------------------------------------------------
@primitive(name="signal.fft")
def _cfft(xp, z, axes=(-1,), inverse=False, norm="backward"):
    """NumPy's ``fftn`` / ``ifftn`` of a complex array over ``axes`` with ``norm``
    ("backward": no factor forward, ``1/n`` inverse; "forward": the other way round)."""
    fn = xp.fft.ifftn if inverse else xp.fft.fftn
    return fn(z, axes=axes, norm=norm).astype(z.dtype, copy=False)


@_cfft.vjp
def _(g, y, z, axes=(-1,), inverse=False, norm="backward"):
    # The adjoint of a DFT is the opposite-sign DFT with the factor on the other side;
    # TF's gradient for a complex input is A^H g (conj of the Wirtinger derivative).
    return _cfft(g, axes=axes, inverse=not inverse,
                 norm="forward" if norm == "backward" else "backward")


def _complex_fft(input: Any, rank: int, inverse: bool, op: str) -> Tensor:
    t = tensor(input, op)
    if not t.dtype.is_complex:
        re, im, cdtype = complex_input(t, op)
        t = complex_from_parts(re, im, cdtype)
    check_rank(t, rank, op)
    return _cfft(t, axes=tuple(range(-rank, 0)), inverse=inverse)


def fft(input: Any, name: str | None = None) -> Tensor:
    """The discrete Fourier transform over the inner-most dimension.

    >>> import numpy as np, ember
    >>> fft(ember.constant(np.array([1, 1, 1, 1], np.complex64))).numpy()
    array([4.+0.j, 0.+0.j, 0.+0.j, 0.+0.j], dtype=complex64)
    """
    return _complex_fft(input, 1, False, "fft")


def ifft(input: Any, name: str | None = None) -> Tensor:
    """The inverse DFT over the inner-most dimension (with the ``1/n`` factor).

    >>> import numpy as np, ember
    >>> ifft(ember.constant(np.array([4, 0, 0, 0], np.complex64))).numpy()
    array([1.+0.j, 1.+0.j, 1.+0.j, 1.+0.j], dtype=complex64)
    """
    return _complex_fft(input, 1, True, "ifft")


def fft2d(input: Any, name: str | None = None) -> Tensor:
    """The 2-D DFT over the inner-most 2 dimensions.

    >>> import numpy as np, ember
    >>> fft2d(ember.constant(np.ones((2, 2), np.complex64))).numpy()
    array([[4.+0.j, 0.+0.j],
           [0.+0.j, 0.+0.j]], dtype=complex64)
    """
    return _complex_fft(input, 2, False, "fft2d")


def ifft2d(input: Any, name: str | None = None) -> Tensor:
    """The inverse 2-D DFT over the inner-most 2 dimensions.

    >>> import numpy as np, ember
    >>> ifft2d(ember.constant(np.array([[4, 0], [0, 0]], np.complex64))).numpy().real
    array([[1., 1.],
           [1., 1.]], dtype=float32)
    """
    return _complex_fft(input, 2, True, "ifft2d")


def fft3d(input: Any, name: str | None = None) -> Tensor:
    """The 3-D DFT over the inner-most 3 dimensions.

    >>> import numpy as np, ember
    >>> fft3d(ember.constant(np.ones((2, 2, 2), np.complex64))).numpy()[0, 0, 0]
    np.complex64(8+0j)
    """
    return _complex_fft(input, 3, False, "fft3d")


def ifft3d(input: Any, name: str | None = None) -> Tensor:
    """The inverse 3-D DFT over the inner-most 3 dimensions.

    >>> import numpy as np, ember
    >>> ifft3d(ember.constant(np.ones((2, 2, 2), np.complex64))).numpy()[0, 0, 0]
    np.complex64(1+0j)
    """
    return _complex_fft(input, 3, True, "ifft3d")


# -- real to half spectrum and back ---------------------------------------------------------
def _rfftn(input_tensor: Any, fft_length: Any, rank: int, op: str) -> Tensor:
    x = real_input(input_tensor, op)
    check_rank(x, rank, op, "input_tensor")
    shape = shape_of(x)
    lengths = shape[-rank:] if fft_length is None else fft_lengths(fft_length, rank, op)
    if fft_length is None and any(n < 1 for n in lengths):
        # an empty transform dimension: nothing to transform, TF gives an empty spectrum
        lengths = tuple(max(n, 1) for n in lengths)
    for k in range(rank - 1):
        x = fit_axis(x, k - rank, lengths[k])
    re, im = rfft_pair(x, lengths[-1])
    if rank > 1:
        re, im = fft_pair(re, im, axes=tuple(range(-rank, -1)))
    return complex_from_parts(re, im, "complex128" if x.dtype.name == "float64"
                              else "complex64")


def _irfftn(input_tensor: Any, fft_length: Any, rank: int, op: str) -> Tensor:
    re, im, _ = complex_input(input_tensor, op)
    check_rank(re, rank, op, "input_tensor")
    shape = shape_of(re)
    if fft_length is None:
        lengths = shape[-rank:-1] + (max(0, 2 * (shape[-1] - 1)),)
        if lengths[-1] < 1:
            raise ValueError(
                f"ember.signal.{op}: cannot infer fft_length from an input whose last "
                f"dimension is {shape[-1]} (2 * ({shape[-1]} - 1) < 1); pass fft_length")
    else:
        lengths = fft_lengths(fft_length, rank, op)
    if rank > 1:
        for k in range(rank - 1):
            re = fit_axis(re, k - rank, lengths[k])
            im = fit_axis(im, k - rank, lengths[k])
        re, im = ifft_pair(re, im, axes=tuple(range(-rank, -1)))
    return irfft_pair(re, im, lengths[-1])


def rfft(input_tensor: Any, fft_length: Any = None, name: str | None = None) -> Tensor:
    """The DFT of a real signal over its last dimension: the ``fft_length // 2 + 1``
    non-negative frequencies (``fft_length``, shape ``[1]``, defaults to the signal's
    length; a shorter one crops the signal, a longer one zero-pads it).

    >>> import ember
    >>> rfft(ember.constant([1., 1., 1.]), fft_length=[4]).numpy()
    array([3.+0.j, 0.-1.j, 1.+0.j], dtype=complex64)
    """
    return _rfftn(input_tensor, fft_length, 1, "rfft")


def irfft(input_tensor: Any, fft_length: Any = None, name: str | None = None) -> Tensor:
    """The real signal of length ``fft_length`` (default ``2 * (bins - 1)``) whose
    half spectrum is ``input_tensor`` (the inverse of :func:`rfft`).

    >>> import numpy as np, ember
    >>> irfft(ember.constant(np.array([6, -2 + 2j, -2], np.complex64))).numpy()
    array([0., 1., 2., 3.], dtype=float32)
    """
    return _irfftn(input_tensor, fft_length, 1, "irfft")


def rfft2d(input_tensor: Any, fft_length: Any = None, name: str | None = None) -> Tensor:
    """The 2-D DFT of a real signal over its inner-most 2 dimensions (the last one
    halved to ``fft_length[1] // 2 + 1`` bins).

    >>> import ember
    >>> rfft2d(ember.ones([2, 4])).shape
    TensorShape([2, 3])
    """
    return _rfftn(input_tensor, fft_length, 2, "rfft2d")


def irfft2d(input_tensor: Any, fft_length: Any = None, name: str | None = None) -> Tensor:
    """The inverse of :func:`rfft2d` (default ``fft_length``:
    ``[dim(-2), 2 * (dim(-1) - 1)]``).

    >>> import numpy as np, ember
    >>> irfft2d(ember.constant(np.array([[8, 0, 0]], np.complex64))).numpy()
    array([[2., 2., 2., 2.]], dtype=float32)
    """
    return _irfftn(input_tensor, fft_length, 2, "irfft2d")


def rfft3d(input_tensor: Any, fft_length: Any = None, name: str | None = None) -> Tensor:
    """The 3-D DFT of a real signal over its inner-most 3 dimensions.

    >>> import ember
    >>> rfft3d(ember.ones([2, 2, 6])).shape
    TensorShape([2, 2, 4])
    """
    return _rfftn(input_tensor, fft_length, 3, "rfft3d")


def irfft3d(input_tensor: Any, fft_length: Any = None, name: str | None = None) -> Tensor:
    """The inverse of :func:`rfft3d`.

    >>> import ember
    >>> irfft3d(rfft3d(ember.ones([2, 2, 6])), fft_length=[2, 2, 6]).shape
    TensorShape([2, 2, 6])
    """
    return _irfftn(input_tensor, fft_length, 3, "irfft3d")


# -- shifts ---------------------------------------------------------------------------------
def _shift(x: Any, axes: Any, sign: int, op: str) -> Tensor:
    t = tensor(x, op)
    shape = shape_of(t)
    rank = len(shape)
    if axes is None:
        axes = list(range(rank))
    elif isinstance(axes, int) or hasattr(axes, "__index__"):
        axes = [int(axes)]
    else:
        axes = [int(a) for a in (axes.numpy().tolist() if hasattr(axes, "numpy")
                                 else axes)]
    for a in axes:
        if not -rank <= a < rank:
            from ...core.errors import InvalidArgumentError
            raise InvalidArgumentError(f"ember.signal.{op}: axis {a} is out of range for a "
                                       f"tensor of shape {shape}")
    if not axes:
        return t
    shifts = [sign * (shape[a] // 2) for a in axes]
    return roll(t, shifts, [a % rank for a in axes])


def fftshift(x: Any, axes: Any = None, name: str | None = None) -> Tensor:
    """Move the zero frequency to the center: roll each of ``axes`` (default all) by
    half its length, like ``np.fft.fftshift``.

    >>> import ember
    >>> fftshift(ember.constant([0., 1., 2., 3., 4., -5., -4., -3., -2., -1.])).numpy()
    array([-5., -4., -3., -2., -1.,  0.,  1.,  2.,  3.,  4.], dtype=float32)
    """
    return _shift(x, axes, 1, "fftshift")


def ifftshift(x: Any, axes: Any = None, name: str | None = None) -> Tensor:
    """The inverse of :func:`fftshift` (they differ by one sample on odd lengths).

    >>> import ember
    >>> ifftshift(ember.constant([[0., 1., 2.], [3., 4., -4.], [-3., -2., -1.]])).numpy()
    array([[ 4., -4.,  3.],
           [-2., -1., -3.],
           [ 1.,  2.,  0.]], dtype=float32)
    """
    return _shift(x, axes, -1, "ifftshift")
