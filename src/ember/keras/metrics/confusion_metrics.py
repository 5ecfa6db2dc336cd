"""Threshold metrics built on confusion-matrix counts: TP/FP/TN/FN, Precision, Recall,
the sensitivity/specificity family, and AUC."""
from __future__ import annotations

from typing import Any

import numpy as np

import ember

from .. import config
from . import metrics_utils as mu
from .metric import Metric

CM = mu.ConfusionMatrix


def _zeros_like_var(v) -> ember.Tensor:
    return ember.zeros(tuple(v.shape), dtype=v.dtype)


class _ConfusionMatrixConditionCount(Metric):
    """The (weighted) count of one confusion-matrix cell, one per threshold."""

    def __init__(self, confusion_matrix_cond: mu.ConfusionMatrix, thresholds: Any = None,
                 name: str | None = None, dtype: Any = None):
        super().__init__(name=name, dtype=dtype)
        self._confusion_matrix_cond = confusion_matrix_cond
        self.init_thresholds = thresholds
        self.thresholds = mu.parse_init_thresholds(thresholds, default_threshold=0.5)
        self._thresholds_distributed_evenly = \
            mu.is_evenly_distributed_thresholds(self.thresholds)
        self.accumulator = self.add_variable(shape=(len(self.thresholds),),
                                             initializer="zeros", name="accumulator")

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        mu.update_confusion_matrix_variables(
            {self._confusion_matrix_cond: self.accumulator}, y_true, y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight)

    def result(self) -> ember.Tensor:
        value = self.accumulator.read_value()
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self) -> dict:
        return {**super().get_config(), "thresholds": self.init_thresholds}


class FalsePositives(_ConfusionMatrixConditionCount):
    """Weighted count of false positives (prediction above threshold, label 0).

    >>> float(FalsePositives()([0, 1, 0, 0], [0, 0, 1, 1]))
    2.0
    """

    def __init__(self, thresholds: Any = None, name: str | None = None, dtype: Any = None):
        super().__init__(CM.FALSE_POSITIVES, thresholds=thresholds, name=name, dtype=dtype)


class FalseNegatives(_ConfusionMatrixConditionCount):
    """Weighted count of false negatives (prediction at or below threshold, label 1).

    >>> float(FalseNegatives()([0, 1, 1, 1], [0, 1, 0, 0]))
    2.0
    """

    def __init__(self, thresholds: Any = None, name: str | None = None, dtype: Any = None):
        super().__init__(CM.FALSE_NEGATIVES, thresholds=thresholds, name=name, dtype=dtype)


class TrueNegatives(_ConfusionMatrixConditionCount):
    """Weighted count of true negatives.

    >>> float(TrueNegatives()([0, 1, 0, 0], [1, 1, 0, 0]))
    2.0
    """

    def __init__(self, thresholds: Any = None, name: str | None = None, dtype: Any = None):
        super().__init__(CM.TRUE_NEGATIVES, thresholds=thresholds, name=name, dtype=dtype)


class TruePositives(_ConfusionMatrixConditionCount):
    """Weighted count of true positives.

    >>> float(TruePositives()([0, 1, 1, 1], [1, 0, 1, 1]))
    2.0
    """

    def __init__(self, thresholds: Any = None, name: str | None = None, dtype: Any = None):
        super().__init__(CM.TRUE_POSITIVES, thresholds=thresholds, name=name, dtype=dtype)


class _PrecisionRecall(Metric):
    """Shared state of Precision and Recall: TP and one other count per threshold."""

    _other: tuple = ()

    def __init__(self, thresholds: Any = None, top_k: int | None = None,
                 class_id: int | None = None, name: str | None = None, dtype: Any = None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        default = 0.5 if top_k is None else mu.NEG_INF
        self.thresholds = mu.parse_init_thresholds(thresholds, default_threshold=default)
        self._thresholds_distributed_evenly = \
            mu.is_evenly_distributed_thresholds(self.thresholds)
        n = len(self.thresholds)
        self.true_positives = self.add_variable(shape=(n,), initializer="zeros",
                                                name="true_positives")
        attr = self._other[1]
        setattr(self, attr, self.add_variable(shape=(n,), initializer="zeros", name=attr))

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        key, attr = self._other
        mu.update_confusion_matrix_variables(
            {CM.TRUE_POSITIVES: self.true_positives, key: getattr(self, attr)},
            y_true, y_pred, thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            top_k=self.top_k, class_id=self.class_id, sample_weight=sample_weight)

    def result(self) -> ember.Tensor:
        tp = self.true_positives.read_value()
        other = getattr(self, self._other[1]).read_value()
        value = ember.math.divide_no_nan(tp, tp + other)
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self) -> dict:
        return {**super().get_config(), "thresholds": self.init_thresholds,
                "top_k": self.top_k, "class_id": self.class_id}


class Precision(_PrecisionRecall):
    """``TP / (TP + FP)``: of the predicted positives, how many are positive.

    >>> float(Precision()([0, 1, 1, 1], [1, 0, 1, 1]))  # doctest: +ELLIPSIS
    0.666...
    """

    _other = (CM.FALSE_POSITIVES, "false_positives")


class Recall(_PrecisionRecall):
    """``TP / (TP + FN)``: of the positives, how many were predicted positive.

    >>> float(Recall()([0, 1, 1, 1], [1, 0, 1, 1]))  # doctest: +ELLIPSIS
    0.666...
    """

    _other = (CM.FALSE_NEGATIVES, "false_negatives")


def _even_thresholds(num_thresholds: int) -> list:
    inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    return [0.0] + inner + [1.0]


class SensitivitySpecificityBase(Metric):
    """All four counts over ``num_thresholds`` evenly spaced thresholds; subclasses find
    the best value of one rate subject to a constraint on another."""

    def __init__(self, value: float, num_thresholds: int = 200, class_id: int | None = None,
                 name: str | None = None, dtype: Any = None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        if num_thresholds <= 0:
            raise ValueError("Argument `num_thresholds` must be an integer > 0. Received: "
                             f"num_thresholds={num_thresholds}")
        self.value = value
        self.class_id = class_id
        if num_thresholds == 1:
            self.thresholds = [0.5]
            self._thresholds_distributed_evenly = False
        else:
            self.thresholds = _even_thresholds(num_thresholds)
            self._thresholds_distributed_evenly = True
        n = len(self.thresholds)
        self.true_positives = self.add_variable((n,), "zeros", name="true_positives")
        self.false_positives = self.add_variable((n,), "zeros", name="false_positives")
        self.true_negatives = self.add_variable((n,), "zeros", name="true_negatives")
        self.false_negatives = self.add_variable((n,), "zeros", name="false_negatives")

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        mu.update_confusion_matrix_variables(
            {CM.TRUE_POSITIVES: self.true_positives, CM.TRUE_NEGATIVES: self.true_negatives,
             CM.FALSE_POSITIVES: self.false_positives,
             CM.FALSE_NEGATIVES: self.false_negatives},
            y_true, y_pred, thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            class_id=self.class_id, sample_weight=sample_weight)

    def _rates(self) -> dict:
        tp, fp = self.true_positives.read_value(), self.false_positives.read_value()
        tn, fn = self.true_negatives.read_value(), self.false_negatives.read_value()
        div = ember.math.divide_no_nan
        return {"sensitivity": div(tp, tp + fn), "specificity": div(tn, tn + fp),
                "precision": div(tp, tp + fp)}

    def _find_max_under_constraint(self, constrained, dependent) -> ember.Tensor:
        feasible = ember.greater_equal(constrained, self.value)
        return ember.maximum(ember.reduce_max(ember.where(feasible, dependent,
                                                          ember.zeros_like(dependent))), 0.0)

    def get_config(self) -> dict:
        return {**super().get_config(), "class_id": self.class_id}


def _check_unit(name: str, value: float) -> None:
    if value < 0 or value > 1:
        raise ValueError(f"Argument `{name}` must be in the range [0, 1]. Received: "
                         f"{name}={value}")


class SensitivityAtSpecificity(SensitivitySpecificityBase):
    """Best sensitivity (recall) among thresholds whose specificity is >= ``specificity``.

    >>> float(SensitivityAtSpecificity(0.5)([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8]))
    0.5
    """

    def __init__(self, specificity: float, num_thresholds: int = 200,
                 class_id: int | None = None, name: str | None = None, dtype: Any = None):
        _check_unit("specificity", specificity)
        self.specificity = specificity
        self.num_thresholds = num_thresholds
        super().__init__(specificity, num_thresholds=num_thresholds, class_id=class_id,
                         name=name, dtype=dtype)

    def result(self) -> ember.Tensor:
        r = self._rates()
        return self._find_max_under_constraint(r["specificity"], r["sensitivity"])

    def get_config(self) -> dict:
        return {**super().get_config(), "num_thresholds": self.num_thresholds,
                "specificity": self.specificity}


class SpecificityAtSensitivity(SensitivitySpecificityBase):
    """Best specificity among thresholds whose sensitivity is >= ``sensitivity``.

    >>> float(SpecificityAtSensitivity(0.5)([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8]))
    ... # doctest: +ELLIPSIS
    0.666...
    """

    def __init__(self, sensitivity: float, num_thresholds: int = 200,
                 class_id: int | None = None, name: str | None = None, dtype: Any = None):
        _check_unit("sensitivity", sensitivity)
        self.sensitivity = sensitivity
        self.num_thresholds = num_thresholds
        super().__init__(sensitivity, num_thresholds=num_thresholds, class_id=class_id,
                         name=name, dtype=dtype)

    def result(self) -> ember.Tensor:
        r = self._rates()
        return self._find_max_under_constraint(r["sensitivity"], r["specificity"])

    def get_config(self) -> dict:
        return {**super().get_config(), "num_thresholds": self.num_thresholds,
                "sensitivity": self.sensitivity}


class PrecisionAtRecall(SensitivitySpecificityBase):
    """Best precision among thresholds whose recall is >= ``recall``.

    >>> float(PrecisionAtRecall(0.5)([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8]))
    0.5
    """

    def __init__(self, recall: float, num_thresholds: int = 200,
                 class_id: int | None = None, name: str | None = None, dtype: Any = None):
        _check_unit("recall", recall)
        self.recall = recall
        self.num_thresholds = num_thresholds
        super().__init__(value=recall, num_thresholds=num_thresholds, class_id=class_id,
                         name=name, dtype=dtype)

    def result(self) -> ember.Tensor:
        r = self._rates()
        return self._find_max_under_constraint(r["sensitivity"], r["precision"])

    def get_config(self) -> dict:
        return {**super().get_config(), "num_thresholds": self.num_thresholds,
                "recall": self.recall}


class RecallAtPrecision(SensitivitySpecificityBase):
    """Best recall among thresholds whose precision is >= ``precision``.

    >>> float(RecallAtPrecision(0.8)([0, 0, 1, 1], [0, 0.5, 0.3, 0.9]))
    0.5
    """

    def __init__(self, precision: float, num_thresholds: int = 200,
                 class_id: int | None = None, name: str | None = None, dtype: Any = None):
        _check_unit("precision", precision)
        self.precision = precision
        self.num_thresholds = num_thresholds
        super().__init__(value=precision, num_thresholds=num_thresholds, class_id=class_id,
                         name=name, dtype=dtype)

    def result(self) -> ember.Tensor:
        r = self._rates()
        return self._find_max_under_constraint(r["precision"], r["sensitivity"])

    def get_config(self) -> dict:
        return {**super().get_config(), "num_thresholds": self.num_thresholds,
                "precision": self.precision}


class AUC(Metric):
    """Area under the ROC or precision-recall curve, from TP/FP/TN/FN counts at
    ``num_thresholds`` thresholds (Riemann sum, or the interpolated PR area of Davis &
    Goadrich for ``curve="PR"``).

    >>> m = AUC(num_thresholds=3)
    >>> float(m([0, 0, 1, 1], [0, 0.5, 0.3, 0.9]))
    0.75
    """

    def __init__(self, num_thresholds: int = 200, curve: Any = "ROC",
                 summation_method: Any = "interpolation", name: str | None = None,
                 dtype: Any = None, thresholds: Any = None, multi_label: bool = False,
                 num_labels: int | None = None, label_weights: Any = None,
                 from_logits: bool = False):
        self._direction = "up"
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            self.num_thresholds = len(thresholds) + 2
            thresholds = sorted(thresholds)
            self._thresholds_distributed_evenly = mu.is_evenly_distributed_thresholds(
                np.array([0.0] + thresholds + [1.0]))
        else:
            if num_thresholds <= 1:
                raise ValueError("Argument `num_thresholds` must be an integer > 1. "
                                 f"Received: num_thresholds={num_thresholds}")
            self.num_thresholds = num_thresholds
            thresholds = _even_thresholds(num_thresholds)[1:-1]
            self._thresholds_distributed_evenly = True
        eps = config.epsilon()
        self._thresholds = np.array([0.0 - eps] + list(thresholds) + [1.0 + eps])
        self.curve = curve if isinstance(curve, mu.AUCCurve) else mu.AUCCurve.from_str(curve)
        self.summation_method = summation_method \
            if isinstance(summation_method, mu.AUCSummationMethod) \
            else mu.AUCSummationMethod.from_str(summation_method)
        super().__init__(name=name, dtype=dtype)
        self.multi_label = multi_label
        self.num_labels = num_labels
        if isinstance(label_weights, dict):  # a serialized tensor from a Keras config
            label_weights = label_weights.get("config", {}).get("value")
        self.label_weights = None if label_weights is None else \
            ember.constant(np.asarray(label_weights), dtype=self.dtype)
        self._from_logits = from_logits
        self._built = False
        if self.multi_label:
            if num_labels:
                self._build([None, num_labels])
        else:
            if num_labels:
                raise ValueError("`num_labels` is needed only when `multi_label` is True.")
            self._build(None)

    @property
    def thresholds(self) -> list:
        """The thresholds used, including the two end points just outside [0, 1]."""
        return list(self._thresholds)

    def _build(self, shape: Any) -> None:
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError("`y_pred` must have rank 2 when `multi_label=True`. Found "
                                 f"rank {len(shape)}. Full shape received for `y_pred`: "
                                 f"{tuple(shape)}")
            self._num_labels = shape[1]
            var_shape = (self.num_thresholds, self._num_labels)
        else:
            var_shape = (self.num_thresholds,)
        self._build_input_shape = shape
        self.true_positives = self.add_variable(var_shape, "zeros", name="true_positives")
        self.false_positives = self.add_variable(var_shape, "zeros", name="false_positives")
        self.true_negatives = self.add_variable(var_shape, "zeros", name="true_negatives")
        self.false_negatives = self.add_variable(var_shape, "zeros", name="false_negatives")
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        if not self._built:
            self._build(tuple(np.shape(y_pred)) if not hasattr(y_pred, "shape")
                        else tuple(y_pred.shape))
        if self._from_logits:
            y_pred = ember.sigmoid(ember.convert_to_tensor(y_pred))
        mu.update_confusion_matrix_variables(
            {CM.TRUE_POSITIVES: self.true_positives, CM.TRUE_NEGATIVES: self.true_negatives,
             CM.FALSE_POSITIVES: self.false_positives,
             CM.FALSE_NEGATIVES: self.false_negatives},
            y_true, y_pred, self._thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight, multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights)

    def _by_label(self, per_label_terms) -> ember.Tensor:
        if not self.multi_label:
            return ember.reduce_sum(per_label_terms)
        by_label = ember.reduce_sum(per_label_terms, axis=0)
        if self.label_weights is None:
            return ember.reduce_mean(by_label)
        return ember.math.divide_no_nan(ember.reduce_sum(by_label * self.label_weights),
                                        ember.reduce_sum(self.label_weights))

    def interpolate_pr_auc(self) -> ember.Tensor:
        """PR-AUC with precision interpolated between thresholds (Davis & Goadrich)."""
        div = ember.math.divide_no_nan
        n = self.num_thresholds
        tp = self.true_positives.read_value()
        p = tp + self.false_positives.read_value()
        fn = self.false_negatives.read_value()
        dtp = tp[:n - 1] - tp[1:]
        dp = p[:n - 1] - p[1:]
        prec_slope = div(dtp, ember.maximum(dp, 0.0))
        intercept = tp[1:] - prec_slope * p[1:]
        both_positive = ember.logical_and(p[:n - 1] > 0, p[1:] > 0)
        safe_p_ratio = ember.where(both_positive, div(p[:n - 1], ember.maximum(p[1:], 0.0)),
                                   ember.ones_like(p[1:]))
        increments = div(prec_slope * (dtp + intercept * ember.math.log(safe_p_ratio)),
                         ember.maximum(tp[1:] + fn[1:], 0.0))
        return self._by_label(increments)

    def result(self) -> ember.Tensor:
        if self.curve == mu.AUCCurve.PR and \
                self.summation_method == mu.AUCSummationMethod.INTERPOLATION:
            return self.interpolate_pr_auc()
        div = ember.math.divide_no_nan
        tp, fp = self.true_positives.read_value(), self.false_positives.read_value()
        tn, fn = self.true_negatives.read_value(), self.false_negatives.read_value()
        recall = div(tp, tp + fn)
        if self.curve == mu.AUCCurve.ROC:
            x, y = div(fp, fp + tn), recall
        elif self.curve == mu.AUCCurve.PR:
            x, y = recall, div(tp, tp + fp)
        else:  # PR-gain
            scale = div(tp + fn, tn + fp)
            recall_gain = 1.0 - scale * div(fn, tp)
            precision_gain = 1.0 - scale * div(fp, tp)
            no_tp = ember.equal(tp, 0.0)
            recall_gain = ember.maximum(ember.where(no_tp, ember.zeros_like(tp), recall_gain),
                                        0.0)
            precision_gain = ember.where(no_tp, ember.ones_like(tp), precision_gain)
            x, y = recall_gain, precision_gain
        n = self.num_thresholds
        if self.summation_method == mu.AUCSummationMethod.INTERPOLATION:
            heights = (y[:n - 1] + y[1:]) / 2.0
        elif self.summation_method == mu.AUCSummationMethod.MINORING:
            heights = ember.minimum(y[:n - 1], y[1:])
        else:
            heights = ember.maximum(y[:n - 1], y[1:])
        return self._by_label((x[:n - 1] - x[1:]) * heights)

    def reset_state(self) -> None:
        if self._built:
            for v in (self.true_positives, self.false_positives, self.true_negatives,
                      self.false_negatives):
                v.assign(_zeros_like_var(v))

    def get_config(self) -> dict:
        label_weights = None if self.label_weights is None else \
            np.asarray(self.label_weights.numpy()).tolist()
        cfg = {"num_thresholds": self.num_thresholds, "curve": self.curve.value,
               "summation_method": self.summation_method.value,
               "multi_label": self.multi_label, "num_labels": self.num_labels,
               "label_weights": label_weights, "from_logits": self._from_logits}
        if self._init_from_thresholds:
            cfg["thresholds"] = [float(t) for t in self.thresholds[1:-1]]
        return {**super().get_config(), **cfg}
