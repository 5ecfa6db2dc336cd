"""keras.layers.ZeroPadding1D/2D/3D: zeros added around the spatial axes."""
from __future__ import annotations

from typing import Any

import ember

from ...config import standardize_data_format
from ...models.layer import Layer
from ..input_spec import InputSpec

_ORDINALS = ("1st", "2nd", "3rd")


def standardize_tuple(value: Any, n: int, name: str, allow_zero: bool = False) -> tuple:
    """``value`` (an int or ``n`` ints) as a tuple of ``n`` ints, checked as Keras does.

    >>> standardize_tuple(2, 3, "size")
    (2, 2, 2)
    """
    error = f"The `{name}` argument must be a tuple of {n} integers. Received {name}={value}"
    if isinstance(value, int) and not isinstance(value, bool):
        values = (value,) * n
    else:
        try:
            values = tuple(value)
        except TypeError:
            raise ValueError(error) from None
        if len(values) != n:
            raise ValueError(error)
        for v in values:
            try:
                int(v)
            except (ValueError, TypeError):
                raise ValueError(f"{error}including element {v} of type {type(v)}") \
                    from None
        values = tuple(int(v) for v in values)
    bad = {v for v in values if (v < 0 if allow_zero else v <= 0)}
    if bad:
        raise ValueError(f"{error}, including values {bad} that do not satisfy "
                         f"`value {'>= 0' if allow_zero else '> 0'}`")
    return values


def standardize_pairs(value: Any, n: int, name: str, layer: str) -> tuple:
    """An int, ``n`` ints, or ``n`` pairs as ``n`` ``(before, after)`` pairs (>= 0).

    >>> standardize_pairs((1, (2, 3)), 2, "padding", "ZeroPadding2D")
    ((1, 1), (2, 3))
    """
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(f"`{name}` cannot be negative. Received: {name}={value}.")
        return ((value, value),) * n
    if not hasattr(value, "__len__"):
        raise ValueError(f"`{name}` of {layer} should be either an int, a tuple of {n} "
                         f"ints, or a tuple of {n} tuples of 2 ints. Received: "
                         f"{name}={value}.")
    if len(value) != n:
        raise ValueError(f"`{name}` should have {n} elements. Received: {name}={value}.")
    return tuple(standardize_tuple(v, 2, f"{_ORDINALS[i]} entry of {name}", allow_zero=True)
                 for i, v in enumerate(value))


class _ZeroPadding(Layer):
    _RANK = 1

    def __init__(self, padding: Any, data_format: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        if self._RANK == 1:
            self.padding = standardize_tuple(padding, 2, "padding", allow_zero=True)
        else:
            self.padding = standardize_pairs(padding, self._RANK, "padding",
                                             type(self).__name__)
        self.input_spec = InputSpec(ndim=self._RANK + 2)

    def _pairs(self) -> tuple:
        return (self.padding,) if self._RANK == 1 else self.padding

    def _first_spatial(self) -> int:
        return 2 if self.data_format == "channels_first" else 1

    def call(self, inputs):
        if inputs.ndim != self._RANK + 2:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the "
                             f"layer: expected ndim={self._RANK + 2}, found "
                             f"ndim={inputs.ndim}. Full shape received: "
                             f"{tuple(inputs.shape)}")
        paddings = [[0, 0] for _ in range(inputs.ndim)]
        start = self._first_spatial()
        for i, pair in enumerate(self._pairs()):
            paddings[start + i] = list(pair)
        return ember.pad(inputs, paddings)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        out = list(input_shape)
        start = self._first_spatial()
        for i, (before, after) in enumerate(self._pairs()):
            if out[start + i] is not None:
                out[start + i] += before + after
        return tuple(out)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"padding": self.padding, "data_format": self.data_format})
        return config


class ZeroPadding1D(_ZeroPadding):
    """Pads the steps axis of ``(batch, steps, features)`` inputs with zeros;
    ``padding`` is an int or ``(before, after)``.

    >>> from ember import keras
    >>> keras.layers.ZeroPadding1D((1, 2))(ember.ones((2, 3, 4))).shape
    TensorShape([2, 6, 4])
    """

    _RANK = 1

    def __init__(self, padding: Any = 1, data_format: str | None = None, **kwargs):
        super().__init__(padding, data_format, **kwargs)


class ZeroPadding2D(_ZeroPadding):
    """Pads rows and columns of images with zeros; ``padding`` is an int, two ints
    (symmetric height/width) or ``((top, bottom), (left, right))``.

    >>> from ember import keras
    >>> keras.layers.ZeroPadding2D(((1, 0), (2, 1)))(ember.ones((1, 3, 3, 2))).shape
    TensorShape([1, 4, 6, 2])
    """

    _RANK = 2

    def __init__(self, padding: Any = (1, 1), data_format: str | None = None, **kwargs):
        super().__init__(padding, data_format, **kwargs)


class ZeroPadding3D(_ZeroPadding):
    """Pads the three spatial axes of volumes with zeros; ``padding`` is an int, three
    ints or three ``(before, after)`` pairs.

    >>> from ember import keras
    >>> keras.layers.ZeroPadding3D(1)(ember.ones((1, 2, 2, 2, 3))).shape
    TensorShape([1, 4, 4, 4, 3])
    """

    _RANK = 3

    def __init__(self, padding: Any = ((1, 1), (1, 1), (1, 1)),
                 data_format: str | None = None, **kwargs):
        super().__init__(padding, data_format, **kwargs)
