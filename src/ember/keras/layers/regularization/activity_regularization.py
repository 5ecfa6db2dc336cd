"""keras.layers.ActivityRegularization: adds an L1/L2 penalty on its inputs to the loss."""
from __future__ import annotations

from ... import regularizers
from ...models.layer import Layer


class ActivityRegularization(Layer):
    """Returns its inputs and adds ``l1 * sum(|x|) + l2 * sum(x**2)`` to ``losses``
    (Keras divides it by the batch size).

    >>> import ember
    >>> from ember import keras
    >>> layer = keras.layers.ActivityRegularization(l1=0.1)
    >>> _ = layer(ember.constant([[1.0, -2.0]]))
    >>> len(layer.losses)
    1
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0, **kwargs):
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.supports_masking = True
        self.l1 = l1
        self.l2 = l2
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("activity_regularizer", None)
        config.update({"l1": self.l1, "l2": self.l2})
        return config
