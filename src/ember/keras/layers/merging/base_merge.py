"""The base of the merge layers: a list of tensors in, one tensor out."""
from __future__ import annotations

from typing import Any, Callable

import ember

from ...models.layer import Layer
from ..floating_inputs import to_common_dtype


def _is_shape_list(input_shape: Any) -> bool:
    return isinstance(input_shape, (list, tuple)) and len(input_shape) > 0 and \
        all(s is None or isinstance(s, (list, tuple)) for s in input_shape)


def broadcast_shapes(shape1: tuple | None, shape2: tuple | None) -> tuple | None:
    """The shape of an elementwise result (NumPy broadcasting from the right; None for
    unknown dimensions); raises naming both shapes when they cannot broadcast.

    >>> broadcast_shapes((4, 1), (3,))
    (4, 3)
    """
    if shape1 is None or shape2 is None:
        return None
    if len(shape1) < len(shape2):
        shape1, shape2 = shape2, shape1
    if not shape2:
        return tuple(shape1)
    out = list(shape1[:len(shape1) - len(shape2)])
    for i, j in zip(shape1[len(shape1) - len(shape2):], shape2):
        if i is None or j is None:
            out.append(None)
        elif i == 1 or j == 1:
            out.append(j if i == 1 else i)
        elif i != j:
            raise ValueError("Inputs have incompatible shapes. Received shapes "
                             f"{tuple(shape1)} and {tuple(shape2)}")
        else:
            out.append(i)
    return tuple(out)


def keras_mask(x: Any):
    """The mask a previous layer attached to ``x`` (None when it has none).

    >>> keras_mask(ember.ones((2, 3))) is None
    True
    """
    return getattr(x, "_keras_mask", None)


def expand_mask(mask: Any, x: Any):
    """A per-timestep mask broadcast to ``x``'s full shape (boolean).

    >>> expand_mask(ember.constant([True, False]), ember.ones((2, 3))).shape
    TensorShape([2, 3])
    """
    mask = ember.cast(mask, "bool") if mask.dtype != ember.bool else mask
    if mask.ndim < x.ndim:
        mask = ember.expand_dims(mask, -1)
    return ember.broadcast_to(mask, tuple(x.shape))


class Merge(Layer):
    """Base class of the elementwise merge layers (``Add``, ``Average``, ...).

    Subclasses implement ``_merge_function(inputs)`` on a list of tensors of one rank;
    inputs of lower rank are given extra axes at position 1 first, as in Keras.

    >>> from ember.keras.layers.merging.base_merge import Merge
    >>> class Diff(Merge):
    ...     def _merge_function(self, inputs):
    ...         return inputs[0] - inputs[1]
    >>> Diff()([ember.ones((2, 3)), ember.ones((2, 3))]).shape
    TensorShape([2, 3])
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def _merge_function(self, inputs: list):
        raise NotImplementedError(f"{type(self).__name__} must implement _merge_function")

    # -- shapes -------------------------------------------------------------------------------
    def _check_list(self, input_shape: Any) -> None:
        if not _is_shape_list(input_shape):
            raise ValueError("A merge layer should be called on a list of inputs. "
                             f"Received: input_shape={input_shape} (not a list of shapes)")

    def _check_batch_sizes(self, input_shape: Any) -> None:
        batch_sizes = {s[0] for s in input_shape if s} - {None}
        if len(batch_sizes) > 1:
            raise ValueError("Cannot merge tensors with different batch sizes. Received "
                             f"tensors with shapes {list(input_shape)}")

    def _sample_shape(self, input_shape: Any) -> tuple | None:
        out = None if input_shape[0] is None else tuple(input_shape[0][1:])
        for s in input_shape[1:]:
            out = broadcast_shapes(out, None if s is None else tuple(s[1:]))
        return out

    def build(self, input_shape):
        self._check_list(input_shape)
        self._check_batch_sizes(input_shape)
        self._sample_shape(input_shape)
        self.built = True

    def compute_output_shape(self, input_shape: Any) -> tuple:
        self._check_list(input_shape)
        sample = self._sample_shape(input_shape)
        batch_sizes = {s[0] for s in input_shape if s} - {None}
        batch = batch_sizes.pop() if len(batch_sizes) == 1 else None
        return (batch,) + tuple(sample)

    # -- calling ------------------------------------------------------------------------------
    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError("A merge layer should be called on a list of inputs. "
                             f"Received: inputs={inputs} (not a list of tensors)")
        inputs = to_common_dtype(inputs)
        shapes = [tuple(x.shape) for x in inputs]
        self._check_batch_sizes(shapes)
        self._sample_shape(shapes)
        ranks = [x.ndim for x in inputs]
        if len(set(ranks)) > 1:
            top = max(ranks)
            inputs = [ember.reshape(x, (x.shape[0],) + (1,) * (top - x.ndim) +
                                    tuple(x.shape[1:])) if x.ndim < top else x
                      for x in inputs]
        return self._merge_function(list(inputs))

    def _merge_with_or_mask(self, op: Callable, inputs: list):
        """Fold ``op`` over inputs, where each one's masked-out entries take the other
        operand's value (so neither wins there); used by Maximum and Minimum."""
        out, out_mask = None, None
        for x in inputs:
            mask = keras_mask(x)
            mask = None if mask is None else expand_mask(mask, x)
            if out is None:
                out, out_mask = x, mask
                continue
            if mask is not None:
                x = ember.where(mask, x, out)
            if out_mask is not None:
                out = ember.where(out_mask, out, x)
            out_mask = None if mask is None or out_mask is None else \
                ember.logical_or(out_mask, mask)
            out = op(out, x)
        return out

    def compute_mask(self, inputs: Any, mask: Any = None):
        if mask is None:
            return None
        if not isinstance(mask, (list, tuple)):
            raise ValueError(f"`mask` should be a list. Received: mask={mask}")
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"`inputs` should be a list. Received: inputs={inputs}")
        if len(mask) != len(inputs):
            raise ValueError("The lists `inputs` and `mask` should have the same length. "
                             f"Received: inputs={inputs} of length {len(inputs)}, and "
                             f"mask={mask} of length {len(mask)}")
        if any(m is None for m in mask):
            return None
        out = mask[0]
        for m in mask[1:]:
            out = ember.logical_or(out, m)
        return out

    def get_config(self) -> dict:
        return super().get_config()
