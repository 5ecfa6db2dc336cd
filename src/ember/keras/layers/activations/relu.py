"""keras.layers.ReLU: rectified linear unit with optional cap, slope and threshold."""
from __future__ import annotations

from ... import activations
from ...models.layer import Layer


class ReLU(Layer):
    """``max_value`` caps the output, values at or below ``threshold`` become
    ``negative_slope * (x - threshold)``; the defaults give ``max(x, 0)``.

    >>> import ember
    >>> from ember import keras
    >>> layer = keras.layers.ReLU(max_value=10, negative_slope=0.5)
    >>> layer(ember.constant([-10.0, -5.0, 0.0, 5.0, 20.0])).numpy().tolist()
    [-5.0, -2.5, 0.0, 5.0, 10.0]
    """

    def __init__(self, max_value: float | None = None, negative_slope: float = 0.0,
                 threshold: float = 0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0.0:
            raise ValueError(f"max_value of a ReLU layer cannot be a negative value. "
                             f"Received: max_value={max_value}")
        if negative_slope is None or negative_slope < 0.0:
            raise ValueError(f"negative_slope of a ReLU layer cannot be None or a negative "
                             f"value. Received: negative_slope={negative_slope}")
        if threshold is None or threshold < 0.0:
            raise ValueError(f"threshold of a ReLU layer cannot be None or a negative value. "
                             f"Received: threshold={threshold}")
        self.max_value = max_value
        self.negative_slope = negative_slope
        self.threshold = threshold
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return activations.relu(inputs, negative_slope=self.negative_slope,
                                max_value=self.max_value, threshold=self.threshold)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"max_value": self.max_value, "negative_slope": self.negative_slope,
                       "threshold": self.threshold})
        return config
