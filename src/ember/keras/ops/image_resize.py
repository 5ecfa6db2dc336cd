"""Resampling for ``keras.ops.image``: the separable kernels of ``resize`` and
``scale_and_translate``, as Keras's NumPy and JAX backends compute them
(``jax.image.scale_and_translate``).

Each resampled axis is a matrix product with an ``(in_size, out_size)`` weight matrix:
output sample ``o`` sits at input position ``s = (o + 0.5) / scale - translation / scale
- 0.5`` (half-pixel centres), input pixel ``i`` weighs ``kernel(|s - i| / k)`` with
``k = max(1 / scale, 1)`` when antialiasing (a wider kernel when shrinking) and ``k = 1``
otherwise; each column is normalised to sum to 1, and samples whose position falls
outside ``[-0.5, in_size - 0.5]`` are 0. The kernels: triangle (``"bilinear"``), Keys
cubic with ``a = -0.5`` (``"bicubic"``), Lanczos of radius 3 or 5.

``resize`` builds its matrices in NumPy (float64) from the static sizes; the
``scale_and_translate`` ones are built with Ember ops from the ``scale`` and
``translation`` tensors, so they also work inside ``ember.function`` and carry gradients.
Both are differentiable with respect to the images.

``"area"`` (which Keras offers on TensorFlow only) averages the input over each output
pixel's footprint, as ``tf.image.resize(method="area")`` does.

>>> weights("bilinear", 2, 4).round(4).tolist()
[[1.0, 0.75, 0.25, 0.0], [0.0, 0.25, 0.75, 1.0]]
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import numpy as np

import ember

RESIZE_INTERPOLATIONS = ("bilinear", "nearest", "lanczos3", "lanczos5", "bicubic", "area")
SCALE_AND_TRANSLATE_METHODS = ("linear", "bilinear", "trilinear", "triangle", "cubic",
                               "bicubic", "tricubic", "lanczos3", "lanczos5")

_NP = SimpleNamespace(abs=np.abs, sin=np.sin, where=np.where, maximum=np.maximum,
                      sum=lambda x: np.sum(x, axis=0, keepdims=True),
                      range=lambda n, dtype: np.arange(n, dtype=dtype),
                      column=lambda v: np.reshape(v, (-1, 1)),
                      row=lambda v: np.reshape(v, (1, -1)))
_EMBER = SimpleNamespace(abs=ember.abs, sin=ember.sin, where=ember.where,
                         maximum=ember.maximum,
                         sum=lambda x: ember.reduce_sum(x, axis=0, keepdims=True),
                         range=lambda n, dtype: ember.range(n, dtype=dtype),
                         column=lambda v: ember.reshape(v, (-1, 1)),
                         row=lambda v: ember.reshape(v, (1, -1)))


# -- kernels: written once for NumPy arrays and Ember tensors (``m`` is the namespace) ----
def _triangle(x: Any, m: SimpleNamespace) -> Any:
    return m.maximum(1.0 - x, 0.0)


def _keys_cubic(x: Any, m: SimpleNamespace) -> Any:
    near = ((1.5 * x - 2.5) * x) * x + 1.0
    far = ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0
    return m.where(x >= 2.0, 0.0, m.where(x >= 1.0, far, near))


def _lanczos(radius: float):
    def kernel(x: Any, m: SimpleNamespace) -> Any:
        safe = m.where(x > 1e-3, x, 1.0)
        wave = radius * m.sin(math.pi * safe) * m.sin(math.pi * safe / radius)
        value = m.where(x > 1e-3, wave / (math.pi ** 2 * safe * safe), 1.0)
        return m.where(x > radius, 0.0, value)
    return kernel


KERNELS = {"linear": _triangle, "bilinear": _triangle, "trilinear": _triangle,
           "triangle": _triangle, "cubic": _keys_cubic, "bicubic": _keys_cubic,
           "tricubic": _keys_cubic, "lanczos3": _lanczos(3.0), "lanczos5": _lanczos(5.0)}

_MIN_TOTAL = 1000.0 * float(np.finfo(np.float32).eps)


def _weight_matrix(in_size: int, out_size: int, scale: Any, translation: Any, kernel,
                   antialias: bool, m: SimpleNamespace, dtype: Any) -> Any:
    """The ``(in_size, out_size)`` weights of one axis (see the module docstring)."""
    inv_scale = 1.0 / scale
    kernel_scale = m.maximum(inv_scale, 1.0) if antialias else 1.0
    position = (m.range(out_size, dtype) + 0.5) * inv_scale - translation * inv_scale - 0.5
    distance = m.abs(m.row(position) - m.column(m.range(in_size, dtype))) / kernel_scale
    w = kernel(distance, m)
    total = m.sum(w)
    w = m.where(m.abs(total) > _MIN_TOTAL, w / m.where(total != 0.0, total, 1.0), 0.0)
    inside = (position >= -0.5) & (position <= in_size - 0.5)
    return m.where(m.row(inside), w, 0.0)


def _area_weights(in_size: int, out_size: int) -> np.ndarray:
    """TensorFlow's area resampling (no half-pixel shift; float32 box bounds)."""
    f32 = np.float32
    scale = f32(in_size) / f32(out_size)
    start = np.arange(out_size, dtype=f32) * scale
    stop = np.arange(1, out_size + 1, dtype=f32) * scale
    cells = np.arange(in_size + 2, dtype=f32).reshape(-1, 1)
    low, high = cells, cells + f32(1)
    cover = np.where(low < start, np.where(high > stop, scale, high - start),
                     np.where(high > stop, stop - low, f32(1)))
    touched = (cells >= np.floor(start)) & (cells < np.ceil(stop))
    w = np.where(touched, cover.astype(np.float64) / float(scale), 0.0)
    w[in_size - 1] += w[in_size:].sum(0)              # TensorFlow clamps to the last pixel
    return w[:in_size]


def weights(interpolation: str, in_size: int, out_size: int,
            antialias: bool = False) -> np.ndarray:
    """The ``(in_size, out_size)`` float64 weight matrix that ``resize`` applies to one
    axis (not ``"nearest"``, which gathers).

    >>> weights("bicubic", 3, 1).round(4).tolist()
    [[0.0], [1.0], [0.0]]
    """
    if interpolation == "area":
        return _area_weights(in_size, out_size)
    return _weight_matrix(in_size, out_size, out_size / in_size, 0.0,
                          KERNELS[interpolation], antialias, _NP, np.float64)


def nearest_indices(in_size: int, out_size: int) -> np.ndarray:
    """The input pixel each output pixel copies in nearest-neighbour resizing:
    ``floor((o + 0.5) * in_size / out_size)``, in float32 as Keras computes it.

    >>> nearest_indices(3, 5).tolist()
    [0, 0, 1, 2, 2]
    """
    pos = (np.arange(out_size, dtype=np.float32) + np.float32(0.5)) * np.float32(in_size)
    pos = pos / np.float32(out_size)
    return np.clip(np.floor(pos), 0, in_size - 1).astype(np.int32)


def apply_axis(x: ember.Tensor, axis: int, w: Any) -> ember.Tensor:
    """``x`` with ``axis`` resampled by the ``(in, out)`` weights ``w`` (same dtype).

    >>> apply_axis(ember.constant([[0.0, 1.0]]), 1, weights("bilinear", 2, 4)
    ...            .astype("float32")).numpy().tolist()
    [[0.0, 0.25, 0.75, 1.0]]
    """
    axis = axis % x.ndim
    w = w if isinstance(w, ember.Tensor) else ember.constant(w)
    out = ember.tensordot(x, w, axes=[[axis], [0]])
    if axis == x.ndim - 1:
        return out
    perm = list(range(axis)) + [x.ndim - 1] + list(range(axis, x.ndim - 1))
    return ember.transpose(out, perm)


def _finish_integers(out: ember.Tensor, source: ember.Tensor, dtype: Any) -> ember.Tensor:
    """Integer images: round half to even and clip to the input's value range (Keras's
    NumPy backend), then cast back."""
    low = ember.cast(ember.reduce_min(source), out.dtype)
    high = ember.cast(ember.reduce_max(source), out.dtype)
    return ember.cast(ember.clip_by_value(ember.round(out), low, high), dtype)


def resample(images: ember.Tensor, out_sizes: dict, interpolation: str,
             antialias: bool) -> ember.Tensor:
    """``images`` with each axis in ``out_sizes`` (``{axis: size}``) resampled by
    ``interpolation``; unchanged sizes are left alone, as in Keras.

    Floats keep their dtype (half floats are computed in float32); integers are computed
    in float32, rounded and clipped to the input's range (``"nearest"`` just copies).

    >>> resample(ember.ones((2, 3), "int32"), {1: 5}, "bicubic", False).numpy().tolist()
    [[1, 1, 1, 1, 1], [1, 1, 1, 1, 1]]
    """
    axes = [a for a, n in sorted(out_sizes.items()) if int(images.shape[a]) != n]
    if not axes:
        return images
    if interpolation == "nearest":
        out = images
        for a in axes:
            idx = nearest_indices(int(images.shape[a]), out_sizes[a])
            out = ember.gather(out, ember.constant(idx), axis=a)
        return out
    dtype = images.dtype
    work = dtype if dtype.is_floating and dtype.name in ("float32", "float64") else \
        ember.float32
    out = ember.cast(images, work) if work != dtype else images
    for a in axes:
        w = weights(interpolation, int(images.shape[a]), out_sizes[a], antialias)
        out = apply_axis(out, a, w.astype(work.name))
    if dtype.is_floating:
        return ember.cast(out, dtype) if out.dtype != dtype else out
    return _finish_integers(out, images, dtype)


def scale_and_translate(images: ember.Tensor, output_shape: Sequence[int],
                        spatial_dims: Sequence[int], scale: ember.Tensor,
                        translation: ember.Tensor, method: str,
                        antialias: bool) -> ember.Tensor:
    """Resample ``spatial_dims`` of ``images`` to ``output_shape``: axis ``d`` maps input
    position ``p`` to ``p * scale[i] + translation[i]`` (half-pixel centres).

    ``scale`` and ``translation`` are float tensors (their promoted dtype is the dtype the
    weights are computed in, as in Keras); integer images are rounded and clipped to
    their range.

    >>> x = ember.constant([[0.0, 1.0, 2.0]])
    >>> scale_and_translate(x, (1, 3), (1,), ember.constant([1.0]), ember.constant([0.5]),
    ...                     "linear", True).numpy().tolist()
    [[0.0, 0.5, 1.5]]
    """
    kernel = KERNELS[method]
    dtype = images.dtype
    work = dtype if dtype.is_floating and dtype.name in ("float32", "float64") else \
        ember.float32
    out = ember.cast(images, work) if work != dtype else images
    for i, d in enumerate(spatial_dims):
        d = d % images.ndim
        w = _weight_matrix(int(images.shape[d]), int(output_shape[d]), scale[i],
                           translation[i], kernel, antialias, _EMBER, scale.dtype)
        out = apply_axis(out, d, ember.cast(w, work))
    if dtype.is_floating:
        return ember.cast(out, dtype) if out.dtype != dtype else out
    return _finish_integers(out, images, dtype)
