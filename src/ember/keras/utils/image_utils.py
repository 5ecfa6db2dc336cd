"""keras.utils image helpers: PIL images to and from arrays, files to and from PIL images
(Pillow is needed for all but ``img_to_array``, so their examples are not run by the
doctests)."""
from __future__ import annotations

import io
import os
import pathlib
import warnings
from typing import Any

import numpy as np

import ember

from ..config import floatx, standardize_data_format
from .pil_import import require_pil

_RESAMPLING = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")


def array_to_img(x: Any, data_format: str | None = None, scale: bool = True,
                 dtype: Any = None) -> Any:
    """A 3D array (an image) as a PIL image: 4 channels give RGBA, 3 RGB, 1 grayscale
    (``"I"`` when a value exceeds 255). ``scale`` stretches the values to ``[0, 255]``.

    >>> import numpy as np
    >>> img = array_to_img(np.zeros((2, 4, 3)))  # doctest: +SKIP
    >>> img.mode, img.size  # doctest: +SKIP
    ('RGB', (4, 2))
    """
    data_format = standardize_data_format(data_format)
    dtype = floatx() if dtype is None else dtype
    image_module = require_pil("keras.utils.array_to_img")
    if isinstance(x, (ember.Tensor, ember.Variable)):
        x = x.numpy()
    x = np.array(x, dtype=dtype)
    if x.ndim != 3:
        raise ValueError("Expected image array to have rank 3 (single image). Got array "
                         f"with shape: {x.shape}")
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        x_max = np.max(x)
        if x_max != 0:
            x /= x_max
        x *= 255
    channels = x.shape[2]
    if channels in (3, 4):
        return image_module.fromarray(x.astype("uint8"), "RGB" if channels == 3 else "RGBA")
    if channels == 1:
        if np.max(x) > 255:
            return image_module.fromarray(x[:, :, 0].astype("int32"), "I")
        return image_module.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"Unsupported channel number: {channels}")


def img_to_array(img: Any, data_format: str | None = None, dtype: Any = None) -> np.ndarray:
    """A PIL image (or anything array-like) as a 3D NumPy array of ``dtype`` (floatx by
    default); a 2D (grayscale) image gets a channel axis.

    >>> import numpy as np
    >>> img_to_array(np.zeros((2, 4)), data_format="channels_first").shape
    (1, 2, 4)
    """
    data_format = standardize_data_format(data_format)
    dtype = floatx() if dtype is None else dtype
    x = np.asarray(img.numpy() if isinstance(img, (ember.Tensor, ember.Variable)) else img,
                   dtype=dtype)
    if x.ndim == 3:
        if data_format == "channels_first":
            x = x.transpose(2, 0, 1)
    elif x.ndim == 2:
        x = x.reshape((1,) + x.shape if data_format == "channels_first" else x.shape + (1,))
    else:
        raise ValueError(f"Unsupported image shape: {x.shape}")
    return x


def save_img(path: Any, x: Any, data_format: str | None = None,
             file_format: str | None = None, scale: bool = True, **kwargs: Any) -> None:
    """Save a 3D array as an image file (format from ``file_format`` or the extension;
    RGBA is converted to RGB for JPEG, with a warning). ``kwargs`` go to PIL's ``save``.

    >>> import numpy as np, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "x.png")
    >>> save_img(path, np.zeros((2, 2, 3)))  # doctest: +SKIP
    >>> os.path.exists(path)  # doctest: +SKIP
    True
    """
    data_format = standardize_data_format(data_format)
    if file_format is None and isinstance(path, (str, pathlib.Path)):
        file_format = pathlib.Path(path).suffix[1:].lower()
    if file_format and file_format.lower() == "jpg":
        file_format = "jpeg"
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and file_format == "jpeg":
        warnings.warn("The JPEG format does not support RGBA images, converting to RGB.",
                      stacklevel=2)
        img = img.convert("RGB")
    img.save(path, format=file_format or None, **kwargs)


def load_img(path: Any, color_mode: str = "rgb", target_size: tuple[int, int] | None = None,
             interpolation: str = "nearest", keep_aspect_ratio: bool = False) -> Any:
    """Load an image file (a path or ``io.BytesIO``) as a PIL image in ``color_mode``
    ("grayscale", "rgb", "rgba"), resized by PIL to ``target_size = (height, width)``
    when given (``keep_aspect_ratio``: from the largest centred crop of that ratio).

    >>> import numpy as np, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "x.png")
    >>> save_img(path, np.zeros((4, 6, 3)))  # doctest: +SKIP
    >>> load_img(path, target_size=(2, 3)).size  # doctest: +SKIP
    (3, 2)
    """
    image_module = require_pil("keras.utils.load_img")
    if isinstance(path, io.BytesIO):
        img = image_module.open(path)
    elif isinstance(path, (pathlib.Path, bytes, str, os.PathLike)):
        if isinstance(path, pathlib.Path):
            path = str(path.resolve())
        with open(path, "rb") as f:
            img = image_module.open(io.BytesIO(f.read()))
    else:
        raise TypeError(f"path should be path-like or io.BytesIO, not {type(path)}")
    if color_mode == "grayscale":
        if img.mode not in ("L", "I;16", "I"):
            img = img.convert("L")
    elif color_mode in ("rgba", "rgb"):
        wanted = color_mode.upper()
        if img.mode != wanted:
            img = img.convert(wanted)
    else:
        raise ValueError('color_mode must be "grayscale", "rgb", or "rgba"')
    if target_size is None:
        return img
    width_height = (int(target_size[1]), int(target_size[0]))
    if img.size == width_height:
        return img
    if interpolation not in _RESAMPLING:
        raise ValueError(f"Invalid interpolation method {interpolation} specified. "
                         f"Supported methods are {', '.join(_RESAMPLING)}")
    resample = getattr(getattr(image_module, "Resampling", image_module),
                       interpolation.upper())
    if not keep_aspect_ratio:
        return img.resize(width_height, resample)
    width, height = img.size
    target_width, target_height = width_height
    crop_height = min(height, width * target_height // target_width)
    crop_width = min(width, height * target_width // target_height)
    top, left = (height - crop_height) // 2, (width - crop_width) // 2
    return img.resize(width_height, resample,
                      box=[left, top, left + crop_width, top + crop_height])
