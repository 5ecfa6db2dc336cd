"""Resampling images: the separable kernels behind ``ember.image.resize`` (TensorFlow's
``tf.image.resize``) and behind ``keras.ops.image.resize`` / ``scale_and_translate``
(Keras's NumPy and JAX backends, i.e. ``jax.image.scale_and_translate``).

Each resampled axis is a matrix product with an ``(in_size, out_size)`` weight matrix:
output sample ``o`` sits at input position ``s = (o + 0.5) / scale - translation / scale
- 0.5`` (half-pixel centres), input pixel ``i`` weighs ``kernel(|s - i| / k)`` with
``k = max(1 / scale, 1)`` when antialiasing (a wider kernel when shrinking) and ``k = 1``
otherwise; each column is normalised to sum to 1, and samples whose position falls
outside ``[-0.5, in_size - 0.5]`` are 0. The kernels: triangle (``"bilinear"``), Keys
cubic with ``a = -0.5`` (``"bicubic"``), Lanczos of radius 3 or 5, a Gaussian of radius
1.5 (sigma 0.5) and Mitchell-Netravali (B = C = 1/3).

TensorFlow's ``resize`` differs from that scheme in three places, which ``tf_weights``
follows: ``"bicubic"`` without antialiasing looks the Keys weights up in a table of 1025
entries (the fractional position is rounded to 1/1024), ``"nearest"`` reads pixel
``floor((o + 0.5) * float32(in / out))``, and ``"area"`` averages each output pixel's
box footprint (no half-pixel shift). Keras keeps exact Keys weights and its own
``"nearest"`` rounding (``weights`` and ``nearest_indices``).

Static weight matrices are built in NumPy (float64) from the sizes and cached; the
``scale_and_translate`` ones are built with Ember ops from the ``scale`` and
``translation`` tensors, so they also work inside ``ember.function`` and carry gradients.
Every resize is differentiable with respect to the images (a product with constants).

>>> weights("bilinear", 2, 4).round(4).tolist()
[[1.0, 0.75, 0.25, 0.0], [0.0, 0.25, 0.75, 1.0]]
"""
from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import numpy as np

from . import _api as E
from ._common import as_work, batched, fail, shape_of, static_ints, unbatch, work_dtype
from ._common import images as _images

__all__ = ["ResizeMethod", "resize", "resize_with_pad"]

RESIZE_INTERPOLATIONS = ("bilinear", "nearest", "lanczos3", "lanczos5", "bicubic", "area")
SCALE_AND_TRANSLATE_METHODS = ("linear", "bilinear", "trilinear", "triangle", "cubic",
                               "bicubic", "tricubic", "lanczos3", "lanczos5")


class ResizeMethod:
    """The ``method`` names of ``ember.image.resize`` (plain strings, as in TF).

    >>> ResizeMethod.BICUBIC
    'bicubic'
    """
    BILINEAR = "bilinear"
    NEAREST_NEIGHBOR = "nearest"
    BICUBIC = "bicubic"
    AREA = "area"
    LANCZOS3 = "lanczos3"
    LANCZOS5 = "lanczos5"
    GAUSSIAN = "gaussian"
    MITCHELLCUBIC = "mitchellcubic"


TF_METHODS = (ResizeMethod.BILINEAR, ResizeMethod.NEAREST_NEIGHBOR, ResizeMethod.BICUBIC,
              ResizeMethod.AREA, ResizeMethod.LANCZOS3, ResizeMethod.LANCZOS5,
              ResizeMethod.GAUSSIAN, ResizeMethod.MITCHELLCUBIC)

_NP = SimpleNamespace(abs=np.abs, sin=np.sin, exp=np.exp, where=np.where, maximum=np.maximum,
                      sum=lambda x: np.sum(x, axis=0, keepdims=True),
                      range=lambda n, dtype: np.arange(n, dtype=dtype),
                      column=lambda v: np.reshape(v, (-1, 1)),
                      row=lambda v: np.reshape(v, (1, -1)))
_EMBER = SimpleNamespace(abs=E.abs, sin=E.sin, exp=E.exp, where=E.where, maximum=E.maximum,
                         sum=lambda x: E.reduce_sum(x, axis=0, keepdims=True),
                         range=lambda n, dtype: E.range(n, dtype=dtype),
                         column=lambda v: E.reshape(v, (-1, 1)),
                         row=lambda v: E.reshape(v, (1, -1)))


# -- kernels: written once for NumPy arrays and Ember tensors (``m`` is the namespace) ----
def _triangle(x: Any, m: SimpleNamespace) -> Any:
    return m.maximum(1.0 - x, 0.0)


def _keys_cubic(x: Any, m: SimpleNamespace) -> Any:
    near = ((1.5 * x - 2.5) * x) * x + 1.0
    far = ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0
    return m.where(x >= 2.0, 0.0, m.where(x >= 1.0, far, near))


def _mitchell_cubic(x: Any, m: SimpleNamespace) -> Any:
    near = ((7.0 / 6.0 * x - 2.0) * x) * x + 8.0 / 9.0
    far = ((-7.0 / 18.0 * x + 2.0) * x - 10.0 / 3.0) * x + 16.0 / 9.0
    return m.where(x >= 2.0, 0.0, m.where(x >= 1.0, far, near))


def _gaussian(x: Any, m: SimpleNamespace) -> Any:
    # radius 1.5, sigma = radius / 3 (TensorFlow's GaussianKernelFunc)
    return m.where(x >= 1.5, 0.0, m.exp(-x * x * 2.0))


def _lanczos(radius: float):
    def kernel(x: Any, m: SimpleNamespace) -> Any:
        safe = m.where(x > 1e-3, x, 1.0)
        wave = radius * m.sin(math.pi * safe) * m.sin(math.pi * safe / radius)
        value = m.where(x > 1e-3, wave / (math.pi ** 2 * safe * safe), 1.0)
        return m.where(x > radius, 0.0, value)
    return kernel


KERNELS = {"linear": _triangle, "bilinear": _triangle, "trilinear": _triangle,
           "triangle": _triangle, "cubic": _keys_cubic, "bicubic": _keys_cubic,
           "tricubic": _keys_cubic, "keyscubic": _keys_cubic, "lanczos3": _lanczos(3.0),
           "lanczos5": _lanczos(5.0), "gaussian": _gaussian,
           "mitchellcubic": _mitchell_cubic}

_MIN_TOTAL = 1000.0 * float(np.finfo(np.float32).eps)       # Keras / JAX
_TF_MIN_TOTAL = 1000.0 * float(np.finfo(np.float32).tiny)   # TensorFlow


def _weight_matrix(in_size: int, out_size: int, scale: Any, translation: Any, kernel,
                   antialias: bool, m: SimpleNamespace, dtype: Any,
                   min_total: float = _MIN_TOTAL) -> Any:
    """The ``(in_size, out_size)`` weights of one axis (see the module docstring)."""
    inv_scale = 1.0 / scale
    kernel_scale = m.maximum(inv_scale, 1.0) if antialias else 1.0
    position = (m.range(out_size, dtype) + 0.5) * inv_scale - translation * inv_scale - 0.5
    distance = m.abs(m.row(position) - m.column(m.range(in_size, dtype))) / kernel_scale
    w = kernel(distance, m)
    total = m.sum(w)
    w = m.where(m.abs(total) > min_total, w / m.where(total != 0.0, total, 1.0), 0.0)
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


_TABLE_SIZE = 1024


def _tf_bicubic_weights(in_size: int, out_size: int) -> np.ndarray:
    """TensorFlow's ``ResizeBicubic`` with half-pixel centres: Keys (a = -0.5) weights of
    the four pixels around each sample, looked up at the fractional position rounded to
    1/1024; taps outside the image get 0 and the rest are renormalised."""
    f32 = np.float32
    scale = f32(in_size) / f32(out_size)
    pos = (np.arange(out_size, dtype=f32) + f32(0.5)) * scale - f32(0.5)
    base = np.floor(pos)
    frac = np.rint((pos - base) * f32(_TABLE_SIZE)).astype(np.float64) / _TABLE_SIZE
    base = base.astype(np.int64)
    cols = np.arange(out_size)
    w = np.zeros((in_size, out_size))
    total = np.zeros(out_size)
    for tap, dist in ((-1, 1.0 + frac), (0, frac), (1, 1.0 - frac), (2, 2.0 - frac)):
        idx = base + tap
        ok = (idx >= 0) & (idx < in_size)
        value = np.where(ok, _keys_cubic(dist, _NP), 0.0)
        total += value
        np.add.at(w, (np.clip(idx, 0, in_size - 1), cols), value)
    return w / np.where(np.abs(total) >= _TF_MIN_TOTAL, total, 1.0)


_RADIUS = {"bilinear": 1.0, "bicubic": 2.0, "mitchellcubic": 2.0, "lanczos3": 3.0,
           "lanczos5": 5.0, "gaussian": 1.5}


def _tf_scale_weights(in_size: int, out_size: int, method: str,
                      antialias: bool) -> np.ndarray:
    """TensorFlow's ``ScaleAndTranslate`` weights (no translation), in float32 as it
    computes them: the kernel's support is cut to the span ``[ceil(s - r - 0.5),
    floor(s + r - 0.5)]`` around each sample ``s`` (where the truncated Gaussian is
    discontinuous, the float32 rounding decides)."""
    f32 = np.float32
    kernel = KERNELS["triangle" if method == "bilinear" else method]
    scale = f32(out_size) / f32(in_size)
    inv_scale = f32(1) / scale
    kernel_scale = max(inv_scale, f32(1)) if antialias else f32(1)
    reach = f32(_RADIUS[method]) * kernel_scale
    sample = (np.arange(out_size, dtype=f32) + f32(0.5)) * inv_scale
    start = np.clip(np.ceil(sample - reach - f32(0.5)), 0, in_size - 1)
    stop = np.clip(np.floor(sample + reach - f32(0.5)), 0, in_size - 1) + 1
    source = np.arange(in_size, dtype=f32).reshape(-1, 1)
    position = (source + f32(0.5)) - sample.reshape(1, -1)
    w = kernel(np.abs(position * (f32(1) / kernel_scale)), _NP).astype(f32)
    w = np.where((source >= start) & (source < stop), w, f32(0))
    total = w.sum(axis=0, dtype=f32)
    ok = np.abs(total) >= f32(_TF_MIN_TOTAL)
    w = np.where(ok, w * (f32(1) / np.where(ok, total, f32(1))), f32(0))
    inside = (sample >= 0) & (sample <= in_size)
    return np.where(inside, w, f32(0)).astype(np.float64)


def weights(interpolation: str, in_size: int, out_size: int,
            antialias: bool = False) -> np.ndarray:
    """The ``(in_size, out_size)`` float64 weights ``keras.ops.image.resize`` applies to
    one axis (not ``"nearest"``, which gathers): exact kernels, as Keras's NumPy/JAX.

    >>> weights("bicubic", 3, 1).round(4).tolist()
    [[0.0], [1.0], [0.0]]
    """
    if interpolation == "area":
        return _area_weights(in_size, out_size)
    return _weight_matrix(in_size, out_size, out_size / in_size, 0.0,
                          KERNELS[interpolation], antialias, _NP, np.float64)


@functools.lru_cache(maxsize=256)
def tf_weights(method: str, in_size: int, out_size: int,
               antialias: bool = False) -> np.ndarray:
    """The ``(in_size, out_size)`` float64 weights ``ember.image.resize`` applies to one
    axis, as TensorFlow computes them (read-only; cached).

    >>> tf_weights("bicubic", 4, 2).round(4).T.tolist()
    [[0.5294, 0.5294, -0.0588, 0.0], [0.0, -0.0588, 0.5294, 0.5294]]
    """
    if method == "area":
        w = _area_weights(in_size, out_size)
    elif method == "bicubic" and not antialias:
        w = _tf_bicubic_weights(in_size, out_size)
    elif method == "bilinear" and not antialias:
        w = _weight_matrix(in_size, out_size, out_size / in_size, 0.0, _triangle, False,
                           _NP, np.float64, _TF_MIN_TOTAL)
    else:
        w = _tf_scale_weights(in_size, out_size, method, antialias)
    w = np.ascontiguousarray(w, dtype=np.float64)
    w.setflags(write=False)
    return w


def nearest_indices(in_size: int, out_size: int) -> np.ndarray:
    """The input pixel each output pixel copies in Keras's nearest-neighbour resizing:
    ``floor((o + 0.5) * in_size / out_size)``, in float32 as Keras computes it.

    >>> nearest_indices(3, 5).tolist()
    [0, 0, 1, 2, 2]
    """
    pos = (np.arange(out_size, dtype=np.float32) + np.float32(0.5)) * np.float32(in_size)
    pos = pos / np.float32(out_size)
    return np.clip(np.floor(pos), 0, in_size - 1).astype(np.int32)


def tf_nearest_indices(in_size: int, out_size: int) -> np.ndarray:
    """The input pixel each output pixel copies in TensorFlow's nearest-neighbour resize
    (half-pixel centres): ``floor((o + 0.5) * float32(in_size / out_size))``.

    >>> tf_nearest_indices(3, 5).tolist()
    [0, 0, 1, 2, 2]
    """
    scale = np.float32(in_size) / np.float32(out_size)
    pos = (np.arange(out_size, dtype=np.float32) + np.float32(0.5)) * scale
    return np.clip(np.floor(pos), 0, in_size - 1).astype(np.int32)


def apply_axis(x: Any, axis: int, w: Any) -> Any:
    """``x`` with ``axis`` resampled by the ``(in, out)`` weights ``w`` (same dtype): one
    matrix product, the other axes folded into batch and column dimensions.

    >>> import ember
    >>> apply_axis(ember.constant([[0.0, 1.0]]), 1, weights("bilinear", 2, 4)
    ...            .astype("float32")).numpy().tolist()
    [[0.0, 0.25, 0.75, 1.0]]
    """
    shape = shape_of(x)
    axis = axis % len(shape)
    w = w if isinstance(w, E.Tensor) else E.constant(w)
    n_in, n_out = (int(d) for d in w.shape)
    lead = int(np.prod(shape[:axis], dtype=np.int64))
    trail = int(np.prod(shape[axis + 1:], dtype=np.int64))
    out_shape = shape[:axis] + (n_out,) + shape[axis + 1:]
    if trail == 1:
        out = E.matmul(E.reshape(x, (lead, n_in)), w)
    elif trail < 32 and lead > 1:
        # few trailing values (the width axis of NHWC images: C of them): many tiny
        # products are slow, so move the axis last and make it one large product
        perm = [i for i in range(len(shape)) if i != axis] + [axis]
        moved = E.matmul(E.reshape(E.transpose(x, perm), (-1, n_in)), w)
        moved = E.reshape(moved, tuple(shape[i] for i in perm[:-1]) + (n_out,))
        return E.transpose(moved, [perm.index(i) for i in range(len(shape))])
    else:
        out = E.matmul(w, E.reshape(x, (lead, n_in, trail)), transpose_a=True)
    return E.reshape(out, out_shape)


def _finish_integers(out: Any, source: Any, dtype: Any) -> Any:
    """Integer images: round half to even and clip to the input's value range (Keras's
    NumPy backend), then cast back."""
    low = E.cast(E.reduce_min(source), out.dtype)
    high = E.cast(E.reduce_max(source), out.dtype)
    return E.cast(E.clip_by_value(E.round(out), low, high), dtype)


def resample(images: Any, out_sizes: dict, interpolation: str, antialias: bool) -> Any:
    """Keras's resize: ``images`` with each axis in ``out_sizes`` (``{axis: size}``)
    resampled by ``interpolation``; unchanged sizes are left alone, as in Keras.

    Floats keep their dtype (half floats are computed in float32); integers are computed
    in float32, rounded and clipped to the input's range (``"nearest"`` just copies).

    >>> import ember
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
            out = E.gather(out, E.constant(idx), axis=a)
        return out
    dtype = images.dtype
    work = work_dtype(images)
    out = as_work(images, work)
    for a in axes:
        w = weights(interpolation, int(images.shape[a]), out_sizes[a], antialias)
        out = apply_axis(out, a, w.astype(work))
    if dtype.is_floating:
        return E.cast(out, dtype) if out.dtype != dtype else out
    return _finish_integers(out, images, dtype)


def scale_and_translate(images: Any, output_shape: Sequence[int],
                        spatial_dims: Sequence[int], scale: Any, translation: Any,
                        method: str, antialias: bool) -> Any:
    """Resample ``spatial_dims`` of ``images`` to ``output_shape``: axis ``d`` maps input
    position ``p`` to ``p * scale[i] + translation[i]`` (half-pixel centres), as
    ``jax.image.scale_and_translate`` (``keras.ops.image.scale_and_translate``).

    ``scale`` and ``translation`` are float tensors (their promoted dtype is the dtype the
    weights are computed in, as in Keras); integer images are rounded and clipped to
    their range.

    >>> import ember
    >>> x = ember.constant([[0.0, 1.0, 2.0]])
    >>> scale_and_translate(x, (1, 3), (1,), ember.constant([1.0]), ember.constant([0.5]),
    ...                     "linear", True).numpy().tolist()
    [[0.0, 0.5, 1.5]]
    """
    kernel = KERNELS[method]
    dtype = images.dtype
    work = work_dtype(images)
    out = as_work(images, work)
    for i, d in enumerate(spatial_dims):
        d = d % len(images.shape)
        w = _weight_matrix(int(images.shape[d]), int(output_shape[d]), scale[i],
                           translation[i], kernel, antialias, _EMBER, scale.dtype)
        out = apply_axis(out, d, E.cast(w, work))
    if dtype.is_floating:
        return E.cast(out, dtype) if out.dtype != dtype else out
    return _finish_integers(out, images, dtype)


# =========================================================================================
# ember.image.resize
# =========================================================================================
def _method(method: Any, op: str) -> str:
    if method not in TF_METHODS:
        raise fail(op, f"Resize method is not implemented: {method!r} (expected one of "
                       f"{', '.join(TF_METHODS)})")
    return str(method)


def _size(size: Any, op: str) -> tuple:
    try:
        h, w = static_ints(size, 2, op, "size")
    except (TypeError, ValueError):
        raise fail(op, f"'size' must be a 1-D int32 Tensor of 2 elements: new_height, "
                       f"new_width; got {size!r}") from None
    return h, w


def _resample_hw(x: Any, out_h: int, out_w: int, method: str, antialias: bool,
                 out_dtype: Any = "float32") -> Any:
    """Resize a batch ``(N, H, W, C)`` to ``(N, out_h, out_w, C)`` as TF does.

    ``"nearest"`` gathers (any dtype); the other methods compute in float64 for float64
    images and float32 otherwise, and return ``out_dtype`` (None: the computing dtype).
    """
    height, width = int(x.shape[1]), int(x.shape[2])
    if method == "nearest":
        out = x
        if out_h != height:
            out = E.gather(out, E.constant(tf_nearest_indices(height, out_h)), axis=1)
        if out_w != width:
            out = E.gather(out, E.constant(tf_nearest_indices(width, out_w)), axis=2)
        return out if out is not x else E.identity(x)
    work = work_dtype(x)
    out = as_work(x, work)
    out = apply_axis(out, 1, tf_weights(method, height, out_h, antialias).astype(work))
    out = apply_axis(out, 2, tf_weights(method, width, out_w, antialias).astype(work))
    if out_dtype is not None and out.dtype.name != E.as_dtype(out_dtype).name:
        out = E.cast(out, out_dtype)
    return out


def resize(images: Any, size: Any, method: str = ResizeMethod.BILINEAR,
           preserve_aspect_ratio: bool = False, antialias: bool = False,
           name: str | None = None) -> Any:
    """Resize ``images`` (``(height, width, channels)`` or a batch of them) to ``size =
    (new_height, new_width)``.

    ``method`` is one of ``ResizeMethod``: ``"bilinear"``, ``"nearest"``, ``"bicubic"``
    (Keys, a = -0.5, its weights looked up at positions rounded to 1/1024 as TensorFlow
    does), ``"area"``, ``"lanczos3"``, ``"lanczos5"``, ``"gaussian"`` or
    ``"mitchellcubic"``, all with half-pixel centres. ``antialias=True`` widens the kernel
    when shrinking (not for ``"nearest"`` and ``"area"``). ``preserve_aspect_ratio`` fits
    the image inside ``size`` keeping its aspect ratio (the sizes are rounded).

    The result is float32, except for ``"nearest"``, which keeps the images' dtype.
    Differentiable with respect to the images.

    >>> import ember
    >>> x = ember.reshape(ember.range(4.0), (2, 2, 1))
    >>> resize(x, (3, 3))[..., 0].numpy().tolist()
    [[0.0, 0.5, 1.0], [1.0, 1.5, 2.0], [2.0, 2.5, 3.0]]
    >>> resize(x, (4, 4), method="nearest")[0, :, 0].numpy().tolist()
    [0.0, 0.0, 1.0, 1.0]
    """
    op = "resize"
    x = _images(images, op, what="images")
    method = _method(method, op)
    out_h, out_w = _size(size, op)
    x, unbatched = batched(x)
    height, width = int(x.shape[1]), int(x.shape[2])
    if preserve_aspect_ratio:
        f32 = np.float32
        factor = min(f32(out_h) / f32(height), f32(out_w) / f32(width))
        out_h = int(np.round(f32(factor) * f32(height)))
        out_w = int(np.round(f32(factor) * f32(width)))
    if out_h <= 0 or out_w <= 0:
        raise fail(op, f"the output size must be positive; got ({out_h}, {out_w}) for "
                       f"images of shape {shape_of(x)[unbatched:]}")
    if height == 0 or width == 0:
        raise fail(op, f"the images must not be empty; got shape {shape_of(x)}")
    out = _resample_hw(x, out_h, out_w, method, bool(antialias))
    return unbatch(out, unbatched)


def resize_with_pad(image: Any, target_height: int, target_width: int,
                    method: str = ResizeMethod.BILINEAR, antialias: bool = False) -> Any:
    """Resize ``image`` to fit inside ``(target_height, target_width)`` keeping its aspect
    ratio, then pad it with zeros (centred) to exactly that size.

    The dtype follows ``resize`` (float32 unless ``method="nearest"``).

    >>> import ember
    >>> resize_with_pad(ember.ones((2, 4, 1)), 4, 4)[..., 0].numpy().tolist()
    [[0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0]]
    """
    from .crop import pad_to_bounding_box
    op = "resize_with_pad"
    x = _images(image, op)
    method = _method(method, op)
    th = _positive(target_height, op, "target_height")
    tw = _positive(target_width, op, "target_width")
    x, unbatched = batched(x)
    height, width = int(x.shape[1]), int(x.shape[2])
    if height == 0 or width == 0:
        raise fail(op, f"the inner 3 dims of 'image' must be > 0; got shape {shape_of(x)}")
    f32 = np.float32
    ratio = max(f32(width) / f32(tw), f32(height) / f32(th))
    new_h, new_w = f32(height) / ratio, f32(width) / ratio
    pad_top = max(0, int(np.floor((f32(th) - new_h) / f32(2))))
    pad_left = max(0, int(np.floor((f32(tw) - new_w) / f32(2))))
    resized = _resample_hw(x, int(np.floor(new_h)), int(np.floor(new_w)), method,
                           bool(antialias))
    out = pad_to_bounding_box(resized, pad_top, pad_left, th, tw)
    return unbatch(out, unbatched)


def _positive(value: Any, op: str, what: str) -> int:
    from ._common import static_int
    v = static_int(value, op, what)
    if v <= 0:
        raise fail(op, f"{what} must be > 0; got {v}")
    return v
