"""BasePooling: max or average pooling over 1-3 spatial dimensions."""
from __future__ import annotations

from typing import Any

import ember

from ... import config as keras_config
from ...models.layer import Layer
from ..convolutional import conv_args
from ..input_spec import InputSpec, assert_input_compatibility


class BasePooling(Layer):
    """Slides a ``pool_size`` window by ``strides`` (default: ``pool_size``) and keeps each
    window's maximum (``pool_mode="max"``) or mean (``"average"``; with
    ``padding="same"`` the mean counts only the positions inside the input).

    Like Keras, the layer has no weights and is built as soon as it is created.

    >>> import ember
    >>> from ember import keras
    >>> keras.layers.MaxPooling2D()(ember.ones((1, 4, 6, 3))).shape
    TensorShape([1, 2, 3, 3])
    """

    def __init__(self, pool_size: Any, strides: Any, pool_dimensions: int,
                 pool_mode: str = "max", padding: str = "valid",
                 data_format: str | None = None, name: str | None = None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.pool_size = conv_args.standardize_tuple(pool_size, pool_dimensions, "pool_size")
        strides = pool_size if strides is None else strides
        self.strides = conv_args.standardize_tuple(strides, pool_dimensions, "strides",
                                                   allow_zero=True)
        if pool_mode not in ("max", "average"):
            raise ValueError("`pool_mode` must be either 'max' or 'average'. Received: "
                             f"{pool_mode}.")
        self.pool_mode = pool_mode
        conv_args.standardize_padding(padding)      # checked; kept as given, like Keras
        self.padding = padding
        self.data_format = keras_config.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)
        self.built = True

    def call(self, inputs):
        shape = tuple(inputs.shape)
        assert_input_compatibility(self.input_spec, shape, self.name)
        if self.padding.lower() == "valid" and any(
                n < k for n, k in zip(conv_args.spatial_dims(shape, self.data_format),
                                      self.pool_size)):
            self.compute_output_shape(shape)        # the layer's error for a too-small input
        pool = ember.nn.max_pool if self.pool_mode == "max" else ember.nn.avg_pool
        return pool(inputs, ksize=self.pool_size, strides=self.strides,
                    padding=self.padding.upper(), data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        assert_input_compatibility(self.input_spec, shape, self.name)
        same = self.padding.lower() == "same"
        out = []
        for size, k, s in zip(conv_args.spatial_dims(shape, self.data_format),
                              self.pool_size, self.strides):
            if size is None:
                out.append(None)
            elif same:
                out.append((size - 1) // s + 1)
            else:
                n = (size - k) // s + 1
                if n <= 0:
                    raise ValueError(
                        "Computed output size would be zero or negative. Received: "
                        f"`inputs.shape={shape}`, `pool_size={self.pool_size}`, "
                        f"`strides={self.strides}`, `padding={self.padding}` (layer "
                        f"\"{self.name}\", {type(self).__name__}).")
                out.append(n)
        channels = shape[conv_args.channel_axis(self.data_format)]
        return conv_args.assemble_shape(shape, tuple(out), channels, self.data_format)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "pool_size": self.pool_size,
            "padding": self.padding,
            "strides": self.strides,
            "data_format": self.data_format,
        })
        return config
