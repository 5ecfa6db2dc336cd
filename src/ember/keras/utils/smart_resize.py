"""keras.preprocessing.image.smart_resize: crop to the target's aspect ratio, then
resize (the pixels of ``tf.image.resize``)."""
from __future__ import annotations

from typing import Any

import numpy as np

import ember


def crop_box(height: int, width: int, target_height: int,
             target_width: int) -> tuple[int, int, int, int]:
    """``(top, left, crop_height, crop_width)``: the largest centred window of the
    target's aspect ratio (at least one pixel each way), as Keras computes it."""
    crop_height = max(min(height, int(float(width * target_height) / target_width)), 1)
    crop_width = max(min(width, int(float(height * target_width) / target_height)), 1)
    return (int(float(height - crop_height) / 2), int(float(width - crop_width) / 2),
            crop_height, crop_width)


def smart_resize(x: Any, size: Any, interpolation: str = "bilinear",
                 data_format: str = "channels_last", **kwargs: Any) -> Any:
    """Resize ``x`` (``(height, width, channels)`` or a batch) to ``size`` without
    distorting it: take the largest centred crop with the aspect ratio of ``size``, then
    resize that crop. A NumPy input gives a NumPy array, a tensor a tensor; the result is
    float32 except with ``"nearest"``, which keeps the dtype.

    >>> import numpy as np
    >>> x = np.arange(12, dtype="float32").reshape(2, 6, 1)
    >>> smart_resize(x, (2, 2))[..., 0].tolist()
    [[2.0, 3.0], [8.0, 9.0]]
    """
    kwargs.pop("backend_module", None)
    if kwargs:
        raise TypeError(f"smart_resize() got unexpected keyword arguments: {list(kwargs)}")
    if len(size) != 2:
        raise ValueError(f"Expected `size` to be a tuple of 2 integers, but got: {size}.")
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError("smart_resize: `data_format` must be 'channels_last' or "
                         f"'channels_first'; received: data_format={data_format}")
    img = x.numpy() if isinstance(x, (ember.Tensor, ember.Variable)) else np.asarray(x)
    if img.ndim not in (3, 4):
        raise ValueError("Expected an image array with shape `(height, width, channels)`, "
                         "or `(batch_size, height, width, channels)`, but got input with "
                         f"incorrect rank, of shape {img.shape}.")
    if data_format == "channels_first":
        img = np.moveaxis(img, -3, -1)
    top, left, crop_h, crop_w = crop_box(img.shape[-3], img.shape[-2], int(size[0]),
                                         int(size[1]))
    img = img[..., top:top + crop_h, left:left + crop_w, :]
    out = ember.image.resize(img, (int(size[0]), int(size[1])), method=interpolation)
    if data_format == "channels_first":
        out = ember.transpose(out, (2, 0, 1) if out.ndim == 3 else (0, 3, 1, 2))
    return out.numpy() if isinstance(x, np.ndarray) else out
