"""keras.layers.GlobalMax/GlobalAveragePooling1D/2D/3D: one value per channel."""
from __future__ import annotations

import ember

from .base_global_pooling import BaseGlobalPooling


class _GlobalMax(BaseGlobalPooling):
    def call(self, inputs):
        return ember.reduce_max(inputs, axis=self._spatial_axes(inputs),
                                keepdims=self.keepdims)


def _float_inputs(inputs):
    """Integer and boolean inputs as float32, so their mean is not truncated (Keras)."""
    if inputs.dtype.is_floating:
        return inputs
    return ember.cast(inputs, "float32")


class _GlobalAverage(BaseGlobalPooling):
    def call(self, inputs):
        return ember.reduce_mean(_float_inputs(inputs), axis=self._spatial_axes(inputs),
                                 keepdims=self.keepdims)


class GlobalMaxPooling1D(_GlobalMax):
    """The maximum over the steps of ``(batch, steps, features)``.

    >>> import ember
    >>> from ember import keras
    >>> keras.layers.GlobalMaxPooling1D()(ember.ones((2, 7, 3))).shape
    TensorShape([2, 3])
    """

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs):
        super().__init__(pool_dimensions=1, data_format=data_format, keepdims=keepdims,
                         **kwargs)


class GlobalMaxPooling2D(_GlobalMax):
    """The maximum over the height and width of ``(batch, height, width, channels)``.

    >>> import ember
    >>> from ember import keras
    >>> keras.layers.GlobalMaxPooling2D()(ember.ones((2, 5, 5, 3))).shape
    TensorShape([2, 3])
    """

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs):
        super().__init__(pool_dimensions=2, data_format=data_format, keepdims=keepdims,
                         **kwargs)


class GlobalMaxPooling3D(_GlobalMax):
    """The maximum over the three spatial axes of ``(batch, d, h, w, channels)``.

    >>> import ember
    >>> from ember import keras
    >>> keras.layers.GlobalMaxPooling3D()(ember.ones((2, 3, 3, 3, 4))).shape
    TensorShape([2, 4])
    """

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs):
        super().__init__(pool_dimensions=3, data_format=data_format, keepdims=keepdims,
                         **kwargs)


class GlobalAveragePooling1D(_GlobalAverage):
    """The mean over the steps of ``(batch, steps, features)``; with a mask (e.g. from
    ``Embedding(mask_zero=True)``) the mean of the unmasked steps only. The output has no
    mask.

    >>> import ember
    >>> from ember import keras
    >>> x = ember.constant([[[1.0], [3.0], [5.0]]])
    >>> mask = ember.constant([[True, True, False]])
    >>> keras.layers.GlobalAveragePooling1D()(x, mask=mask).numpy().tolist()
    [[2.0]]
    """

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs):
        super().__init__(pool_dimensions=1, data_format=data_format, keepdims=keepdims,
                         **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return super().call(inputs)
        inputs = _float_inputs(inputs)
        axis = self._spatial_axes(inputs)
        mask = ember.expand_dims(ember.cast(mask, "bool"),
                                 2 if self.data_format == "channels_last" else 1)
        total = ember.reduce_sum(ember.where(mask, inputs, ember.zeros_like(inputs)),
                                 axis=axis, keepdims=self.keepdims)
        count = ember.reduce_sum(ember.cast(mask, inputs.dtype), axis=axis,
                                 keepdims=self.keepdims)
        return total / count

    def compute_mask(self, inputs, mask=None):
        return None


class GlobalAveragePooling2D(_GlobalAverage):
    """The mean over the height and width of ``(batch, height, width, channels)``.

    >>> import ember
    >>> from ember import keras
    >>> keras.layers.GlobalAveragePooling2D(keepdims=True)(ember.ones((2, 5, 5, 3))).shape
    TensorShape([2, 1, 1, 3])
    """

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs):
        super().__init__(pool_dimensions=2, data_format=data_format, keepdims=keepdims,
                         **kwargs)


class GlobalAveragePooling3D(_GlobalAverage):
    """The mean over the three spatial axes of ``(batch, d, h, w, channels)``.

    >>> import ember
    >>> from ember import keras
    >>> keras.layers.GlobalAveragePooling3D()(ember.ones((2, 3, 3, 3, 4))).shape
    TensorShape([2, 4])
    """

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs):
        super().__init__(pool_dimensions=3, data_format=data_format, keepdims=keepdims,
                         **kwargs)
