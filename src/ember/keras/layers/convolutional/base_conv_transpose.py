"""BaseConvTranspose: the N-d transposed convolution layer behind Conv1D/2D/3DTranspose."""
from __future__ import annotations

from typing import Any

import ember

from ... import activations, constraints, initializers, regularizers
from ... import config as keras_config
from ...models.layer import Layer
from ..floating_inputs import as_floating
from ..input_spec import InputSpec
from . import conv_args, conv_layer_parts


class BaseConvTranspose(Layer):
    """``activation(conv_transpose(inputs, kernel) + bias)``: the gradient of a convolution
    with respect to its input, used to upsample ("deconvolution").

    The kernel has shape ``kernel_size + (filters, input_channels)``. Output sizes follow
    Keras: ``padding="same"`` gives ``input * strides``, ``"valid"`` gives
    ``(input - 1) * strides + max(kernel, strides)``; ``output_padding`` (each entry
    ``< strides``) sets the amount added on the high side instead.

    >>> import ember
    >>> from ember import keras
    >>> keras.layers.Conv2DTranspose(4, 3, strides=2, padding="same")(
    ...     ember.ones((1, 5, 5, 2))).shape
    TensorShape([1, 10, 10, 4])
    """

    def __init__(self, rank: int, filters: int, kernel_size: Any, strides: Any = 1,
                 padding: str = "valid", output_padding: Any = None,
                 data_format: str | None = None, dilation_rate: Any = 1,
                 activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None,
                 bias_constraint: Any = None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        self.filters = filters
        self.kernel_size = conv_args.standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = conv_args.standardize_tuple(strides, rank, "strides")
        self.dilation_rate = conv_args.standardize_tuple(dilation_rate, rank, "dilation_rate")
        self.padding = conv_args.standardize_padding(padding)
        self.output_padding = None if output_padding is None else \
            conv_args.standardize_tuple(output_padding, rank, "output_padding",
                                        allow_zero=True)
        self.data_format = keras_config.standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=rank + 2)
        conv_layer_parts.check_filters(filters)
        if self.output_padding is not None:
            for i, (op, s) in enumerate(zip(self.output_padding, self.strides)):
                if op >= s:
                    raise ValueError(
                        "`output_padding` must be strictly less than `strides` for all "
                        f"dimensions. At dimension {i}, `output_padding` is {op} but "
                        f"`strides` is {s}. Received: output_padding={self.output_padding},"
                        f" strides={self.strides}")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError("`strides > 1` not supported in conjunction with "
                             f"`dilation_rate > 1`. Received: strides={self.strides} and "
                             f"dilation_rate={self.dilation_rate}")

    def build(self, input_shape):
        channels = conv_args.input_channels(self, input_shape)
        self.input_spec = InputSpec(min_ndim=self.rank + 2,
                                    axes={conv_args.channel_axis(self.data_format): channels})
        self.kernel = self.add_weight(
            name="kernel", shape=self.kernel_size + (self.filters, channels),
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint)
        self.bias = conv_layer_parts.bias_weight(self, self.filters)
        self.built = True

    def call(self, inputs):
        inputs = as_floating(inputs, self.compute_dtype)
        out_shape = self.compute_output_shape(tuple(inputs.shape))
        outputs = ember.nn.conv_transpose(inputs, conv_args.cast_like(self.kernel, inputs),
                                          output_shape=list(out_shape), strides=self.strides,
                                          padding=self.padding.upper(),
                                          data_format=self.data_format,
                                          dilations=self.dilation_rate)
        return conv_layer_parts.bias_and_activation(self, outputs)

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        if len(shape) != self.rank + 2:
            raise ValueError(f"Input 0 of layer \"{self.name}\" ({type(self).__name__}) is "
                             f"incompatible with the layer: expected ndim={self.rank + 2}, "
                             f"found ndim={len(shape)}. Full shape received: {shape}")
        pads = self.output_padding or (None,) * self.rank
        spatial = tuple(
            conv_args.transpose_output_size(size, k, s, d, self.padding, op)
            for size, k, s, d, op in zip(conv_args.spatial_dims(shape, self.data_format),
                                         self.kernel_size, self.strides, self.dilation_rate,
                                         pads))
        return conv_args.assemble_shape(shape, spatial, self.filters, self.data_format)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "output_padding": self.output_padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            **conv_layer_parts.activation_and_weights_config(self, ("kernel",)),
        })
        return config
