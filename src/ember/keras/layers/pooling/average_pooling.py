"""keras.layers.AveragePooling1D/2D/3D: the mean over sliding windows."""
from __future__ import annotations

from typing import Any

from .base_pooling import BasePooling


class AveragePooling1D(BasePooling):
    """Average pooling over the steps of ``(batch, steps, features)`` (or channels first).
    With ``padding="same"`` each window averages only the positions inside the input.

    >>> import ember
    >>> from ember import keras
    >>> keras.layers.AveragePooling1D(2)(ember.ones((2, 6, 3))).shape
    TensorShape([2, 3, 3])
    """

    def __init__(self, pool_size: Any, strides: Any = None, padding: str = "valid",
                 data_format: str | None = None, name: str | None = None, **kwargs):
        super().__init__(pool_size, strides, pool_dimensions=1, pool_mode="average",
                         padding=padding, data_format=data_format, name=name, **kwargs)


class AveragePooling2D(BasePooling):
    """Average pooling over the height and width of ``(batch, height, width, channels)``.

    >>> import ember
    >>> from ember import keras
    >>> keras.layers.AveragePooling2D(2)(ember.ones((2, 28, 28, 8))).shape
    TensorShape([2, 14, 14, 8])
    """

    def __init__(self, pool_size: Any, strides: Any = None, padding: str = "valid",
                 data_format: str | None = None, name: str | None = None, **kwargs):
        super().__init__(pool_size, strides, pool_dimensions=2, pool_mode="average",
                         padding=padding, data_format=data_format, name=name, **kwargs)


class AveragePooling3D(BasePooling):
    """Average pooling over ``(batch, depth, height, width, channels)`` volumes.

    >>> import ember
    >>> from ember import keras
    >>> keras.layers.AveragePooling3D(2)(ember.ones((1, 4, 4, 4, 2))).shape
    TensorShape([1, 2, 2, 2, 2])
    """

    def __init__(self, pool_size: Any, strides: Any = None,
                 padding: str = "valid", data_format: str | None = None,
                 name: str | None = None, **kwargs):
        super().__init__(pool_size, strides, pool_dimensions=3, pool_mode="average",
                         padding=padding, data_format=data_format, name=name, **kwargs)
