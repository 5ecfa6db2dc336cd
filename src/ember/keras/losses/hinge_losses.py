"""Hinge losses for maximum-margin classifiers: hinge, squared hinge, categorical hinge."""
from __future__ import annotations

from typing import Any

import ember

from .loss import Loss, LossFunctionWrapper, to_float_tensor, to_tensor


def convert_binary_labels_to_hinge(y_true: ember.Tensor) -> ember.Tensor:
    """Labels that are all 0/1 become -1/1; any other labels pass through unchanged.

    >>> convert_binary_labels_to_hinge(ember.constant([0.0, 1.0])).numpy().tolist()
    [-1.0, 1.0]
    """
    is_binary = ember.reduce_all(ember.logical_or(ember.equal(y_true, 0.0),
                                                  ember.equal(y_true, 1.0)))
    return ember.where(is_binary, 2.0 * y_true - 1.0, y_true)


def _labels(y_true: Any, y_pred: Any) -> tuple:
    y_pred = to_float_tensor(y_pred)
    y_true = ember.cast(to_tensor(y_true), y_pred.dtype)
    return y_true, y_pred


def hinge(y_true: Any, y_pred: Any) -> ember.Tensor:
    """``mean(maximum(1 - y_true * y_pred, 0), axis=-1)`` with -1/1 labels (0/1 labels
    are converted).

    >>> float(hinge([[0.0, 1.0]], [[-1.0, 0.5]])[0])
    0.25
    """
    y_true, y_pred = _labels(y_true, y_pred)
    y_true = convert_binary_labels_to_hinge(y_true)
    return ember.reduce_mean(ember.maximum(1.0 - y_true * y_pred, 0.0), axis=-1)


def squared_hinge(y_true: Any, y_pred: Any) -> ember.Tensor:
    """``mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)``.

    >>> float(squared_hinge([[0.0, 1.0]], [[-1.0, 0.5]])[0])
    0.125
    """
    y_true, y_pred = _labels(y_true, y_pred)
    y_true = convert_binary_labels_to_hinge(y_true)
    return ember.reduce_mean(ember.square(ember.maximum(1.0 - y_true * y_pred, 0.0)), axis=-1)


def categorical_hinge(y_true: Any, y_pred: Any) -> ember.Tensor:
    """``maximum(neg - pos + 1, 0)`` with ``pos = sum(y_true * y_pred)`` and
    ``neg = max((1 - y_true) * y_pred)`` over the last axis.

    >>> float(categorical_hinge([[0.0, 1.0]], [[0.3, 0.8]])[0])
    0.5
    """
    y_true, y_pred = _labels(y_true, y_pred)
    pos = ember.reduce_sum(y_true * y_pred, axis=-1)
    neg = ember.reduce_max((1.0 - y_true) * y_pred, axis=-1)
    return ember.maximum(neg - pos + 1.0, 0.0)


class Hinge(LossFunctionWrapper):
    """Hinge loss (labels -1/1, or 0/1 converted).

    >>> float(Hinge()([[0.0, 1.0]], [[-1.0, 0.5]]))
    0.25
    """

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "hinge",
                 dtype: Any = None):
        super().__init__(hinge, name=name, reduction=reduction, dtype=dtype)

    def get_config(self) -> dict:
        return Loss.get_config(self)


class SquaredHinge(LossFunctionWrapper):
    """Squared hinge loss.

    >>> float(SquaredHinge()([[0.0, 1.0]], [[-1.0, 0.5]]))
    0.125
    """

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "squared_hinge",
                 dtype: Any = None):
        super().__init__(squared_hinge, name=name, reduction=reduction, dtype=dtype)

    def get_config(self) -> dict:
        return Loss.get_config(self)


class CategoricalHinge(LossFunctionWrapper):
    """Categorical hinge loss.

    >>> float(CategoricalHinge()([[0.0, 1.0]], [[0.3, 0.8]]))
    0.5
    """

    def __init__(self, reduction: Any = "sum_over_batch_size",
                 name: str = "categorical_hinge", dtype: Any = None):
        super().__init__(categorical_hinge, name=name, reduction=reduction, dtype=dtype)

    def get_config(self) -> dict:
        return Loss.get_config(self)
