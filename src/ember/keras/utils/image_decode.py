"""Image files decoded as TensorFlow's ``decode_image`` gives them to
``image_dataset_from_directory``: uint8 ``(height, width, channels)``, the first frame of
an animation, 16-bit samples cut to their high byte, and grayscale from colour with
libpng's fixed-point weights (what ``tf.io.decode_png(..., channels=1)`` computes)."""
from __future__ import annotations

import numpy as np

from .pil_import import require_pil

# libpng's png_set_rgb_to_gray(0.299, 0.587) in its 1/32768 fixed point, as TF sets it.
_GRAY_WEIGHTS = np.array([9797, 19234, 3737], dtype=np.uint32)


def _to_gray(rgb: np.ndarray) -> np.ndarray:
    weighted = rgb.astype(np.uint32) @ _GRAY_WEIGHTS
    return (weighted >> 15).astype(np.uint8)[..., None]


def decode_image(path: str, num_channels: int) -> np.ndarray:
    """The image at ``path`` as uint8 ``(height, width, num_channels)`` (1, 3 or 4).

    >>> import tempfile, os  # doctest: +SKIP
    >>> from PIL import Image  # doctest: +SKIP
    >>> p = os.path.join(tempfile.mkdtemp(), "a.png")  # doctest: +SKIP
    >>> Image.fromarray(np.full((2, 3, 3), 200, np.uint8)).save(p)  # doctest: +SKIP
    >>> decode_image(p, 1).shape, int(decode_image(p, 1)[0, 0, 0])  # doctest: +SKIP
    ((2, 3, 1), 200)
    """
    image_module = require_pil("keras.utils.image_dataset_from_directory")
    with image_module.open(path) as img:
        img.seek(0)
        if num_channels == 1 and img.format == "JPEG":
            img.draft("L", img.size)        # libjpeg's own luma, as TensorFlow decodes
        mode = img.mode
        if mode.startswith("I;16") or mode in ("I", "F"):
            high = (np.asarray(img).astype(np.uint32) >> 8).astype(np.uint8)
            img = image_module.fromarray(high, "L")
            mode = "L"
        if num_channels == 1:
            if mode == "L":
                return np.asarray(img, dtype=np.uint8)[..., None]
            if mode in ("LA", "1"):
                return np.asarray(img.convert("L"), dtype=np.uint8)[..., None]
            return _to_gray(np.asarray(img.convert("RGB"), dtype=np.uint8))
        return np.asarray(img.convert("RGB" if num_channels == 3 else "RGBA"),
                          dtype=np.uint8)
