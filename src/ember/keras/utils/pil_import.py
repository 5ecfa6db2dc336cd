"""Pillow, imported on first use: image files need it, nothing else in Ember does."""
from __future__ import annotations

from typing import Any


def require_pil(what: str) -> Any:
    """The ``PIL.Image`` module, or an ImportError saying that ``what`` needs Pillow.

    >>> require_pil("keras.utils.load_img").__name__  # doctest: +SKIP
    'PIL.Image'
    """
    try:
        from PIL import Image
    except ImportError:
        raise ImportError(f"{what} needs Pillow to read and write image files, and it is "
                          "not installed: pip install \"ember[images]\" (or pillow)") from None
    return Image
