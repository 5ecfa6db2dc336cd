"""keras.layers.LayerNormalization: normalize each sample over its feature axes."""
from __future__ import annotations

import warnings
from typing import Any

import ember

from ... import constraints, initializers, regularizers
from ...models.layer import Layer


def canonical_axes(axis: Any, rank: int) -> list:
    """``axis`` (an int or a list) as sorted non-negative axes of a rank-``rank`` input;
    raises on out-of-range or repeated axes.

    >>> canonical_axes(-1, 3)
    [2]
    """
    axes = [axis] if isinstance(axis, int) else list(axis)
    for a in axes:
        if not -rank <= a < rank:
            raise ValueError(f"Axis {a} is out of bounds for input of rank {rank}. "
                             f"Received: axis={axis}")
    out = [a % rank for a in axes]
    if len(set(out)) != len(out):
        raise ValueError(f"Duplicate axes are not allowed. Received: axis={axis}")
    return sorted(out)


class LayerNormalization(Layer):
    """``gamma * (x - mean) / sqrt(variance + epsilon) + beta`` with the statistics of
    each sample taken over ``axis`` (the last axis by default).

    Half-precision inputs are normalized in float32, as in Keras. ``rms_scaling=True``
    (deprecated in Keras) divides by ``sqrt(variance + epsilon)`` without centering.

    >>> from ember import keras
    >>> ln = keras.layers.LayerNormalization()
    >>> ln(ember.constant([[1.0, 3.0]])).numpy().round(2)
    array([[-1.,  1.]], dtype=float32)
    """

    def __init__(self, axis: Any = -1, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer: Any = "zeros",
                 gamma_initializer: Any = "ones", beta_regularizer: Any = None,
                 gamma_regularizer: Any = None, beta_constraint: Any = None,
                 gamma_constraint: Any = None, rms_scaling: bool = False, **kwargs):
        if rms_scaling:
            warnings.warn("You passed `rms_scaling=True`, which is deprecated. This "
                          "argument incorrectly scales the input by the variance, not the "
                          "root mean square. To correctly use RMS Normalization, please "
                          "use `keras.layers.RMSNormalization` instead.", stacklevel=2)
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError("Expected an int or a list/tuple of ints for the argument "
                            f"'axis', but received: {axis!r}")
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.rms_scaling = rms_scaling
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.autocast = False
        self.gamma = None
        self.beta = None

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        # computed over non-negative axes; ``axis`` keeps the given values, sorted, as
        # Keras does (its config says ``[-1]``, not ``[rank - 1]``)
        self._axes = canonical_axes(self.axis, len(input_shape))
        self.axis = sorted(self.axis) if isinstance(self.axis, list) else [self.axis]
        shape = tuple(input_shape[a] for a in self._axes)
        if None in shape:
            raise ValueError(f"LayerNormalization layer '{self.name}': the normalized axes "
                             f"{self.axis} of the input shape {input_shape} must be "
                             "defined to build the layer.")
        if self.scale or self.rms_scaling:
            self.gamma = self.add_weight(name="gamma", shape=shape,
                                         initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint,
                                         trainable=True, autocast=False)
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight(name="beta", shape=shape,
                                        initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint,
                                        trainable=True, autocast=False)
        rank = len(input_shape)
        last_only = self._axes == [rank - 1]
        self._param_shape = None if last_only else \
            tuple(input_shape[i] if i in self._axes else 1 for i in range(rank))
        self.built = True

    def _param(self, w: Any, dtype: Any) -> Any:
        if w is None:
            return None
        if w.dtype != dtype:
            w = ember.cast(w, dtype)
        return w if self._param_shape is None else ember.reshape(w, self._param_shape)

    def call(self, inputs):
        out_dtype = inputs.dtype if inputs.dtype.is_floating else ember.float32
        dtype = out_dtype if out_dtype.size >= 4 else ember.float32
        x = ember.cast(inputs, dtype) if inputs.dtype != dtype else inputs
        if max(self._axes) >= x.ndim:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the "
                             f"layer: normalized axes {self.axis} do not exist in an input "
                             f"of shape {tuple(x.shape)}")
        gamma, beta = self._param(self.gamma, dtype), self._param(self.beta, dtype)
        if self.rms_scaling:
            _, variance = ember.nn.moments(x, self._axes, keepdims=True)
            y = x * ember.math.rsqrt(variance + self.epsilon)
            if gamma is not None:
                y = y * gamma
        else:   # one fused op (forward and gradient)
            y = ember.raw_ops.layer_norm(x, gamma, beta, axis=self._axes,
                                         epsilon=self.epsilon)
        if y.dtype != out_dtype:
            y = ember.cast(y, out_dtype)
        if y.dtype != self.compute_dtype:
            y = ember.cast(y, self.compute_dtype)
        return y

    def compute_output_shape(self, input_shape: Any) -> tuple:
        canonical_axes(self.axis, len(input_shape))
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "rms_scaling": self.rms_scaling,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
        })
        return config
