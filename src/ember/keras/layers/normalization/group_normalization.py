"""keras.layers.GroupNormalization: normalize each sample over groups of channels."""
from __future__ import annotations

from typing import Any

import ember

from ... import constraints, initializers, regularizers
from ...models.layer import Layer
from ..input_spec import InputSpec


class GroupNormalization(Layer):
    """Splits the channels (``axis``) into ``groups`` and normalizes each sample over
    every group (its channels and all other non-batch axes), then applies per-channel
    ``gamma`` and ``beta``. ``groups=-1`` gives instance normalization, ``groups=1``
    layer normalization over all axes.

    Half-precision inputs are normalized in float32, as in Keras.

    >>> from ember import keras
    >>> gn = keras.layers.GroupNormalization(groups=2)
    >>> gn(ember.constant([[1.0, 3.0, 0.0, 4.0]])).numpy().round(2)
    array([[-1.,  1., -1.,  1.]], dtype=float32)
    """

    def __init__(self, groups: int = 32, axis: int = -1, epsilon: float = 1e-3,
                 center: bool = True, scale: bool = True, beta_initializer: Any = "zeros",
                 gamma_initializer: Any = "ones", beta_regularizer: Any = None,
                 gamma_regularizer: Any = None, beta_constraint: Any = None,
                 gamma_constraint: Any = None, **kwargs):
        if not isinstance(groups, int) or isinstance(groups, bool) or \
                (groups <= 0 and groups != -1):
            raise ValueError("Received an invalid value for argument `groups`, expected a "
                             "positive integer (or `-1` for instance normalization). "
                             f"Received: groups={groups}")
        super().__init__(**kwargs)
        self.supports_masking = True
        self.autocast = False
        self.groups = groups
        self.axis = axis
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.gamma = None
        self.beta = None

    def _axis(self, rank: int) -> int:
        if not -rank <= self.axis < rank:
            raise ValueError(f"Axis {self.axis} is out of bounds for input of rank {rank}. "
                             f"Received: axis={self.axis}")
        return self.axis % rank

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        axis = self._axis(len(input_shape))
        dim = input_shape[axis]
        if dim is None:
            raise ValueError(f"Axis {self.axis} of input tensor should have a defined "
                             "dimension but the layer received an input with shape "
                             f"{input_shape}.")
        if self.groups == -1:
            self.groups = dim
        if dim < self.groups:
            raise ValueError(f"Number of groups ({self.groups}) cannot be more than the "
                             f"number of channels ({dim}).")
        if dim % self.groups != 0:
            raise ValueError(f"Number of groups ({self.groups}) must be a multiple of the "
                             f"number of channels ({dim}).")
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self.axis: dim})
        if self.scale:
            self.gamma = self.add_weight(name="gamma", shape=(dim,),
                                         initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint, autocast=False)
        if self.center:
            self.beta = self.add_weight(name="beta", shape=(dim,),
                                        initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint, autocast=False)
        self.built = True

    def call(self, inputs):
        shape = tuple(inputs.shape)
        rank = len(shape)
        axis = self._axis(rank)
        dim = shape[axis]
        if dim % self.groups:
            raise ValueError(f"GroupNormalization layer '{self.name}': axis {self.axis} of "
                             f"the input shape {shape} must be divisible into "
                             f"{self.groups} groups")
        grouped = shape[:axis] + (self.groups, dim // self.groups) + shape[axis + 1:]
        param_shape = [1] * (rank + 1)
        param_shape[axis], param_shape[axis + 1] = self.groups, dim // self.groups
        in_dtype = inputs.dtype if inputs.dtype.is_floating else ember.float32
        work = in_dtype if in_dtype.size >= 4 else ember.float32
        x = ember.reshape(ember.cast(inputs, work), grouped)
        reduce_axes = [i for i in range(1, rank + 1) if i != axis]
        mean, variance = ember.nn.moments(x, reduce_axes, keepdims=True)
        inv = ember.math.rsqrt(variance + self.epsilon)
        if self.gamma is not None:
            inv = inv * ember.reshape(ember.cast(self.gamma, work), param_shape)
        res = -mean * inv
        if self.beta is not None:
            res = res + ember.reshape(ember.cast(self.beta, work), param_shape)
        y = ember.reshape(x * inv + res, shape)
        if y.dtype != in_dtype:
            y = ember.cast(y, in_dtype)
        if y.dtype != self.compute_dtype:
            y = ember.cast(y, self.compute_dtype)
        return y

    def compute_output_shape(self, input_shape: Any) -> tuple:
        self._axis(len(input_shape))
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "groups": self.groups,
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
        })
        return config
