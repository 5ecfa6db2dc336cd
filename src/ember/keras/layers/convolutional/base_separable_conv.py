"""BaseSeparableConv: depthwise then pointwise convolution, behind SeparableConv1D/2D."""
from __future__ import annotations

from typing import Any

import ember

from ... import activations, constraints, initializers, regularizers
from ... import config as keras_config
from ...models.layer import Layer
from ..floating_inputs import as_floating
from ..input_spec import InputSpec
from . import conv_args, conv_layer_parts
from .base_depthwise_conv import depthwise_op


class BaseSeparableConv(Layer):
    """``activation(pointwise(depthwise(inputs)) + bias)``: a per-channel convolution
    (``depthwise_kernel``, ``kernel_size + (C, depth_multiplier)``) followed by a 1x1
    convolution mixing channels (``pointwise_kernel``,
    ``(1,) * rank + (C * depth_multiplier, filters)``).

    >>> import ember
    >>> from ember import keras
    >>> keras.layers.SeparableConv2D(8, 3)(ember.ones((1, 6, 6, 3))).shape
    TensorShape([1, 4, 4, 8])
    """

    def __init__(self, rank: int, depth_multiplier: int, filters: int, kernel_size: Any,
                 strides: Any = 1, padding: str = "valid", data_format: str | None = None,
                 dilation_rate: Any = 1, activation: Any = None, use_bias: bool = True,
                 depthwise_initializer: Any = "glorot_uniform",
                 pointwise_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", depthwise_regularizer: Any = None,
                 pointwise_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, depthwise_constraint: Any = None,
                 pointwise_constraint: Any = None, bias_constraint: Any = None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        self.depth_multiplier = depth_multiplier
        self.filters = filters
        self.kernel_size = conv_args.standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = conv_args.standardize_tuple(strides, rank, "strides")
        self.dilation_rate = conv_args.standardize_tuple(dilation_rate, rank, "dilation_rate")
        self.padding = conv_args.standardize_padding(padding)
        self.data_format = keras_config.standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.pointwise_constraint = constraints.get(pointwise_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=rank + 2)
        if depth_multiplier is not None and depth_multiplier <= 0:
            raise ValueError("Invalid value for argument `depth_multiplier`. Expected a "
                             "strictly positive value. Received "
                             f"depth_multiplier={depth_multiplier}.")
        conv_layer_parts.check_filters(filters)

    def build(self, input_shape):
        channels = conv_args.input_channels(self, input_shape)
        self.input_spec = InputSpec(min_ndim=self.rank + 2,
                                    axes={conv_args.channel_axis(self.data_format): channels})
        self.compute_output_shape(input_shape)      # validates the spatial sizes
        self.depthwise_kernel = self.add_weight(
            name="depthwise_kernel", shape=self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint)
        self.pointwise_kernel = self.add_weight(
            name="pointwise_kernel",
            shape=(1,) * self.rank + (self.depth_multiplier * channels, self.filters),
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint)
        self.bias = conv_layer_parts.bias_weight(self, self.filters)
        self.built = True

    def call(self, inputs):
        inputs = as_floating(inputs, self.compute_dtype)
        pointwise = conv_args.cast_like(self.pointwise_kernel, inputs)
        if self.rank == 2:
            outputs = ember.nn.separable_conv2d(
                inputs, conv_args.cast_like(self.depthwise_kernel, inputs), pointwise,
                strides=self.strides, padding=self.padding.upper(),
                data_format=self.data_format, dilations=self.dilation_rate)
        else:
            hidden = depthwise_op(self, inputs, self.depthwise_kernel)
            outputs = ember.nn.convolution(hidden, pointwise, padding="VALID",
                                           data_format=self.data_format)
        return conv_layer_parts.bias_and_activation(self, outputs)

    def compute_output_shape(self, input_shape):
        return conv_args.conv_output_shape(self, input_shape, self.filters)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "depth_multiplier": self.depth_multiplier,
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            **conv_layer_parts.activation_and_weights_config(self, ("depthwise", "pointwise")),
        })
        return config
