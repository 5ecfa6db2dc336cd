"""Rearranging pixels: flips, transposes, quarter-turn rotations and patch extraction.

Each op moves or copies pixels without changing them (reverse, transpose, gather), so the
gradients are the same moves backwards. Images are ``(height, width, channels)`` or a batch
``(batch, height, width, channels)``.
"""
from __future__ import annotations

from typing import Any

from ..primitive import is_traced
from . import _api as E
from ._common import fail, shape_of, static_int, static_ints
from ._common import images as _images
from .sampling import gather_patches, patch_geometry

__all__ = ["extract_patches", "flip_left_right", "flip_up_down", "rot90", "transpose"]


def _hw_axes(x: Any) -> tuple[int, int]:
    return (0, 1) if len(x.shape) == 3 else (1, 2)


def flip_left_right(image: Any) -> Any:
    """Mirror each image horizontally (reverse the width axis).

    >>> import ember
    >>> x = ember.reshape(ember.range(4), (2, 2, 1))
    >>> flip_left_right(x)[..., 0].numpy().tolist()
    [[1, 0], [3, 2]]
    """
    x = _images(image, "flip_left_right")
    return E.reverse(x, [_hw_axes(x)[1]])


def flip_up_down(image: Any) -> Any:
    """Mirror each image vertically (reverse the height axis).

    >>> import ember
    >>> x = ember.reshape(ember.range(4), (2, 2, 1))
    >>> flip_up_down(x)[..., 0].numpy().tolist()
    [[2, 3], [0, 1]]
    """
    x = _images(image, "flip_up_down")
    return E.reverse(x, [_hw_axes(x)[0]])


def transpose(image: Any, name: str | None = None) -> Any:
    """Swap the height and width axes of each image.

    >>> import ember
    >>> transpose(ember.ones((2, 5, 3))).shape
    TensorShape([5, 2, 3])
    """
    x = _images(image, "transpose")
    return E.transpose(x, [1, 0, 2] if len(x.shape) == 3 else [0, 2, 1, 3])


def rot90(image: Any, k: int = 1, name: str | None = None) -> Any:
    """Rotate each image by ``k`` quarter turns counter-clockwise (negative ``k``
    turns clockwise).

    >>> import ember
    >>> x = ember.reshape(ember.range(4), (2, 2, 1))
    >>> rot90(x)[..., 0].numpy().tolist()
    [[1, 3], [0, 2]]
    """
    op = "rot90"
    x = _images(image, op)
    h, w = _hw_axes(x)
    perm = [1, 0, 2] if len(x.shape) == 3 else [0, 2, 1, 3]
    if is_traced(k):  # a tensor whose value is known only when the function runs
        kt = E.convert_to_tensor(k)
        if len(kt.shape) != 0 or not kt.dtype.is_integer:
            raise TypeError(f"ember.image.{op}: k must be an integer scalar; got "
                            f"{kt.dtype.name} of shape {shape_of(kt)}")
        if x.shape[h] != x.shape[w]:
            raise fail(op, f"a k known only when the function runs needs square images "
                           f"(odd k changes the shape); got shape {shape_of(x)}")
        # every rotation of a square image has its shape: pick the k-th of the four
        options = E.stack([rot90(x, i) for i in range(4)])
        return E.gather(options, E.floormod(E.cast(kt, "int32"), 4))
    turns = static_int(k, op, "k") % 4
    if turns == 0:
        return E.identity(x)
    if turns == 1:
        return E.transpose(E.reverse(x, [w]), perm)
    if turns == 2:
        return E.reverse(x, [h, w])
    return E.reverse(E.transpose(x, perm), [w])


def _four(value: Any, op: str, what: str) -> tuple[int, int]:
    vals = static_ints(value, 4, op, what)
    if vals[0] != 1 or vals[3] != 1:
        raise fail(op, f"'{what}' must be [1, rows, cols, 1] (only the spatial dimensions "
                       f"may be other than 1); got {list(vals)}")
    if vals[1] < 1 or vals[2] < 1:
        raise fail(op, f"'{what}' must be positive; got {list(vals)}")
    return vals[1], vals[2]


def extract_patches(images: Any, sizes: Any, strides: Any, rates: Any, padding: str,
                    name: str | None = None) -> Any:
    """Patches of ``sizes = [1, rows, cols, 1]`` from a batch of images, every
    ``strides = [1, sr, sc, 1]`` pixels, their pixels ``rates = [1, rr, rc, 1]`` apart,
    each flattened into the last axis in ``(row, col, channel)`` order:
    ``(batch, out_rows, out_cols, rows * cols * channels)``. ``padding`` is ``"VALID"``
    or ``"SAME"`` (zeros; ``ceil(size / stride)`` patches per axis).

    >>> import ember
    >>> x = ember.reshape(ember.range(16.0), (1, 4, 4, 1))
    >>> y = extract_patches(x, [1, 2, 2, 1], [1, 2, 2, 1], [1, 1, 1, 1], "VALID")
    >>> y.shape, y[0, 0, 1].numpy().tolist()
    (TensorShape([1, 2, 2, 4]), [2.0, 3.0, 6.0, 7.0])
    """
    op = "extract_patches"
    x = _images(images, op, ranks=(4,), what="images")
    size = _four(sizes, op, "sizes")
    stride = _four(strides, op, "strides")
    rate = _four(rates, op, "rates")
    mode = str(padding).upper()
    if mode not in ("VALID", "SAME"):
        raise fail(op, f"padding must be 'VALID' or 'SAME'; got {padding!r}")
    batch, height, width, channels = shape_of(x)
    _, outs = patch_geometry((height, width), size, stride, rate, mode.lower())
    if outs[0] == 0 or outs[1] == 0:
        return E.zeros((batch, outs[0], outs[1], size[0] * size[1] * channels), x.dtype)
    return gather_patches(x, size, stride, rate, mode.lower())
