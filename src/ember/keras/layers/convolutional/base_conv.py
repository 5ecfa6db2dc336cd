"""BaseConv: the N-d convolution layer behind Conv1D, Conv2D and Conv3D."""
from __future__ import annotations

from typing import Any

import ember

from ... import activations, constraints, initializers, regularizers
from ... import config as keras_config
from ...models.layer import Layer
from ..floating_inputs import as_floating
from ..input_spec import InputSpec
from . import conv_args, conv_layer_parts


class BaseConv(Layer):
    """``activation(conv(inputs, kernel) + bias)`` over ``rank`` spatial dimensions.

    The kernel has shape ``kernel_size + (input_channels // groups, filters)``; with
    ``groups > 1`` each group of input channels is convolved with its own
    ``filters // groups`` filters and the results are concatenated. Subclasses fix ``rank``.

    >>> import ember
    >>> from ember import keras
    >>> keras.layers.Conv2D(8, 3)(ember.ones((2, 10, 10, 3))).shape
    TensorShape([2, 8, 8, 8])
    """

    def __init__(self, rank: int, filters: int, kernel_size: Any, strides: Any = 1,
                 padding: str = "valid", data_format: str | None = None,
                 dilation_rate: Any = 1, groups: int = 1, activation: Any = None,
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, bias_constraint: Any = None,
                 lora_rank: int | None = None, lora_alpha: float | None = None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if lora_rank:
            raise NotImplementedError(f"{type(self).__name__} '{self.name}': LoRA is not "
                                      "supported by Ember yet")
        self.rank = rank
        self.filters = filters
        self.groups = groups
        self.kernel_size = conv_args.standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = conv_args.standardize_tuple(strides, rank, "strides")
        self.dilation_rate = conv_args.standardize_tuple(dilation_rate, rank, "dilation_rate")
        self.padding = conv_args.standardize_padding(padding, allow_causal=rank == 1)
        self.data_format = keras_config.standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.lora_rank = None
        self.lora_alpha = None
        self.input_spec = InputSpec(min_ndim=rank + 2)
        conv_layer_parts.check_filters(filters)
        if groups <= 0:
            raise ValueError("The number of groups must be a positive integer. "
                             f"Received: groups={groups}.")
        if filters is not None and filters % groups != 0:
            raise ValueError("The number of filters must be evenly divisible by the number "
                             f"of groups. Received: groups={groups}, filters={filters}.")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError("`strides > 1` not supported in conjunction with "
                             f"`dilation_rate > 1`. Received: strides={self.strides} and "
                             f"dilation_rate={self.dilation_rate}")

    def build(self, input_shape):
        channels = conv_args.input_channels(self, input_shape)
        self.input_spec = InputSpec(min_ndim=self.rank + 2,
                                    axes={conv_args.channel_axis(self.data_format): channels})
        if channels % self.groups != 0:
            raise ValueError("The number of input channels must be evenly divisible by the "
                             f"number of groups. Received groups={self.groups}, but the "
                             f"input has {channels} channels (full input shape is "
                             f"{tuple(input_shape)}).")
        self.compute_output_shape(input_shape)      # validates the spatial sizes
        self.kernel = self.add_weight(
            name="kernel", shape=self.kernel_size + (channels // self.groups, self.filters),
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint)
        self.bias = conv_layer_parts.bias_weight(self, self.filters)
        self.built = True

    def _padding_arg(self) -> Any:
        """The padding handed to ``ember.nn.convolution``."""
        return self.padding.upper()

    def convolution_op(self, inputs, kernel):
        """The bare convolution (no bias, no activation)."""
        return ember.nn.convolution(inputs, conv_args.cast_like(kernel, inputs),
                                    strides=self.strides, padding=self._padding_arg(),
                                    data_format=self.data_format,
                                    dilations=self.dilation_rate)

    def call(self, inputs):
        inputs = as_floating(inputs, self.compute_dtype)
        outputs = self.convolution_op(inputs, self.kernel)
        return conv_layer_parts.bias_and_activation(self, outputs)

    def compute_output_shape(self, input_shape):
        return conv_args.conv_output_shape(self, input_shape, self.filters)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "groups": self.groups,
            **conv_layer_parts.activation_and_weights_config(self, ("kernel",)),
        })
        return config
