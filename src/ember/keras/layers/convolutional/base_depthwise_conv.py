"""BaseDepthwiseConv: per-channel convolution behind DepthwiseConv1D and DepthwiseConv2D."""
from __future__ import annotations

from typing import Any

import ember

from ... import activations, constraints, initializers, regularizers
from ... import config as keras_config
from ...models.layer import Layer
from ..floating_inputs import as_floating
from ..input_spec import InputSpec
from . import conv_args, conv_layer_parts


def depthwise_op(layer: Any, inputs: Any, kernel: Any):
    """Each input channel convolved with its own ``depth_multiplier`` filters (output
    channel ``c * depth_multiplier + m``); ``kernel`` is ``kernel_size + (C, m)``."""
    kernel = conv_args.cast_like(kernel, inputs)
    padding = layer.padding.upper()
    if layer.rank == 2:
        return ember.nn.depthwise_conv2d(inputs, kernel, strides=layer.strides,
                                         padding=padding, data_format=layer.data_format,
                                         dilations=layer.dilation_rate)
    # other ranks: a grouped convolution with one input channel per group
    shape = tuple(kernel.shape)
    grouped = ember.reshape(kernel, shape[:-2] + (1, shape[-2] * shape[-1]))
    return ember.nn.convolution(inputs, grouped, strides=layer.strides, padding=padding,
                                data_format=layer.data_format, dilations=layer.dilation_rate)


class BaseDepthwiseConv(Layer):
    """``activation(depthwise_conv(inputs, kernel) + bias)``: every input channel is
    convolved separately with ``depth_multiplier`` filters of its own.

    The kernel is ``kernel_size + (input_channels, depth_multiplier)`` and the output has
    ``input_channels * depth_multiplier`` channels.

    >>> import ember
    >>> from ember import keras
    >>> keras.layers.DepthwiseConv2D(3, depth_multiplier=2)(ember.ones((1, 6, 6, 3))).shape
    TensorShape([1, 4, 4, 6])
    """

    def __init__(self, rank: int, depth_multiplier: int, kernel_size: Any, strides: Any = 1,
                 padding: str = "valid", data_format: str | None = None,
                 dilation_rate: Any = 1, activation: Any = None, use_bias: bool = True,
                 depthwise_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", depthwise_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None,
                 depthwise_constraint: Any = None, bias_constraint: Any = None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        self.depth_multiplier = depth_multiplier
        self.kernel_size = conv_args.standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = conv_args.standardize_tuple(strides, rank, "strides")
        self.dilation_rate = conv_args.standardize_tuple(dilation_rate, rank, "dilation_rate")
        self.padding = conv_args.standardize_padding(padding)
        self.data_format = keras_config.standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=rank + 2)
        if depth_multiplier is not None and depth_multiplier <= 0:
            raise ValueError("Invalid value for argument `depth_multiplier`. Expected a "
                             "strictly positive value. Received "
                             f"depth_multiplier={depth_multiplier}.")

    def build(self, input_shape):
        channels = conv_args.input_channels(self, input_shape)
        self.input_spec = InputSpec(min_ndim=self.rank + 2,
                                    axes={conv_args.channel_axis(self.data_format): channels})
        self.compute_output_shape(input_shape)      # validates the spatial sizes
        self.kernel = self.add_weight(
            name="kernel", shape=self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint)
        self.bias = conv_layer_parts.bias_weight(self, self.depth_multiplier * channels)
        self.built = True

    def call(self, inputs):
        inputs = as_floating(inputs, self.compute_dtype)
        outputs = depthwise_op(self, inputs, self.kernel)
        return conv_layer_parts.bias_and_activation(self, outputs)

    def compute_output_shape(self, input_shape):
        channels = conv_args.input_channels(self, input_shape)
        return conv_args.conv_output_shape(self, input_shape,
                                           self.depth_multiplier * channels)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "depth_multiplier": self.depth_multiplier,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            **conv_layer_parts.activation_and_weights_config(self, ("depthwise",)),
        })
        return config
