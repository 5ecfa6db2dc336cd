"""Overlap losses for segmentation: Dice and Tversky."""
from __future__ import annotations

from typing import Any

import ember

from .. import config
from .loss import Loss, LossFunctionWrapper, to_float_tensor, to_tensor


def dice(y_true: Any, y_pred: Any, axis: Any = None) -> ember.Tensor:
    """``1 - 2 * sum(y_true * y_pred) / (sum(y_true) + sum(y_pred) + eps)`` over ``axis``
    (all axes when None).

    >>> round(float(dice([[1.0, 0.0]], [[1.0, 0.0]])), 4)
    0.0
    """
    y_pred = to_float_tensor(y_pred)
    y_true = ember.cast(to_tensor(y_true), y_pred.dtype)
    intersection = ember.reduce_sum(y_true * y_pred, axis=axis)
    denom = ember.reduce_sum(y_true, axis=axis) + ember.reduce_sum(y_pred, axis=axis) + \
        config.epsilon()
    return 1.0 - 2.0 * intersection / denom


def tversky(y_true: Any, y_pred: Any, alpha: float = 0.5, beta: float = 0.5,
            axis: Any = None) -> ember.Tensor:
    """``1 - TP / (TP + alpha * FP + beta * FN + eps)`` with soft counts over ``axis``.

    >>> round(float(tversky([[1.0, 0.0]], [[1.0, 0.0]])), 4)
    0.0
    """
    y_pred = to_float_tensor(y_pred)
    y_true = ember.cast(to_tensor(y_true), y_pred.dtype)
    tp = ember.reduce_sum(y_pred * y_true, axis=axis)
    fp = ember.reduce_sum((1.0 - y_true) * y_pred, axis=axis)
    fn = ember.reduce_sum(y_true * (1.0 - y_pred), axis=axis)
    return 1.0 - tp / (tp + fp * alpha + fn * beta + config.epsilon())


class Dice(LossFunctionWrapper):
    """Dice loss.

    >>> round(float(Dice()([[1.0, 0.0]], [[0.5, 0.5]])), 4)
    0.5
    """

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "dice",
                 axis: Any = None, dtype: Any = None):
        super().__init__(dice, name=name, reduction=reduction, dtype=dtype, axis=axis)
        self.axis = axis

    def get_config(self) -> dict:
        config = Loss.get_config(self)
        config["axis"] = self.axis
        return config


class Tversky(LossFunctionWrapper):
    """Tversky loss (Dice with separate false-positive / false-negative weights).

    >>> round(float(Tversky()([[1.0, 0.0]], [[0.5, 0.5]])), 4)
    0.5
    """

    def __init__(self, alpha: float = 0.5, beta: float = 0.5,
                 reduction: Any = "sum_over_batch_size", name: str = "tversky",
                 axis: Any = None, dtype: Any = None):
        super().__init__(tversky, name=name, reduction=reduction, dtype=dtype, alpha=alpha,
                         beta=beta, axis=axis)
        self.alpha = alpha
        self.beta = beta
        self.axis = axis

    def get_config(self) -> dict:
        config = Loss.get_config(self)
        config.update({"alpha": self.alpha, "beta": self.beta, "axis": self.axis})
        return config
