"""keras.layers.Cropping1D/2D/3D: remove entries from both ends of the spatial axes."""
from __future__ import annotations

from typing import Any

from ...config import standardize_data_format
from ...models.layer import Layer
from ..input_spec import InputSpec
from .zero_padding import standardize_pairs, standardize_tuple


class _Cropping(Layer):
    _RANK = 1

    def __init__(self, cropping: Any, data_format: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        if self._RANK == 1:
            self.cropping = standardize_tuple(cropping, 2, "cropping", allow_zero=True)
        else:
            self.cropping = standardize_pairs(cropping, self._RANK, "cropping",
                                              type(self).__name__)
        self.input_spec = InputSpec(ndim=self._RANK + 2)

    def _pairs(self) -> tuple:
        return (self.cropping,) if self._RANK == 1 else self.cropping

    def _first_spatial(self) -> int:
        return 2 if self._RANK > 1 and self.data_format == "channels_first" else 1

    def _out_shape(self, shape: tuple, what: str) -> list:
        if len(shape) != self._RANK + 2:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the "
                             f"layer: expected ndim={self._RANK + 2}, found "
                             f"ndim={len(shape)}. Full shape received: {tuple(shape)}")
        out = list(shape)
        start = self._first_spatial()
        for i, (before, after) in enumerate(self._pairs()):
            size = out[start + i]
            if size is None:
                continue
            if before + after >= size:
                raise ValueError("Values in `cropping` argument should be smaller than the "
                                 "corresponding spatial dimension of the input. Received: "
                                 f"{what}={tuple(shape)}, cropping={self.cropping}")
            out[start + i] = size - before - after
        return out

    def call(self, inputs):
        self._out_shape(tuple(inputs.shape), "inputs.shape")
        index = [slice(None)] * inputs.ndim
        start = self._first_spatial()
        for i, (before, after) in enumerate(self._pairs()):
            index[start + i] = slice(before, -after if after else None)
        return inputs[tuple(index)]

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(self._out_shape(tuple(input_shape), "input_shape"))

    def get_config(self) -> dict:
        config = super().get_config()
        config["cropping"] = self.cropping
        if self._RANK > 1:
            config["data_format"] = self.data_format
        return config


class Cropping1D(_Cropping):
    """Crops ``(before, after)`` steps from ``(batch, steps, features)`` inputs.

    >>> import ember
    >>> from ember import keras
    >>> keras.layers.Cropping1D((1, 2))(ember.ones((2, 6, 3))).shape
    TensorShape([2, 3, 3])
    """

    _RANK = 1

    def __init__(self, cropping: Any = (1, 1), **kwargs):
        super().__init__(cropping, None, **kwargs)


class Cropping2D(_Cropping):
    """Crops rows and columns of images: an int, two ints (symmetric height/width) or
    ``((top, bottom), (left, right))``.

    >>> import ember
    >>> from ember import keras
    >>> keras.layers.Cropping2D(((1, 0), (1, 2)))(ember.ones((1, 5, 6, 3))).shape
    TensorShape([1, 4, 3, 3])
    """

    _RANK = 2

    def __init__(self, cropping: Any = ((0, 0), (0, 0)), data_format: str | None = None,
                 **kwargs):
        super().__init__(cropping, data_format, **kwargs)


class Cropping3D(_Cropping):
    """Crops the three spatial axes of volumes: an int, three ints or three
    ``(before, after)`` pairs.

    >>> import ember
    >>> from ember import keras
    >>> keras.layers.Cropping3D(1)(ember.ones((1, 4, 5, 6, 2))).shape
    TensorShape([1, 2, 3, 4, 2])
    """

    _RANK = 3

    def __init__(self, cropping: Any = ((1, 1), (1, 1), (1, 1)),
                 data_format: str | None = None, **kwargs):
        super().__init__(cropping, data_format, **kwargs)
