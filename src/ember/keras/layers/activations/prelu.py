"""keras.layers.PReLU: a leaky ReLU whose negative slope ``alpha`` is learned."""
from __future__ import annotations

from typing import Any

import ember

from ... import constraints, initializers, regularizers
from ...models.layer import Layer


class PReLU(Layer):
    """``x`` for ``x >= 0`` and ``alpha * x`` below, with a trainable ``alpha``.

    ``alpha`` has the input's shape without the batch axis; ``shared_axes`` lists the
    axes (counting the batch as 0) along which one value is shared.

    >>> from ember import keras
    >>> layer = keras.layers.PReLU(shared_axes=[1])
    >>> layer(ember.ones((2, 5, 3))).shape, layer.alpha.shape
    (TensorShape([2, 5, 3]), TensorShape([1, 3]))
    """

    def __init__(self, alpha_initializer: Any = "Zeros", alpha_regularizer: Any = None,
                 alpha_constraint: Any = None, shared_axes: Any = None, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        elif isinstance(shared_axes, (list, tuple)):
            self.shared_axes = list(shared_axes)
        else:
            self.shared_axes = [shared_axes]

    def build(self, input_shape):
        shape = list(input_shape[1:])
        for axis in self.shared_axes or ():
            if not 1 <= axis < len(input_shape):
                raise ValueError(f"PReLU layer '{self.name}': shared_axes must be between 1 "
                                 f"and {len(input_shape) - 1} for input shape "
                                 f"{tuple(input_shape)}; received shared_axes="
                                 f"{self.shared_axes}")
            shape[axis - 1] = 1
        if any(d is None for d in shape):
            raise ValueError(f"PReLU layer '{self.name}': cannot create `alpha` for input "
                             f"shape {tuple(input_shape)} because a non-batch dimension is "
                             "unknown; give it in the input shape or list its axis in "
                             "`shared_axes`.")
        self.alpha = self.add_weight(shape=tuple(shape), name="alpha",
                                     initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer,
                                     constraint=self.alpha_constraint)
        self.built = True

    def call(self, inputs):
        return ember.nn.relu(inputs) - self.alpha * ember.nn.relu(-inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "alpha_initializer": initializers.serialize(self.alpha_initializer),
            "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
            "alpha_constraint": constraints.serialize(self.alpha_constraint),
            "shared_axes": self.shared_axes,
        })
        return config
