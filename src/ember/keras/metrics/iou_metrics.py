"""Intersection-over-union metrics for segmentation: IoU, MeanIoU, BinaryIoU and the
one-hot variants, from a running confusion matrix."""
from __future__ import annotations

import warnings
from typing import Any

import ember

from .. import config
from ..losses.loss import to_tensor
from .metric import Metric
from .metrics_utils import confusion_matrix


class _IoUBase(Metric):
    """A running ``(num_classes, num_classes)`` confusion matrix (int64 by default)."""

    def __init__(self, num_classes: int, name: str | None = None, dtype: Any = None,
                 ignore_class: int | None = None, sparse_y_true: bool = True,
                 sparse_y_pred: bool = True, axis: int = -1):
        super().__init__(name=name, dtype=dtype or "int")
        self._direction = "up"
        self.num_classes = num_classes
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.total_cm = self.add_variable(name="total_confusion_matrix",
                                          shape=(num_classes, num_classes),
                                          initializer="zeros", dtype=self.dtype)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        if not self.sparse_y_true:
            y_true = ember.argmax(to_tensor(y_true), axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = ember.argmax(to_tensor(y_pred), axis=self.axis)
        y_true = ember.reshape(to_tensor(y_true, self.dtype), (-1,))
        y_pred = ember.reshape(to_tensor(y_pred, self.dtype), (-1,))
        if sample_weight is None:
            sample_weight = 1
        elif hasattr(sample_weight, "dtype") and "float" in str(sample_weight.dtype) and \
                "int" in str(self.dtype):
            warnings.warn("You are passing weight as `float`, but dtype is `int`. This may "
                          "result in an incorrect weight due to type casting Consider using "
                          "integer weights.", stacklevel=2)
        sample_weight = to_tensor(sample_weight, self.dtype)
        if len(sample_weight.shape) > 1:
            sample_weight = ember.reshape(sample_weight, (-1,))
        sample_weight = ember.broadcast_to(sample_weight, tuple(y_true.shape))
        n = ember.cast(self.num_classes, y_true.dtype)
        in_bounds = ember.logical_and(
            ember.logical_and(y_true >= 0, y_true < n),
            ember.logical_and(y_pred >= 0, y_pred < n))
        if self.ignore_class is not None:
            in_bounds = ember.logical_and(
                in_bounds, ember.not_equal(y_true, ember.cast(self.ignore_class,
                                                              y_true.dtype)))
        zeros = ember.zeros_like(y_true)
        y_true = ember.where(in_bounds, y_true, zeros)
        y_pred = ember.where(in_bounds, y_pred, zeros)
        sample_weight = ember.where(in_bounds, sample_weight, ember.zeros_like(sample_weight))
        current = confusion_matrix(y_true, y_pred, self.num_classes, weights=sample_weight,
                                   dtype=self.dtype)
        self.total_cm.assign(self.total_cm.read_value() + current)

    def reset_state(self) -> None:
        self.total_cm.assign(ember.zeros(tuple(self.total_cm.shape),
                                         dtype=self.total_cm.dtype))


class IoU(_IoUBase):
    """Mean of ``TP / (TP + FP + FN)`` over ``target_class_ids`` (classes that never
    appear are left out of the mean).

    >>> m = IoU(num_classes=2, target_class_ids=[0])
    >>> round(float(m([0, 0, 1, 1], [0, 1, 0, 1])), 4)
    0.3333
    """

    def __init__(self, num_classes: int, target_class_ids: Any, name: str | None = None,
                 dtype: Any = None, ignore_class: int | None = None,
                 sparse_y_true: bool = True, sparse_y_pred: bool = True, axis: int = -1):
        super().__init__(name=name, num_classes=num_classes, ignore_class=ignore_class,
                         sparse_y_true=sparse_y_true, sparse_y_pred=sparse_y_pred,
                         axis=axis, dtype=dtype)
        if max(target_class_ids) >= num_classes:
            raise ValueError(f"Target class id {max(target_class_ids)} is out of range, "
                             f"which is [0, {num_classes}).")
        self.target_class_ids = list(target_class_ids)

    def result(self) -> ember.Tensor:
        cm = ember.cast(self.total_cm.read_value(), "float32")
        sum_over_row = ember.reduce_sum(cm, axis=0)
        sum_over_col = ember.reduce_sum(cm, axis=1)
        tp = ember.linalg.diag_part(cm)
        denominator = sum_over_row + sum_over_col - tp
        ids = ember.constant(self.target_class_ids, dtype="int32")
        tp = ember.gather(tp, ids)
        denominator = ember.gather(denominator, ids)
        valid = ember.greater(denominator, 1e-9)
        num_valid = ember.reduce_sum(ember.cast(valid, "float32"))
        iou = tp / (denominator + config.epsilon())
        iou = ember.where(valid, iou, ember.zeros_like(iou))
        return ember.reduce_sum(iou, axis=self.axis) / (num_valid + config.epsilon())

    def get_config(self) -> dict:
        return {**super().get_config(), "num_classes": self.num_classes,
                "target_class_ids": self.target_class_ids, "ignore_class": self.ignore_class,
                "sparse_y_true": self.sparse_y_true, "sparse_y_pred": self.sparse_y_pred,
                "axis": self.axis}


class BinaryIoU(IoU):
    """IoU of binary predictions thresholded at ``threshold`` (``>=`` counts as 1).

    >>> m = BinaryIoU(target_class_ids=[0, 1], threshold=0.3)
    >>> round(float(m([0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7])), 4)
    0.3333
    """

    def __init__(self, target_class_ids: Any = (0, 1), threshold: float = 0.5,
                 name: str | None = None, dtype: Any = None):
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name,
                         dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_pred = to_tensor(y_pred, "float32")
        y_pred = ember.cast(y_pred >= self.threshold, self.dtype)
        super().update_state(to_tensor(y_true, self.dtype), y_pred, sample_weight)

    def get_config(self) -> dict:
        return {"target_class_ids": self.target_class_ids, "threshold": self.threshold,
                "name": self.name, "dtype": self.dtype}


class MeanIoU(IoU):
    """IoU averaged over every class.

    >>> m = MeanIoU(num_classes=2)
    >>> round(float(m([0, 0, 1, 1], [0, 1, 0, 1])), 4)
    0.3333
    """

    def __init__(self, num_classes: int, name: str | None = None, dtype: Any = None,
                 ignore_class: int | None = None, sparse_y_true: bool = True,
                 sparse_y_pred: bool = True, axis: int = -1):
        super().__init__(name=name, num_classes=num_classes,
                         target_class_ids=list(range(num_classes)), axis=axis, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=sparse_y_true,
                         sparse_y_pred=sparse_y_pred)

    def get_config(self) -> dict:
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self.dtype,
                "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class OneHotIoU(IoU):
    """IoU for one-hot labels (and, unless ``sparse_y_pred``, class-score predictions).

    >>> m = OneHotIoU(num_classes=2, target_class_ids=[1])
    >>> round(float(m([[1, 0], [0, 1]], [[0.8, 0.2], [0.3, 0.7]])), 4)
    1.0
    """

    def __init__(self, num_classes: int, target_class_ids: Any, name: str | None = None,
                 dtype: Any = None, ignore_class: int | None = None,
                 sparse_y_pred: bool = False, axis: int = -1):
        super().__init__(num_classes=num_classes, target_class_ids=target_class_ids,
                         name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self) -> dict:
        return {"num_classes": self.num_classes, "target_class_ids": self.target_class_ids,
                "name": self.name, "dtype": self.dtype, "ignore_class": self.ignore_class,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class OneHotMeanIoU(MeanIoU):
    """Mean IoU for one-hot labels.

    >>> m = OneHotMeanIoU(num_classes=2)
    >>> round(float(m([[1, 0], [0, 1]], [[0.8, 0.2], [0.3, 0.7]])), 4)
    1.0
    """

    def __init__(self, num_classes: int, name: str | None = None, dtype: Any = None,
                 ignore_class: int | None = None, sparse_y_pred: bool = False,
                 axis: int = -1):
        super().__init__(num_classes=num_classes, axis=axis, name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=False,
                         sparse_y_pred=sparse_y_pred)

    def get_config(self) -> dict:
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self.dtype,
                "ignore_class": self.ignore_class, "sparse_y_pred": self.sparse_y_pred,
                "axis": self.axis}
