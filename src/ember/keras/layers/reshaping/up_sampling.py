"""keras.layers.UpSampling1D/2D/3D: enlarge the spatial axes by integer factors."""
from __future__ import annotations

from typing import Any

import ember

from ...config import standardize_data_format
from ...models.layer import Layer
from ..input_spec import InputSpec
from ..preprocessing.image import image_ops
from .zero_padding import standardize_tuple


def _check_rank(layer: Layer, shape: tuple, ndim: int) -> None:
    if len(shape) != ndim:
        raise ValueError(f"Input 0 of layer \"{layer.name}\" is incompatible with the "
                         f"layer: expected ndim={ndim}, found ndim={len(shape)}. Full shape "
                         f"received: {tuple(shape)}")


def _scaled(dim: Any, factor: int) -> Any:
    return None if dim is None else dim * factor


class UpSampling1D(Layer):
    """Repeats each step ``size`` times along the steps axis.

    >>> from ember import keras
    >>> keras.layers.UpSampling1D(2)(ember.constant([[[1.0], [2.0]]]))[0, :, 0].numpy()
    array([1., 1., 2., 2.], dtype=float32)
    """

    def __init__(self, size: int = 2, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(size, int) or isinstance(size, bool):
            raise TypeError(f"Expected an integer value for `size`, got {type(size)}.")
        if size <= 0:
            raise ValueError(f"Argument `size` should be a positive integer. Received: "
                             f"size={size}")
        self.size = size
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs):
        _check_rank(self, tuple(inputs.shape), 3)
        return ember.repeat(inputs, self.size, axis=1)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        _check_rank(self, tuple(input_shape), 3)
        return (input_shape[0], _scaled(input_shape[1], self.size), input_shape[2])

    def get_config(self) -> dict:
        config = super().get_config()
        config["size"] = self.size
        return config


class UpSampling2D(Layer):
    """Enlarges images ``size = (rows, cols)`` times: ``"nearest"`` repeats pixels,
    ``"bilinear"``, ``"bicubic"``, ``"area"``, ``"lanczos3"`` and ``"lanczos5"`` resample
    (half-pixel centers, as TensorFlow's ``tf.image.resize``; integer images are rounded
    half to even and keep their dtype).

    >>> from ember import keras
    >>> x = ember.reshape(ember.range(4.0), (1, 2, 2, 1))
    >>> keras.layers.UpSampling2D(2, interpolation="bilinear")(x)[0, 0, :, 0].numpy()
    array([0.  , 0.25, 0.75, 1.  ], dtype=float32)
    """

    def __init__(self, size: Any = (2, 2), data_format: str | None = None,
                 interpolation: str = "nearest", **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.size = standardize_tuple(size, 2, "size")
        self.interpolation = str(interpolation).lower()
        if self.interpolation not in image_ops.RESIZE_INTERPOLATIONS:
            raise ValueError("Invalid value for argument `interpolation`. Expected of one "
                             f"{image_ops.RESIZE_INTERPOLATIONS}. Received: "
                             f"interpolation={interpolation}")
        self.input_spec = InputSpec(ndim=4)

    def _axes(self) -> tuple[int, int]:
        return (2, 3) if self.data_format == "channels_first" else (1, 2)

    def call(self, inputs):
        _check_rank(self, tuple(inputs.shape), 4)
        h_axis, w_axis = self._axes()
        if self.interpolation == "nearest":
            x = ember.repeat(inputs, self.size[0], axis=h_axis)
            return ember.repeat(x, self.size[1], axis=w_axis)
        height = int(inputs.shape[h_axis]) * self.size[0]
        width = int(inputs.shape[w_axis]) * self.size[1]
        out = image_ops.resize(inputs, (height, width), interpolation=self.interpolation,
                               data_format=self.data_format)
        if out.dtype != inputs.dtype:           # integer images stay integers, as Keras
            out = ember.saturate_cast(ember.round(out), inputs.dtype)
        return out

    def compute_output_shape(self, input_shape: Any) -> tuple:
        _check_rank(self, tuple(input_shape), 4)
        out = list(input_shape)
        for axis, factor in zip(self._axes(), self.size):
            out[axis] = _scaled(out[axis], factor)
        return tuple(out)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"size": self.size, "data_format": self.data_format,
                       "interpolation": self.interpolation})
        return config


class UpSampling3D(Layer):
    """Repeats the three spatial axes of volumes ``size[0]``, ``size[1]``, ``size[2]``
    times.

    >>> from ember import keras
    >>> keras.layers.UpSampling3D((2, 2, 2))(ember.ones((2, 1, 2, 1, 3))).shape
    TensorShape([2, 2, 4, 2, 3])
    """

    def __init__(self, size: Any = (2, 2, 2), data_format: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.size = standardize_tuple(size, 3, "size")
        self.input_spec = InputSpec(ndim=5)

    def _axes(self) -> tuple[int, int, int]:
        return (2, 3, 4) if self.data_format == "channels_first" else (1, 2, 3)

    def call(self, inputs):
        _check_rank(self, tuple(inputs.shape), 5)
        x = inputs
        for axis, factor in zip(self._axes(), self.size):
            x = ember.repeat(x, factor, axis=axis)
        return x

    def compute_output_shape(self, input_shape: Any) -> tuple:
        _check_rank(self, tuple(input_shape), 5)
        out = list(input_shape)
        for axis, factor in zip(self._axes(), self.size):
            out[axis] = _scaled(out[axis], factor)
        return tuple(out)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"size": self.size, "data_format": self.data_format})
        return config
