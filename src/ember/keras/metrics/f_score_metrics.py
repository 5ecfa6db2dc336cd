"""F-scores: ``FBetaScore`` and ``F1Score`` over multi-class / multi-label predictions."""
from __future__ import annotations

from typing import Any

import ember

from .. import config
from ..losses.loss import to_tensor
from .metric import Metric


class FBetaScore(Metric):
    """F-beta score per class, or averaged (``"micro"``, ``"macro"``, ``"weighted"``).
    Predictions above ``threshold`` count as positive; with ``threshold=None`` each
    row's maximum does.

    >>> m = FBetaScore(beta=1.0, threshold=0.5, average="micro")
    >>> round(float(m([[1, 0], [0, 1]], [[0.9, 0.2], [0.6, 0.4]])), 4)
    0.5
    """

    def __init__(self, average: str | None = None, beta: float = 1.0,
                 threshold: float | None = None, name: str = "fbeta_score",
                 dtype: Any = None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError("Invalid `average` argument value. Expected one of: {None, "
                             f"'micro', 'macro', 'weighted'}}. Received: average={average}")
        if not isinstance(beta, float):
            msg = ("Invalid `beta` argument value. It should be a Python float. "
                   f"Received: beta={beta} of type '{type(beta)}'")
            raise ValueError(msg)  # noqa: TRY004 -- Keras raises ValueError
        if beta <= 0.0:
            raise ValueError(f"Invalid `beta` argument value. It should be > 0. Received: "
                             f"beta={beta}")
        if threshold is not None:
            if not isinstance(threshold, float):
                raise ValueError("Invalid `threshold` argument value. It should be a Python "
                                 f"float. Received: threshold={threshold} of type "
                                 f"'{type(threshold)}'")
            if threshold > 1.0 or threshold <= 0.0:
                raise ValueError("Invalid `threshold` argument value. It should verify "
                                 f"0 < threshold <= 1. Received: threshold={threshold}")
        self.average = average
        self.beta = beta
        self.threshold = threshold
        self.axis = None if average == "micro" else 0
        self._built = False

    def _build(self, y_true_shape: tuple, y_pred_shape: tuple) -> None:
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(f"{type(self).__name__} expects 2D inputs with shape "
                             "(batch_size, output_dim). Received input shapes: "
                             f"y_pred.shape={tuple(y_pred_shape)} and "
                             f"y_true.shape={tuple(y_true_shape)}.")
        shape = (y_pred_shape[-1],) if self.average != "micro" else ()
        for name in ("true_positives", "false_positives", "false_negatives",
                     "intermediate_weights"):
            setattr(self, name, self.add_variable(shape, "zeros", dtype=self.dtype,
                                                  name=name))
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true = to_tensor(y_true, self.dtype)
        y_pred = to_tensor(y_pred, self.dtype)
        if not self._built:
            self._build(tuple(y_true.shape), tuple(y_pred.shape))
        if self.threshold is None:
            row_max = ember.reduce_max(y_pred, axis=-1, keepdims=True)
            y_pred = ember.logical_and(y_pred >= row_max, ember.abs(y_pred) > 1e-9)
        else:
            y_pred = y_pred > self.threshold
        y_pred = ember.cast(y_pred, self.dtype)
        if sample_weight is not None:
            sample_weight = to_tensor(sample_weight, self.dtype)
            while len(sample_weight.shape) < len(y_true.shape):
                sample_weight = ember.expand_dims(sample_weight, -1)

        def weighted_sum(val):
            if sample_weight is not None:
                val = val * sample_weight
            return ember.reduce_sum(val, axis=self.axis)

        self.true_positives.assign_add(weighted_sum(y_pred * y_true))
        self.false_positives.assign_add(weighted_sum(y_pred * (1.0 - y_true)))
        self.false_negatives.assign_add(weighted_sum((1.0 - y_pred) * y_true))
        self.intermediate_weights.assign_add(weighted_sum(y_true))

    def result(self) -> ember.Tensor:
        eps = config.epsilon()
        tp = self.true_positives.read_value()
        precision = tp / (tp + self.false_positives.read_value() + eps)
        recall = tp / (tp + self.false_negatives.read_value() + eps)
        b2 = self.beta ** 2
        f_score = precision * recall / (b2 * precision + recall + eps) * (1.0 + b2)
        if self.average == "weighted":
            w = self.intermediate_weights.read_value()
            return ember.reduce_sum(f_score * (w / (ember.reduce_sum(w) + eps)))
        if self.average is not None:
            return ember.reduce_mean(f_score)
        return f_score

    def reset_state(self) -> None:
        for v in self.variables:
            v.assign(ember.zeros(tuple(v.shape), dtype=v.dtype))

    def get_config(self) -> dict:
        return {**super().get_config(), "average": self.average, "beta": self.beta,
                "threshold": self.threshold}


class F1Score(FBetaScore):
    """F1 score: the harmonic mean of precision and recall (``FBetaScore`` with beta 1).

    >>> m = F1Score(threshold=0.5, average="macro")
    >>> round(float(m([[1, 0], [0, 1]], [[0.9, 0.2], [0.6, 0.4]])), 4)
    0.3333
    """

    def __init__(self, average: str | None = None, threshold: float | None = None,
                 name: str = "f1_score", dtype: Any = None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name,
                         dtype=dtype)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["beta"]
        return config
