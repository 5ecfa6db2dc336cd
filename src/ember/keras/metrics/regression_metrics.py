"""Regression metrics: running mean errors, RMSE, cosine similarity, log-cosh and R²."""
from __future__ import annotations

import warnings
from typing import Any

import ember

from ..losses.loss import squeeze_or_expand_to_same_rank, to_tensor
from ..losses.regression_losses import (
    l2_normalize,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)
from .metric import Metric
from .reduction_metrics import Mean, MeanMetricWrapper


def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> ember.Tensor:
    """Cosine similarity along ``axis`` (1: same direction, 0: orthogonal).

    >>> float(cosine_similarity([[1.0, 0.0]], [[2.0, 0.0]])[0])
    1.0
    """
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return ember.reduce_sum(l2_normalize(y_true, axis) * l2_normalize(y_pred, axis), axis=axis)


class MeanSquaredError(MeanMetricWrapper):
    """Running mean squared error.

    >>> float(MeanSquaredError()([[0.0, 1.0]], [[1.0, 1.0]]))
    0.5
    """

    def __init__(self, name: str = "mean_squared_error", dtype: Any = None):
        super().__init__(fn=mean_squared_error, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class MeanAbsoluteError(MeanMetricWrapper):
    """Running mean absolute error.

    >>> float(MeanAbsoluteError()([[0.0, 1.0]], [[1.0, 1.0]]))
    0.5
    """

    def __init__(self, name: str = "mean_absolute_error", dtype: Any = None):
        super().__init__(mean_absolute_error, name, dtype=dtype)
        self._direction = "down"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """Running mean absolute percentage error.

    >>> round(float(MeanAbsolutePercentageError()([[100.0]], [[90.0]])), 4)
    10.0
    """

    def __init__(self, name: str = "mean_absolute_percentage_error", dtype: Any = None):
        super().__init__(mean_absolute_percentage_error, name, dtype=dtype)
        self._direction = "down"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class MeanSquaredLogarithmicError(MeanMetricWrapper):
    """Running mean squared logarithmic error.

    >>> float(MeanSquaredLogarithmicError()([[1.0]], [[1.0]]))
    0.0
    """

    def __init__(self, name: str = "mean_squared_logarithmic_error", dtype: Any = None):
        super().__init__(mean_squared_logarithmic_error, name, dtype=dtype)
        self._direction = "down"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class RootMeanSquaredError(Mean):
    """Square root of the running (weighted) mean of squared errors.

    >>> float(RootMeanSquaredError()([[0.0, 2.0]], [[0.0, 0.0]]))  # doctest: +ELLIPSIS
    1.414...
    """

    def __init__(self, name: str = "root_mean_squared_error", dtype: Any = None):
        super().__init__(name, dtype=dtype)
        self._direction = "down"

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true = to_tensor(y_true, self.dtype)
        y_pred = to_tensor(y_pred, self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        super().update_state(ember.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self) -> ember.Tensor:
        return ember.sqrt(super().result())


class CosineSimilarity(MeanMetricWrapper):
    """Running mean cosine similarity.

    >>> float(CosineSimilarity()([[0.0, 1.0]], [[0.0, 3.0]]))
    1.0
    """

    def __init__(self, name: str = "cosine_similarity", dtype: Any = None, axis: int = -1):
        super().__init__(cosine_similarity, name, dtype=dtype, axis=axis)
        self._direction = "up"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class LogCoshError(MeanMetricWrapper):
    """Running mean log-cosh error.

    >>> round(float(LogCoshError()([[0.0]], [[1.0]])), 4)
    0.4338
    """

    def __init__(self, name: str = "logcosh", dtype: Any = None):
        super().__init__(log_cosh, name, dtype=dtype)
        self._direction = "down"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


def _concrete(x: Any) -> float | None:
    try:
        return float(x.numpy())
    except Exception:  # noqa: BLE001 -- symbolic value: no concrete number to warn about
        return None


class R2Score(Metric):
    """Coefficient of determination ``1 - SS_res / SS_tot`` per output column, then
    aggregated (``"uniform_average"``, ``"variance_weighted_average"`` or None); with
    ``num_regressors`` the adjusted R².

    >>> float(R2Score()([[1.0], [4.0], [3.0]], [[2.0], [4.0], [4.0]]))  # doctest: +ELLIPSIS
    0.57...
    """

    def __init__(self, class_aggregation: str | None = "uniform_average",
                 num_regressors: int = 0, name: str = "r2_score", dtype: Any = None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        allowed = (None, "uniform_average", "variance_weighted_average")
        if class_aggregation not in allowed:
            raise ValueError("Invalid value for argument `class_aggregation`. Expected one "
                             f"of {allowed}. Received: class_aggregation={class_aggregation}")
        if num_regressors < 0:
            raise ValueError("Invalid value for argument `num_regressors`. Expected a value "
                             f">= 0. Received: num_regressors={num_regressors}")
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable(shape=(), initializer="zeros",
                                             name="num_samples")
        self._built = False

    def _build(self, y_true_shape: tuple, y_pred_shape: tuple) -> None:
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError("R2Score expects 2D inputs with shape (batch_size, output_dim). "
                             f"Received input shapes: y_pred.shape={tuple(y_pred_shape)} and "
                             f"y_true.shape={tuple(y_true_shape)}.")
        num_classes = y_pred_shape[-1]
        self.squared_sum = self.add_variable(name="squared_sum", shape=[num_classes],
                                             initializer="zeros")
        self.sum = self.add_variable(name="sum", shape=[num_classes], initializer="zeros")
        self.total_mse = self.add_variable(name="residual", shape=[num_classes],
                                           initializer="zeros")
        self.count = self.add_variable(name="count", shape=[num_classes],
                                       initializer="zeros")
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true = to_tensor(y_true, self.dtype)
        y_pred = to_tensor(y_pred, self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        if not self._built:
            self._build(tuple(y_true.shape), tuple(y_pred.shape))
        sample_weight = to_tensor(1.0 if sample_weight is None else sample_weight,
                                  self.dtype)
        if len(sample_weight.shape) == 1:
            sample_weight = ember.expand_dims(sample_weight, 1)
        sample_weight = ember.broadcast_to(sample_weight, tuple(y_true.shape))
        weighted_y_true = y_true * sample_weight
        self.sum.assign_add(ember.reduce_sum(weighted_y_true, axis=0))
        self.squared_sum.assign_add(ember.reduce_sum(y_true * weighted_y_true, axis=0))
        self.total_mse.assign_add(ember.reduce_sum(ember.square(y_true - y_pred) *
                                                   sample_weight, axis=0))
        self.count.assign_add(ember.reduce_sum(sample_weight, axis=0))
        nonzero = ember.reduce_any(ember.not_equal(sample_weight, 0.0), axis=-1)
        self.num_samples.assign_add(ember.reduce_sum(ember.cast(nonzero,
                                                                self.num_samples.dtype)))

    def result(self) -> ember.Tensor:
        if not self._built:
            return ember.constant(0.0, dtype=self.dtype)
        total_sum, count = self.sum.read_value(), self.count.read_value()
        mean = total_sum / count
        total = self.squared_sum.read_value() - total_sum * mean
        raw_scores = 1.0 - self.total_mse.read_value() / total
        raw_scores = ember.where(ember.math.is_inf(raw_scores), ember.zeros_like(raw_scores),
                                 raw_scores)
        if self.class_aggregation == "uniform_average":
            r2 = ember.reduce_mean(raw_scores)
        elif self.class_aggregation == "variance_weighted_average":
            r2 = ember.reduce_sum(total * raw_scores) / ember.reduce_sum(total)
        else:
            r2 = raw_scores
        if self.num_regressors != 0:
            r2 = self._adjust(r2)
        return r2

    def _adjust(self, r2: ember.Tensor) -> ember.Tensor:
        n = ember.cast(self.num_samples.read_value(), "float32")
        p = float(self.num_regressors)
        known = _concrete(n)
        if known is not None and p > known - 1:
            warnings.warn("More independent predictors than datapoints in adjusted R2 "
                          "score. Falling back to standard R2 score.", stacklevel=3)
        elif known is not None and p == known - 1:
            warnings.warn("Division by zero in Adjusted R2 score. Falling back to standard "
                          "R2 score.", stacklevel=3)
        adjusted = 1.0 - (1.0 - ember.cast(r2, "float32")) * (n - 1.0) / \
            ember.maximum(n - p - 1.0, 1.0)
        return ember.where(n - 1.0 > p, ember.cast(adjusted, r2.dtype), r2)

    def reset_state(self) -> None:
        for v in self.variables:
            v.assign(ember.zeros(tuple(v.shape), dtype=v.dtype))

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"class_aggregation": self.class_aggregation,
                       "num_regressors": self.num_regressors})
        return config
