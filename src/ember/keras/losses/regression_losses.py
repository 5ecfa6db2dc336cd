"""Regression losses: squared / absolute / percentage / log errors, Huber, log-cosh,
cosine similarity — each as a per-sample function and as a ``Loss`` class."""
from __future__ import annotations

import math
from typing import Any

import ember

from .. import config
from .loss import (
    Loss,
    LossFunctionWrapper,
    squeeze_or_expand_to_same_rank,
    to_float_tensor,
    to_tensor,
)


def _pair(y_true: Any, y_pred: Any) -> tuple:
    y_pred = to_float_tensor(y_pred)
    y_true = to_tensor(y_true, y_pred.dtype)
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def mean_squared_error(y_true: Any, y_pred: Any) -> ember.Tensor:
    """``mean(square(y_true - y_pred), axis=-1)``.

    >>> float(mean_squared_error([[0.0, 2.0]], [[1.0, 1.0]])[0])
    1.0
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return ember.reduce_mean(ember.square(y_true - y_pred), axis=-1)


def mean_absolute_error(y_true: Any, y_pred: Any) -> ember.Tensor:
    """``mean(abs(y_true - y_pred), axis=-1)``.

    >>> float(mean_absolute_error([[0.0, 2.0]], [[1.0, 1.0]])[0])
    1.0
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return ember.reduce_mean(ember.abs(y_true - y_pred), axis=-1)


def mean_absolute_percentage_error(y_true: Any, y_pred: Any) -> ember.Tensor:
    """``100 * mean(abs((y_true - y_pred) / max(abs(y_true), eps)), axis=-1)``.

    >>> round(float(mean_absolute_percentage_error([[100.0]], [[90.0]])[0]), 4)
    10.0
    """
    y_true, y_pred = _pair(y_true, y_pred)
    denom = ember.maximum(ember.abs(y_true), config.epsilon())
    return 100.0 * ember.reduce_mean(ember.abs((y_true - y_pred) / denom), axis=-1)


def mean_squared_logarithmic_error(y_true: Any, y_pred: Any) -> ember.Tensor:
    """``mean(square(log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1)), axis=-1)``.

    >>> round(float(mean_squared_logarithmic_error([[0.0]], [[math.e - 1]])[0]), 4)
    1.0
    """
    y_true, y_pred = _pair(y_true, y_pred)
    eps = config.epsilon()
    first = ember.math.log(ember.maximum(y_pred, eps) + 1.0)
    second = ember.math.log(ember.maximum(y_true, eps) + 1.0)
    return ember.reduce_mean(ember.square(first - second), axis=-1)


def l2_normalize(x: ember.Tensor, axis: Any = -1) -> ember.Tensor:
    """``x / max(norm(x), eps)`` along ``axis`` (Keras's ``ops.normalize``)."""
    eps = config.epsilon()
    square_sum = ember.reduce_sum(ember.square(x), axis=axis, keepdims=True)
    return x * ember.math.rsqrt(ember.maximum(square_sum, eps * eps))


def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> ember.Tensor:
    """Negative cosine similarity along ``axis`` (-1: same direction, 0: orthogonal).

    >>> float(cosine_similarity([[1.0, 0.0]], [[2.0, 0.0]])[0])
    -1.0
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return -ember.reduce_sum(l2_normalize(y_true, axis) * l2_normalize(y_pred, axis),
                             axis=axis)


def huber(y_true: Any, y_pred: Any, delta: float = 1.0) -> ember.Tensor:
    """Quadratic ``0.5 * e**2`` for ``|e| <= delta``, linear
    ``delta * |e| - 0.5 * delta**2`` beyond, averaged over the last axis.

    >>> float(huber([[0.0, 0.0]], [[0.5, 3.0]])[0])
    1.3125
    """
    y_true, y_pred = _pair(y_true, y_pred)
    delta = ember.cast(delta, y_pred.dtype)
    error = y_pred - y_true
    abs_error = ember.abs(error)
    quadratic = 0.5 * ember.square(error)
    linear = delta * abs_error - 0.5 * ember.square(delta)
    return ember.reduce_mean(ember.where(abs_error <= delta, quadratic, linear), axis=-1)


def log_cosh(y_true: Any, y_pred: Any) -> ember.Tensor:
    """``mean(log(cosh(y_pred - y_true)), axis=-1)``, computed without overflow.

    >>> round(float(log_cosh([[0.0]], [[1.0]])[0]), 4)
    0.4338
    """
    y_true, y_pred = _pair(y_true, y_pred)
    x = y_pred - y_true
    return ember.reduce_mean(x + ember.nn.softplus(-2.0 * x) - math.log(2.0), axis=-1)


class MeanSquaredError(LossFunctionWrapper):
    """Mean of squared errors.

    >>> float(MeanSquaredError()([1.0, 0.0, 1.0], [0.9, 0.1, 0.8]))  # doctest: +ELLIPSIS
    0.02...
    """

    def __init__(self, reduction: Any = "sum_over_batch_size",
                 name: str = "mean_squared_error", dtype: Any = None):
        super().__init__(mean_squared_error, name=name, reduction=reduction, dtype=dtype)

    def get_config(self) -> dict:
        return Loss.get_config(self)


class MeanAbsoluteError(LossFunctionWrapper):
    """Mean of absolute errors.

    >>> round(float(MeanAbsoluteError()([1.0, 0.3, 1.0], [1.9, 0.3, 1.8])), 5)
    0.56667
    """

    def __init__(self, reduction: Any = "sum_over_batch_size",
                 name: str = "mean_absolute_error", dtype: Any = None):
        super().__init__(mean_absolute_error, name=name, reduction=reduction, dtype=dtype)

    def get_config(self) -> dict:
        return Loss.get_config(self)


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """Mean absolute percentage error.

    >>> round(float(MeanAbsolutePercentageError()([100.0, 200.0, 300.0],
    ...                                             [90.0, 210.0, 310.0])), 4)
    6.1111
    """

    def __init__(self, reduction: Any = "sum_over_batch_size",
                 name: str = "mean_absolute_percentage_error", dtype: Any = None):
        super().__init__(mean_absolute_percentage_error, name=name, reduction=reduction,
                         dtype=dtype)

    def get_config(self) -> dict:
        return Loss.get_config(self)


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """Mean squared logarithmic error.

    >>> float(MeanSquaredLogarithmicError()([[0.0]], [[0.0]]))
    0.0
    """

    def __init__(self, reduction: Any = "sum_over_batch_size",
                 name: str = "mean_squared_logarithmic_error", dtype: Any = None):
        super().__init__(mean_squared_logarithmic_error, name=name, reduction=reduction,
                         dtype=dtype)

    def get_config(self) -> dict:
        return Loss.get_config(self)


class CosineSimilarity(LossFunctionWrapper):
    """Negative cosine similarity along ``axis``.

    >>> float(CosineSimilarity()([[0.0, 1.0]], [[0.0, 3.0]]))
    -1.0
    """

    def __init__(self, axis: int = -1, reduction: Any = "sum_over_batch_size",
                 name: str = "cosine_similarity", dtype: Any = None):
        super().__init__(cosine_similarity, name=name, reduction=reduction, dtype=dtype,
                         axis=axis)

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("fn")
        return config


class Huber(LossFunctionWrapper):
    """Huber loss: quadratic below ``delta``, linear above.

    >>> float(Huber(delta=1.0)([[0.0, 0.0]], [[0.5, 3.0]]))
    1.3125
    """

    def __init__(self, delta: float = 1.0, reduction: Any = "sum_over_batch_size",
                 name: str = "huber_loss", dtype: Any = None):
        super().__init__(huber, name=name, reduction=reduction, dtype=dtype, delta=delta)

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("fn")
        return config


class LogCosh(LossFunctionWrapper):
    """Logarithm of the hyperbolic cosine of the error.

    >>> round(float(LogCosh()([[0.0]], [[1.0]])), 4)
    0.4338
    """

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "log_cosh",
                 dtype: Any = None):
        super().__init__(log_cosh, name=name, reduction=reduction, dtype=dtype)

    def get_config(self) -> dict:
        return Loss.get_config(self)
