"""keras.utils.to_categorical and keras.utils.normalize."""
from __future__ import annotations

from typing import Any

import numpy as np

import ember

from .. import config


def _is_tensor(x) -> bool:
    return isinstance(x, (ember.Tensor, ember.Variable))


def _class_shape(shape: tuple) -> tuple:
    """Drop a trailing axis of size 1: labels of shape (n, 1) give (n, num_classes)."""
    return shape[:-1] if len(shape) > 1 and shape[-1] == 1 else shape


def to_categorical(x: Any, num_classes: int | None = None):
    """Convert integer class labels to one-hot rows; the class axis goes last.

    Labels of shape ``(..., 1)`` are treated as ``(...)``. ``num_classes`` defaults to
    ``max(x) + 1``. Array-likes give a NumPy array (float64, as in Keras 3); an Ember
    tensor gives an Ember tensor of ``keras.config.floatx()``.

    >>> to_categorical([0, 2, 1], num_classes=3)
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 1., 0.]])
    """
    if _is_tensor(x):
        shape = _class_shape(tuple(x.shape))
        x = ember.reshape(x, shape)
        if num_classes is None:
            num_classes = int(np.max(x.numpy())) + 1 if int(np.prod(shape)) else 0
        return ember.one_hot(ember.cast(x, "int64"), int(num_classes), dtype=config.floatx())
    labels = np.array(x, dtype="int64")
    shape = _class_shape(labels.shape)
    labels = labels.reshape(-1)
    if not num_classes:
        if labels.size == 0:
            raise ValueError("to_categorical: cannot infer `num_classes` from empty labels; "
                             "pass num_classes=")
        num_classes = int(labels.max()) + 1
    num_classes = int(num_classes)
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"to_categorical: labels must be in [0, {num_classes}) for "
                         f"num_classes={num_classes}; got values from {labels.min()} to "
                         f"{labels.max()}")
    out = np.zeros((labels.size, num_classes))
    out[np.arange(labels.size), labels] = 1
    return out.reshape(shape + (num_classes,))


def normalize(x: Any, axis: int = -1, order: int = 2):
    """Divide ``x`` by its ``order``-norm along ``axis``.

    A NumPy array gives a NumPy array (zero vectors stay zero) of the same shape; an
    Ember tensor gives an Ember tensor, computed as ``x / max(norm(x), epsilon)`` like
    ``keras.ops.normalize``.

    >>> normalize(np.array([[3.0, 4.0]]))
    array([[0.6, 0.8]])
    """
    if not _is_tensor(x):
        x = np.asarray(x)
        axis = -1 if axis is None else axis
        norm = np.linalg.norm(x, order, axis, keepdims=True)
        norm = np.where(norm == 0, 1, norm)
        return x / norm
    if not isinstance(order, int) or order < 1:
        raise ValueError(f"Argument `order` must be an int >= 1. Received: order={order}")
    if len(x.shape) == 0:
        x = ember.expand_dims(x, 0)
    if not x.dtype.is_floating:
        x = ember.cast(x, config.floatx())
    eps = config.epsilon()
    if order == 2:
        square_sum = ember.reduce_sum(ember.square(x), axis=axis, keepdims=True)
        return x * ember.math.rsqrt(ember.maximum(square_sum, eps * eps))
    norm = ember.norm(x, ord=order, axis=axis, keepdims=True)
    return x / ember.maximum(norm, eps)
