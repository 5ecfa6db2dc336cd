"""Reducing metrics: ``Sum``, ``Mean`` and ``MeanMetricWrapper`` (the mean of a
per-sample function over everything seen)."""
from __future__ import annotations

from typing import Any

import ember

from .. import config
from ..losses.loss import apply_mask, get_mask, squeeze_or_expand_to_same_rank, to_tensor
from .metric import Metric


def reduce_to_samplewise_values(values: Any, sample_weight: Any, reduce_fn,
                                dtype: Any) -> tuple:
    """Weight ``values`` per sample and reduce them to one value per sample (Keras's rule):
    values beyond the weights' rank are reduced with ``reduce_fn`` first.

    Returns ``(values, sample_weight)``; the weights are reduced to one per sample too.
    """
    dtype = dtype or config.floatx()
    mask = get_mask(values)
    values = to_tensor(values, dtype)
    if sample_weight is not None:
        sample_weight = to_tensor(sample_weight, dtype)
        if mask is not None:
            sample_weight = apply_mask(sample_weight, mask, dtype=dtype, reduction="sum")
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        weight_ndim, values_ndim = len(sample_weight.shape), len(values.shape)
        if values_ndim > weight_ndim:
            values = reduce_fn(values, axis=list(range(weight_ndim, values_ndim)))
        sample_weight = ember.broadcast_to(sample_weight, tuple(values.shape))
        values = values * sample_weight
        if weight_ndim > 1:
            sample_weight = reduce_fn(sample_weight, axis=list(range(1, weight_ndim)))
    values_ndim = len(values.shape)
    if values_ndim > 1:
        values = reduce_fn(values, axis=list(range(1, values_ndim)))
    return values, sample_weight


class Sum(Metric):
    """The (weighted) sum of every value seen.

    >>> m = Sum()
    >>> m.update_state([1.0, 3.0, 5.0, 7.0])
    >>> float(m.result())
    16.0
    """

    def __init__(self, name: str = "sum", dtype: Any = None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype,
                                       name="total")

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        values, _ = reduce_to_samplewise_values(values, sample_weight, ember.reduce_sum,
                                                self.dtype)
        self.total.assign_add(ember.reduce_sum(values))

    def reset_state(self) -> None:
        self.total.assign(ember.zeros((), dtype=self.total.dtype))

    def result(self) -> ember.Tensor:
        return ember.cast(self.total.read_value(), self.dtype)


class Mean(Metric):
    """The (weighted) mean of every value seen: ``sum(w * v) / sum(w)``.

    >>> m = Mean()
    >>> m.update_state([1.0, 3.0, 5.0, 7.0], sample_weight=[1, 1, 0, 0])
    >>> float(m.result())
    2.0
    """

    def __init__(self, name: str = "mean", dtype: Any = None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype,
                                       name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype,
                                       name="count")

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        values, sample_weight = reduce_to_samplewise_values(values, sample_weight,
                                                            ember.reduce_mean, self.dtype)
        self.total.assign_add(ember.reduce_sum(values))
        if sample_weight is not None:
            num_samples = ember.reduce_sum(sample_weight)
        elif len(values.shape) >= 1:
            num_samples = values.shape[0]
        else:
            num_samples = 1
        self.count.assign_add(ember.cast(num_samples, self.dtype))

    def reset_state(self) -> None:
        self.total.assign(ember.zeros((), dtype=self.total.dtype))
        self.count.assign(ember.zeros((), dtype=self.count.dtype))

    def result(self) -> ember.Tensor:
        return ember.math.divide_no_nan(self.total.read_value(),
                                        ember.cast(self.count.read_value(), self.dtype))


class MeanMetricWrapper(Mean):
    """The mean of ``fn(y_true, y_pred, **kwargs)`` over every sample seen.

    >>> from ember.keras.losses import mean_squared_error
    >>> m = MeanMetricWrapper(mean_squared_error)
    >>> m.update_state([[0.0, 1.0]], [[1.0, 1.0]])
    >>> float(m.result())
    0.5
    """

    def __init__(self, fn, name: str | None = None, dtype: Any = None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs
        from .. import losses
        if fn in losses.ALL_OBJECTS or type(fn) in losses.ALL_OBJECTS:
            self._direction = "down"

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        mask = get_mask(y_pred)
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        sample_weight = apply_mask(sample_weight, mask, dtype=self.dtype, reduction="sum")
        super().update_state(values, sample_weight=sample_weight)

    def get_config(self) -> dict:
        from ..saving.serialization import serialize_keras_object
        config = super().get_config()
        config["fn"] = serialize_keras_object(self._fn)
        config.update(serialize_keras_object(self._fn_kwargs))
        return config

    @classmethod
    def from_config(cls, config: dict) -> MeanMetricWrapper:
        if "fn" in config:
            from ..saving.serialization import deserialize_keras_object
            config = deserialize_keras_object(config)
        return cls(**config)
