"""Correlation metrics: Pearson and concordance correlation, averaged over samples."""
from __future__ import annotations

from typing import Any

import ember

from .. import config
from ..losses.loss import squeeze_or_expand_to_same_rank, to_tensor
from .reduction_metrics import MeanMetricWrapper


def _pair(y_true: Any, y_pred: Any) -> tuple:
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, y_pred.dtype)
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def pearson_correlation(y_true: Any, y_pred: Any, axis: int = -1) -> ember.Tensor:
    """Pearson correlation of ``y_true`` and ``y_pred`` along ``axis``.

    >>> round(float(pearson_correlation([[1.0, 2.0, 3.0]], [[2.0, 4.0, 6.0]])[0]), 4)
    1.0
    """
    y_true, y_pred = _pair(y_true, y_pred)
    t = y_true - ember.reduce_mean(y_true, axis=axis, keepdims=True)
    p = y_pred - ember.reduce_mean(y_pred, axis=axis, keepdims=True)
    t = t / ember.math.reduce_std(t, axis=axis, keepdims=True)
    p = p / ember.math.reduce_std(p, axis=axis, keepdims=True)
    return ember.reduce_mean(t * p, axis=axis)


def concordance_correlation(y_true: Any, y_pred: Any, axis: int = -1) -> ember.Tensor:
    """Lin's concordance correlation coefficient along ``axis``.

    >>> round(float(concordance_correlation([[1.0, 2.0, 3.0]], [[1.0, 2.0, 3.0]])[0]), 4)
    1.0
    """
    y_true, y_pred = _pair(y_true, y_pred)
    t_mean = ember.reduce_mean(y_true, axis=axis, keepdims=True)
    p_mean = ember.reduce_mean(y_pred, axis=axis, keepdims=True)
    t_var = ember.math.reduce_variance(y_true - t_mean, axis=axis, keepdims=True)
    p_var = ember.math.reduce_variance(y_pred - p_mean, axis=axis, keepdims=True)
    covar = (y_true - p_mean) * (y_pred - p_mean)
    norm = t_var + p_var + ember.square(t_mean - p_mean)
    return ember.reduce_mean(2.0 * covar / (norm + config.epsilon()), axis=axis)


class PearsonCorrelation(MeanMetricWrapper):
    """Running mean of the per-sample Pearson correlation.

    >>> round(float(PearsonCorrelation()([[1.0, 2.0, 3.0]], [[2.0, 4.0, 6.0]])), 4)
    1.0
    """

    def __init__(self, name: str = "pearson_correlation", dtype: Any = None, axis: int = -1):
        super().__init__(fn=pearson_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis
        self._direction = "up"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}


class ConcordanceCorrelation(MeanMetricWrapper):
    """Running mean of the per-sample concordance correlation.

    >>> round(float(ConcordanceCorrelation()([[1.0, 2.0, 3.0]], [[1.0, 2.0, 3.0]])), 4)
    1.0
    """

    def __init__(self, name: str = "concordance_correlation", dtype: Any = None,
                 axis: int = -1):
        super().__init__(fn=concordance_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis
        self._direction = "up"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}
