"""keras.layers.Concatenate: join a list of tensors along one axis."""
from __future__ import annotations

from typing import Any

import ember

from ..floating_inputs import to_common_dtype
from .base_merge import Merge


class Concatenate(Merge):
    """Concatenates tensors that match in every axis but ``axis``.

    Masks are concatenated too (an unmasked input counts as all-True) and reduced over
    the last axis, as in Keras.

    >>> from ember import keras
    >>> x, y = ember.ones((2, 2, 5)), ember.zeros((2, 1, 5))
    >>> keras.layers.Concatenate(axis=1)([x, y]).shape
    TensorShape([2, 3, 5])
    """

    def __init__(self, axis: int = -1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True

    def _check_shapes(self, input_shape: Any) -> None:
        error = ("A `Concatenate` layer requires inputs with matching shapes except for "
                 f"the concatenation axis. Received: input_shape={list(input_shape)}")
        known = [tuple(s) for s in input_shape if s is not None]
        if not known:
            return
        if len({len(s) for s in known}) != 1:
            raise ValueError(error)
        rank = len(known[0])
        if not -rank <= self.axis < rank:
            raise ValueError(f"Concatenate layer '{self.name}': axis {self.axis} is out "
                             f"of bounds for inputs of rank {rank}. Received: "
                             f"input_shape={list(input_shape)}")
        axis = self.axis % rank
        for i in range(rank):
            if i != axis and len({s[i] for s in known} - {None}) > 1:
                raise ValueError(error)

    def build(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) < 1 or \
                not isinstance(input_shape[0], (list, tuple)):
            raise ValueError("A `Concatenate` layer should be called on a list of at "
                             f"least 1 input. Received: input_shape={input_shape}")
        self._check_shapes(input_shape)
        self.built = True

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError("A `Concatenate` layer should be called on a list of "
                             f"inputs. Received: inputs={inputs}")
        self._check_shapes([tuple(x.shape) for x in inputs])
        return ember.concat(to_common_dtype(inputs), axis=self.axis)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        if not isinstance(input_shape, (list, tuple)) or \
                not isinstance(input_shape[0], (list, tuple)):
            raise ValueError("A `Concatenate` layer should be called on a list of "
                             f"inputs. Received: input_shape={input_shape}")
        self._check_shapes(input_shape)
        out = list(input_shape[0])
        for shape in input_shape[1:]:
            if out[self.axis] is None or shape[self.axis] is None:
                out[self.axis] = None
                break
            out[self.axis] += shape[self.axis]
        return tuple(out)

    def compute_mask(self, inputs: Any, mask: Any = None):
        if mask is None:
            return None
        if not isinstance(mask, (list, tuple)):
            raise ValueError(f"`mask` should be a list. Received mask={mask}")
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"`inputs` should be a list. Received: inputs={inputs}")
        if len(mask) != len(inputs):
            raise ValueError("The lists `inputs` and `mask` should have the same length. "
                             f"Received: inputs={inputs} of length {len(inputs)}, and "
                             f"mask={mask} of length {len(mask)}")
        if all(m is None for m in mask):
            return None
        full = []
        for x, m in zip(inputs, mask):
            if m is None:
                full.append(ember.ones(tuple(x.shape), dtype="bool"))
                continue
            m = ember.cast(m, "bool") if m.dtype != ember.bool else m
            if m.ndim < x.ndim:
                m = ember.broadcast_to(ember.expand_dims(m, -1), tuple(x.shape))
            full.append(m)
        return ember.reduce_any(ember.concat(full, axis=self.axis), axis=-1)

    def get_config(self) -> dict:
        config = super().get_config()
        config["axis"] = self.axis
        return config
