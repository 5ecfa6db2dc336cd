"""Image gradients and quality measures: ``image_gradients``, ``sobel_edges``,
``total_variation``, ``psnr``, ``ssim`` and ``ssim_multiscale``.

All are composites of slices, depthwise convolutions and reductions, so they are
differentiable (twice) with respect to the images. ``psnr`` and the SSIM family convert
their inputs to float32 first, as TensorFlow does (integer images become fractions of
their range, and ``max_val`` with them).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from . import _api as E
from ._common import (at_least_3d, fail, require_floating, shape_of, static_float,
                      static_int, tensor)
from ._common import images as _images
from .color import convert_image_dtype

__all__ = [
    "image_gradients",
    "psnr",
    "sobel_edges",
    "ssim",
    "ssim_multiscale",
    "total_variation",
]

_MSSSIM_WEIGHTS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)


def image_gradients(image: Any) -> tuple[Any, Any]:
    """Forward differences ``(dy, dx)`` of a batch ``(batch, height, width, channels)``:
    ``dy[:, i] = image[:, i + 1] - image[:, i]`` (0 on the last row), ``dx`` likewise
    along the width; both the image's shape.

    >>> import ember
    >>> dy, dx = image_gradients(ember.reshape(ember.range(4.0), (1, 2, 2, 1)))
    >>> dy[0, ..., 0].numpy().tolist(), dx[0, ..., 0].numpy().tolist()
    ([[2.0, 2.0], [0.0, 0.0]], [[1.0, 0.0], [1.0, 0.0]])
    """
    x = tensor(image)
    if len(x.shape) != 4:
        raise fail("image_gradients", f"expects a 4-D tensor [batch_size, h, w, d]; got "
                                      f"shape {shape_of(x)}")
    batch, height, width, depth = shape_of(x)
    dy = x[:, 1:] - x[:, :-1]
    dx = x[:, :, 1:] - x[:, :, :-1]
    dy = E.concat([dy, E.zeros((batch, 1, width, depth), x.dtype)], axis=1)
    dx = E.concat([dx, E.zeros((batch, height, 1, depth), x.dtype)], axis=2)
    return dy, dx


def sobel_edges(image: Any) -> Any:
    """Sobel responses ``[dy, dx]`` of each channel of a batch ``(batch, height, width,
    channels)``, stacked on a new last axis: ``(batch, height, width, channels, 2)``.
    The borders are mirrored without repeating the edge (``REFLECT``), so the images
    must be at least 2 x 2. ``image`` must be floating.

    >>> import ember
    >>> x = ember.reshape(ember.tile(ember.range(4.0), [3]), (1, 3, 4, 1))
    >>> sobel_edges(x)[0, 1, :, 0, 1].numpy().tolist()
    [0.0, 8.0, 8.0, 0.0]
    """
    op = "sobel_edges"
    x = _images(image, op, ranks=(4,))
    require_floating(x, op, "image")
    height, width = int(x.shape[1]), int(x.shape[2])
    if height < 2 or width < 2:
        raise fail(op, f"the images must be at least 2 x 2 (their borders are reflected); "
                       f"got shape {shape_of(x)}")
    return sobel_stack(x, 1, 2, "REFLECT")


def sobel_stack(x: Any, h_axis: int, w_axis: int, mode: str) -> Any:
    """The Sobel responses ``[dy, dx]`` of a rank-4 ``x`` over its ``h_axis`` and
    ``w_axis``, the borders padded by ``mode`` (``"REFLECT"`` or ``"SYMMETRIC"``),
    stacked on a new last axis.

    >>> import ember
    >>> x = ember.reshape(ember.tile(ember.range(4.0), [3]), (1, 3, 4, 1))
    >>> sobel_stack(x, 1, 2, "SYMMETRIC")[0, 1, :, 0, 1].numpy().tolist()
    [4.0, 8.0, 8.0, 4.0]
    """
    pads = [[0, 0]] * 4
    pads[h_axis] = pads[w_axis] = [1, 1]
    p = E.pad(x, pads, mode=mode)
    height, width = int(x.shape[h_axis]), int(x.shape[w_axis])

    def window(dh: int, dw: int) -> Any:
        begin, extent = [0] * 4, [-1] * 4
        begin[h_axis], begin[w_axis] = dh, dw
        extent[h_axis], extent[w_axis] = height, width
        return E.slice(p, begin, extent)

    def smooth(a: Any, b: Any, c: Any) -> Any:
        return a + b + b + c

    dy = smooth(window(2, 0), window(2, 1), window(2, 2)) - \
        smooth(window(0, 0), window(0, 1), window(0, 2))
    dx = smooth(window(0, 2), window(1, 2), window(2, 2)) - \
        smooth(window(0, 0), window(1, 0), window(2, 0))
    return E.stack([dy, dx], axis=-1)


def total_variation(images: Any, name: str | None = None) -> Any:
    """The sum of absolute differences between neighbouring pixels (down and right): a
    scalar for one image, one value per image for a batch. Keeps the images' dtype,
    except that 8- and 16-bit integers are summed as int32 (their differences would wrap
    around; TF refuses unsigned images).

    >>> import ember
    >>> float(total_variation(ember.reshape(ember.range(4.0), (2, 2, 1))))
    6.0
    """
    x = _images(images, "total_variation", what="images")
    if x.dtype.is_integer and x.dtype.size < 4:
        x = E.cast(x, "int32")
    if len(x.shape) == 3:
        dif1 = x[1:] - x[:-1]
        dif2 = x[:, 1:] - x[:, :-1]
        return E.reduce_sum(E.abs(dif1)) + E.reduce_sum(E.abs(dif2))
    dif1 = x[:, 1:] - x[:, :-1]
    dif2 = x[:, :, 1:] - x[:, :, :-1]
    return E.reduce_sum(E.abs(dif1), axis=[1, 2, 3]) + \
        E.reduce_sum(E.abs(dif2), axis=[1, 2, 3])


def _pair(a: Any, b: Any, op: str) -> tuple[Any, Any]:
    """Two image batches whose last three axes match, broadcast to one shape."""
    a = at_least_3d(a, op, "img1" if op != "psnr" else "a")
    b = at_least_3d(b, op, "img2" if op != "psnr" else "b")
    sa, sb = shape_of(a), shape_of(b)
    try:
        if sa[-3:] != sb[-3:]:
            raise ValueError
        lead = np.broadcast_shapes(sa[:-3], sb[:-3])
    except ValueError:
        raise fail(op, f"the two images are not compatible: shapes {sa} and {sb} (the last "
                       f"three axes must match and the batch axes broadcast)") from None
    shape = tuple(lead) + sa[-3:]
    if sa != shape:
        a = E.broadcast_to(a, shape)
    if sb != shape:
        b = E.broadcast_to(b, shape)
    return a, b


def _float32_pair(a: Any, b: Any, max_val: Any, op: str) -> tuple[Any, Any, Any]:
    a, b = _pair(a, b, op)
    mv = max_val if isinstance(max_val, (E.Tensor, E.Variable)) else \
        E.constant(np.asarray(max_val, dtype=np.float64))
    mv = convert_image_dtype(E.cast(mv, a.dtype), "float32")
    return convert_image_dtype(a, "float32"), convert_image_dtype(b, "float32"), mv


def psnr(a: Any, b: Any, max_val: float, name: str | None = None) -> Any:
    """Peak signal-to-noise ratio ``20 log10(max_val) - 10 log10(mse)`` between two images
    or batches (the mean squared error over the last three axes), in float32.

    >>> import ember
    >>> a = ember.zeros((2, 2, 1)); b = ember.fill((2, 2, 1), 0.1)
    >>> round(float(psnr(a, b, max_val=1.0)), 3)
    20.0
    """
    a, b, mv = _float32_pair(a, b, max_val, "psnr")
    mse = E.reduce_mean(E.squared_difference(a, b), axis=[-3, -2, -1])
    return 20.0 * E.log(mv) / float(np.log(10.0)) - \
        np.float32(10 / np.log(10)) * E.log(mse)


# -- SSIM ---------------------------------------------------------------------------------
def _gaussian_1d(size: int, sigma: float) -> np.ndarray:
    coords = np.arange(size, dtype=np.float64) - (size - 1) / 2.0
    g = np.exp(-0.5 * coords ** 2 / sigma ** 2)
    return g / g.sum()


def _filter(x: Any, g: np.ndarray) -> Any:
    """A 'VALID' Gaussian window over the height and width of ``(..., H, W, C)``,
    separable: a column pass, then a row pass."""
    shape = shape_of(x)
    channels = shape[-1]
    flat = E.reshape(x, (-1,) + shape[-3:])
    k = len(g)
    col = E.constant(np.tile(g.reshape(k, 1, 1, 1), (1, 1, channels, 1)), dtype=x.dtype)
    row = E.constant(np.tile(g.reshape(1, k, 1, 1), (1, 1, channels, 1)), dtype=x.dtype)
    y = E.depthwise_conv2d(flat, col, strides=[1, 1, 1, 1], padding="VALID")
    y = E.depthwise_conv2d(y, row, strides=[1, 1, 1, 1], padding="VALID")
    return E.reshape(y, shape[:-3] + shape_of(y)[1:])


def _ssim_per_channel(img1: Any, img2: Any, max_val: Any, filter_size: int,
                      filter_sigma: float, k1: float, k2: float,
                      return_index_map: bool = False, op: str = "ssim") -> tuple:
    """(ssim, contrast-structure) per channel, in the images' float dtype."""
    height, width = int(img1.shape[-3]), int(img1.shape[-2])
    if height < filter_size or width < filter_size:
        raise fail(op, f"the images ({height} x {width}) must be at least filter_size = "
                       f"{filter_size} in height and width; got shape {shape_of(img1)}")
    g = _gaussian_1d(filter_size, filter_sigma)
    c1 = (k1 * max_val) ** 2
    c2 = (k2 * max_val) ** 2
    mean0, mean1 = _filter(img1, g), _filter(img2, g)
    num0 = mean0 * mean1 * 2.0
    den0 = E.square(mean0) + E.square(mean1)
    luminance = (num0 + c1) / (den0 + c1)
    num1 = _filter(img1 * img2, g) * 2.0
    den1 = _filter(E.square(img1) + E.square(img2), g)
    cs = (num1 - num0 + c2) / (den1 - den0 + c2)
    if return_index_map:
        return luminance * cs, cs
    return E.reduce_mean(luminance * cs, axis=[-3, -2]), E.reduce_mean(cs, axis=[-3, -2])


def _ssim_args(filter_size: Any, filter_sigma: Any, op: str) -> tuple[int, float]:
    size = static_int(filter_size, op, "filter_size")
    sigma = static_float(filter_sigma, op, "filter_sigma")
    if size < 1:
        raise fail(op, f"filter_size must be a positive int; got {size}")
    if sigma <= 0:
        raise fail(op, f"filter_sigma must be positive; got {sigma}")
    return size, sigma


def ssim(img1: Any, img2: Any, max_val: float, filter_size: int = 11,
         filter_sigma: float = 1.5, k1: float = 0.01, k2: float = 0.03,
         return_index_map: bool = False) -> Any:
    """Structural similarity (Wang et al. 2004) of two images or batches (``(...,
    height, width, channels)``): the mean over channels and the valid ``filter_size``
    Gaussian windows (``filter_sigma``); one float32 value per image, or with
    ``return_index_map`` the per-window map ``(..., height', width')``.

    >>> import ember
    >>> x = ember.random.stateless_uniform((16, 16, 3), seed=[1, 2])
    >>> round(float(ssim(x, x, max_val=1.0)), 4)
    1.0
    """
    size, sigma = _ssim_args(filter_size, filter_sigma, "ssim")
    a, b, mv = _float32_pair(img1, img2, max_val, "ssim")
    per_channel, _ = _ssim_per_channel(a, b, mv, size, sigma, k1, k2, return_index_map)
    return E.reduce_mean(per_channel, axis=[-1])


def _downscale(x: Any) -> Any:
    """Average 2 x 2 blocks (odd sizes are first mirrored by one pixel)."""
    shape = shape_of(x)
    flat = E.reshape(x, (-1,) + shape[-3:])
    rem_h, rem_w = shape[-3] % 2, shape[-2] % 2
    if rem_h or rem_w:
        flat = E.pad(flat, [[0, 0], [0, rem_h], [0, rem_w], [0, 0]], mode="SYMMETRIC")
    out = E.avg_pool(flat, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="VALID")
    return E.reshape(out, shape[:-3] + shape_of(out)[1:])


def _ssim_multiscale(a: Any, b: Any, mv: Any, power_factors: Sequence[float],
                     size: int, sigma: float, k1: float, k2: float) -> Any:
    mcs = []
    per_channel = None
    for k in range(len(power_factors)):
        if k > 0:
            a, b = _downscale(a), _downscale(b)
        per_channel, cs = _ssim_per_channel(a, b, mv, size, sigma, k1, k2,
                                            op="ssim_multiscale")
        mcs.append(E.relu(cs))
    mcs.pop()
    stacked = E.stack(mcs + [E.relu(per_channel)], axis=-1)
    weights = E.constant(np.asarray(power_factors, dtype=np.float64), dtype=stacked.dtype)
    ms_ssim = E.reduce_prod(E.pow(stacked, weights), axis=[-1])
    return E.reduce_mean(ms_ssim, axis=[-1])


def ssim_multiscale(img1: Any, img2: Any, max_val: float,
                    power_factors: Sequence[float] = _MSSSIM_WEIGHTS, filter_size: int = 11,
                    filter_sigma: float = 1.5, k1: float = 0.01, k2: float = 0.03) -> Any:
    """Multi-scale SSIM (Wang et al. 2003): contrast-structure terms at
    ``len(power_factors)`` scales (each half the size of the one before) and SSIM at
    the coarsest, combined as a weighted geometric mean; one float32 value per image.
    The coarsest scale must still be at least ``filter_size``.

    >>> import ember
    >>> x = ember.random.stateless_uniform((1, 32, 32, 1), seed=[1, 2])
    >>> y = ssim_multiscale(x, x, 1.0, power_factors=(0.5, 0.5), filter_size=5)
    >>> [round(v, 4) for v in y.numpy().tolist()]
    [1.0]
    """
    op = "ssim_multiscale"
    size, sigma = _ssim_args(filter_size, filter_sigma, op)
    if len(power_factors) < 1:
        raise fail(op, "power_factors must name at least one scale")
    a, b, mv = _float32_pair(img1, img2, max_val, op)
    return _ssim_multiscale(a, b, mv, tuple(float(p) for p in power_factors), size, sigma,
                            k1, k2)
