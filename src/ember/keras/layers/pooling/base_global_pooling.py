"""BaseGlobalPooling: one value per channel from all spatial positions."""
from __future__ import annotations

from ... import config as keras_config
from ...models.layer import Layer
from ..input_spec import InputSpec, assert_input_compatibility


class BaseGlobalPooling(Layer):
    """Reduces every spatial axis of a ``(batch, *spatial, channels)`` (or channels-first)
    input; ``keepdims=True`` keeps them with length 1. Subclasses pick the reduction.

    Like Keras, the layer has no weights and is built as soon as it is created.

    >>> import ember
    >>> from ember import keras
    >>> keras.layers.GlobalMaxPooling2D(keepdims=True)(ember.ones((2, 5, 5, 3))).shape
    TensorShape([2, 1, 1, 3])
    """

    def __init__(self, pool_dimensions: int, data_format: str | None = None,
                 keepdims: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = keras_config.standardize_data_format(data_format)
        self.keepdims = keepdims
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)
        self.built = True

    def _spatial_axes(self, inputs) -> list:
        assert_input_compatibility(self.input_spec, tuple(inputs.shape), self.name)
        rank = inputs.ndim
        if self.data_format == "channels_last":
            return list(range(1, rank - 1))
        return list(range(2, rank))

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        n = len(shape) - 2
        if self.data_format == "channels_last":
            return (shape[0],) + ((1,) * n if self.keepdims else ()) + (shape[-1],)
        return (shape[0], shape[1]) + ((1,) * n if self.keepdims else ())

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"data_format": self.data_format, "keepdims": self.keepdims})
        return config
