"""Confusion-matrix bookkeeping shared by the threshold metrics (Precision, Recall, AUC,
TruePositives ...) and the IoU metrics."""
from __future__ import annotations

from enum import Enum
from typing import Any

import numpy as np

import ember

from .. import config
from ..losses.loss import squeeze_or_expand_to_same_rank, to_tensor

NEG_INF = -1e10


class ConfusionMatrix(Enum):
    TRUE_POSITIVES = "tp"
    FALSE_POSITIVES = "fp"
    TRUE_NEGATIVES = "tn"
    FALSE_NEGATIVES = "fn"


class AUCCurve(Enum):
    ROC = "ROC"
    PR = "PR"
    PRGAIN = "PRGAIN"

    @staticmethod
    def from_str(key: str) -> AUCCurve:
        for curve in AUCCurve:
            if key in (curve.value, curve.value.lower()):
                return curve
        raise ValueError(f'Invalid AUC curve value: "{key}". Expected values are '
                         '["PR", "ROC", "PRGAIN"]')


class AUCSummationMethod(Enum):
    INTERPOLATION = "interpolation"
    MAJORING = "majoring"
    MINORING = "minoring"

    @staticmethod
    def from_str(key: str) -> AUCSummationMethod:
        for method in AUCSummationMethod:
            if key in (method.value, method.value.capitalize()):
                return method
        raise ValueError(f'Invalid AUC summation method value: "{key}". Expected values are '
                         '["interpolation", "majoring", "minoring"]')


def to_list(x: Any) -> list:
    return list(x) if isinstance(x, (list, tuple, np.ndarray)) else [x]


def parse_init_thresholds(thresholds: Any, default_threshold: float = 0.5) -> list:
    """The thresholds as a list (``default_threshold`` when None), checked to be in [0, 1].

    >>> parse_init_thresholds(None)
    [0.5]
    """
    if thresholds is not None:
        bad = [t for t in to_list(thresholds) if t is None or t < 0 or t > 1]
        if bad:
            raise ValueError(f"Threshold values must be in [0, 1]. Received: {bad}")
    return to_list(default_threshold if thresholds is None else thresholds)


def is_evenly_distributed_thresholds(thresholds: Any) -> bool:
    """True for ``[0, 1/(n-1), ..., 1]`` (n >= 3): counts can then be bucketed in one pass.

    >>> is_evenly_distributed_thresholds([0.0, 0.5, 1.0])
    True
    """
    n = len(thresholds)
    if n < 3:
        return False
    even = np.arange(n, dtype=np.float32) / (n - 1)
    return bool(np.allclose(thresholds, even, atol=config.epsilon()))


def _assign_add(variable, value) -> None:
    variable.assign(variable.read_value() + ember.cast(value, variable.dtype))


def _bucketed_counts(labels, buckets, num_thresholds: int, multi_label: bool):
    """Sum ``labels`` into threshold buckets (negative buckets dropped), then count, for
    each threshold, the weight at or above it: a reverse cumulative sum."""
    keep = buckets >= 0
    labels = ember.where(keep, labels, ember.zeros_like(labels))
    buckets = ember.where(keep, buckets, ember.zeros_like(buckets))
    if multi_label:  # labels/buckets: (N, L) -> counts (T, L)
        num_labels = int(labels.shape[1])
        label_ids = ember.broadcast_to(ember.range(num_labels, dtype="int32"),
                                       tuple(buckets.shape))
        indices = ember.stack([ember.reshape(buckets, (-1,)),
                               ember.reshape(label_ids, (-1,))], axis=1)
        per_bucket = ember.scatter_nd(indices, ember.reshape(labels, (-1,)),
                                      (num_thresholds, num_labels))
    else:
        per_bucket = ember.scatter_nd(ember.reshape(buckets, (-1, 1)), labels,
                                      (num_thresholds,))
    return ember.cumsum(per_bucket, axis=0, reverse=True)


def _update_evenly(variables: dict, y_true, y_pred, num_thresholds: int, multi_label: bool,
                   sample_weight, label_weights, with_epsilon: bool) -> None:
    """The one-pass update for evenly spaced thresholds (Keras's optimized path)."""
    weights = 1.0
    if sample_weight is not None:
        weights = ember.broadcast_to(ember.cast(sample_weight, y_pred.dtype),
                                     tuple(y_pred.shape))
        if not multi_label:
            weights = ember.reshape(weights, (-1,))
    if label_weights is not None:
        lw = ember.broadcast_to(ember.expand_dims(label_weights, 0), tuple(y_pred.shape))
        if not multi_label:
            lw = ember.reshape(lw, (-1,))
        weights = weights * lw
    y_pred = ember.clip_by_value(y_pred, 0.0, 1.0)
    y_true = ember.cast(ember.cast(y_true, "bool"), y_pred.dtype)
    if not multi_label:
        y_true = ember.reshape(y_true, (-1,))
        y_pred = ember.reshape(y_pred, (-1,))
    true_labels = y_true * weights
    false_labels = (1.0 - y_true) * weights
    buckets = ember.math.ceil(y_pred * float(num_thresholds - 1)) - 1.0
    if with_epsilon:
        buckets = ember.nn.relu(buckets)
    buckets = ember.cast(buckets, "int32")
    tp = _bucketed_counts(true_labels, buckets, num_thresholds, multi_label)
    fp = _bucketed_counts(false_labels, buckets, num_thresholds, multi_label)
    axis = 0 if multi_label else None
    if ConfusionMatrix.TRUE_POSITIVES in variables:
        _assign_add(variables[ConfusionMatrix.TRUE_POSITIVES], tp)
    if ConfusionMatrix.FALSE_POSITIVES in variables:
        _assign_add(variables[ConfusionMatrix.FALSE_POSITIVES], fp)
    if ConfusionMatrix.TRUE_NEGATIVES in variables:
        _assign_add(variables[ConfusionMatrix.TRUE_NEGATIVES],
                    ember.reduce_sum(false_labels, axis=axis) - fp)
    if ConfusionMatrix.FALSE_NEGATIVES in variables:
        _assign_add(variables[ConfusionMatrix.FALSE_NEGATIVES],
                    ember.reduce_sum(true_labels, axis=axis) - tp)


def _update_by_comparison(variables: dict, y_true, y_pred, thresholds, multi_label: bool,
                          sample_weight, label_weights) -> None:
    """Compare every prediction with every threshold: counts of shape (T,) or (T, L)."""
    if multi_label:  # (T, N, L)
        preds = ember.expand_dims(y_pred, 0)
        labels = ember.expand_dims(ember.cast(y_true, "bool"), 0)
        thresh = ember.reshape(thresholds, (-1, 1, 1))
    else:  # (T, N*L)
        preds = ember.reshape(y_pred, (1, -1))
        labels = ember.reshape(ember.cast(y_true, "bool"), (1, -1))
        thresh = ember.reshape(thresholds, (-1, 1))
    pred_is_pos = ember.greater(preds, thresh)
    label_is_pos = ember.broadcast_to(labels, tuple(pred_is_pos.shape))
    weights = None
    if sample_weight is not None:
        weights = ember.broadcast_to(ember.cast(sample_weight, y_pred.dtype),
                                     tuple(y_pred.shape))
    if label_weights is not None and not multi_label:
        lw = ember.broadcast_to(ember.expand_dims(label_weights, 0), tuple(y_pred.shape))
        weights = lw if weights is None else weights * lw
    if weights is not None:
        weights = ember.expand_dims(weights, 0) if multi_label else \
            ember.reshape(weights, (1, -1))

    def count(label, pred):
        hit = ember.logical_and(label, pred)
        if weights is None:
            return ember.reduce_sum(ember.cast(hit, y_pred.dtype), axis=1)
        w = ember.broadcast_to(weights, tuple(hit.shape))
        return ember.reduce_sum(ember.where(hit, w, ember.zeros_like(w)), axis=1)

    pred_is_neg = ember.logical_not(pred_is_pos)
    label_is_neg = ember.logical_not(label_is_pos)
    pairs = {ConfusionMatrix.TRUE_POSITIVES: (label_is_pos, pred_is_pos),
             ConfusionMatrix.FALSE_NEGATIVES: (label_is_pos, pred_is_neg),
             ConfusionMatrix.FALSE_POSITIVES: (label_is_neg, pred_is_pos),
             ConfusionMatrix.TRUE_NEGATIVES: (label_is_neg, pred_is_neg)}
    for key, variable in variables.items():
        _assign_add(variable, count(*pairs[key]))


def update_confusion_matrix_variables(variables_to_update: dict, y_true: Any, y_pred: Any,
                                      thresholds: Any, top_k: int | None = None,
                                      class_id: int | None = None, sample_weight: Any = None,
                                      multi_label: bool = False, label_weights: Any = None,
                                      thresholds_distributed_evenly: bool = False) -> None:
    """Add this batch's (weighted) TP / FP / TN / FN counts, one per threshold, to the
    given variables (keys: ``ConfusionMatrix`` members). A prediction counts as positive
    when it is strictly greater than the threshold."""
    if multi_label and label_weights is not None:
        raise ValueError("`label_weights` for multilabel data should be handled outside of "
                         "`update_confusion_matrix_variables` when `multi_label` is True.")
    if not variables_to_update:
        return
    invalid = [k for k in variables_to_update if not isinstance(k, ConfusionMatrix)]
    if invalid:
        raise ValueError(f'Invalid keys: "{invalid}". Valid variable key options are: '
                         f'"{list(ConfusionMatrix)}"')
    dtype = next(iter(variables_to_update.values())).dtype
    y_true = to_tensor(y_true, dtype)
    y_pred = to_tensor(y_pred, dtype)
    thresholds_list = [float(t) for t in to_list(thresholds)]
    with_epsilon = thresholds_list[0] < 0.0 or thresholds_list[-1] > 1.0
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if sample_weight is not None:
        sample_weight = ember.expand_dims(to_tensor(sample_weight, dtype), -1)
        _, sample_weight = squeeze_or_expand_to_same_rank(y_true, sample_weight,
                                                          expand_rank_1=False)
    if top_k is not None:
        y_pred = _filter_top_k(y_pred, top_k)
    if class_id is not None:
        if len(y_pred.shape) == 1:
            raise ValueError("When class_id is provided, y_pred must be a 2D array with "
                             "shape (num_samples, num_classes), found shape: "
                             f"{tuple(y_pred.shape)}")
        y_true = y_true[..., class_id:class_id + 1]
        y_pred = y_pred[..., class_id:class_id + 1]
    if label_weights is not None:
        label_weights = to_tensor(label_weights, dtype)
    if thresholds_distributed_evenly:
        _update_evenly(variables_to_update, y_true, y_pred, len(thresholds_list),
                       multi_label, sample_weight, label_weights, with_epsilon)
        return
    thresholds = ember.constant(np.asarray(thresholds_list), dtype=dtype)
    _update_by_comparison(variables_to_update, y_true, y_pred, thresholds, multi_label,
                          sample_weight, label_weights)


def _filter_top_k(x: ember.Tensor, k: int) -> ember.Tensor:
    """Keep the top ``k`` entries of the last axis; push the others to -1e10."""
    _, idx = ember.math.top_k(x, k)
    mask = ember.reduce_sum(ember.one_hot(idx, int(x.shape[-1]), dtype=x.dtype), axis=-2)
    return x * mask + NEG_INF * (1.0 - mask)


def confusion_matrix(labels: Any, predictions: Any, num_classes: int, weights: Any = None,
                     dtype: Any = "int32") -> ember.Tensor:
    """The ``(num_classes, num_classes)`` matrix of (weighted) label/prediction pairs:
    rows are labels, columns predictions.

    >>> confusion_matrix([0, 1, 1], [0, 1, 0], 2).numpy().tolist()
    [[1, 0], [1, 1]]
    """
    labels = to_tensor(labels, dtype)
    predictions = to_tensor(predictions, dtype)
    labels, predictions = squeeze_or_expand_to_same_rank(labels, predictions)
    indices = ember.cast(ember.stack([labels, predictions], axis=1), "int64")
    values = ember.ones_like(predictions, dtype=dtype) if weights is None else \
        to_tensor(weights, dtype)
    values = ember.broadcast_to(values, tuple(predictions.shape))
    return ember.scatter_nd(indices, values, (int(num_classes), int(num_classes)))
