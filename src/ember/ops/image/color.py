"""Colour: dtype conversion with rescaling, colour spaces (grayscale, HSV, YUV, YIQ), the
``adjust_*`` family and ``per_image_standardization``.

Images hold their channels on the last axis. Integer images are read as fractions of
their dtype's maximum (``convert_image_dtype``); the adjustments work on floats and give
the input's dtype back, saturating integers. Everything is made of Ember ops, so each
op is differentiable with respect to float images (and to the adjustment amounts).

Where TensorFlow computes float64 images in float32 (``adjust_*``, ``rgb_to_grayscale``),
Ember keeps float64; the results agree to float32 precision.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..primitive import is_traced
from . import _api as E
from ._common import as_work, at_least_3d, fail, require_floating, shape_of, static_float, tensor

__all__ = [
    "adjust_brightness",
    "adjust_contrast",
    "adjust_gamma",
    "adjust_hue",
    "adjust_saturation",
    "convert_image_dtype",
    "grayscale_to_rgb",
    "hsv_to_rgb",
    "per_image_standardization",
    "rgb_to_grayscale",
    "rgb_to_hsv",
    "rgb_to_yiq",
    "rgb_to_yuv",
    "yiq_to_rgb",
    "yuv_to_rgb",
]

_RGB_TO_YIQ = [[0.299, 0.59590059, 0.2115],
               [0.587, -0.27455667, -0.52273617],
               [0.114, -0.32134392, 0.31119955]]
_YIQ_TO_RGB = [[1, 1, 1], [0.95598634, -0.27201283, -1.10674021],
               [0.6208248, -0.64720424, 1.70423049]]
_RGB_TO_YUV = [[0.299, -0.14714119, 0.61497538],
               [0.587, -0.28886916, -0.51496512],
               [0.114, 0.43601035, -0.10001026]]
_YUV_TO_RGB = [[1, 1, 1], [0, -0.394642334, 2.03206185],
               [1.13988303, -0.58062185, 0]]
_GRAY = [0.2989, 0.5870, 0.1140]


# =========================================================================================
# dtype conversion
# =========================================================================================
def convert_image_dtype(image: Any, dtype: Any, saturate: bool = False,
                        name: str | None = None) -> Any:
    """Convert ``image`` to ``dtype``, rescaling values: floats are in ``[0, 1)``,
    integers in ``[0, dtype.max]``.

    Float to integer multiplies by ``dtype.max + 0.5`` and truncates; integer to float
    divides by the input's ``max``; between integers the values are shifted by the ratio
    of the ranges; between floats it is a cast. ``saturate=True`` clips to the target's
    range before casting (use it when values may fall outside ``[0, 1]``).

    >>> import ember
    >>> convert_image_dtype(ember.constant([0.0, 0.5, 1.0]), "uint8").numpy().tolist()
    [0, 127, 255]
    >>> convert_image_dtype(ember.constant([255], "uint8"), "float32").numpy().tolist()
    [1.0]
    """
    x = tensor(image)
    target = E.as_dtype(dtype)
    source = x.dtype
    if not (target.is_floating or target.is_integer):
        raise TypeError(f"ember.image.convert_image_dtype: dtype must be either floating "
                        f"point or integer; got {target.name}")
    if not (source.is_floating or source.is_integer):
        raise TypeError(f"ember.image.convert_image_dtype: image dtype must be either "
                        f"floating point or integer; got {source.name}")
    if target == source:
        return E.identity(x)
    if source.is_integer and target.is_integer:
        scale_in, scale_out = int(source.max), int(target.max)
        if scale_in > scale_out:
            scaled = E.floordiv(x, (scale_in + 1) // (scale_out + 1))
            return E.saturate_cast(scaled, target) if saturate else E.cast(scaled, target)
        cast = E.saturate_cast(x, target) if saturate else E.cast(x, target)
        return cast * ((scale_out + 1) // (scale_in + 1))
    if source.is_floating and target.is_floating:
        return E.cast(x, target)
    if source.is_integer:
        return E.cast(x, target) * (1.0 / float(source.max))
    scaled = x * (float(target.max) + 0.5)
    return E.saturate_cast(scaled, target) if saturate else E.cast(scaled, target)


def _float_image(x: Any) -> tuple[Any, Any]:
    """(float image to compute with, dtype to return): floats as they are, integers as
    float32 fractions of their range."""
    if x.dtype.is_floating:
        return x, x.dtype
    if not x.dtype.is_integer:
        raise TypeError(f"ember.image: images must be floating or integer; got "
                        f"{x.dtype.name}")
    return convert_image_dtype(x, "float32"), x.dtype


def _back(x: Any, dtype: Any) -> Any:
    if x.dtype == dtype:
        return x
    return convert_image_dtype(x, dtype, saturate=True)


def _check_channels(x: Any, op: str, n: int = 3) -> None:
    if len(x.shape) < 1 or int(x.shape[-1]) != n:
        kind = "RGB" if n == 3 else "grayscale"
        raise fail(op, f"the last axis of 'images' must hold {n} ({kind}) channels; got "
                       f"shape {shape_of(x)}")


# =========================================================================================
# colour spaces
# =========================================================================================
def rgb_to_grayscale(images: Any, name: str | None = None) -> Any:
    """Luma ``0.2989 R + 0.5870 G + 0.1140 B``, keeping a last axis of size 1 and the
    images' dtype (integers are converted to float fractions and back).

    >>> import ember
    >>> gray = rgb_to_grayscale(ember.constant([[[1.0, 0.0, 0.0]]]))
    >>> gray.shape, round(float(gray[0, 0, 0]), 4)
    (TensorShape([1, 1, 1]), 0.2989)
    """
    x = tensor(images)
    _check_channels(x, "rgb_to_grayscale")
    flt, dtype = _float_image(x)
    if flt.dtype.name not in ("float32", "float64"):
        flt = E.cast(flt, "float32")
    w = E.constant(np.array(_GRAY, dtype=flt.dtype.name))
    gray = E.expand_dims(E.tensordot(flt, w, [[len(x.shape) - 1], [0]]), -1)
    if gray.dtype == dtype:
        return gray
    return convert_image_dtype(gray, dtype)


def grayscale_to_rgb(images: Any, name: str | None = None) -> Any:
    """Repeat the single channel of grayscale images three times.

    >>> import ember
    >>> grayscale_to_rgb(ember.constant([[[0.5]]])).numpy().tolist()
    [[[0.5, 0.5, 0.5]]]
    """
    x = tensor(images)
    if len(x.shape) < 2:
        raise fail("grayscale_to_rgb", f"'images' must be at least two-dimensional; got "
                                       f"shape {shape_of(x)}")
    _check_channels(x, "grayscale_to_rgb", 1)
    return E.tile(x, [1] * (len(x.shape) - 1) + [3])


def _hue6(red: Any, green: Any, blue: Any, value: Any, spread: Any) -> Any:
    """Hue in ``[0, 6)`` (0 red, 2 green, 4 blue); 0 for greys."""
    safe = E.where(spread > 0, spread, E.ones_like(spread))
    hue = E.where(E.equal(value, green), (blue - red) / safe + 2.0,
                  (red - green) / safe + 4.0)
    hue = E.where(E.equal(value, red), (green - blue) / safe, hue)
    hue = E.where(spread > 0, hue, E.zeros_like(hue))
    return E.where(hue < 0, hue + 6.0, hue)


def _split(x: Any) -> list:
    return E.unstack(x, 3, axis=len(x.shape) - 1)


def _join(parts: list, axis: int) -> Any:
    return E.stack(parts, axis=axis)


def rgb_to_hsv(images: Any, name: str | None = None) -> Any:
    """RGB to HSV, each channel in ``[0, 1]`` for RGB in ``[0, 1]`` (hue 0 is red, 1/3
    green, 2/3 blue; grey pixels get hue 0). ``images`` must be floating.

    >>> import ember
    >>> [round(v, 4) for v in rgb_to_hsv(ember.constant([0.0, 0.5, 1.0])).numpy().tolist()]
    [0.5833, 1.0, 1.0]
    """
    op = "rgb_to_hsv"
    x = tensor(images)
    require_floating(x, op)
    _check_channels(x, op)
    red, green, blue = _split(x)
    value = E.maximum(E.maximum(red, green), blue)
    spread = value - E.minimum(E.minimum(red, green), blue)
    safe_value = E.where(value > 0, value, E.ones_like(value))
    saturation = E.where(value > 0, spread / safe_value, E.zeros_like(value))
    hue = _hue6(red, green, blue, value, spread) / 6.0
    return _join([hue, saturation, value], len(x.shape) - 1)


def _hsv_weights(dh: Any) -> tuple:
    """The fraction of the colourful part in R, G and B for hue ``dh`` in ``[0, 6]``."""
    dr = E.clip_by_value(E.abs(dh - 3.0) - 1.0, 0.0, 1.0)
    dg = E.clip_by_value(2.0 - E.abs(dh - 2.0), 0.0, 1.0)
    db = E.clip_by_value(2.0 - E.abs(dh - 4.0), 0.0, 1.0)
    return dr, dg, db


def _hsv_to_rgb_parts(hue: Any, saturation: Any, value: Any) -> list:
    grey = 1.0 - saturation
    return [(grey + saturation * d) * value for d in _hsv_weights(hue * 6.0)]


def hsv_to_rgb(images: Any, name: str | None = None) -> Any:
    """HSV (each in ``[0, 1]``) back to RGB. ``images`` must be floating.

    >>> import ember
    >>> hsv_to_rgb(ember.constant([0.5833333, 1.0, 1.0])).numpy().round(4).tolist()
    [0.0, 0.5, 1.0]
    """
    op = "hsv_to_rgb"
    x = tensor(images)
    require_floating(x, op)
    _check_channels(x, op)
    return _join(_hsv_to_rgb_parts(*_split(x)), len(x.shape) - 1)


def _linear_colour(images: Any, kernel: list, op: str) -> Any:
    x = tensor(images)
    require_floating(x, op)
    _check_channels(x, op)
    k = E.constant(np.asarray(kernel, dtype=np.float64), dtype=x.dtype)
    return E.tensordot(x, k, [[len(x.shape) - 1], [0]])


def rgb_to_yuv(images: Any) -> Any:
    """RGB to YUV (Y in ``[0, 1]``, U in ``[-0.436, 0.436]``, V in ``[-0.615, 0.615]``
    for RGB in ``[0, 1]``). ``images`` must be floating.

    >>> import ember
    >>> rgb_to_yuv(ember.constant([1.0, 1.0, 1.0])).numpy().round(4).tolist()
    [1.0, 0.0, 0.0]
    """
    return _linear_colour(images, _RGB_TO_YUV, "rgb_to_yuv")


def yuv_to_rgb(images: Any) -> Any:
    """YUV back to RGB (the inverse of ``rgb_to_yuv``).

    >>> import ember
    >>> yuv_to_rgb(ember.constant([1.0, 0.0, 0.0])).numpy().round(4).tolist()
    [1.0, 1.0, 1.0]
    """
    return _linear_colour(images, _YUV_TO_RGB, "yuv_to_rgb")


def rgb_to_yiq(images: Any) -> Any:
    """RGB to YIQ (Y in ``[0, 1]``, I in ``[-0.5957, 0.5957]``, Q in ``[-0.5226,
    0.5226]``). ``images`` must be floating.

    >>> import ember
    >>> [round(v, 4) for v in rgb_to_yiq(ember.constant([1.0, 0.0, 0.0])).numpy().tolist()]
    [0.299, 0.5959, 0.2115]
    """
    return _linear_colour(images, _RGB_TO_YIQ, "rgb_to_yiq")


def yiq_to_rgb(images: Any) -> Any:
    """YIQ back to RGB (the inverse of ``rgb_to_yiq``).

    >>> import ember
    >>> yiq_to_rgb(ember.constant([1.0, 0.0, 0.0])).numpy().round(4).tolist()
    [1.0, 1.0, 1.0]
    """
    return _linear_colour(images, _YIQ_TO_RGB, "yiq_to_rgb")


# =========================================================================================
# adjustments
# =========================================================================================
def _check_amount(value: Any, op: str, what: str, low: float | None, high: float | None,
                  message: str) -> None:
    """Check the value of an eager (or Python) amount against its allowed range (a value
    traced inside ember.function is not known yet: it is not checked)."""
    if is_traced(value):
        return
    if isinstance(value, (E.Tensor, E.Variable)):
        arr = np.asarray(value.numpy(), dtype=np.float64)
    else:
        arr = np.asarray(static_float(value, op, what))
    if (low is not None and np.any(arr < low)) or (high is not None and np.any(arr > high)):
        raise fail(op, f"{message}; got {what}={arr.tolist()}")


def _amount(value: Any, dtype: Any) -> Any:
    """A scalar adjustment amount in ``dtype`` (a tensor keeps its gradient)."""
    if isinstance(value, (E.Tensor, E.Variable)):
        return value if value.dtype == dtype else E.cast(value, dtype)
    return E.constant(np.asarray(value, dtype=np.float64), dtype=dtype)


def adjust_brightness(image: Any, delta: float) -> Any:
    """Add ``delta`` to every channel (of float fractions for integer images, which are
    saturated back to their dtype).

    >>> import ember
    >>> adjust_brightness(ember.constant([0.25, 0.5]), 0.25).numpy().tolist()
    [0.5, 0.75]
    """
    x = tensor(image)
    flt, dtype = _float_image(x)
    return _back(flt + _amount(delta, flt.dtype), dtype)


def adjust_contrast(images: Any, contrast_factor: float) -> Any:
    """Scale each channel's deviation from its mean over the image (the last three axes
    are ``(height, width, channels)``) by ``contrast_factor``: ``(x - mean) * factor +
    mean``.

    >>> import ember
    >>> x = ember.reshape(ember.constant([0.0, 1.0]), (1, 2, 1))
    >>> adjust_contrast(x, 2.0).numpy().ravel().tolist()
    [-0.5, 1.5]
    """
    x = at_least_3d(images, "adjust_contrast", "images")
    flt, dtype = _float_image(x)
    mean = E.reduce_mean(flt, axis=[-3, -2], keepdims=True)
    out = (flt - mean) * _amount(contrast_factor, flt.dtype) + mean
    return _back(out, dtype)


def adjust_gamma(image: Any, gamma: float = 1, gain: float = 1) -> Any:
    """Gamma correction ``gain * image ** gamma`` (of float fractions for integer images).
    ``gamma`` must be non-negative.

    >>> import ember
    >>> adjust_gamma(ember.constant([0.25, 1.0]), gamma=0.5).numpy().tolist()
    [0.5, 1.0]
    """
    x = tensor(image)
    _check_amount(gamma, "adjust_gamma", "gamma", 0.0, None,
                  "Gamma should be a non-negative real number")
    flt, dtype = _float_image(x)
    out = _amount(gain, flt.dtype) * E.pow(flt, _amount(gamma, flt.dtype))
    return _back(out, dtype)


def adjust_saturation(image: Any, saturation_factor: float, name: str | None = None) -> Any:
    """Multiply the HSV saturation by ``saturation_factor`` (clipped to ``[0, 1]``) and
    convert back to RGB. The last axis holds RGB; integer images are converted to float
    fractions and back.

    >>> import ember
    >>> adjust_saturation(ember.constant([[[0.5, 1.0, 1.0]]]), 0.0).numpy().tolist()
    [[[1.0, 1.0, 1.0]]]
    """
    op = "adjust_saturation"
    x = at_least_3d(image, op)
    _check_channels(x, op)
    flt, dtype = _float_image(x)
    red, green, blue = _split(flt)
    value = E.maximum(E.maximum(red, green), blue)
    spread = value - E.minimum(E.minimum(red, green), blue)
    safe_value = E.where(value > 0, value, E.ones_like(value))
    saturation = E.where(value > 0, spread / safe_value, E.zeros_like(value))
    saturation = E.clip_by_value(saturation * _amount(saturation_factor, flt.dtype), 0.0, 1.0)
    hue = _hue6(red, green, blue, value, spread)
    grey = 1.0 - saturation
    out = _join([(grey + saturation * d) * value for d in _hsv_weights(hue)],
                len(x.shape) - 1)
    return _back(out, dtype)


def adjust_hue(image: Any, delta: float, name: str | None = None) -> Any:
    """Rotate the hue by ``delta`` (in ``[-1, 1]``; a full turn is 1), keeping each
    pixel's maximum and minimum channel. The last axis holds RGB; integer images are
    converted to float fractions and back.

    >>> import ember
    >>> adjust_hue(ember.constant([[[1.0, 0.0, 0.0]]]), 1 / 3).numpy().round(4).tolist()
    [[[0.0, 1.0, 0.0]]]
    """
    op = "adjust_hue"
    _check_amount(delta, op, "delta", -1.0, 1.0, "delta must be in the interval [-1, 1]")
    x = at_least_3d(image, op)
    _check_channels(x, op)
    flt, dtype = _float_image(x)
    red, green, blue = _split(flt)
    high = E.maximum(E.maximum(red, green), blue)
    low = E.minimum(E.minimum(red, green), blue)
    spread = high - low
    hue = _hue6(red, green, blue, high, spread) + _amount(delta, flt.dtype) * 6.0
    hue = E.floormod(hue, 6.0)
    out = _join([low + spread * d for d in _hsv_weights(hue)], len(x.shape) - 1)
    return _back(out, dtype)


def _standardize(x: Any) -> Any:
    """``(x - mean) / max(std, 1 / sqrt(N))`` over the last three axes, in x's dtype."""
    n = int(np.prod([int(d) for d in x.shape[-3:]]))
    mean = E.reduce_mean(x, axis=[-1, -2, -3], keepdims=True)
    std = E.reduce_std(x, axis=[-1, -2, -3], keepdims=True)
    floor = E.constant(1.0 / np.sqrt(n), dtype=x.dtype)
    return (x - mean) / E.maximum(std, floor)


def per_image_standardization(image: Any) -> Any:
    """Each image (the last three axes) scaled to mean 0 and variance 1: ``(x - mean) /
    max(stddev, 1 / sqrt(num_pixels * channels))``. Returns float32 (the values are
    not rescaled first: uint8 images stay in ``[0, 255]`` before standardizing).

    >>> import ember
    >>> y = per_image_standardization(ember.reshape(ember.range(4.0), (2, 2, 1)))
    >>> [round(v, 4) for v in y.numpy().ravel().tolist()]
    [-1.3416, -0.4472, 0.4472, 1.3416]
    """
    x = at_least_3d(image, "per_image_standardization")
    out = _standardize(as_work(x))
    return E.cast(out, "float32") if out.dtype.name != "float32" else out
