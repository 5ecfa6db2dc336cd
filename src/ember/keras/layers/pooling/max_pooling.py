"""keras.layers.MaxPooling1D/2D/3D: the maximum over sliding windows."""
from __future__ import annotations

from typing import Any

from .base_pooling import BasePooling


class MaxPooling1D(BasePooling):
    """Max pooling over the steps of ``(batch, steps, features)`` (or channels first).

    >>> import ember
    >>> from ember import keras
    >>> keras.layers.MaxPooling1D()(ember.ones((2, 6, 3))).shape
    TensorShape([2, 3, 3])
    """

    def __init__(self, pool_size: Any = 2, strides: Any = None, padding: str = "valid",
                 data_format: str | None = None, name: str | None = None, **kwargs):
        super().__init__(pool_size, strides, pool_dimensions=1, pool_mode="max",
                         padding=padding, data_format=data_format, name=name, **kwargs)


class MaxPooling2D(BasePooling):
    """Max pooling over the height and width of ``(batch, height, width, channels)``.

    >>> import ember
    >>> from ember import keras
    >>> keras.layers.MaxPooling2D(2)(ember.ones((2, 28, 28, 8))).shape
    TensorShape([2, 14, 14, 8])
    """

    def __init__(self, pool_size: Any = (2, 2), strides: Any = None, padding: str = "valid",
                 data_format: str | None = None, name: str | None = None, **kwargs):
        super().__init__(pool_size, strides, pool_dimensions=2, pool_mode="max",
                         padding=padding, data_format=data_format, name=name, **kwargs)


class MaxPooling3D(BasePooling):
    """Max pooling over ``(batch, depth, height, width, channels)`` volumes.

    >>> import ember
    >>> from ember import keras
    >>> keras.layers.MaxPooling3D()(ember.ones((1, 4, 4, 4, 2))).shape
    TensorShape([1, 2, 2, 2, 2])
    """

    def __init__(self, pool_size: Any = (2, 2, 2), strides: Any = None,
                 padding: str = "valid", data_format: str | None = None,
                 name: str | None = None, **kwargs):
        super().__init__(pool_size, strides, pool_dimensions=3, pool_mode="max",
                         padding=padding, data_format=data_format, name=name, **kwargs)
