"""keras.layers.AdaptiveAverage/AdaptiveMaxPooling1D/2D/3D: pool to a fixed output size.

Along each spatial axis of length ``n`` pooled to ``m`` bins, bin ``i`` covers the inputs
``floor(i * n / m)`` up to (not including) ``ceil((i + 1) * n / m)``: Keras 3's rule (and
PyTorch's), so neighbouring bins may overlap by one and ``m`` may exceed ``n``.
"""
from __future__ import annotations

from typing import Any

import numpy as np

import ember

from ... import config as keras_config
from ...models.layer import Layer
from ..input_spec import InputSpec, assert_input_compatibility

_AXIS_NAMES = {1: "", 2: "(height, width) ", 3: "(depth, height, width) "}


def adaptive_bins(input_size: int, output_size: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``(start, end)`` input positions of each of the ``output_size`` bins.

    >>> adaptive_bins(5, 3)
    (array([0, 1, 3]), array([2, 4, 5]))
    """
    i = np.arange(output_size)
    starts = (i * input_size) // output_size
    ends = -((-(i + 1) * input_size) // output_size)       # ceil, in exact integers
    return starts, ends


def _standardize_output_size(output_size: Any, n: int) -> tuple:
    """``output_size`` (an int or ``n`` ints, as Keras accepts it) as a tuple of ``n``
    positive ints."""
    if isinstance(output_size, (int, np.integer)) and not isinstance(output_size, bool):
        sizes = (int(output_size),) * n
    elif isinstance(output_size, (tuple, list)) and len(output_size) == n and all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool)
            for v in output_size):
        sizes = tuple(int(v) for v in output_size)
    elif n == 1 and isinstance(output_size, (tuple, list)):
        raise ValueError("For 1D input, `output_size` tuple must have length 1. "
                         f"Received: {output_size}")
    else:
        raise TypeError(f"`output_size` must be an integer or {_AXIS_NAMES[n]}tuple of "
                        f"{n} integer{'s' if n > 1 else ''}. Received: {output_size} of "
                        f"type {type(output_size)}")
    if any(v <= 0 for v in sizes):
        raise ValueError(f"`output_size` must contain only positive integers. Received: "
                         f"{output_size}")
    return sizes


class BaseAdaptivePooling(Layer):
    """Pools each spatial axis of a ``(batch, *spatial, channels)`` (or channels-first)
    input to ``output_size`` bins, whatever the input's size; subclasses pick the max or
    the mean of each bin.

    Like Keras, the layer has no weights and is built as soon as it is created.

    >>> import ember
    >>> from ember import keras
    >>> keras.layers.AdaptiveMaxPooling2D((2, 3))(ember.ones((1, 5, 7, 4))).shape
    TensorShape([1, 2, 3, 4])
    """

    pool_mode = "max"

    def __init__(self, output_size: Any, pool_dimensions: int,
                 data_format: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.output_size = _standardize_output_size(output_size, pool_dimensions)
        self.data_format = keras_config.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)
        self.built = True

    def _spatial_axes(self, rank: int) -> range:
        return range(1, rank - 1) if self.data_format == "channels_last" else range(2, rank)

    def call(self, inputs):
        shape = tuple(inputs.shape)
        assert_input_compatibility(self.input_spec, shape, self.name)
        if self.pool_mode == "average" and not inputs.dtype.is_floating:
            inputs = ember.cast(inputs, "float32")   # a mean of ints is not truncated
        outputs = inputs
        for axis, m in zip(self._spatial_axes(len(shape)), self.output_size):
            outputs = self._pool_axis(outputs, axis, m, shape)
        return outputs

    def _pool_axis(self, x, axis: int, m: int, shape: tuple):
        """``x`` with axis ``axis`` pooled to ``m`` bins: one gather of every bin's
        positions (short bins padded by repeating their last position), then a reduction
        over the window axis."""
        n = x.shape[axis]
        if n is None:
            raise ValueError(f"Layer \"{self.name}\" ({type(self).__name__}) needs the "
                             f"spatial dimensions of its input to be known. Received: "
                             f"inputs.shape={shape}")
        n = int(n)
        starts, ends = adaptive_bins(n, m)
        window = int((ends - starts).max())
        offsets = np.arange(window)
        index = np.minimum(starts[:, None] + offsets, ends[:, None] - 1)     # (m, window)
        gathered = ember.gather(x, index, axis=axis)     # x.shape[:axis] + (m, window) + ...
        if self.pool_mode == "max":
            return ember.reduce_max(gathered, axis=axis + 1)
        sizes = (ends - starts)[:, None]
        weights = np.where(offsets < sizes, 1.0 / sizes, 0.0)
        weights = weights.reshape(weights.shape + (1,) * (x.ndim - axis - 1))
        weights = ember.constant(weights, dtype=gathered.dtype)
        return ember.reduce_sum(gathered * weights, axis=axis + 1)

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        assert_input_compatibility(self.input_spec, shape, self.name)
        if self.data_format == "channels_last":
            return (shape[0], *self.output_size, shape[-1])
        return (shape[0], shape[1], *self.output_size)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"output_size": self.output_size, "data_format": self.data_format})
        return config


class AdaptiveAveragePooling1D(BaseAdaptivePooling):
    """The mean of each of ``output_size`` bins over the steps of
    ``(batch, steps, features)`` (or channels first).

    >>> import ember
    >>> from ember import keras
    >>> keras.layers.AdaptiveAveragePooling1D(4)(ember.ones((2, 10, 3))).shape
    TensorShape([2, 4, 3])
    """

    pool_mode = "average"

    def __init__(self, output_size: Any, data_format: str | None = None, **kwargs):
        super().__init__(output_size, pool_dimensions=1, data_format=data_format, **kwargs)


class AdaptiveAveragePooling2D(BaseAdaptivePooling):
    """The mean of each of ``output_size`` bins over the height and width of
    ``(batch, height, width, channels)`` (or channels first).

    >>> import ember
    >>> from ember import keras
    >>> keras.layers.AdaptiveAveragePooling2D(7)(ember.ones((2, 20, 15, 3))).shape
    TensorShape([2, 7, 7, 3])
    """

    pool_mode = "average"

    def __init__(self, output_size: Any, data_format: str | None = None, **kwargs):
        super().__init__(output_size, pool_dimensions=2, data_format=data_format, **kwargs)


class AdaptiveAveragePooling3D(BaseAdaptivePooling):
    """The mean of each of ``output_size`` bins over ``(batch, depth, height, width,
    channels)`` volumes (or channels first).

    >>> import ember
    >>> from ember import keras
    >>> keras.layers.AdaptiveAveragePooling3D((2, 3, 4))(ember.ones((1, 5, 6, 7, 2))).shape
    TensorShape([1, 2, 3, 4, 2])
    """

    pool_mode = "average"

    def __init__(self, output_size: Any, data_format: str | None = None, **kwargs):
        super().__init__(output_size, pool_dimensions=3, data_format=data_format, **kwargs)


class AdaptiveMaxPooling1D(BaseAdaptivePooling):
    """The maximum of each of ``output_size`` bins over the steps of
    ``(batch, steps, features)`` (or channels first).

    >>> import ember
    >>> from ember import keras
    >>> keras.layers.AdaptiveMaxPooling1D(4)(ember.ones((2, 10, 3))).shape
    TensorShape([2, 4, 3])
    """

    def __init__(self, output_size: Any, data_format: str | None = None, **kwargs):
        super().__init__(output_size, pool_dimensions=1, data_format=data_format, **kwargs)


class AdaptiveMaxPooling2D(BaseAdaptivePooling):
    """The maximum of each of ``output_size`` bins over the height and width of
    ``(batch, height, width, channels)`` (or channels first).

    >>> import ember
    >>> from ember import keras
    >>> keras.layers.AdaptiveMaxPooling2D(7)(ember.ones((2, 20, 15, 3))).shape
    TensorShape([2, 7, 7, 3])
    """

    def __init__(self, output_size: Any, data_format: str | None = None, **kwargs):
        super().__init__(output_size, pool_dimensions=2, data_format=data_format, **kwargs)


class AdaptiveMaxPooling3D(BaseAdaptivePooling):
    """The maximum of each of ``output_size`` bins over ``(batch, depth, height, width,
    channels)`` volumes (or channels first).

    >>> import ember
    >>> from ember import keras
    >>> keras.layers.AdaptiveMaxPooling3D((2, 3, 4))(ember.ones((1, 5, 6, 7, 2))).shape
    TensorShape([1, 2, 3, 4, 2])
    """

    def __init__(self, output_size: Any, data_format: str | None = None, **kwargs):
        super().__init__(output_size, pool_dimensions=3, data_format=data_format, **kwargs)
