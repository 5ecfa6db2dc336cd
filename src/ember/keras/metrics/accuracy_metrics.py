"""Accuracy metrics: exact match, binary, categorical, sparse categorical and top-k."""
from __future__ import annotations

from typing import Any

import ember

from .. import config
from ..losses.loss import squeeze_or_expand_to_same_rank, to_tensor
from .reduction_metrics import MeanMetricWrapper


def accuracy(y_true: Any, y_pred: Any) -> ember.Tensor:
    """1.0 where ``y_true == y_pred``, else 0.0.

    >>> accuracy([1, 2], [1, 3]).numpy().tolist()
    [1.0, 0.0]
    """
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return ember.cast(ember.equal(y_true, y_pred), config.floatx())


def binary_accuracy(y_true: Any, y_pred: Any, threshold: float = 0.5) -> ember.Tensor:
    """1.0 where ``y_pred > threshold`` agrees with the 0/1 label.

    >>> binary_accuracy([[1.0], [0.0]], [[0.7], [0.6]]).numpy().ravel().tolist()
    [1.0, 0.0]
    """
    y_pred = to_tensor(y_pred)
    if y_pred.dtype == ember.bool:  # True / False are 1 / 0 against the threshold
        y_pred = ember.cast(y_pred, config.floatx())
    y_true = to_tensor(y_true)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    y_pred = ember.cast(ember.greater(y_pred, ember.cast(threshold, y_pred.dtype)),
                        y_true.dtype)
    return ember.cast(ember.equal(y_true, y_pred), config.floatx())


def _argmax_matches(labels: ember.Tensor, y_pred: ember.Tensor,
                    squeeze: bool) -> ember.Tensor:
    """1.0 where the arg-max of ``y_pred`` equals the class id in ``labels``; with
    ``squeeze``, ``labels`` has a trailing axis of 1, dropped to compare and then restored.
    """
    shape = tuple(labels.shape)
    if squeeze:
        labels = ember.squeeze(labels, axis=-1)
    y_pred = ember.cast(ember.argmax(y_pred, axis=-1), labels.dtype)
    matches = ember.cast(ember.equal(labels, y_pred), config.floatx())
    return ember.reshape(matches, shape) if squeeze else matches


def categorical_accuracy(y_true: Any, y_pred: Any) -> ember.Tensor:
    """1.0 where the arg-max of ``y_pred`` is the arg-max of one-hot ``y_true``.

    >>> categorical_accuracy([[0, 1], [1, 0]], [[0.2, 0.8], [0.3, 0.7]]).numpy().tolist()
    [1.0, 0.0]
    """
    y_pred = to_tensor(y_pred)
    y_true = ember.argmax(to_tensor(y_true), axis=-1)
    y_true = ember.cast(y_true, y_pred.dtype)
    return _argmax_matches(y_true, y_pred, len(y_true.shape) == len(y_pred.shape))


def sparse_categorical_accuracy(y_true: Any, y_pred: Any) -> ember.Tensor:
    """1.0 where the arg-max of ``y_pred`` equals the integer label.

    >>> sparse_categorical_accuracy([1, 0], [[0.2, 0.8], [0.3, 0.7]]).numpy().tolist()
    [1.0, 0.0]
    """
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, y_pred.dtype)
    matches = _argmax_matches(y_true, y_pred, len(y_true.shape) == len(y_pred.shape) and
                              y_true.shape[-1] == 1)
    if len(matches.shape) > 1 and matches.shape[-1] == 1:
        matches = ember.squeeze(matches, axis=-1)
    return matches


def _in_top_k(targets, predictions, k: int) -> ember.Tensor:
    if len(predictions.shape) > 2:
        predictions = ember.reshape(predictions, (-1, predictions.shape[-1]))
    return ember.math.in_top_k(ember.reshape(targets, (-1,)), predictions, k)


def top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5) -> ember.Tensor:
    """1.0 where the one-hot target's class is among the ``k`` highest predictions.

    >>> top_k_categorical_accuracy([[0, 0, 1]], [[0.5, 0.3, 0.2]], k=2).numpy().tolist()
    [0.0]
    """
    y_pred = to_tensor(y_pred)
    y_true = ember.cast(ember.argmax(to_tensor(y_true), axis=-1), "int32")
    original_shape = tuple(y_true.shape)
    matches = ember.cast(_in_top_k(y_true, y_pred, k), config.floatx())
    return ember.reshape(matches, original_shape) if len(original_shape) > 1 else matches


def sparse_top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5,
                                      from_sorted_ids: bool = False) -> ember.Tensor:
    """1.0 where the integer label is among the ``k`` highest predictions (or, with
    ``from_sorted_ids``, among the first ``k`` ids of ``y_pred``).

    >>> sparse_top_k_categorical_accuracy([0], [[0.5, 0.3, 0.2]], k=1).numpy().tolist()
    [1.0]
    """
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, y_pred.dtype if from_sorted_ids else "int32")
    original_shape = tuple(y_true.shape)
    if from_sorted_ids:
        if len(y_pred.shape) > 2:
            y_pred = ember.reshape(y_pred, (-1, y_pred.shape[-1]))
        flat = ember.reshape(y_true, (-1, 1))
        matches = ember.reduce_any(ember.equal(flat, y_pred[:, :k]), axis=1)
    else:
        matches = _in_top_k(y_true, y_pred, k)
    matches = ember.cast(matches, config.floatx())
    return ember.reshape(matches, original_shape) if len(original_shape) > 1 else matches


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels.

    >>> float(Accuracy()([[1], [2], [3], [4]], [[0], [2], [3], [4]]))
    0.75
    """

    def __init__(self, name: str = "accuracy", dtype: Any = None):
        super().__init__(fn=accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class BinaryAccuracy(MeanMetricWrapper):
    """How often thresholded predictions match binary labels.

    >>> float(BinaryAccuracy()([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]]))
    0.75
    """

    def __init__(self, name: str = "binary_accuracy", dtype: Any = None,
                 threshold: float = 0.5):
        super().__init__(fn=binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold
        self._direction = "up"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "threshold": self.threshold}


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the arg-max prediction matches the one-hot label.

    >>> float(CategoricalAccuracy()([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]))
    0.5
    """

    def __init__(self, name: str = "categorical_accuracy", dtype: Any = None):
        super().__init__(fn=categorical_accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the arg-max prediction matches the integer label.

    >>> float(SparseCategoricalAccuracy()([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]]))
    0.5
    """

    def __init__(self, name: str = "sparse_categorical_accuracy", dtype: Any = None):
        super().__init__(fn=sparse_categorical_accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot label is in the top ``k`` predictions.

    >>> float(TopKCategoricalAccuracy(k=1)([[0, 0, 1], [0, 1, 0]],
    ...                                    [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]))
    0.5
    """

    def __init__(self, k: int = 5, name: str = "top_k_categorical_accuracy",
                 dtype: Any = None):
        super().__init__(fn=top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k
        self._direction = "up"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "k": self.k}


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is in the top ``k`` predictions.

    >>> float(SparseTopKCategoricalAccuracy(k=1)([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]))
    0.5
    """

    def __init__(self, k: int = 5, name: str = "sparse_top_k_categorical_accuracy",
                 dtype: Any = None, from_sorted_ids: bool = False):
        super().__init__(fn=sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k,
                         from_sorted_ids=from_sorted_ids)
        self.k = k
        self.from_sorted_ids = from_sorted_ids
        self._direction = "up"

    def get_config(self) -> dict:
        config = {"name": self.name, "dtype": self.dtype, "k": self.k}
        if self.from_sorted_ids:
            config["from_sorted_ids"] = True
        return config
