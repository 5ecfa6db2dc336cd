"""Cropping and padding images: boxes in pixels (``crop_to_bounding_box``,
``pad_to_bounding_box``, ``resize_with_crop_or_pad``, ``central_crop``), boxes in
normalised coordinates resampled to a fixed size (``crop_and_resize``) and glimpses
around points (``extract_glimpse``).

Pixel boxes are slices and pads, so their gradients are pads and slices.
``crop_and_resize`` reads its samples with gathers and blends them with the bilinear
weights, so it is differentiable with respect to the image and to the boxes.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import _api as E
from ._common import (at_least_3d, batched, fail, shape_of, static_float, static_int,
                      static_ints, tensor, unbatch, work_dtype)
from ._common import images as _images

__all__ = [
    "central_crop",
    "crop_and_resize",
    "crop_to_bounding_box",
    "extract_glimpse",
    "pad_to_bounding_box",
    "resize_with_crop_or_pad",
]


def _hw(x: Any) -> tuple[int, int]:
    return int(x.shape[1]), int(x.shape[2])


def _box(op: str, image: Any, offset_height: Any, offset_width: Any, target_height: Any,
         target_width: Any) -> tuple:
    """``(batch, unbatched, top, left, target height, target width)`` of a pixel box."""
    x, unbatched = batched(_images(image, op))
    return (x, unbatched, static_int(offset_height, op, "offset_height"),
            static_int(offset_width, op, "offset_width"),
            static_int(target_height, op, "target_height"),
            static_int(target_width, op, "target_width"))


def _check_box(op: str, x: Any, unbatched: bool, box: tuple, checks: list) -> None:
    """Raise the first failed ``(ok, message)`` check, naming the box and the image."""
    top, left, th, tw = box
    for ok, message in checks:
        if not ok:
            raise fail(op, f"{message}; got offset ({top}, {left}), target ({th}, {tw}) for "
                           f"an image of shape {shape_of(x)[1 if unbatched else 0:]}")


def crop_to_bounding_box(image: Any, offset_height: int, offset_width: int,
                         target_height: int, target_width: int) -> Any:
    """The ``target_height x target_width`` window of ``image`` (one image or a batch)
    whose top-left pixel is ``(offset_height, offset_width)``.

    >>> import ember
    >>> x = ember.reshape(ember.range(16), (4, 4, 1))
    >>> crop_to_bounding_box(x, 1, 2, 2, 2)[..., 0].numpy().tolist()
    [[6, 7], [10, 11]]
    """
    op = "crop_to_bounding_box"
    x, unbatched, top, left, th, tw = _box(op, image, offset_height, offset_width,
                                           target_height, target_width)
    height, width = _hw(x)
    _check_box(op, x, unbatched, (top, left, th, tw), [
        (left >= 0, "offset_width must be >= 0"),
        (top >= 0, "offset_height must be >= 0"),
        (tw > 0, "target_width must be > 0"), (th > 0, "target_height must be > 0"),
        (width >= tw + left, "width must be >= target + offset"),
        (height >= th + top, "height must be >= target + offset")])
    out = E.slice(x, [0, top, left, 0], [-1, th, tw, -1])
    return unbatch(out, unbatched)


def pad_to_bounding_box(image: Any, offset_height: int, offset_width: int,
                        target_height: int, target_width: int) -> Any:
    """Pad ``image`` with zeros to ``target_height x target_width``, ``offset_height``
    rows above it and ``offset_width`` columns to its left.

    >>> import ember
    >>> pad_to_bounding_box(ember.ones((1, 2, 1)), 1, 0, 3, 3)[..., 0].numpy().tolist()
    [[0.0, 0.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 0.0]]
    """
    op = "pad_to_bounding_box"
    x, unbatched, top, left, th, tw = _box(op, image, offset_height, offset_width,
                                           target_height, target_width)
    height, width = _hw(x)
    bottom, right = th - top - height, tw - left - width
    _check_box(op, x, unbatched, (top, left, th, tw), [
        (top >= 0, "offset_height must be >= 0"),
        (left >= 0, "offset_width must be >= 0"),
        (right >= 0, "width must be <= target - offset"),
        (bottom >= 0, "height must be <= target - offset")])
    if any(int(d) == 0 for d in x.shape[1:]):
        raise fail(op, f"the inner 3 dims of 'image' must be > 0; got shape {shape_of(x)}")
    out = E.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]])
    return unbatch(out, unbatched)


def resize_with_crop_or_pad(image: Any, target_height: int, target_width: int) -> Any:
    """Crop (centred) or zero-pad (centred) ``image`` to ``target_height x
    target_width``, axis by axis.

    >>> import ember
    >>> x = ember.reshape(ember.range(1, 10), (3, 3, 1))
    >>> resize_with_crop_or_pad(x, 1, 5)[..., 0].numpy().tolist()
    [[0, 4, 5, 6, 0]]
    """
    op = "resize_with_crop_or_pad"
    x, unbatched = batched(_images(image, op))
    th = static_int(target_height, op, "target_height")
    tw = static_int(target_width, op, "target_width")
    if tw <= 0 or th <= 0:
        raise fail(op, f"target_height and target_width must be > 0; got ({th}, {tw})")
    height, width = _hw(x)
    dw, dh = tw - width, th - height
    cropped = crop_to_bounding_box(x, max(-dh // 2, 0), max(-dw // 2, 0), min(th, height),
                                   min(tw, width))
    out = pad_to_bounding_box(cropped, max(dh // 2, 0), max(dw // 2, 0), th, tw)
    return unbatch(out, unbatched)


def central_crop(image: Any, central_fraction: float) -> Any:
    """The central ``central_fraction`` (in ``(0, 1]``) of each image's height and width.

    >>> import ember
    >>> central_crop(ember.ones((10, 8, 3)), 0.5).shape
    TensorShape([6, 4, 3])
    """
    op = "central_crop"
    x = tensor(image)
    fraction = static_float(central_fraction, op, "central_fraction")
    if not 0.0 < fraction <= 1.0:
        raise fail(op, f"central_fraction must be within (0, 1]; got {fraction}")
    if fraction == 1.0:
        return x
    x = at_least_3d(x, op)
    x, unbatched = batched(_images(x, op))
    height, width = _hw(x)
    top = int((float(height) - float(height) * fraction) / 2)
    left = int((float(width) - float(width) * fraction) / 2)
    out = E.slice(x, [0, top, left, 0], [-1, height - 2 * top, width - 2 * left, -1])
    return unbatch(out, unbatched)


# =========================================================================================
# crop_and_resize
# =========================================================================================
def _crop_and_resize(image: Any, boxes: Any, box_indices: Any, crop_size: Any,
                     method: str, extrapolation_value: float, out_dtype: Any) -> Any:
    op = "crop_and_resize"
    x = _images(image, op, ranks=(4,))
    boxes = tensor(boxes)
    idx = tensor(box_indices)
    if len(boxes.shape) != 2 or int(boxes.shape[1]) != 4:
        raise fail(op, f"'boxes' must have shape [num_boxes, 4]; got {shape_of(boxes)}")
    n = int(boxes.shape[0])
    if shape_of(idx) != (n,) or not idx.dtype.is_integer:
        raise fail(op, f"'box_indices' must be an integer tensor of shape [num_boxes] = "
                       f"[{n}]; got {idx.dtype.name} of shape {shape_of(idx)}")
    if not boxes.dtype.is_floating:
        raise TypeError(f"ember.image.{op}: 'boxes' must be floating; got "
                        f"{boxes.dtype.name}")
    if method not in ("bilinear", "nearest"):
        raise fail(op, f"method must be 'bilinear' or 'nearest'; got {method!r}")
    crop_h, crop_w = static_ints(crop_size, 2, op, "crop_size")
    if crop_h <= 0 or crop_w <= 0:
        raise fail(op, f"crop dimensions must be positive; got crop_size=({crop_h}, "
                       f"{crop_w})")
    batch, height, width, channels = shape_of(x)
    idx_np = np.asarray(idx.numpy())
    if idx_np.size and (idx_np.min() < 0 or idx_np.max() >= batch):
        raise fail(op, f"box_indices has values outside [0, batch_size = {batch}): "
                       f"{idx_np.tolist()}")
    work = work_dtype(x, boxes)
    b = E.cast(boxes, work)
    y1, x1, y2, x2 = E.unstack(b, 4, axis=1)

    def coords(lo, hi, size, crop):
        steps = E.constant(np.arange(crop, dtype=work).reshape(1, crop))
        lo, hi = E.reshape(lo, (-1, 1)), E.reshape(hi, (-1, 1))
        if crop > 1:
            scale = (hi - lo) * float(size - 1) / float(crop - 1)
            return lo * float(size - 1) + steps * scale             # (n, crop)
        return 0.5 * (lo + hi) * float(size - 1)                    # (n, 1)

    ys, xs = coords(y1, y2, height, crop_h), coords(x1, x2, width, crop_w)
    valid = E.logical_and(
        E.reshape(E.logical_and(ys >= 0.0, ys <= float(height - 1)), (n, crop_h, 1, 1)),
        E.reshape(E.logical_and(xs >= 0.0, xs <= float(width - 1)), (n, 1, crop_w, 1)))
    flat = E.reshape(E.cast(x, work), (batch * height * width, channels))
    base = E.reshape(E.cast(idx, "int64") * (height * width), (n, 1, 1))

    def index(v, size):
        return E.cast(E.clip_by_value(v, 0.0, float(size - 1)), "int64")

    def read(rows, cols):  # (explicit sizes: with no boxes, -1 would be ambiguous)
        rows = E.reshape(rows, (n, shape_of(rows)[1], 1))
        flat_idx = base + rows * width + E.reshape(cols, (n, 1, shape_of(cols)[1]))
        return E.gather(flat, flat_idx)                              # (n, ch, cw, C)

    if method == "nearest":
        # roundf (halves away from zero); only in-range (non-negative) samples are kept
        out = read(index(E.floor(ys + 0.5), height), index(E.floor(xs + 0.5), width))
    else:
        top_f, left_f = E.floor(ys), E.floor(xs)
        top, bottom = index(top_f, height), index(E.ceil(ys), height)
        left, right = index(left_f, width), index(E.ceil(xs), width)
        wy = E.reshape(ys - top_f, (n, shape_of(ys)[1], 1, 1))
        wx = E.reshape(xs - left_f, (n, 1, shape_of(xs)[1], 1))
        top_row = read(top, left) + (read(top, right) - read(top, left)) * wx
        bottom_row = read(bottom, left) + (read(bottom, right) - read(bottom, left)) * wx
        out = top_row + (bottom_row - top_row) * wy
    fill = E.cast(extrapolation_value, work)
    out = E.where(valid, out, fill)
    if out_dtype is not None and out.dtype.name != out_dtype:
        out = E.cast(out, out_dtype)
    return out


def crop_and_resize(image: Any, boxes: Any, box_indices: Any, crop_size: Any,
                    method: str = "bilinear", extrapolation_value: float = 0.0,
                    name: str | None = None) -> Any:
    """Crop boxes out of a batch of images and resize each crop to ``crop_size``.

    ``boxes`` is ``[num_boxes, 4]`` of normalised ``[y1, x1, y2, x2]`` (``y * (height -
    1)`` is the pixel row; ``y1 > y2`` flips the crop), ``box_indices`` names each box's
    image, ``crop_size = (crop_height, crop_width)``. Samples are read with
    ``"bilinear"`` or ``"nearest"`` interpolation; rows or columns that fall outside the
    image are ``extrapolation_value``. Returns float32 ``[num_boxes, crop_height,
    crop_width, channels]``. Differentiable with respect to ``image`` and ``boxes``.

    >>> import ember
    >>> img = ember.reshape(ember.range(16.0), (1, 4, 4, 1))
    >>> crop_and_resize(img, [[0.0, 0.0, 1.0, 1.0]], [0], (2, 2))[0, ..., 0].numpy().tolist()
    [[0.0, 3.0], [12.0, 15.0]]
    """
    return _crop_and_resize(image, boxes, box_indices, crop_size, method,
                            extrapolation_value, "float32")


# =========================================================================================
# extract_glimpse
# =========================================================================================
def extract_glimpse(input: Any, size: Any, offsets: Any, centered: bool = True,
                    normalized: bool = True, noise: str = "uniform",
                    name: str | None = None) -> Any:
    """A ``size = (height, width)`` window from each image of the batch ``input``, placed
    by ``offsets`` (``[batch, 2]`` of ``(y, x)``).

    With ``normalized`` the offsets are fractions of the image size; with ``centered``
    they are measured from the image centre (and in ``[-1, 1]`` when normalized), and
    ``normalized and centered`` offsets name the window's centre; otherwise its top-left
    corner. The pixel position is truncated toward zero, as TensorFlow does. Where the
    window leaves the image it is filled with ``noise``: ``"uniform"`` (uniform between
    the image's minimum and maximum), ``"gaussian"`` (each channel's mean and standard
    deviation) or ``"zero"``. Ember's noise comes from ``ember.random`` (repeatable
    with ``ember.random.set_seed``), not TensorFlow's generator. Returns float32.

    >>> import ember
    >>> x = ember.reshape(ember.range(9.0), (1, 3, 3, 1))
    >>> extract_glimpse(x, (2, 2), [[1, 1]], centered=False,
    ...                 normalized=False)[0, ..., 0].numpy().tolist()
    [[4.0, 5.0], [7.0, 8.0]]
    """
    from ..random import normal, uniform
    op = "extract_glimpse"
    x = _images(input, op, ranks=(4,), what="input")
    if noise not in ("uniform", "gaussian", "zero"):
        raise fail(op, f"noise must be 'uniform', 'gaussian' or 'zero'; got {noise!r}")
    gh, gw = static_ints(size, 2, op, "size")
    if gh <= 0 or gw <= 0:
        raise fail(op, f"the glimpse size must be positive; got ({gh}, {gw})")
    batch, height, width, channels = shape_of(x)
    offs = E.cast(tensor(offsets), "float32")
    if shape_of(offs) != (batch, 2):
        raise fail(op, f"'offsets' must have shape [batch_size, 2] = [{batch}, 2]; got "
                       f"{shape_of(offs)}")
    x = E.cast(x, "float32") if x.dtype.name != "float32" else x
    oy, ox = E.unstack(offs, 2, axis=1)
    if normalized:
        oy, ox = oy * float(height), ox * float(width)
        if centered:
            oy = oy / 2.0 + height / 2.0 - gh / 2.0
            ox = ox / 2.0 + width / 2.0 - gw / 2.0
    elif centered:
        oy, ox = oy + height / 2.0, ox + width / 2.0
    rows = E.reshape(E.cast(oy, "int64"), (batch, 1)) + E.constant(np.arange(gh).reshape(1, -1))
    cols = E.reshape(E.cast(ox, "int64"), (batch, 1)) + E.constant(np.arange(gw).reshape(1, -1))
    valid = E.logical_and(
        E.reshape(E.logical_and(rows >= 0, rows < height), (batch, gh, 1, 1)),
        E.reshape(E.logical_and(cols >= 0, cols < width), (batch, 1, gw, 1)))
    base = E.constant(np.arange(batch, dtype=np.int64).reshape(batch, 1, 1) * height * width)
    flat_idx = base + E.reshape(E.clip_by_value(rows, 0, height - 1), (batch, gh, 1)) * width \
        + E.reshape(E.clip_by_value(cols, 0, width - 1), (batch, 1, gw))
    out = E.gather(E.reshape(x, (-1, channels)), flat_idx)          # (batch, gh, gw, C)
    shape = (batch, gh, gw, channels)
    if noise == "zero":
        fill = E.zeros(shape, "float32")
    elif noise == "uniform":
        low = E.reduce_min(x, axis=[1, 2, 3], keepdims=True)
        spread = E.reduce_max(x, axis=[1, 2, 3], keepdims=True) - low
        fill = low + uniform(shape, dtype="float32") * spread
    else:
        mean = E.reduce_mean(x, axis=[1, 2], keepdims=True)
        sigma = E.sqrt(E.reduce_mean(E.square(x - mean), axis=[1, 2], keepdims=True))
        fill = mean + normal(shape, dtype="float32") * sigma
    return E.where(valid, out, fill)
