"""keras.layers.RMSNormalization: divide by the root mean square, times a learned scale."""
from __future__ import annotations

from typing import Any

import ember

from ...models.layer import Layer


class RMSNormalization(Layer):
    """``x * rsqrt(mean(square(x), axis) + epsilon) * scale`` (Zhang & Sennrich, 2019);
    the weight ``scale`` covers the normalized axes and starts at ones.

    Half-precision inputs are normalized in float32, as in Keras. For an ``axis`` other
    than the last, ``scale`` is broadcast along the normalized axes (Keras broadcasts it
    against the trailing axes, which fails or mismatches there).

    >>> from ember import keras
    >>> rms = keras.layers.RMSNormalization()
    >>> rms(ember.constant([[3.0, 4.0]])).numpy().round(3)
    array([[0.849, 1.131]], dtype=float32)
    """

    def __init__(self, axis: Any = -1, epsilon: float = 1e-6, **kwargs):
        super().__init__(**kwargs)
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else axis
        self.epsilon = epsilon
        self.scale = None

    def _axes(self, rank: int) -> list:
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        for a in axes:
            if not -rank <= a < rank:
                raise ValueError(f"Axis {a} is out of bounds for input shape of rank "
                                 f"{rank}. Received: axis={self.axis}")
        return sorted(a % rank for a in axes)

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        if isinstance(self.axis, list):
            self.axis = sorted(self.axis)
            shape = tuple(input_shape[a] for a in self.axis)
        else:
            shape = (input_shape[self.axis],)
            self.axis = [self.axis]
        if None in shape:
            raise ValueError(f"RMSNormalization layer '{self.name}': the normalized axes "
                             f"{self.axis} of the input shape {input_shape} must be "
                             "defined to build the layer.")
        self.scale = self.add_weight(name="scale", shape=shape, initializer="ones")
        self.built = True

    def call(self, inputs):
        rank = inputs.ndim
        axes = self._axes(rank)
        out_dtype = inputs.dtype
        work = out_dtype if out_dtype.is_floating and out_dtype.size >= 4 else ember.float32
        x = ember.cast(inputs, work) if inputs.dtype != work else inputs
        rrms = ember.math.rsqrt(ember.reduce_mean(ember.square(x), axis=axes, keepdims=True)
                                + self.epsilon)
        scale = ember.cast(self.scale, work)
        if axes != [rank - 1]:
            scale = ember.reshape(scale, [inputs.shape[i] if i in axes else 1
                                          for i in range(rank)])
        y = x * rrms * scale
        return ember.cast(y, out_dtype) if y.dtype != out_dtype else y

    def compute_output_shape(self, input_shape: Any) -> tuple:
        self._axes(len(input_shape))
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"axis": self.axis, "epsilon": self.epsilon})
        return config
