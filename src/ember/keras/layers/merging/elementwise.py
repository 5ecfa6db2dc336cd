"""The elementwise merge layers: Add, Subtract, Multiply, Average, Maximum, Minimum."""
from __future__ import annotations

import ember

from .base_merge import Merge, expand_mask, keras_mask


class Add(Merge):
    """Sums a list of tensors of one shape (or broadcastable shapes).

    >>> from ember import keras
    >>> keras.layers.Add()([ember.ones((2, 3)), ember.ones((2, 3))]).numpy()[0]
    array([2., 2., 2.], dtype=float32)
    """

    def _merge_function(self, inputs: list):
        out = inputs[0]
        for x in inputs[1:]:
            out = ember.add(out, x)
        return out


class Subtract(Merge):
    """``inputs[0] - inputs[1]``, for exactly two tensors.

    >>> from ember import keras
    >>> keras.layers.Subtract()([ember.ones((2, 3)), ember.ones((2, 3))]).numpy()[0]
    array([0., 0., 0.], dtype=float32)
    """

    def build(self, input_shape):
        super().build(input_shape)
        if len(input_shape) != 2:
            raise ValueError("A `Subtract` layer should be called on exactly 2 inputs. "
                             f"Received: input_shape={list(input_shape)}")

    def _merge_function(self, inputs: list):
        if len(inputs) != 2:
            raise ValueError("A `Subtract` layer should be called on exactly 2 inputs. "
                             f"Received {len(inputs)} inputs")
        return ember.subtract(inputs[0], inputs[1])


class Multiply(Merge):
    """The elementwise product of a list of tensors.

    Masked-out entries count as 1 in the product; when every input is masked, the
    output is 0 wherever all masks are off, as in Keras.

    >>> from ember import keras
    >>> x = ember.constant([[2.0, 3.0]])
    >>> keras.layers.Multiply()([x, x]).numpy()
    array([[4., 9.]], dtype=float32)
    """

    def _merge_function(self, inputs: list):
        masks = [keras_mask(x) for x in inputs]
        all_masked = all(m is not None for m in masks)
        out, out_mask = None, None
        for x, mask in zip(inputs, masks):
            if mask is not None:
                mask = expand_mask(mask, x)
                x = ember.where(mask, x, ember.ones_like(x))
                if all_masked:
                    out_mask = mask if out_mask is None else ember.logical_or(out_mask, mask)
            out = x if out is None else ember.multiply(out, x)
        if all_masked:
            out = ember.where(out_mask, out, ember.zeros_like(out))
        return out


class Average(Merge):
    """The elementwise mean of a list of tensors.

    >>> from ember import keras
    >>> keras.layers.Average()([ember.zeros((1, 2)), ember.ones((1, 2))]).numpy()
    array([[0.5, 0.5]], dtype=float32)
    """

    def _merge_function(self, inputs: list):
        out = inputs[0]
        for x in inputs[1:]:
            out = ember.add(out, x)
        return out / len(inputs)


class Maximum(Merge):
    """The elementwise maximum of a list of tensors (masked-out entries never win).

    >>> from ember import keras
    >>> keras.layers.Maximum()([ember.constant([[1.0, 5.0]]),
    ...                         ember.constant([[3.0, 2.0]])]).numpy()
    array([[3., 5.]], dtype=float32)
    """

    def _merge_function(self, inputs: list):
        return self._merge_with_or_mask(ember.maximum, inputs)


class Minimum(Merge):
    """The elementwise minimum of a list of tensors (masked-out entries never win).

    >>> from ember import keras
    >>> keras.layers.Minimum()([ember.constant([[1.0, 5.0]]),
    ...                         ember.constant([[3.0, 2.0]])]).numpy()
    array([[1., 2.]], dtype=float32)
    """

    def _merge_function(self, inputs: list):
        return self._merge_with_or_mask(ember.minimum, inputs)
