"""Image math shared by the image layers: resizing kernels and affine warps.

Both follow what Keras computes on its TensorFlow backend (``tf.image.resize`` with
half-pixel centers and ``ImageProjectiveTransformV3``), so Ember's image layers give
the same pixels as Keras's:

- ``resize`` separates into one 1-D resampling per spatial axis. Each is a fixed set of
  taps (input index, weight) per output position, worked out in NumPy from the static
  sizes with TensorFlow's float32 arithmetic, then applied as a matrix product (or as
  gathers when the taps are few next to the input size); both are differentiable.
- ``affine_transform`` maps each output pixel through a 3x3 projective matrix (given as
  its first 8 entries, per image), folds the source point back into the image by
  ``fill_mode`` and samples it (nearest or bilinear) with gathers.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

import ember

from ....config import standardize_data_format

RESIZE_INTERPOLATIONS = ("bilinear", "nearest", "lanczos3", "lanczos5", "bicubic", "area")
AFFINE_INTERPOLATIONS = ("nearest", "bilinear")
FILL_MODES = ("constant", "nearest", "wrap", "reflect")

_F = np.float32
_TABLE_SIZE = 1024          # TensorFlow's bicubic coefficient table resolution
_TAPS_PER_MATMUL = 64       # gathers beat a dense product while taps * 64 < input size


# -- 1-D resampling taps -----------------------------------------------------------------
def _scale(in_size: int, out_size: int) -> np.float32:
    return _F(in_size) / _F(out_size)


def _nearest_taps(in_size: int, out_size: int):
    pos = (np.arange(out_size, dtype=_F) + _F(0.5)) * _scale(in_size, out_size)
    idx = np.clip(np.floor(pos).astype(np.int64), 0, in_size - 1)
    return idx[:, None], np.ones((out_size, 1))


def _bilinear_taps(in_size: int, out_size: int):
    pos = (np.arange(out_size, dtype=_F) + _F(0.5)) * _scale(in_size, out_size) - _F(0.5)
    low = np.floor(pos)
    lerp = (pos - low).astype(np.float64)
    lower = np.maximum(low.astype(np.int64), 0)
    upper = np.minimum(np.ceil(pos).astype(np.int64), in_size - 1)
    return np.stack([lower, upper], 1), np.stack([1.0 - lerp, lerp], 1)


def _cubic_table(a: float = -0.5) -> np.ndarray:
    x = (np.arange(_TABLE_SIZE + 1) / _TABLE_SIZE).astype(_F).astype(np.float64)
    near = ((a + 2) * x - (a + 3)) * x * x + 1
    x1 = x + 1.0
    far = ((a * x1 - 5 * a) * x1 + 8 * a) * x1 - 4 * a
    return np.stack([near, far], 1).astype(_F).astype(np.float64)


def _bicubic_taps(in_size: int, out_size: int):
    table = _cubic_table()
    pos = (np.arange(out_size, dtype=_F) + _F(0.5)) * _scale(in_size, out_size) - _F(0.5)
    base = np.floor(pos)
    offset = np.rint((pos - base) * _F(_TABLE_SIZE)).astype(np.int64)
    base = base.astype(np.int64)
    wanted = np.stack([base - 1, base, base + 1, base + 2], 1)
    w = np.stack([table[offset, 1], table[offset, 0], table[_TABLE_SIZE - offset, 0],
                  table[_TABLE_SIZE - offset, 1]], 1)
    idx = np.clip(wanted, 0, in_size - 1)
    w = np.where(idx == wanted, w, 0.0)
    total = w.sum(1, keepdims=True)
    return idx, np.where(np.abs(total) > 0, w / np.where(total == 0, 1, total), w)


def _area_taps(in_size: int, out_size: int):
    scale = _scale(in_size, out_size)
    rows = []
    for o in range(out_size):
        start, stop = _F(o) * scale, _F(o + 1) * scale
        cells = np.arange(math.floor(start), math.ceil(stop))
        low, high = cells.astype(_F), (cells + 1).astype(_F)
        cover = np.where(low < start, np.where(high > stop, scale, high - start),
                         np.where(high > stop, stop - low, _F(1.0)))
        rows.append((np.minimum(cells, in_size - 1), cover.astype(np.float64) / scale))
    return _pad_rows(rows)


def _lanczos(radius: int):
    def kernel(x: np.ndarray) -> np.ndarray:
        x = np.abs(x)
        pi = 3.14159265359
        with np.errstate(divide="ignore", invalid="ignore"):
            v = radius * np.sin(pi * x) * np.sin(pi * x / radius) / (pi * pi * x * x)
        return np.where(x > radius, 0.0, np.where(x <= 1e-3, 1.0, v))
    return kernel, float(radius)


def _triangle(x: np.ndarray) -> np.ndarray:
    x = np.abs(x)
    return np.where(x < 1.0, 1.0 - x, 0.0)


def _keys_cubic(x: np.ndarray) -> np.ndarray:
    x = np.abs(x)
    return np.where(x >= 2.0, 0.0, np.where(
        x >= 1.0, ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0, (1.5 * x - 2.5) * x * x + 1.0))


def _scale_translate_taps(in_size: int, out_size: int, kernel, radius: float,
                          antialias: bool):
    inv_scale = float(_F(1.0 / (_F(out_size) / _F(in_size))))
    kscale = max(inv_scale, 1.0) if antialias else 1.0
    rows = []
    for o in range(out_size):
        sample = (o + 0.5) * inv_scale
        start = min(max(math.ceil(sample - radius * kscale - 0.5), 0), in_size - 1)
        stop = min(max(math.floor(sample + radius * kscale - 0.5), 0), in_size - 1) + 1
        cells = np.arange(start, stop)
        w = kernel((cells + 0.5 - sample) / kscale)
        total = w.sum()
        rows.append((cells, w / total if abs(total) > 1e-30 else w))
    return _pad_rows(rows)


def _pad_rows(rows: list):
    k = max(len(r[0]) for r in rows)
    idx = np.zeros((len(rows), k), np.int64)
    w = np.zeros((len(rows), k))
    for i, (cells, weights) in enumerate(rows):
        idx[i, :len(cells)] = cells
        w[i, :len(cells)] = weights
    return idx, w


def resize_taps(in_size: int, out_size: int, interpolation: str = "bilinear",
                antialias: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Input indices and weights, each ``(out_size, taps)``, of one resized axis.

    ``out[o] = sum_k weights[o, k] * in[indices[o, k]]``, as TensorFlow's resize kernels
    compute it (half-pixel centers; ``antialias`` widens the kernel when shrinking).

    >>> idx, w = resize_taps(2, 4, "bilinear")
    >>> (w * np.array([0.0, 1.0])[idx]).sum(1).tolist()
    [0.0, 0.25, 0.75, 1.0]
    """
    if interpolation not in RESIZE_INTERPOLATIONS:
        raise ValueError("Invalid value for argument `interpolation`. Expected of one "
                         f"{RESIZE_INTERPOLATIONS}. Received: interpolation={interpolation}")
    if interpolation == "nearest":
        return _nearest_taps(in_size, out_size)
    if interpolation == "area":
        return _area_taps(in_size, out_size)
    if interpolation == "bilinear":
        if antialias:
            return _scale_translate_taps(in_size, out_size, _triangle, 1.0, True)
        return _bilinear_taps(in_size, out_size)
    if interpolation == "bicubic":
        if antialias:
            return _scale_translate_taps(in_size, out_size, _keys_cubic, 2.0, True)
        return _bicubic_taps(in_size, out_size)
    kernel, radius = _lanczos(3 if interpolation == "lanczos3" else 5)
    return _scale_translate_taps(in_size, out_size, kernel, radius, antialias)


def resize_matrix(in_size: int, out_size: int, interpolation: str = "bilinear",
                  antialias: bool = False) -> np.ndarray:
    """The ``(out_size, in_size)`` matrix of ``resize_taps``.

    >>> resize_matrix(1, 2, "nearest").tolist()
    [[1.0], [1.0]]
    """
    idx, w = resize_taps(in_size, out_size, interpolation, antialias)
    m = np.zeros((out_size, in_size))
    np.add.at(m, (np.repeat(np.arange(out_size), idx.shape[1]), idx.ravel()), w.ravel())
    return m


def resize_axis(x: Any, axis: int, out_size: int, interpolation: str = "bilinear",
                antialias: bool = False, method: str | None = None) -> ember.Tensor:
    """Resample one axis of float tensor ``x`` to ``out_size`` entries.

    ``method`` forces ``"gather"`` or ``"matmul"`` (by default the cheaper one).

    >>> resize_axis(ember.constant([[0.0, 1.0]]), 1, 4).numpy().tolist()
    [[0.0, 0.25, 0.75, 1.0]]
    """
    rank = x.ndim
    axis = axis % rank
    in_size = int(x.shape[axis])
    idx, w = resize_taps(in_size, out_size, interpolation, antialias)
    if in_size == out_size and np.array_equal(idx[:, 0], np.arange(in_size)) and \
            np.all(w[:, 0] == 1.0) and np.all(w[:, 1:] == 0.0):
        return x
    if interpolation == "nearest":
        return ember.gather(x, ember.constant(idx[:, 0].astype(np.int32)), axis=axis)
    if method is None:
        method = "gather" if idx.shape[1] * _TAPS_PER_MATMUL < in_size else "matmul"
    dtype = x.dtype
    if method == "gather":
        wshape = [1] * rank
        wshape[axis] = out_size
        out = None
        for k in range(idx.shape[1]):
            if not np.any(w[:, k]):
                continue
            part = ember.gather(x, ember.constant(idx[:, k].astype(np.int32)), axis=axis)
            part = part * ember.constant(w[:, k].reshape(wshape), dtype=dtype)
            out = part if out is None else out + part
        return out
    m = ember.constant(resize_matrix(in_size, out_size, interpolation, antialias),
                       dtype=dtype)
    if axis == rank - 1:
        return ember.matmul(x, ember.transpose(m))
    shape = tuple(x.shape)
    lead, rest = shape[:axis], shape[axis + 1:]
    flat = ember.reshape(x, lead + (in_size, int(np.prod(rest, dtype=np.int64))))
    return ember.reshape(ember.matmul(m, flat), lead + (out_size,) + rest)


# -- whole-image resizing ------------------------------------------------------------------
def _float_images(images: Any) -> ember.Tensor:
    images = ember.convert_to_tensor(images)
    if not images.dtype.is_floating:
        return ember.cast(images, "float32")
    if images.dtype.size < 4:
        return ember.cast(images, "float32")
    return images


def _spatial_axes(rank: int, data_format: str) -> tuple[int, int]:
    if rank not in (3, 4):
        raise ValueError("Invalid images rank: expected rank 3 (single image) or rank 4 "
                         f"(batch of images). Received input with rank {rank}")
    return (rank - 3, rank - 2) if data_format == "channels_last" else (rank - 2, rank - 1)


def aspect_crop_box(height: int, width: int, target_height: int,
                    target_width: int) -> tuple[int, int, int, int]:
    """``(top, left, crop_height, crop_width)`` of the largest centered window of a
    ``height x width`` image with the target's aspect ratio (Keras's ``smart_resize``).

    >>> aspect_crop_box(340, 500, 200, 200)
    (0, 80, 340, 340)
    """
    crop_h = max(min(height, int(float(width * target_height) / target_width)), 1)
    crop_w = max(min(width, int(float(height * target_width) / target_height)), 1)
    return int(float(height - crop_h) / 2), int(float(width - crop_w) / 2), crop_h, crop_w


def crop_spatial(images: ember.Tensor, top: int, left: int, height: int, width: int,
                 data_format: str) -> ember.Tensor:
    """The ``height x width`` window at ``(top, left)`` of each image (static offsets).

    >>> crop_spatial(ember.ones((4, 5, 1)), 1, 1, 2, 3, "channels_last").shape
    TensorShape([2, 3, 1])
    """
    rank = images.ndim
    h_axis, w_axis = _spatial_axes(rank, data_format)
    begin = [0] * rank
    size = [-1] * rank
    begin[h_axis], begin[w_axis] = top, left
    size[h_axis], size[w_axis] = height, width
    return ember.slice(images, begin, size)


def _pad_to_aspect(images: ember.Tensor, size: tuple, fill_value: float,
                   data_format: str) -> ember.Tensor:
    h_axis, w_axis = _spatial_axes(images.ndim, data_format)
    height, width = int(images.shape[h_axis]), int(images.shape[w_axis])
    target_h, target_w = size
    pad_h = max(height, int(_F(width * target_h) / _F(target_w)))
    pad_w = max(width, int(_F(height * target_w) / _F(target_h)))
    top = int(_F(pad_h - height) / _F(2))
    left = int(_F(pad_w - width) / _F(2))
    if top == 0 and left == 0:
        return images
    paddings = [[0, 0] for _ in range(images.ndim)]
    paddings[h_axis] = [top, top]
    paddings[w_axis] = [left, left]
    return ember.pad(images, paddings, constant_values=fill_value)


def resize(images: Any, size: Any, interpolation: str = "bilinear", antialias: bool = False,
           crop_to_aspect_ratio: bool = False, pad_to_aspect_ratio: bool = False,
           fill_mode: str = "constant", fill_value: float = 0.0,
           data_format: str | None = None) -> ember.Tensor:
    """Resize one image (rank 3) or a batch (rank 4) to ``size = (height, width)``.

    The same pixels as Keras's ``ops.image.resize`` on TensorFlow. Float inputs keep
    their dtype (half precision is computed in float32); integer inputs give float32,
    except with ``"nearest"``, which keeps the dtype.

    >>> resize(ember.ones((1, 4, 4, 3)), (2, 8)).shape
    TensorShape([1, 2, 8, 3])
    """
    data_format = standardize_data_format(data_format)
    if interpolation not in RESIZE_INTERPOLATIONS:
        raise ValueError("Invalid value for argument `interpolation`. Expected of one "
                         f"{RESIZE_INTERPOLATIONS}. Received: interpolation={interpolation}")
    if fill_mode != "constant":
        raise ValueError("Invalid value for argument `fill_mode`. Only `'constant'` is "
                         f"supported. Received: fill_mode={fill_mode}")
    if pad_to_aspect_ratio and crop_to_aspect_ratio:
        raise ValueError("Only one of `pad_to_aspect_ratio` & `crop_to_aspect_ratio` can "
                         "be `True`.")
    if len(size) != 2:
        raise ValueError("Argument `size` must be a tuple of two elements (height, width). "
                         f"Received: size={size}")
    size = (int(size[0]), int(size[1]))
    images = ember.convert_to_tensor(images)
    h_axis, w_axis = _spatial_axes(images.ndim, data_format)
    if crop_to_aspect_ratio:
        top, left, ch, cw = aspect_crop_box(int(images.shape[h_axis]),
                                            int(images.shape[w_axis]), *size)
        images = crop_spatial(images, top, left, ch, cw, data_format)
    elif pad_to_aspect_ratio:
        images = _pad_to_aspect(images, size, fill_value, data_format)
    original = images.dtype
    if interpolation != "nearest":
        images = _float_images(images)
    out = resize_axis(images, h_axis, size[0], interpolation, antialias)
    out = resize_axis(out, w_axis, size[1], interpolation, antialias)
    if original.is_floating and out.dtype != original:
        out = ember.cast(out, original)
    return out


def smart_resize(images: Any, size: Any, interpolation: str = "bilinear",
                 data_format: str | None = None) -> ember.Tensor:
    """Center-crop to the target aspect ratio, then resize (Keras's ``smart_resize``).

    >>> smart_resize(ember.ones((6, 10, 1)), (3, 3)).shape
    TensorShape([3, 3, 1])
    """
    return resize(images, size, interpolation=interpolation, crop_to_aspect_ratio=True,
                  data_format=data_format)


# -- affine transforms ---------------------------------------------------------------------
def compute_affine_matrix(center_x: Any, center_y: Any, angle: Any, translate_x: Any,
                          translate_y: Any, scale: Any, shear_x: Any, shear_y: Any,
                          height: int, width: int) -> ember.Tensor:
    """Per-image transforms ``(batch, 8)`` for ``affine_transform``: rotate by ``angle``
    degrees, shear (degrees), scale and translate (pixels) about the point
    ``(center_x * (width - 1), center_y * (height - 1))``; each argument is a
    ``(batch,)`` tensor (centers may be Python floats).

    >>> m = compute_affine_matrix(0.5, 0.5, ember.zeros((1,)), ember.zeros((1,)),
    ...                           ember.zeros((1,)), ember.ones((1,)), ember.zeros((1,)),
    ...                           ember.zeros((1,)), 4, 4)
    >>> m.numpy().tolist()
    [[1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0]]
    """
    to_rad = math.pi / 180.0
    angle = ember.convert_to_tensor(angle)
    dtype = angle.dtype

    def cast(v: Any) -> ember.Tensor:
        return ember.cast(ember.convert_to_tensor(v), dtype)

    angle = angle * to_rad
    shx = ember.math.tan(cast(shear_x) * to_rad)
    shy = ember.math.tan(cast(shear_y) * to_rad)
    scale, tx, ty = cast(scale), cast(translate_x), cast(translate_y)
    cx = center_x * (float(width) - 1.0)
    cy = center_y * (float(height) - 1.0)
    cos, sin = ember.math.cos(angle), ember.math.sin(angle)
    a0 = scale * (cos + shx * sin)
    a1 = scale * (-sin + shx * cos)
    a2 = tx + cx - cx * a0 - cy * a1
    b0 = scale * (shy * cos + sin)
    b1 = scale * (shy * -sin + cos)
    b2 = ty + cy - cx * b0 - cy * b1
    zeros = ember.zeros_like(a0)
    return ember.stack([a0, a1, a2, b0, b1, b2, zeros, zeros], axis=1)


def _fold(coord: ember.Tensor, size: int, fill_mode: str) -> ember.Tensor:
    """Source coordinates folded back into ``[0, size - 1]`` as TensorFlow's
    ``ImageProjectiveTransformV3`` does it (``constant`` leaves them as they are)."""
    if fill_mode == "constant":
        return coord
    hi = float(size - 1)
    if size <= 1:
        return ember.zeros_like(coord)
    if fill_mode == "nearest":
        return ember.clip_by_value(coord, 0.0, hi)
    below, above = coord < 0.0, coord > hi
    if fill_mode == "reflect":
        sz2 = float(2 * size)
        neg = sz2 * ember.math.floor(-coord / sz2) + coord
        neg = ember.where(neg < -float(size), neg + sz2, -neg - 1.0)
        pos = coord - sz2 * ember.math.floor(coord / sz2)
        pos = ember.where(pos >= float(size), sz2 - pos - 1.0, pos)
    elif fill_mode == "wrap":
        sz = float(size - 1)
        neg = coord + float(size) * (ember.math.floor(-coord / sz) + 1.0)
        pos = coord - float(size) * ember.math.floor(coord / sz)
    else:
        raise ValueError("Invalid value for argument `fill_mode`. Expected of one "
                         f"{FILL_MODES}. Received: fill_mode={fill_mode}")
    out = ember.where(below, neg, ember.where(above, pos, coord))
    return ember.clip_by_value(out, 0.0, hi)


def _round_half_away(x: ember.Tensor) -> ember.Tensor:
    return ember.where(x >= 0.0, ember.math.floor(x + 0.5), ember.math.ceil(x - 0.5))


def affine_transform(images: Any, transform: Any, interpolation: str = "bilinear",
                     fill_mode: str = "constant", fill_value: float = 0.0,
                     data_format: str | None = None) -> ember.Tensor:
    """Warp images by projective transforms ``[a0, a1, a2, b0, b1, b2, c0, c1]``: output
    pixel ``(x, y)`` reads the input at ``((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)``
    with ``k = c0 x + c1 y + 1``. ``transform`` is ``(8,)`` or ``(batch, 8)``.

    >>> img = ember.reshape(ember.range(4.0), (1, 2, 2, 1))
    >>> shift = ember.constant([1.0, 0, 1, 0, 1, 0, 0, 0])       # read one pixel right
    >>> affine_transform(img, shift, "nearest")[0, :, :, 0].numpy().tolist()
    [[1.0, 0.0], [3.0, 0.0]]
    """
    data_format = standardize_data_format(data_format)
    if interpolation not in AFFINE_INTERPOLATIONS:
        raise ValueError("Invalid value for argument `interpolation`. Expected of one "
                         f"{AFFINE_INTERPOLATIONS}. Received: interpolation={interpolation}")
    if fill_mode not in FILL_MODES:
        raise ValueError("Invalid value for argument `fill_mode`. Expected of one "
                         f"{FILL_MODES}. Received: fill_mode={fill_mode}")
    images = ember.convert_to_tensor(images)
    transform = ember.cast(ember.convert_to_tensor(transform), "float32")
    if images.ndim not in (3, 4):
        raise ValueError("Invalid images rank: expected rank 3 (single image) or rank 4 "
                         "(batch of images). Received input with shape: "
                         f"images.shape={tuple(images.shape)}")
    if transform.ndim not in (1, 2) or int(transform.shape[-1]) != 8:
        raise ValueError("Invalid transform shape: expected (8,) for a single transform or "
                         f"(batch, 8). Received: transform.shape={tuple(transform.shape)}")
    unbatched = images.ndim == 3
    if unbatched:
        images = ember.expand_dims(images, 0)
    if transform.ndim == 1:
        transform = ember.expand_dims(transform, 0)
    if data_format == "channels_first":
        images = ember.transpose(images, (0, 2, 3, 1))
    out = _warp(images, transform, interpolation, fill_mode, fill_value)
    if data_format == "channels_first":
        out = ember.transpose(out, (0, 3, 1, 2))
    return ember.squeeze(out, 0) if unbatched else out


def _warp(images: ember.Tensor, transform: ember.Tensor, interpolation: str,
          fill_mode: str, fill_value: float) -> ember.Tensor:
    batch, height, width, channels = (int(d) for d in images.shape)
    dtype = images.dtype
    work = dtype if dtype.is_floating else ember.float32
    t = [ember.reshape(c, (-1, 1, 1)) for c in ember.unstack(transform, 8, axis=1)]
    if int(transform.shape[0]) == 1 and batch > 1:
        t = [ember.tile(c, (batch, 1, 1)) for c in t]
    xs = ember.constant(np.arange(width, dtype=np.float32).reshape(1, 1, width))
    ys = ember.constant(np.arange(height, dtype=np.float32).reshape(1, height, 1))
    proj = t[6] * xs + t[7] * ys + 1.0
    src_x = (t[0] * xs + t[1] * ys + t[2]) / proj
    src_y = (t[3] * xs + t[4] * ys + t[5]) / proj
    finite = ember.not_equal(proj, 0.0)
    src_x = _fold(ember.where(finite, src_x, -1.0), width, fill_mode)
    src_y = _fold(ember.where(finite, src_y, -1.0), height, fill_mode)
    flat = ember.reshape(ember.cast(images, work), (batch * height * width, channels))
    base = ember.constant(np.arange(batch, dtype=np.int32).reshape(batch, 1, 1)
                          * (height * width))
    fill = ember.constant(fill_value, dtype=work)

    def read(ix: ember.Tensor, iy: ember.Tensor) -> ember.Tensor:
        valid = (ix >= 0.0) & (ix <= width - 1.0) & (iy >= 0.0) & (iy <= height - 1.0)
        valid = valid & finite
        cx = ember.cast(ember.clip_by_value(ix, 0.0, width - 1.0), "int32")
        cy = ember.cast(ember.clip_by_value(iy, 0.0, height - 1.0), "int32")
        got = ember.gather(flat, base + cy * width + cx)
        return ember.where(ember.expand_dims(valid, -1), got, fill)

    if interpolation == "nearest":
        out = read(_round_half_away(src_x), _round_half_away(src_y))
    else:
        x0, y0 = ember.math.floor(src_x), ember.math.floor(src_y)
        x1, y1 = x0 + 1.0, y0 + 1.0
        wx0 = ember.expand_dims(ember.cast(x1 - src_x, work), -1)
        wx1 = ember.expand_dims(ember.cast(src_x - x0, work), -1)
        wy0 = ember.expand_dims(ember.cast(y1 - src_y, work), -1)
        wy1 = ember.expand_dims(ember.cast(src_y - y0, work), -1)
        top = wx0 * read(x0, y0) + wx1 * read(x1, y0)
        bottom = wx0 * read(x0, y1) + wx1 * read(x1, y1)
        out = wy0 * top + wy1 * bottom
    if not dtype.is_floating:
        out = ember.saturate_cast(ember.round(out), dtype)
    return out
