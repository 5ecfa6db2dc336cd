"""The functional forms of the merge layers: ``keras.layers.add([a, b])`` and friends."""
from __future__ import annotations

from typing import Any

from .concatenate import Concatenate
from .dot import Dot
from .elementwise import Add, Average, Maximum, Minimum, Multiply, Subtract


def concatenate(inputs: list, axis: int = -1, **kwargs: Any):
    """``Concatenate(axis=axis, **kwargs)(inputs)``.

    >>> import ember
    >>> concatenate([ember.ones((2, 3)), ember.ones((2, 1))]).shape
    TensorShape([2, 4])
    """
    return Concatenate(axis=axis, **kwargs)(inputs)


def add(inputs: list, **kwargs: Any):
    """``Add(**kwargs)(inputs)``: the elementwise sum.

    >>> import ember
    >>> add([ember.ones((1, 2)), ember.ones((1, 2))]).numpy()
    array([[2., 2.]], dtype=float32)
    """
    return Add(**kwargs)(inputs)


def subtract(inputs: list, **kwargs: Any):
    """``Subtract(**kwargs)(inputs)``: ``inputs[0] - inputs[1]``.

    >>> import ember
    >>> subtract([ember.ones((1, 2)), ember.ones((1, 2))]).numpy()
    array([[0., 0.]], dtype=float32)
    """
    return Subtract(**kwargs)(inputs)


def multiply(inputs: list, **kwargs: Any):
    """``Multiply(**kwargs)(inputs)``: the elementwise product.

    >>> import ember
    >>> multiply([ember.fill((1, 2), 3.0), ember.fill((1, 2), 2.0)]).numpy()
    array([[6., 6.]], dtype=float32)
    """
    return Multiply(**kwargs)(inputs)


def average(inputs: list, **kwargs: Any):
    """``Average(**kwargs)(inputs)``: the elementwise mean.

    >>> import ember
    >>> average([ember.zeros((1, 2)), ember.ones((1, 2))]).numpy()
    array([[0.5, 0.5]], dtype=float32)
    """
    return Average(**kwargs)(inputs)


def maximum(inputs: list, **kwargs: Any):
    """``Maximum(**kwargs)(inputs)``: the elementwise maximum.

    >>> import ember
    >>> maximum([ember.zeros((1, 2)), ember.ones((1, 2))]).numpy()
    array([[1., 1.]], dtype=float32)
    """
    return Maximum(**kwargs)(inputs)


def minimum(inputs: list, **kwargs: Any):
    """``Minimum(**kwargs)(inputs)``: the elementwise minimum.

    >>> import ember
    >>> minimum([ember.zeros((1, 2)), ember.ones((1, 2))]).numpy()
    array([[0., 0.]], dtype=float32)
    """
    return Minimum(**kwargs)(inputs)


def dot(inputs: list, axes: Any = -1, **kwargs: Any):
    """``Dot(axes=axes, **kwargs)(inputs)``: per-sample dot products.

    >>> import ember
    >>> dot([ember.ones((2, 3)), ember.ones((2, 3))], axes=1).numpy().tolist()
    [[3.0], [3.0]]
    """
    return Dot(axes=axes, **kwargs)(inputs)
