"""Image ops of ``keras.ops.image``: colour spaces, resizing, geometric warps, patches,
filters and SSIM, over Ember's public ops.

Images are ``(height, width, channels)`` or a batch ``(batch, height, width, channels)``
with ``data_format="channels_last"`` (the default, from
``keras.config.image_data_format()``), or channels before the spatial axes with
``"channels_first"``. Values follow Keras's NumPy and JAX backends where those differ
from TensorFlow (``resize`` kernels, ``sobel_edges`` borders, ``map_coordinates``
modes); where the NumPy and JAX backends disagree with each other, Ember follows NumPy,
and the docstrings say where. Every op runs eagerly, inside ``ember.function`` and on
symbolic KerasTensors; the interpolating ones are differentiable with respect to the
images.

>>> import numpy as np
>>> from ember.keras.ops import image
>>> image.resize(np.ones((2, 4, 4, 3), "float32"), (2, 2)).shape
TensorShape([2, 2, 2, 3])
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

import ember

from ...ops.image import resize as _rs
from ...ops.image import sampling as _geo
from ...ops.image._common import as_work, batched, work_dtype
from ...ops.image.color import _hsv_to_rgb_parts
from ...ops.image.quality import sobel_stack
from ..config import standardize_data_format
from ._dispatch import keras_op
from ._dispatch import t as _t

__all__ = [
    "affine_transform",
    "crop_images",
    "elastic_transform",
    "extract_patches",
    "extract_patches_3d",
    "gaussian_blur",
    "hsv_to_rgb",
    "map_coordinates",
    "pad_images",
    "perspective_transform",
    "resize",
    "rgb_to_grayscale",
    "rgb_to_hsv",
    "scale_and_translate",
    "sobel_edges",
    "ssim",
]

_INTERPOLATIONS = ("nearest", "bilinear")      # affine, perspective and elastic warps
_ORDER = {"nearest": 0, "bilinear": 1}
_EPS = {"float16": 2.0 ** -10, "bfloat16": 2.0 ** -7, "float32": 2.0 ** -23,
        "float64": 2.0 ** -52}


# =========================================================================================
# Shared checks and layout helpers
# =========================================================================================
def _images(images: Any, op: str, ranks: Sequence[int] = (3, 4),
            what: str = "images") -> ember.Tensor:
    x = _t(images)
    if x.ndim not in ranks:
        expected = {(3, 4): "rank 3 (single image) or rank 4 (batch of images)",
                    (4,): "rank 4 (batch of images)",
                    (4, 5): "rank 4 (single volume) or rank 5 (batch of volumes)"}[tuple(ranks)]
        raise ValueError(f"keras.ops.image.{op}: Invalid {what} rank: expected {expected}. "
                         f"Received input with shape: {what}.shape={tuple(x.shape)}")
    return x


def _choice(value: Any, allowed: Sequence[str], what: str, op: str) -> None:
    if value not in allowed:
        raise ValueError(f"keras.ops.image.{op}: Invalid value for argument `{what}`. "
                         f"Expected one of {tuple(allowed)}. Received: {what}={value!r}")


def _to_last(x: ember.Tensor, data_format: str) -> ember.Tensor:
    """A channels-first batch as channels-last (channels-last as it is)."""
    if data_format == "channels_last":
        return x
    return ember.transpose(x, [0] + list(range(2, x.ndim)) + [1])


def _from_last(x: ember.Tensor, data_format: str) -> ember.Tensor:
    if data_format == "channels_last":
        return x
    return ember.transpose(x, [0, x.ndim - 1] + list(range(1, x.ndim - 1)))


def _int_pair(value: Any, what: str, op: str, n: int = 2) -> tuple:
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = (int(value),) * n
    try:
        vals = tuple(int(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"keras.ops.image.{op}: `{what}` must be an int or a tuple of {n} "
                         f"ints. Received: {what}={value!r}") from None
    if len(vals) != n or any(v < 1 for v in vals):
        raise ValueError(f"keras.ops.image.{op}: `{what}` must be {n} positive ints. "
                         f"Received: {what}={value!r}")
    return vals


def _static_floats(value: Any, what: str, op: str, n: int = 2) -> tuple:
    if hasattr(value, "numpy"):
        value = value.numpy()
    arr = np.asarray(value, dtype=np.float64).reshape(-1)
    if arr.size == 1:
        arr = np.repeat(arr, n)
    if arr.size != n or not np.all(arr > 0):
        raise ValueError(f"keras.ops.image.{op}: `{what}` must be {n} positive numbers. "
                         f"Received: {what}={value!r}")
    return tuple(float(v) for v in arr)


# =========================================================================================
# Colour spaces
# =========================================================================================
@keras_op
def rgb_to_grayscale(images: Any, data_format: str | None = None) -> ember.Tensor:
    """Grayscale ``0.2989 R + 0.5870 G + 0.1140 B`` with one channel.

    Integer images give integer results (truncated, as Keras casts back); one-channel
    images are returned as they are.

    >>> from ember.keras.ops import image
    >>> gray = image.rgb_to_grayscale([[[1.0, 1.0, 1.0], [1.0, 0.0, 0.0]]])
    >>> gray.shape, [round(v, 4) for v in gray.numpy().ravel().tolist()]
    (TensorShape([1, 2, 1]), [0.9999, 0.2989])
    """
    data_format = standardize_data_format(data_format)
    x = _images(images, "rgb_to_grayscale")
    axis = x.ndim - 1 if data_format == "channels_last" else x.ndim - 3
    channels = int(x.shape[axis])
    if channels not in (1, 3):
        raise ValueError("keras.ops.image.rgb_to_grayscale: Invalid channel size: expected 3 "
                         f"(RGB) or 1 (Grayscale). Received input with shape: "
                         f"images.shape={tuple(x.shape)}")
    if channels == 1:
        return ember.identity(x)
    work = as_work(x)
    weights = ember.constant(np.array([0.2989, 0.5870, 0.1140], dtype=work.dtype.name))
    gray = ember.expand_dims(ember.tensordot(work, weights, axes=[[axis], [0]]), axis)
    return gray if gray.dtype == x.dtype else ember.cast(gray, x.dtype)


def _float_images(images: Any, op: str) -> ember.Tensor:
    x = _images(images, op)
    if not x.dtype.is_floating:
        raise ValueError(f"keras.ops.image.{op}: Invalid images dtype: expected float dtype. "
                         f"Received: images.dtype={x.dtype.name}")
    return x


def _three_channels(x: ember.Tensor, data_format: str, op: str) -> int:
    axis = x.ndim - 1 if data_format == "channels_last" else x.ndim - 3
    if int(x.shape[axis]) != 3:
        raise ValueError(f"keras.ops.image.{op}: Input images must have 3 channels, but "
                         f"received images with {int(x.shape[axis])} channels (shape "
                         f"{tuple(x.shape)}, data_format={data_format!r}).")
    return axis


@keras_op
def rgb_to_hsv(images: Any, data_format: str | None = None) -> ember.Tensor:
    """RGB to HSV, all three in ``[0, 1]`` for RGB in ``[0, 1]`` (hue 0 is red, 1/3 green,
    2/3 blue). ``images`` must be floating.

    >>> from ember.keras.ops import image
    >>> [round(v, 4) for v in image.rgb_to_hsv([[[0.0, 0.5, 1.0]]]).numpy().ravel().tolist()]
    [0.5833, 1.0, 1.0]
    """
    data_format = standardize_data_format(data_format)
    x = _float_images(images, "rgb_to_hsv")
    axis = _three_channels(x, data_format, "rgb_to_hsv")
    dtype = x.dtype
    eps = _EPS.get(dtype.name, 2.0 ** -23)
    x = as_work(x)
    x = ember.where(ember.abs(x) < eps, ember.zeros_like(x), x)
    red, green, blue = ember.unstack(x, 3, axis=axis)
    value = ember.maximum(ember.maximum(red, green), blue)
    spread = value - ember.minimum(ember.minimum(red, green), blue)
    safe_value = ember.where(value > 0, value, ember.ones_like(value))
    safe_spread = ember.where(spread > 0, spread, ember.ones_like(spread))
    saturation = ember.where(value > 0, spread / safe_value, ember.zeros_like(value))
    norm = 1.0 / (6.0 * safe_spread)
    hue = ember.where(value == green, norm * (blue - red) + 2.0 / 6.0,
                      norm * (red - green) + 4.0 / 6.0)
    hue = ember.where(value == red, norm * (green - blue), hue)
    hue = ember.where(spread > 0, hue, ember.zeros_like(hue)) + \
        ember.cast(hue < 0.0, hue.dtype)
    out = ember.stack([hue, saturation, value], axis=axis)
    return out if out.dtype == dtype else ember.cast(out, dtype)


@keras_op
def hsv_to_rgb(images: Any, data_format: str | None = None) -> ember.Tensor:
    """HSV (each in ``[0, 1]``) back to RGB. ``images`` must be floating.

    >>> from ember.keras.ops import image
    >>> [round(v, 4) for v in image.hsv_to_rgb([[[0.5833333, 1.0, 1.0]]]).numpy().ravel()
    ...  .tolist()]
    [0.0, 0.5, 1.0]
    """
    data_format = standardize_data_format(data_format)
    x = _float_images(images, "hsv_to_rgb")
    axis = _three_channels(x, data_format, "hsv_to_rgb")
    dtype = x.dtype
    hue, saturation, value = ember.unstack(as_work(x), 3, axis=axis)
    out = ember.stack(_hsv_to_rgb_parts(ember.math.floormod(hue, 1.0), saturation, value),
                      axis=axis)
    return out if out.dtype == dtype else ember.cast(out, dtype)


# =========================================================================================
# Resizing
# =========================================================================================
def _hw_axes(rank: int, data_format: str) -> tuple[int, int]:
    return (rank - 3, rank - 2) if data_format == "channels_last" else (rank - 2, rank - 1)


@keras_op
def resize(images: Any, size: Any, interpolation: str = "bilinear", antialias: bool = False,
           crop_to_aspect_ratio: bool = False, pad_to_aspect_ratio: bool = False,
           fill_mode: str = "constant", fill_value: float = 0.0,
           data_format: str | None = None) -> ember.Tensor:
    """Resize images to ``size = (height, width)``.

    ``interpolation`` is ``"bilinear"``, ``"nearest"``, ``"bicubic"`` (Keys, a = -0.5),
    ``"lanczos3"``, ``"lanczos5"`` (the kernels of Keras's NumPy/JAX backends, with
    half-pixel centres; ``antialias=True`` widens them when shrinking) or ``"area"``
    (TensorFlow's box average, which Keras offers on TensorFlow only).
    ``crop_to_aspect_ratio`` first crops the largest centred window with the target's
    aspect ratio; ``pad_to_aspect_ratio`` instead pads the short side evenly with
    ``fill_value``. Floats keep their dtype; integer images are rounded and clipped to
    their input range. Differentiable with respect to the images.

    >>> import numpy as np
    >>> from ember.keras.ops import image
    >>> x = np.array([[0.0, 1.0], [2.0, 3.0]], "float32").reshape(2, 2, 1)
    >>> image.resize(x, (3, 3))[..., 0].numpy().round(4).tolist()
    [[0.0, 0.5, 1.0], [1.0, 1.5, 2.0], [2.0, 2.5, 3.0]]
    """
    op = "resize"
    try:
        n_size = len(size)
    except TypeError:
        n_size = -1
    if n_size != 2:
        raise ValueError(f"keras.ops.image.resize: Expected `size` to be a tuple of 2 "
                         f"integers. Received: size={size}")
    target = (int(size[0]), int(size[1]))
    if target[0] <= 0 or target[1] <= 0:
        raise ValueError(f"keras.ops.image.resize: `size` must have positive height and "
                         f"width. Received: size={size}")
    x = _images(images, op)
    if pad_to_aspect_ratio and crop_to_aspect_ratio:
        raise ValueError("keras.ops.image.resize: Only one of `pad_to_aspect_ratio` & "
                         "`crop_to_aspect_ratio` can be `True`.")
    _choice(interpolation, _rs.RESIZE_INTERPOLATIONS, "interpolation", op)
    if fill_mode != "constant":
        raise ValueError("keras.ops.image.resize: Invalid value for argument `fill_mode`. "
                         f"Only `'constant'` is supported. Received: fill_mode={fill_mode!r}")
    data_format = standardize_data_format(data_format)
    h_axis, w_axis = _hw_axes(x.ndim, data_format)
    height, width = int(x.shape[h_axis]), int(x.shape[w_axis])
    th, tw = target
    if crop_to_aspect_ratio:
        crop_h = max(min(height, int(float(width * th) / tw)), 1)
        crop_w = max(min(width, int(float(height * tw) / th)), 1)
        begin = [0] * x.ndim
        extent = [-1] * x.ndim
        begin[h_axis], begin[w_axis] = int(float(height - crop_h) / 2), \
            int(float(width - crop_w) / 2)
        extent[h_axis], extent[w_axis] = crop_h, crop_w
        x = ember.slice(x, begin, extent)
    elif pad_to_aspect_ratio:
        pad_h = max(height, int(float(width * th) / tw))
        pad_w = max(width, int(float(height * tw) / th))
        top, left = int(float(pad_h - height) / 2), int(float(pad_w - width) / 2)
        paddings = [[0, 0] for _ in range(x.ndim)]
        if top > 0:                      # Keras pads one side pair only, the height first
            paddings[h_axis] = [top, top]
        elif left > 0:
            paddings[w_axis] = [left, left]
        if top > 0 or left > 0:
            x = ember.pad(x, paddings, constant_values=ember.cast(fill_value, x.dtype))
    return _rs.resample(x, {h_axis: th, w_axis: tw}, interpolation, bool(antialias))


@keras_op
def scale_and_translate(images: Any, output_shape: Any, scale: Any, translation: Any,
                        spatial_dims: Any, method: str,
                        antialias: bool = True) -> ember.Tensor:
    """Resample ``images`` to ``output_shape``: along each of ``spatial_dims`` the input
    position ``p`` lands at ``p * scale[i] + translation[i]`` (pixel ``k`` is centred at
    ``k + 0.5``), as ``jax.image.scale_and_translate``. Output samples that fall outside
    the input are 0.

    ``method`` is ``"linear"`` / ``"bilinear"`` / ``"trilinear"`` / ``"triangle"``,
    ``"cubic"`` / ``"bicubic"`` / ``"tricubic"`` (Keys), ``"lanczos3"`` or ``"lanczos5"``;
    ``antialias`` widens the kernel when shrinking. Integer images are rounded and clipped
    to their range (as Keras's NumPy backend). Differentiable with respect to the images,
    ``scale`` and ``translation``.

    >>> import numpy as np
    >>> from ember.keras.ops import image
    >>> x = np.arange(9, dtype="float32").reshape(3, 3)
    >>> image.scale_and_translate(x, (5, 5), np.array([2.0, 2.0], "float32"),
    ...                           np.array([-0.5, -0.5], "float32"), (0, 1),
    ...                           "linear").numpy()[0].tolist()
    [0.0, 0.5, 1.0, 1.5, 2.0]
    """
    op = "scale_and_translate"
    _choice(method, _rs.SCALE_AND_TRANSLATE_METHODS, "method", op)
    x = _t(images)
    dims = [int(spatial_dims)] if isinstance(spatial_dims, (int, np.integer)) else \
        [int(d) for d in spatial_dims]
    shape = [int(d) for d in output_shape]
    scale, translation = _t(scale), _t(translation)
    if len(shape) != x.ndim:
        raise ValueError(f"keras.ops.image.{op}: `output_shape` needs one size per axis of "
                         f"`images` (shape {tuple(x.shape)}). Received: "
                         f"output_shape={tuple(output_shape)}")
    if any(not -x.ndim <= d < x.ndim for d in dims) or len({d % x.ndim for d in dims}) != \
            len(dims):
        raise ValueError(f"keras.ops.image.{op}: `spatial_dims` must be distinct axes of "
                         f"`images` (rank {x.ndim}). Received: spatial_dims={spatial_dims}")
    for name, v in (("scale", scale), ("translation", translation)):
        if tuple(v.shape) != (len(dims),):
            raise ValueError(f"keras.ops.image.{op}: `{name}` must have one value per "
                             f"spatial dim ({len(dims)}). Received: {name}.shape="
                             f"{tuple(v.shape)}")
    for d in range(x.ndim):
        if d not in {s % x.ndim for s in dims} and shape[d] != int(x.shape[d]):
            raise ValueError(f"keras.ops.image.{op}: `output_shape` may only change the "
                             f"`spatial_dims`; axis {d} is {int(x.shape[d])} in the input "
                             f"and {shape[d]} in output_shape={tuple(output_shape)}")
    fdtype = work_dtype(scale, translation)
    scale, translation = ember.cast(scale, fdtype), ember.cast(translation, fdtype)
    return _rs.scale_and_translate(x, shape, dims, scale, translation, method,
                                   bool(antialias))


# =========================================================================================
# Geometric warps
# =========================================================================================
@keras_op
def map_coordinates(inputs: Any, coordinates: Any, order: int, fill_mode: str = "constant",
                    fill_value: Any = 0) -> ember.Tensor:
    """Interpolate ``inputs`` at ``coordinates`` (``(inputs.ndim,) + output_shape``: one
    index array per axis), like ``scipy.ndimage.map_coordinates``.

    ``order`` 0 reads the nearest element (``floor(c + 0.5)``), 1 interpolates linearly.
    ``fill_mode`` says what reads outside give: ``"constant"`` (``fill_value``),
    ``"nearest"`` (``a a | a b c d | d d``), ``"wrap"`` (``c d | a b c d | a b``),
    ``"mirror"`` (``c b | a b c d | c b``) or ``"reflect"`` (``b a | a b c d | d c``);
    near the edges the linear interpolation blends with these values (Keras's fix of
    scipy issue 2640). Integer inputs give rounded integers. Differentiable with respect
    to ``inputs`` and ``coordinates``.

    >>> from ember.keras.ops import image
    >>> image.map_coordinates([0.0, 10.0, 20.0], [[0.5, 2.5, -1.0]], 1,
    ...                       fill_mode="nearest").numpy().tolist()
    [5.0, 20.0, 0.0]
    """
    op = "map_coordinates"
    x = _t(inputs)
    if isinstance(coordinates, (list, tuple)) and any(isinstance(c, ember.Tensor)
                                                      for c in coordinates):
        coords = ember.stack([_t(c) for c in coordinates])
    else:
        coords = _t(coordinates)
    if coords.ndim < 1 or int(coords.shape[0]) != x.ndim:
        raise ValueError(f"keras.ops.image.{op}: First dim of `coordinates` must be the same "
                         f"as the rank of `inputs`. Received inputs with shape: "
                         f"{tuple(x.shape)} and coordinates with shape {tuple(coords.shape)}")
    if coords.ndim < 2:
        raise ValueError(f"keras.ops.image.{op}: Invalid coordinates rank: expected at least "
                         f"rank 2. Received input with shape: {tuple(coords.shape)}")
    _choice(fill_mode, _geo.FILL_MODES, "fill_mode", op)
    if isinstance(order, bool) or order not in (0, 1):
        raise ValueError(f"keras.ops.image.{op}: Invalid value for argument `order`. "
                         f"Expected one of [0, 1]. Received: order={order!r}")
    if x.ndim == 0:
        raise ValueError(f"keras.ops.image.{op}: `inputs` must have at least one axis. "
                         f"Received a scalar")
    work = work_dtype(x, coords)
    coords = ember.cast(coords, work)
    values = ember.reshape(ember.cast(x, work), (-1, 1))
    axes = ember.unstack(coords, x.ndim, axis=0)
    out = _geo.sample(values, tuple(int(d) for d in x.shape), axes, int(order), fill_mode,
                      fill_value)
    return _geo.to_dtype(ember.squeeze(out, -1), x.dtype)


@keras_op
def affine_transform(images: Any, transform: Any, interpolation: str = "bilinear",
                     fill_mode: str = "constant", fill_value: Any = 0,
                     data_format: str | None = None) -> ember.Tensor:
    """Warp images by ``transform``: ``(8,)`` or ``(batch, 8)`` rows ``[a0, a1, a2, b0,
    b1, b2, c0, c1]``; output pixel ``(x, y)`` reads the input at ``(a0 x + a1 y + a2,
    b0 x + b1 y + b2)`` (the inverse of the image's motion).

    ``interpolation`` is ``"nearest"`` or ``"bilinear"``; ``fill_mode`` (``"constant"``,
    ``"nearest"``, ``"wrap"``, ``"mirror"``, ``"reflect"``) and ``fill_value`` say what
    reads outside the image give, as in ``map_coordinates``. One transform applies to
    the whole batch. As on Keras's NumPy and JAX backends, ``c0`` and ``c1`` are not a
    projective denominator (that is TensorFlow's reading): channel ``c`` is read shifted
    by ``(c1 c, c0 c)`` in (x, y); keep them 0 for a plain affine warp. Integer images
    give rounded integers. Differentiable with respect to the images.

    >>> import numpy as np
    >>> from ember.keras.ops import image
    >>> x = np.arange(6, dtype="float32").reshape(2, 3, 1)
    >>> shift = [1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0]       # read one pixel to the right
    >>> image.affine_transform(x, shift)[..., 0].numpy().tolist()
    [[1.0, 2.0, 0.0], [4.0, 5.0, 0.0]]
    """
    op = "affine_transform"
    data_format = standardize_data_format(data_format)
    _choice(interpolation, _INTERPOLATIONS, "interpolation", op)
    _choice(fill_mode, _geo.FILL_MODES, "fill_mode", op)
    x = _images(images, op)
    transform = _t(transform)
    if transform.ndim not in (1, 2):
        raise ValueError(f"keras.ops.image.{op}: Invalid transform rank: expected rank 1 "
                         "(single transform) or rank 2 (batch of transforms). Received input "
                         f"with shape: transform.shape={tuple(transform.shape)}")
    if int(transform.shape[-1]) != 8:
        raise ValueError(f"keras.ops.image.{op}: Invalid transform shape: each transform has "
                         f"8 values. Received: transform.shape={tuple(transform.shape)}")
    x, unbatched = batched(x)
    x = _to_last(x, data_format)
    batch, height, width, channels = (int(d) for d in x.shape)
    if transform.ndim == 1:
        transform = ember.expand_dims(transform, 0)
    if int(transform.shape[0]) not in (1, batch):
        raise ValueError(f"keras.ops.image.{op}: got {int(transform.shape[0])} transforms for "
                         f"a batch of {batch} images; expected 1 or {batch}")
    work = work_dtype(x)
    src_y, src_x = _geo.affine_source_coordinates(ember.cast(transform, work), height,
                                                  width, channels)
    src_y, src_x = ember.cast(src_y, work), ember.cast(src_x, work)
    b_idx = ember.constant(np.arange(batch, dtype=np.int32).reshape(batch, 1, 1, 1))
    c_idx = ember.constant(np.arange(channels, dtype=np.int32).reshape(1, 1, 1, channels))
    values = ember.reshape(ember.cast(x, work), (-1, 1))
    out = _geo.sample(values, (batch, height, width, channels), [b_idx, src_y, src_x, c_idx],
                      _ORDER[interpolation], fill_mode, fill_value)
    out = _geo.to_dtype(ember.squeeze(out, -1), x.dtype)
    out = _from_last(out, data_format)
    return ember.squeeze(out, 0) if unbatched else out


def _points(points: Any, what: str, op: str) -> ember.Tensor:
    p = _t(points)
    if p.ndim not in (2, 3) or tuple(p.shape[-2:]) != (4, 2):
        raise ValueError(f"keras.ops.image.{op}: Invalid {what} shape: expected (4,2) for a "
                         f"single image or (N,4,2) for a batch. Received shape: "
                         f"{tuple(p.shape)}")
    return p


@keras_op
def perspective_transform(images: Any, start_points: Any, end_points: Any,
                          interpolation: str = "bilinear", fill_value: Any = 0,
                          data_format: str | None = None) -> ember.Tensor:
    """Warp images so that the four ``start_points`` (``(4, 2)`` or ``(batch, 4, 2)``,
    as ``(x, y)``) move to ``end_points``; pixels read from outside the image are
    ``fill_value``. ``interpolation`` is ``"nearest"`` or ``"bilinear"``.
    Differentiable with respect to the images.

    >>> import numpy as np
    >>> from ember.keras.ops import image
    >>> x = np.arange(6, dtype="float32").reshape(2, 3, 1)
    >>> corners = [[0, 0], [0, 1], [2, 0], [2, 1]]
    >>> moved = [[1, 0], [1, 1], [3, 0], [3, 1]]                 # one pixel to the right
    >>> image.perspective_transform(x, corners, moved)[..., 0].numpy().round(4).tolist()
    [[0.0, 0.0, 1.0], [0.0, 3.0, 4.0]]
    """
    op = "perspective_transform"
    data_format = standardize_data_format(data_format)
    _choice(interpolation, _INTERPOLATIONS, "interpolation", op)
    x = _images(images, op)
    start, end = _points(start_points, "start_points", op), _points(end_points,
                                                                     "end_points", op)
    if tuple(start.shape) != tuple(end.shape):
        raise ValueError(f"keras.ops.image.{op}: start_points and end_points must have the "
                         f"same shape. Received start_points.shape={tuple(start.shape)}, "
                         f"end_points.shape={tuple(end.shape)}")
    x, unbatched = batched(x)
    x = _to_last(x, data_format)
    batch, height, width, channels = (int(d) for d in x.shape)
    if start.ndim == 2:
        start, end = ember.expand_dims(start, 0), ember.expand_dims(end, 0)
    if int(start.shape[0]) not in (1, batch):
        raise ValueError(f"keras.ops.image.{op}: got {int(start.shape[0])} sets of points "
                         f"for a batch of {batch} images; expected 1 or {batch}")
    pdtype = work_dtype(start, end)
    start, end = ember.cast(start, pdtype), ember.cast(end, pdtype)
    h = _solve_homography(start, end, op)
    a = [ember.reshape(v, (-1, 1, 1)) for v in ember.unstack(h, 8, axis=1)]
    ys = ember.constant(np.arange(height, dtype=pdtype).reshape(1, height, 1))
    xs = ember.constant(np.arange(width, dtype=pdtype).reshape(1, 1, width))
    denom = a[6] * xs + a[7] * ys + 1.0
    src_x = (a[0] * xs + a[1] * ys + a[2]) / denom
    src_y = (a[3] * xs + a[4] * ys + a[5]) / denom
    b_idx = ember.constant(np.arange(batch, dtype=np.int32).reshape(batch, 1, 1))
    work = work_dtype(x)
    values = ember.reshape(ember.cast(x, work), (-1, channels))
    out = _geo.sample(values, (batch, height, width), [b_idx, src_y, src_x],
                      _ORDER[interpolation], "constant", fill_value)
    out = _from_last(_geo.to_dtype(out, x.dtype), data_format)
    return ember.squeeze(out, 0) if unbatched else out


def _solve_homography(start: ember.Tensor, end: ember.Tensor, op: str) -> ember.Tensor:
    try:
        return _geo.homography(start, end)
    except ember.errors.InvalidArgumentError:
        # Symbolic KerasTensor points are traced with zeros: any shape-correct result does.
        if not bool(ember.reduce_any(ember.not_equal(start, 0.0))) and \
                not bool(ember.reduce_any(ember.not_equal(end, 0.0))):
            identity = np.array([1, 0, 0, 0, 1, 0, 0, 0], dtype=start.dtype.name)
            return ember.constant(np.tile(identity, (int(start.shape[0]), 1)))
        raise ValueError(f"keras.ops.image.{op}: the points give no perspective transform "
                         "(three of the four start or end points are collinear, or two "
                         "coincide)") from None


# =========================================================================================
# Filters
# =========================================================================================
def _gaussian_1d(size: int, sigma: float) -> np.ndarray:
    x = np.arange(size, dtype=np.float64) - (size - 1) / 2.0
    k = np.exp(-0.5 * (x / sigma) ** 2)
    return k / k.sum()


def _blur(x: ember.Tensor, k_h: np.ndarray, k_w: np.ndarray) -> ember.Tensor:
    """Zero-padded separable blur of a channels-last float batch (Keras's 'same' layout:
    the extra padding of an even kernel goes after)."""
    channels = int(x.shape[-1])
    dtype = x.dtype.name
    for k, axis in ((k_h, 1), (k_w, 2)):
        n = len(k)
        if n == 1 and k[0] == 1.0:
            continue
        shape = (n, 1) if axis == 1 else (1, n)
        kernel = np.tile(k.reshape(shape + (1, 1)), (1, 1, channels, 1)).astype(dtype)
        pads = [[0, 0], [0, 0], [0, 0], [0, 0]]
        pads[axis] = [(n - 1) // 2, n - 1 - (n - 1) // 2]
        x = ember.nn.depthwise_conv2d(x, ember.constant(kernel), strides=[1, 1, 1, 1],
                                      padding=pads)
    return x


@keras_op
def gaussian_blur(images: Any, kernel_size: Any = (3, 3), sigma: Any = (1.0, 1.0),
                  data_format: str | None = None) -> ember.Tensor:
    """Blur each channel with a normalised Gaussian kernel, zero-padded to keep the size.

    As in Keras's NumPy and JAX backends, the first entries of ``kernel_size`` and
    ``sigma`` shape the kernel along the width and the second along the height. Integer
    images give rounded integers. Differentiable with respect to the images.

    >>> import numpy as np
    >>> from ember.keras.ops import image
    >>> x = np.zeros((1, 3, 3, 1), "float32"); x[0, 1, 1, 0] = 1.0
    >>> y = image.gaussian_blur(x, (3, 3), (1.0, 1.0))
    >>> [round(v, 4) for v in y[0, :, 1, 0].numpy().tolist()]
    [0.1238, 0.2042, 0.1238]
    """
    op = "gaussian_blur"
    data_format = standardize_data_format(data_format)
    x = _images(images, op)
    size = _int_pair(kernel_size, "kernel_size", op)
    sigmas = _static_floats(sigma, "sigma", op)
    x, unbatched = batched(x)
    work = _to_last(as_work(x), data_format)
    out = _blur(work, _gaussian_1d(size[1], sigmas[1]), _gaussian_1d(size[0], sigmas[0]))
    out = _geo.to_dtype(_from_last(out, data_format), x.dtype)
    return ember.squeeze(out, 0) if unbatched else out


@keras_op
def sobel_edges(images: Any, data_format: str | None = None) -> ember.Tensor:
    """Sobel gradients ``[dy, dx]`` of each channel, stacked on a new last axis:
    ``(batch, height, width, channels, 2)`` (channels-last) or ``(batch, channels,
    height, width, 2)``. Borders repeat the edge pixels (``scipy.ndimage.sobel``, as
    Keras's NumPy backend; its JAX backend pads with zeros). Differentiable.

    >>> import numpy as np
    >>> from ember.keras.ops import image
    >>> x = np.tile(np.arange(4, dtype="float32"), (3, 1)).reshape(1, 3, 4, 1)
    >>> image.sobel_edges(x)[0, 1, :, 0, 1].numpy().tolist()
    [4.0, 8.0, 8.0, 4.0]
    """
    op = "sobel_edges"
    data_format = standardize_data_format(data_format)
    x = _images(images, op, ranks=(4,))
    h_axis, w_axis = (1, 2) if data_format == "channels_last" else (2, 3)
    dtype = x.dtype
    work = x if dtype.name not in ("float16", "bfloat16") else ember.cast(x, "float32")
    out = sobel_stack(work, h_axis, w_axis, "SYMMETRIC")
    return out if out.dtype == dtype else ember.cast(out, dtype)


@keras_op
def ssim(image1: Any, image2: Any, max_val: float = 1.0, filter_size: int = 11,
         filter_sigma: float = 1.5, k1: float = 0.01, k2: float = 0.03,
         data_format: str | None = None) -> ember.Tensor:
    """Structural similarity (Wang et al. 2004) of two images or batches: the mean over
    channels and valid ``filter_size`` Gaussian windows; one value per image (a scalar
    for unbatched inputs), in ``image1``'s dtype. Differentiable.

    >>> import numpy as np
    >>> from ember.keras.ops import image
    >>> x = np.random.default_rng(0).random((8, 8, 3)).astype("float32")
    >>> round(float(image.ssim(x, x, filter_size=3)), 4)
    1.0
    """
    op = "ssim"
    data_format = standardize_data_format(data_format)
    a = _images(image1, op, what="image1")
    b = _images(image2, op, what="image2")
    if tuple(a.shape) != tuple(b.shape):
        raise ValueError(f"keras.ops.image.{op}: image1 and image2 must have the same shape. "
                         f"Received: image1.shape={tuple(a.shape)}, "
                         f"image2.shape={tuple(b.shape)}")
    if not isinstance(filter_size, (int, np.integer)) or filter_size < 1:
        raise ValueError(f"keras.ops.image.{op}: `filter_size` must be a positive int. "
                         f"Received: filter_size={filter_size!r}")
    original = a.dtype
    work = work_dtype(a)
    a, b = ember.cast(a, work), ember.cast(b, work)
    a, unbatched = batched(a)
    b, _ = batched(b)
    a, b = _to_last(a, data_format), _to_last(b, data_format)
    batch, height, width, channels = (int(d) for d in a.shape)
    if height < filter_size or width < filter_size:
        raise ValueError(f"keras.ops.image.{op}: the images ({height} x {width}) must be at "
                         f"least filter_size={filter_size} in height and width")
    x = np.arange(filter_size, dtype=work) - (filter_size - 1) / 2.0
    g = np.exp(-(x ** 2) / (2.0 * float(filter_sigma) ** 2))
    g = g / np.sum(g)
    # the 2-D Gaussian window is separable: a column pass, then a row pass
    column = ember.constant(g.reshape(filter_size, 1, 1, 1).astype(work))
    row = ember.constant(g.reshape(1, filter_size, 1, 1).astype(work))

    def planes(v: ember.Tensor) -> ember.Tensor:
        return ember.reshape(ember.transpose(v, (0, 3, 1, 2)), (-1, height, width, 1))

    def filt(v: ember.Tensor) -> ember.Tensor:
        v = ember.nn.conv2d(v, column, strides=1, padding="VALID")
        return ember.nn.conv2d(v, row, strides=1, padding="VALID")

    p1, p2 = planes(a), planes(b)
    mu1, mu2 = filt(p1), filt(p2)
    mu1_sq, mu2_sq, mu12 = mu1 * mu1, mu2 * mu2, mu1 * mu2
    var1 = filt(p1 * p1) - mu1_sq
    var2 = filt(p2 * p2) - mu2_sq
    cov = filt(p1 * p2) - mu12
    c1 = (k1 * max_val) ** 2
    c2 = (k2 * max_val) ** 2
    ssim_map = ((2.0 * mu12 + c1) * (2.0 * cov + c2)) / \
        ((mu1_sq + mu2_sq + c1) * (var1 + var2 + c2))
    per_plane = ember.reduce_mean(ssim_map, axis=[1, 2, 3])
    out = ember.reduce_mean(ember.reshape(per_plane, (batch, channels)), axis=-1)
    if unbatched:
        out = ember.squeeze(out, 0)
    return out if out.dtype == original else ember.cast(out, original)


# =========================================================================================
# Elastic deformation
# =========================================================================================
def _seed(seed: Any) -> ember.Tensor:
    """A stateless ``[seed, counter]`` pair from an int, a seed generator or None."""
    if seed is None:
        from ..utils.random import draw_seed
        return ember.constant(np.array([draw_seed(), 0], dtype=np.int64))
    if hasattr(seed, "next"):
        return seed.next()
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return ember.constant(np.array([int(seed), 0], dtype=np.int64))
    if not isinstance(seed, (str, bytes, bool)):
        s = _t(seed)
        if tuple(s.shape) == (2,) and s.dtype.is_integer:
            return s
    raise ValueError(f"keras.ops.image.elastic_transform: `seed` must be an int, a seed "
                     f"generator or None. Received: seed={seed!r}")


@keras_op
def elastic_transform(images: Any, alpha: float = 20.0, sigma: float = 5.0,
                      interpolation: str = "bilinear", fill_mode: str = "reflect",
                      fill_value: float = 0.0, seed: Any = None,
                      data_format: str | None = None) -> ember.Tensor:
    """Random elastic deformation: every pixel reads the input displaced by ``alpha``
    times a Gaussian-smoothed (``sigma``, kernel ``int(6 sigma) | 1``) standard normal
    field, one field per image shared by its channels (as Keras's NumPy backend).
    ``interpolation`` and ``fill_mode`` as in ``affine_transform``. Repeatable for an
    integer ``seed`` (Ember's random stream, so not Keras's numbers); with ``seed=None``
    seeded by ``keras.utils.set_random_seed``. Differentiable with respect to the images.

    >>> import numpy as np
    >>> from ember.keras.ops import image
    >>> x = np.ones((4, 5, 3), "float32")
    >>> y = image.elastic_transform(x, seed=1)
    >>> y.shape, bool(np.allclose(y.numpy(), 1.0))
    (TensorShape([4, 5, 3]), True)
    """
    op = "elastic_transform"
    data_format = standardize_data_format(data_format)
    _choice(interpolation, _INTERPOLATIONS, "interpolation", op)
    _choice(fill_mode, _geo.FILL_MODES, "fill_mode", op)
    x = _images(images, op)
    sigma = _static_floats(sigma, "sigma", op, n=1)[0]
    x, unbatched = batched(x)
    x = _to_last(x, data_format)
    batch, height, width, channels = (int(d) for d in x.shape)
    work = work_dtype(x)
    ksize = int(6 * sigma) | 1
    kernel = _gaussian_1d(ksize, sigma)
    noise = ember.random.stateless_normal((batch, height, width, 2), seed=_seed(seed),
                                          dtype=work) * sigma
    noise = _blur(noise, kernel, kernel)
    shift_y, shift_x = ember.unstack(ember.cast(alpha, work) * noise, 2, axis=-1)
    ys = ember.constant(np.arange(height, dtype=work).reshape(1, height, 1))
    xs = ember.constant(np.arange(width, dtype=work).reshape(1, 1, width))
    b_idx = ember.constant(np.arange(batch, dtype=np.int32).reshape(batch, 1, 1))
    values = ember.reshape(ember.cast(x, work), (-1, channels))
    out = _geo.sample(values, (batch, height, width), [b_idx, ys + shift_y, xs + shift_x],
                      _ORDER[interpolation], fill_mode, fill_value)
    out = _from_last(_geo.to_dtype(out, x.dtype), data_format)
    return ember.squeeze(out, 0) if unbatched else out


# =========================================================================================
# Patches, padding and cropping
# =========================================================================================
def _patch_size(size: Any, op: str) -> tuple:
    if isinstance(size, (int, np.integer)) and not isinstance(size, bool):
        return (int(size),) * 2
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"keras.ops.image.{op}: Invalid `size` argument. Expected an int or "
                        f"a tuple. Received: size={size} of type {type(size).__name__}")
    if len(size) not in (2, 3):
        raise ValueError(f"keras.ops.image.{op}: Invalid `size` argument. Expected a tuple "
                         f"of length 2 or 3. Received: size={size} with length {len(size)}")
    return tuple(size)


def _patches(x: Any, size: tuple, strides: Any, dilation_rate: Any, padding: str,
             data_format: str | None, op: str) -> ember.Tensor:
    rank = len(size)
    data_format = standardize_data_format(data_format)
    x = _images(x, op, ranks=(rank + 1, rank + 2),
                what="images" if rank == 2 else "volumes")
    size = _int_pair(size, "size", op, rank)
    strides = _int_pair(size if strides is None else strides, "strides", op, rank)
    dilation = _int_pair(dilation_rate, "dilation_rate", op, rank)
    mode = padding.lower() if isinstance(padding, str) else padding
    if mode not in ("valid", "same"):
        raise ValueError(f"keras.ops.image.{op}: Invalid padding {padding!r}; expected "
                         "'valid' or 'same'")
    x, unbatched = batched(x, rank + 2)
    x = _to_last(x, data_format)
    out = _from_last(_geo.gather_patches(x, size, strides, dilation, mode), data_format)
    return ember.squeeze(out, 0) if unbatched else out


@keras_op
def extract_patches(images: Any, size: Any, strides: Any = None, dilation_rate: Any = 1,
                    padding: str = "valid", data_format: str | None = None) -> ember.Tensor:
    """Patches of ``size`` (an int or ``(height, width)``; a length-3 tuple extracts 3-D
    patches as ``extract_patches_3d``), each flattened into the channel axis in
    ``(row, column, channel)`` order: ``(batch, rows, cols, ph * pw * channels)`` for
    channels-last. ``strides`` defaults to ``size``; ``padding`` is ``"valid"`` or
    ``"same"`` (zeros); ``dilation_rate`` spaces the patch's pixels.

    >>> import numpy as np
    >>> from ember.keras.ops import image
    >>> x = np.arange(16, dtype="float32").reshape(4, 4, 1)
    >>> image.extract_patches(x, 2)[0, 1].numpy().tolist()
    [2.0, 3.0, 6.0, 7.0]
    """
    size = _patch_size(size, "extract_patches")
    if len(size) == 3:
        return extract_patches_3d(images, size, strides, dilation_rate, padding,
                                  data_format)
    if not strides:
        strides = size
    return _patches(images, size, strides, dilation_rate, padding, data_format,
                    "extract_patches")


@keras_op
def extract_patches_3d(volumes: Any, size: Any, strides: Any = None, dilation_rate: Any = 1,
                       padding: str = "valid", data_format: str | None = None) -> ember.Tensor:
    """3-D patches of ``size`` (an int or ``(depth, height, width)``) from volumes
    ``(depth, height, width, channels)`` or a batch of them, flattened into the channel
    axis in ``(d, h, w, channel)`` order. ``strides`` defaults to ``size``.

    >>> import numpy as np
    >>> from ember.keras.ops import image
    >>> image.extract_patches_3d(np.ones((2, 10, 10, 10, 3), "float32"), (3, 3, 3)).shape
    TensorShape([2, 3, 3, 3, 81])
    """
    op = "extract_patches_3d"
    if isinstance(size, (int, np.integer)) and not isinstance(size, bool):
        size = (int(size),) * 3
    if not isinstance(size, (tuple, list)) or len(size) != 3:
        raise ValueError(f"keras.ops.image.{op}: Invalid `size` argument. Expected an int or "
                         f"a tuple of length 3. Received: size={size}")
    if strides is not None and not isinstance(strides, (int, np.integer)) and \
            len(strides) != 3:
        raise ValueError(f"keras.ops.image.{op}: Invalid `strides` argument. Got: {strides}")
    return _patches(volumes, tuple(size), strides, dilation_rate, padding, data_format, op)


def _check_three(first: Any, second: Any, target: Any, names: Sequence[str], op: str) -> None:
    if [first, second, target].count(None) != 1:
        raise ValueError(f"keras.ops.image.{op}: Must specify exactly two of "
                         f"{', '.join(names)}. Received: {names[0]}={first}, "
                         f"{names[1]}={second}, {names[2]}={target}")
    for name, v in zip(names, (first, second, target)):
        if v is not None and v < 0:
            raise ValueError(f"keras.ops.image.{op}: {name} must be >= 0. Received: "
                             f"{name}={v}")


def _edges(x: ember.Tensor, data_format: str | None) -> tuple[str, int, int]:
    data_format = standardize_data_format(data_format)
    h_axis, w_axis = _hw_axes(x.ndim, data_format)
    return data_format, h_axis, w_axis


@keras_op
def pad_images(images: Any, top_padding: int | None = None, left_padding: int | None = None,
               bottom_padding: int | None = None, right_padding: int | None = None,
               target_height: int | None = None, target_width: int | None = None,
               data_format: str | None = None) -> ember.Tensor:
    """Pad images with zeros: give exactly two of ``top_padding``, ``bottom_padding``,
    ``target_height`` and two of ``left_padding``, ``right_padding``, ``target_width``.

    >>> import numpy as np
    >>> from ember.keras.ops import image
    >>> image.pad_images(np.ones((15, 25, 3)), 2, 3, target_height=20,
    ...                  target_width=30).shape
    TensorShape([20, 30, 3])
    """
    op = "pad_images"
    x = _images(images, op)
    _check_three(top_padding, bottom_padding, target_height,
                 ("top_padding", "bottom_padding", "target_height"), op)
    _check_three(left_padding, right_padding, target_width,
                 ("left_padding", "right_padding", "target_width"), op)
    _, h_axis, w_axis = _edges(x, data_format)
    height, width = int(x.shape[h_axis]), int(x.shape[w_axis])
    top = target_height - bottom_padding - height if top_padding is None else top_padding
    bottom = target_height - top - height if bottom_padding is None else bottom_padding
    left = target_width - right_padding - width if left_padding is None else left_padding
    right = target_width - left - width if right_padding is None else right_padding
    _non_negative(op, (("top_padding", top), ("left_padding", left),
                       ("right_padding", right), ("bottom_padding", bottom)), height, width)
    paddings = [[0, 0] for _ in range(x.ndim)]
    paddings[h_axis], paddings[w_axis] = [int(top), int(bottom)], [int(left), int(right)]
    return ember.pad(x, paddings)


def _non_negative(op: str, named: tuple, height: int, width: int) -> None:
    """Raise for the first ``(name, value)`` below 0, naming the images' size."""
    for name, v in named:
        if v < 0:
            raise ValueError(f"keras.ops.image.{op}: {name} must be >= 0. Received: "
                             f"{name}={v} (images of height {height} and width {width})")


@keras_op
def crop_images(images: Any, top_cropping: int | None = None,
                left_cropping: int | None = None, bottom_cropping: int | None = None,
                right_cropping: int | None = None, target_height: int | None = None,
                target_width: int | None = None,
                data_format: str | None = None) -> ember.Tensor:
    """Crop images: give exactly two of ``top_cropping``, ``bottom_cropping``,
    ``target_height`` and two of ``left_cropping``, ``right_cropping``, ``target_width``.

    >>> import numpy as np
    >>> from ember.keras.ops import image
    >>> x = np.arange(1, 28, dtype="float32").reshape(3, 3, 3)
    >>> image.crop_images(x, 0, 0, target_height=2, target_width=2)[:, :, 0].numpy().tolist()
    [[1.0, 4.0], [10.0, 13.0]]
    """
    op = "crop_images"
    x = _images(images, op)
    _check_three(top_cropping, bottom_cropping, target_height,
                 ("top_cropping", "bottom_cropping", "target_height"), op)
    _check_three(left_cropping, right_cropping, target_width,
                 ("left_cropping", "right_cropping", "target_width"), op)
    _, h_axis, w_axis = _edges(x, data_format)
    height, width = int(x.shape[h_axis]), int(x.shape[w_axis])
    top = height - target_height - bottom_cropping if top_cropping is None else top_cropping
    out_h = height - bottom_cropping - top if target_height is None else target_height
    left = width - target_width - right_cropping if left_cropping is None else left_cropping
    out_w = width - right_cropping - left if target_width is None else target_width
    _non_negative(op, (("top_cropping", top), ("target_height", out_h),
                       ("left_cropping", left), ("target_width", out_w)), height, width)
    if top + out_h > height or left + out_w > width:
        raise ValueError(f"keras.ops.image.{op}: the crop (top {top}, left {left}, height "
                         f"{out_h}, width {out_w}) does not fit in images of height {height} "
                         f"and width {width}")
    begin, extent = [0] * x.ndim, [-1] * x.ndim
    begin[h_axis], begin[w_axis] = int(top), int(left)
    extent[h_axis], extent[w_axis] = int(out_h), int(out_w)
    return ember.slice(x, begin, extent)
