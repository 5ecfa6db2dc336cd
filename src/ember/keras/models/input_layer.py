"""keras.Input and the InputLayer that produces it."""
from __future__ import annotations

from typing import Any

from ..variables import standardize_shape
from .keras_tensor import KerasTensor
from .layer import Layer
from .symbolic_op import Node


class InputLayer(Layer):
    """The entry point of a functional graph: holds the input's shape and dtype."""

    def __init__(self, shape: Any = None, batch_size: int | None = None, dtype: Any = None,
                 sparse: bool | None = None, batch_shape: Any = None,
                 input_tensor: Any = None, optional: bool = False, name: str | None = None,
                 **kwargs):
        if "input_shape" in kwargs:
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        if kwargs.pop("ragged", False):
            raise ValueError("keras.Input / InputLayer: ragged=True is not supported (Ember "
                             "has no ragged tensors); pad the data and use a mask instead.")
        super().__init__(name=name, **{k: v for k, v in kwargs.items() if k == "trainable"})
        if batch_shape is None:
            if shape is None:
                raise ValueError("You must pass a `shape` argument to keras.Input / "
                                 "InputLayer.")
            batch_shape = (batch_size,) + standardize_shape(shape)
        self._batch_shape = tuple(batch_shape)
        if dtype is not None and str(getattr(dtype, "name", dtype)) in ("string", "str"):
            raise ValueError("keras.Input / InputLayer: dtype='string' is not supported (Ember "
                             "has no string tensors); run text preprocessing such as "
                             "TextVectorization in the data pipeline and give the model "
                             "its integer output.")
        self._input_dtype = dtype or self.dtype_policy.variable_dtype
        self.sparse = bool(sparse)
        self.optional = optional
        self.built = True
        if input_tensor is None:
            input_tensor = KerasTensor(self._batch_shape, self._input_dtype, name=self.name)
        self._input_tensor = input_tensor
        Node(self, (), {}, input_tensor)

    @property
    def batch_shape(self) -> tuple:
        return self._batch_shape

    @property
    def output(self):
        return self._input_tensor

    def call(self, inputs):
        return inputs

    def get_config(self) -> dict:
        return {"batch_shape": list(self._batch_shape), "dtype": self._input_dtype,
                "sparse": self.sparse, "ragged": False, "name": self.name,
                "optional": self.optional}


def Input(shape: Any = None, batch_size: int | None = None, dtype: Any = None,
          sparse: bool | None = None, batch_shape: Any = None, name: str | None = None,
          tensor: Any = None, optional: bool = False, ragged: bool | None = None
          ) -> KerasTensor:
    """A symbolic input for a functional Model.

    >>> from ember import keras
    >>> x = keras.Input(shape=(4,), name="features")
    >>> x.shape
    (None, 4)
    """
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse,
                       batch_shape=batch_shape, name=name, input_tensor=tensor,
                       optional=optional, ragged=ragged)
    return layer.output
