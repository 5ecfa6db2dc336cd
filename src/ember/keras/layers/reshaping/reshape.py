"""keras.layers.Reshape: reshape every sample to ``target_shape`` (one ``-1`` allowed)."""
from __future__ import annotations

import math
from typing import Any

import ember

from ...models.keras_tensor import KerasTensor
from ...models.layer import Layer


def spec_dtype(layer: Layer, inputs: KerasTensor) -> str:
    """The dtype of a shape-only layer's output for symbolic ``inputs``: floats in the
    layer's compute dtype (Keras casts them on the way in), other dtypes kept.

    >>> spec_dtype(Reshape((4,)), KerasTensor((None, 2, 2), "int32"))
    'int32'
    """
    if layer.autocast and ember.as_dtype(inputs.dtype).is_floating:
        return layer.compute_dtype
    return inputs.dtype


def _check_target_shape(target_shape: tuple) -> None:
    unknown = 0
    for d in target_shape:
        if not isinstance(d, int) or isinstance(d, bool) or d < -1:
            raise ValueError("Each dimension in `target_shape` must be a non-negative "
                             "integer, or `-1` for a single unknown dimension. Received: "
                             f"target_shape={target_shape}.")
        unknown += d == -1
    if unknown > 1:
        raise ValueError("There must be at most one unknown dimension (-1) in "
                         f"`target_shape`. Received: target_shape={target_shape}.")


def resolve_target_shape(sample_shape: tuple, target_shape: tuple) -> tuple:
    """``target_shape`` with its ``-1`` resolved against ``sample_shape`` (None when a
    dimension is unknown); raises when the sizes cannot match, as Keras does.

    >>> resolve_target_shape((12,), (-1, 4))
    (3, 4)
    """
    if None in sample_shape:
        return tuple(None if d == -1 else d for d in target_shape)
    size = math.prod(sample_shape)
    if -1 not in target_shape:
        if size != math.prod(target_shape):
            raise ValueError("The total size of the tensor must be unchanged. Received: "
                             f"input_shape={tuple(sample_shape)}, "
                             f"target_shape={target_shape}")
        return target_shape
    known = math.prod(d for d in target_shape if d != -1)
    if known == 0 or size % known != 0:
        raise ValueError("The total size of the tensor must be unchanged, however, the "
                         "input size cannot by divided by the specified dimensions in "
                         f"target_shape. Received: input_shape={tuple(sample_shape)}, "
                         f"target_shape={target_shape}")
    return tuple(size // known if d == -1 else d for d in target_shape)


class Reshape(Layer):
    """Reshapes each sample (the batch axis is kept) to ``target_shape``.

    >>> from ember import keras
    >>> keras.layers.Reshape((-1, 2, 2))(ember.ones((5, 12))).shape
    TensorShape([5, 3, 2, 2])
    """

    def __init__(self, target_shape: Any, **kwargs):
        super().__init__(**kwargs)
        target_shape = tuple(int(d) if hasattr(d, "__index__") and not isinstance(d, bool)
                             else d for d in target_shape)
        _check_target_shape(target_shape)
        self.target_shape = target_shape
        self.built = True

    def call(self, inputs):
        shape = tuple(inputs.shape)
        out = resolve_target_shape(shape[1:], self.target_shape)
        return ember.reshape(inputs, (shape[0],) + out)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        return (input_shape[0],) + resolve_target_shape(input_shape[1:], self.target_shape)

    def compute_output_spec(self, inputs: KerasTensor) -> KerasTensor:
        return KerasTensor(self.compute_output_shape(inputs.shape), spec_dtype(self, inputs))

    def get_config(self) -> dict:
        config = super().get_config()
        config["target_shape"] = self.target_shape
        return config
