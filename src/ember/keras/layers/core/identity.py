"""keras.layers.Identity: returns its inputs unchanged (a placeholder layer)."""
from __future__ import annotations

from ...models.keras_tensor import KerasTensor
from ...models.layer import Layer


class Identity(Layer):
    """Returns its inputs as they are; masks pass through.

    >>> import ember
    >>> from ember import keras
    >>> x = ember.ones((2, 3))
    >>> keras.layers.Identity()(x) is x
    True
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return inputs

    def get_config(self) -> dict:
        return super().get_config()  # name, trainable, dtype: nothing of its own

    def compute_output_shape(self, input_shape):
        return input_shape

    def compute_output_spec(self, inputs, *args, **kwargs):
        return _map(lambda t: KerasTensor(t.shape, t.dtype, sparse=t.sparse)
                    if isinstance(t, KerasTensor) else t, inputs)


def _map(fn, x):
    if isinstance(x, dict):
        return {k: _map(fn, v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(_map(fn, v) for v in x)
    return fn(x)
