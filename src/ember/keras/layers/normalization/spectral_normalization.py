"""keras.layers.SpectralNormalization: divide a wrapped layer's kernel by its largest
singular value (estimated by power iteration) at every training call."""
from __future__ import annotations

from typing import Any

import ember

from ... import initializers
from ...models.layer import Layer
from ...ops.nn import normalize
from ..core.wrapper import Wrapper
from ..input_spec import InputSpec


class SpectralNormalization(Wrapper):
    """Wraps a layer with a ``kernel`` (``Dense``, ``Conv2D`` ...) or ``embeddings``
    (``Embedding``) and, when called with ``training=True``, replaces that weight by
    ``W / sigma(W)`` before running the layer, ``sigma`` being the spectral norm of ``W``
    reshaped to ``(-1, W.shape[-1])``, estimated with ``power_iterations`` steps of
    power iteration from the non-trainable ``vector_u`` (``(1, W.shape[-1])``, truncated
    normal with stddev 0.02), which is updated too. Inference calls use the weight as
    it is. A kernel of all zeros is left alone. The output has the dtype of a floating
    input (Keras casts to integer inputs' dtype too, which zeroes ``Embedding`` vectors).

    >>> from ember import keras
    >>> layer = SpectralNormalization(keras.layers.Dense(10))
    >>> layer(ember.ones((1, 10, 10, 1))).shape
    TensorShape([1, 10, 10, 10])
    """

    def __init__(self, layer: Layer, power_iterations: int = 1, **kwargs):
        super().__init__(layer, **kwargs)
        if power_iterations <= 0:
            raise ValueError("`power_iterations` should be greater than zero. Received: "
                             f"`power_iterations={power_iterations}`")
        self.power_iterations = power_iterations

    def build(self, input_shape: Any) -> None:
        super().build(input_shape)
        self.input_spec = InputSpec(min_ndim=1, axes={-1: input_shape[-1]})
        if hasattr(self.layer, "kernel"):
            self.kernel = self.layer.kernel
        elif hasattr(self.layer, "embeddings"):
            self.kernel = self.layer.embeddings
        else:
            raise ValueError(f"{type(self.layer).__name__} object has no attribute "
                             "'kernel' nor 'embeddings'")
        self.kernel_shape = tuple(self.kernel.shape)
        self.vector_u = self.add_weight(
            shape=(1, self.kernel_shape[-1]),
            initializer=initializers.TruncatedNormal(stddev=0.02),
            trainable=False, name="vector_u", dtype=self.kernel.dtype)

    def call(self, inputs, training=False):
        if training:
            new_u, new_kernel = ember.cond(
                ember.reduce_all(ember.equal(self.kernel.value, 0)),
                lambda: (self.vector_u.value, self.kernel.value),
                self.normalized_weights)
            self.vector_u.assign(new_u)
            self.kernel.assign(new_kernel)
        output = self.layer(inputs)
        if not inputs.dtype.is_floating:
            # Keras casts to the input's dtype always, which turns an Embedding's vectors
            # into the integer ids' dtype (zeros); Ember keeps them
            return output
        return ember.cast(output, inputs.dtype)

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def normalized_weights(self) -> tuple[ember.Tensor, ember.Tensor]:
        """The next ``vector_u`` and the kernel divided by its estimated spectral norm."""
        kernel = self.kernel.value
        weights = ember.reshape(kernel, (-1, self.kernel_shape[-1]))
        vector_u = self.vector_u.value
        vector_v = None
        for _ in range(self.power_iterations):
            vector_v = normalize(ember.matmul(vector_u, weights, transpose_b=True), axis=None)
            vector_u = normalize(ember.matmul(vector_v, weights), axis=None)
        vector_u = ember.stop_gradient(vector_u)
        vector_v = ember.stop_gradient(vector_v)
        sigma = ember.matmul(ember.matmul(vector_v, weights), vector_u, transpose_b=True)
        new_kernel = ember.reshape(kernel / sigma, self.kernel_shape)
        return (ember.cast(vector_u, self.vector_u.dtype),
                ember.cast(new_kernel, self.kernel.dtype))

    def get_config(self) -> dict:
        return {**super().get_config(), "power_iterations": self.power_iterations}
