"""Probabilistic losses: cross-entropies (binary, categorical, sparse, focal),
KL divergence and Poisson — per-sample functions and ``Loss`` classes."""
from __future__ import annotations

import warnings
from typing import Any

import ember

from .. import config
from . import crossentropy_ops as ce
from .loss import Loss, LossFunctionWrapper, set_mask, to_float_tensor, to_tensor


def _check_axis(axis: Any) -> None:
    if isinstance(axis, bool):
        msg = f"`axis` must be of type `int`. Received: axis={axis} of type {type(axis)}"
        raise ValueError(msg)  # noqa: TRY004 -- Keras raises ValueError


def _warn_one_class(fn_name: str, y_pred: ember.Tensor, axis: int) -> int:
    axis = axis % len(y_pred.shape) if len(y_pred.shape) else axis
    if len(y_pred.shape) and y_pred.shape[axis] == 1:
        warnings.warn(f"In loss {fn_name}, expected y_pred.shape to be (batch_size, "
                      f"num_classes) with num_classes > 1. Received: "
                      f"y_pred.shape={tuple(y_pred.shape)}. Consider using "
                      "'binary_crossentropy' if you only have 2 classes.", SyntaxWarning,
                      stacklevel=3)
    return axis


def _smooth_categorical(y_true, y_pred, label_smoothing, axis):
    if not label_smoothing:
        return y_true
    num_classes = ember.cast(y_pred.shape[axis], y_pred.dtype)
    return y_true * (1.0 - label_smoothing) + label_smoothing / num_classes


def _smooth_binary(y_true, label_smoothing):
    if not label_smoothing:
        return y_true
    return y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing


def binary_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False,
                        label_smoothing: float = 0.0, axis: int = -1) -> ember.Tensor:
    """Binary cross-entropy averaged over ``axis``; ``label_smoothing`` moves targets
    towards 0.5.

    >>> round(float(binary_crossentropy([[0.0, 1.0]], [[0.4, 0.6]])[0]), 4)
    0.5108
    """
    y_pred = to_float_tensor(y_pred)
    y_true = ember.cast(to_tensor(y_true), y_pred.dtype)
    y_true = _smooth_binary(y_true, label_smoothing)
    return ember.reduce_mean(ce.binary_crossentropy(y_true, y_pred, from_logits=from_logits),
                             axis=axis)


def binary_focal_crossentropy(y_true: Any, y_pred: Any, apply_class_balancing: bool = False,
                              alpha: float = 0.25, gamma: float = 2.0,
                              from_logits: bool = False, label_smoothing: float = 0.0,
                              axis: int = -1) -> ember.Tensor:
    """Binary cross-entropy scaled by ``(1 - p_t) ** gamma`` (and by ``alpha`` /
    ``1 - alpha`` when ``apply_class_balancing``), averaged over ``axis``.

    >>> round(float(binary_focal_crossentropy([[1.0]], [[0.5]])[0]), 4)
    0.1733
    """
    y_pred = to_float_tensor(y_pred)
    y_true = ember.cast(to_tensor(y_true), y_pred.dtype)
    y_true = _smooth_binary(y_true, label_smoothing)
    if from_logits:
        y_pred = ember.sigmoid(y_pred)
    bce = ce.binary_crossentropy(y_true, y_pred, from_logits=False)
    p_t = y_true * y_pred + (1.0 - y_true) * (1.0 - y_pred)
    focal_bce = ember.pow(1.0 - p_t, gamma) * bce
    if apply_class_balancing:
        focal_bce = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)) * focal_bce
    return ember.reduce_mean(focal_bce, axis=axis)


def categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False,
                             label_smoothing: float = 0.0, axis: int = -1) -> ember.Tensor:
    """Cross-entropy between one-hot ``y_true`` and ``y_pred`` over ``axis``;
    ``label_smoothing`` mixes targets with the uniform distribution.

    >>> round(float(categorical_crossentropy([[0.0, 1.0]], [[0.5, 0.5]])[0]), 4)
    0.6931
    """
    _check_axis(axis)
    y_pred = to_float_tensor(y_pred)
    y_true = ember.cast(to_tensor(y_true), y_pred.dtype)
    axis = _warn_one_class("categorical_crossentropy", y_pred, axis)
    y_true = _smooth_categorical(y_true, y_pred, label_smoothing, axis)
    return ce.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def categorical_focal_crossentropy(y_true: Any, y_pred: Any, alpha: float = 0.25,
                                   gamma: float = 2.0, from_logits: bool = False,
                                   label_smoothing: float = 0.0,
                                   axis: int = -1) -> ember.Tensor:
    """Categorical cross-entropy with each class term scaled by
    ``alpha * (1 - p) ** gamma``.

    >>> round(float(categorical_focal_crossentropy([[0.0, 1.0]], [[0.5, 0.5]])[0]), 4)
    0.0433
    """
    _check_axis(axis)
    y_pred = to_float_tensor(y_pred)
    y_true = ember.cast(to_tensor(y_true), y_pred.dtype)
    axis = _warn_one_class("categorical_focal_crossentropy", y_pred, axis)
    y_true = _smooth_categorical(y_true, y_pred, label_smoothing, axis)
    if from_logits:
        y_pred = ember.nn.softmax(y_pred, axis=axis)
    output = y_pred / ember.reduce_sum(y_pred, axis=axis, keepdims=True)
    eps = config.epsilon()
    output = ember.clip_by_value(output, eps, 1.0 - eps)
    cce = -y_true * ember.math.log(output)
    focal = alpha * ember.pow(1.0 - output, gamma) * cce
    return ember.reduce_sum(focal, axis=axis)


def sparse_categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False,
                                    ignore_class: int | None = None,
                                    axis: int = -1) -> ember.Tensor:
    """Cross-entropy between integer labels and ``y_pred``; entries labelled
    ``ignore_class`` get loss 0 and are masked out of the mean.

    >>> round(float(sparse_categorical_crossentropy([1], [[0.5, 0.5]])[0]), 4)
    0.6931
    """
    y_pred = to_float_tensor(y_pred)
    y_true = to_tensor(y_true)
    if len(y_true.shape) == len(y_pred.shape) and y_true.shape[axis] == 1:
        y_true = ember.squeeze(y_true, axis=axis)
    valid = None
    if ignore_class is not None:
        class_axis = axis % len(y_pred.shape)
        res_shape = tuple(d for i, d in enumerate(y_pred.shape) if i != class_axis)
        valid = ember.not_equal(ember.cast(y_true, y_pred.dtype),
                                ember.cast(ignore_class, y_pred.dtype))
        y_true = ember.where(valid, y_true, ember.zeros_like(y_true))
        y_pred = ember.where(ember.expand_dims(valid, axis), y_pred,
                             ember.zeros_like(y_pred))
    res = ce.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits,
                                             axis=axis)
    if valid is not None:
        valid = ember.reshape(valid, res_shape)
        res = ember.where(valid, res, ember.zeros_like(res))
        set_mask(res, valid)
    return res


def kl_divergence(y_true: Any, y_pred: Any) -> ember.Tensor:
    """``sum(y_true * log(y_true / y_pred), axis=-1)``, both clipped to ``[eps, 1]``.

    >>> round(float(kl_divergence([[0.5, 0.5]], [[0.25, 0.75]])[0]), 4)
    0.1438
    """
    y_pred = to_float_tensor(y_pred)
    y_true = to_tensor(y_true, y_pred.dtype)
    eps = config.epsilon()
    y_true = ember.clip_by_value(y_true, eps, 1.0)
    y_pred = ember.clip_by_value(y_pred, eps, 1.0)
    return ember.reduce_sum(y_true * ember.math.log(y_true / y_pred), axis=-1)


def poisson(y_true: Any, y_pred: Any) -> ember.Tensor:
    """``mean(y_pred - y_true * log(y_pred + eps), axis=-1)``.

    >>> float(poisson([[0.0]], [[1.0]])[0])
    1.0
    """
    y_pred = to_float_tensor(y_pred)
    y_true = to_tensor(y_true, y_pred.dtype)
    return ember.reduce_mean(y_pred - y_true * ember.math.log(y_pred + config.epsilon()),
                             axis=-1)


def categorical_generalized_cross_entropy(y_true: Any, y_pred: Any, q: float) -> ember.Tensor:
    """Generalized cross-entropy ``(1 - p_y ** q) / q`` of integer labels (robust to
    label noise).

    >>> float(categorical_generalized_cross_entropy([1], [[0.0, 1.0]], q=0.5)[0])
    0.0
    """
    y_pred = to_float_tensor(y_pred)
    y_true = ember.cast(to_tensor(y_true), "int32")
    one_hot = ember.one_hot(y_true, int(y_pred.shape[-1]), dtype=y_pred.dtype)
    p = ember.reduce_sum(y_pred * one_hot, axis=-1)
    return (1.0 - ember.pow(p, q)) / q


class _CrossentropyLoss(LossFunctionWrapper):
    """Base of the (focal) cross-entropy classes: as in Keras, the loss function's keyword
    arguments are also public attributes, and ``get_config`` writes the ones named in
    ``_config_keys`` (in that order) instead of the function."""

    _config_keys: tuple[str, ...] = ("from_logits", "label_smoothing", "axis")

    def __init__(self, fn, reduction: Any, name: str, dtype: Any, **kwargs):
        super().__init__(fn, name=name, reduction=reduction, dtype=dtype, **kwargs)
        for key, value in kwargs.items():
            setattr(self, key, value)

    def get_config(self) -> dict:
        config = Loss.get_config(self)
        config.update({key: getattr(self, key) for key in self._config_keys})
        return config


class BinaryCrossentropy(_CrossentropyLoss):
    """Binary cross-entropy between true labels (0/1) and predicted probabilities or
    logits.

    >>> round(float(BinaryCrossentropy(from_logits=True)([[0.0, 1.0]], [[-1.0, 1.0]])), 4)
    0.3133
    """

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0,
                 axis: int = -1, reduction: Any = "sum_over_batch_size",
                 name: str = "binary_crossentropy", dtype: Any = None):
        super().__init__(binary_crossentropy, name=name, reduction=reduction, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class BinaryFocalCrossentropy(_CrossentropyLoss):
    """Focal binary cross-entropy (down-weights easy examples).

    >>> round(float(BinaryFocalCrossentropy(gamma=2.0)([[1.0]], [[0.5]])), 4)
    0.1733
    """

    _config_keys = ("from_logits", "label_smoothing", "axis", "apply_class_balancing",
                   "alpha", "gamma")

    def __init__(self, apply_class_balancing: bool = False, alpha: float = 0.25,
                 gamma: float = 2.0, from_logits: bool = False, label_smoothing: float = 0.0,
                 axis: int = -1, reduction: Any = "sum_over_batch_size",
                 name: str = "binary_focal_crossentropy", dtype: Any = None):
        super().__init__(binary_focal_crossentropy, name=name, reduction=reduction,
                         dtype=dtype, apply_class_balancing=apply_class_balancing,
                         alpha=alpha, gamma=gamma, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class CategoricalCrossentropy(_CrossentropyLoss):
    """Cross-entropy between one-hot labels and predicted class probabilities or logits.

    >>> round(float(CategoricalCrossentropy()([[0.0, 1.0]], [[0.5, 0.5]])), 4)
    0.6931
    """

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0,
                 axis: int = -1, reduction: Any = "sum_over_batch_size",
                 name: str = "categorical_crossentropy", dtype: Any = None):
        super().__init__(categorical_crossentropy, name=name, reduction=reduction,
                         dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class CategoricalFocalCrossentropy(_CrossentropyLoss):
    """Focal categorical cross-entropy.

    >>> round(float(CategoricalFocalCrossentropy()([[0.0, 1.0]], [[0.5, 0.5]])), 4)
    0.0433
    """

    _config_keys = ("from_logits", "label_smoothing", "axis", "alpha", "gamma")

    def __init__(self, alpha: float = 0.25, gamma: float = 2.0, from_logits: bool = False,
                 label_smoothing: float = 0.0, axis: int = -1,
                 reduction: Any = "sum_over_batch_size",
                 name: str = "categorical_focal_crossentropy", dtype: Any = None):
        super().__init__(categorical_focal_crossentropy, name=name, reduction=reduction,
                         dtype=dtype, alpha=alpha, gamma=gamma, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy between integer labels and predicted class probabilities or logits.

    >>> round(float(SparseCategoricalCrossentropy()([1], [[0.5, 0.5]])), 4)
    0.6931
    """

    def __init__(self, from_logits: bool = False, ignore_class: int | None = None,
                 reduction: Any = "sum_over_batch_size", axis: int = -1,
                 name: str = "sparse_categorical_crossentropy", dtype: Any = None):
        super().__init__(sparse_categorical_crossentropy, name=name, reduction=reduction,
                         dtype=dtype, from_logits=from_logits, ignore_class=ignore_class,
                         axis=axis)

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("fn")
        return config


class KLDivergence(LossFunctionWrapper):
    """Kullback-Leibler divergence ``sum(y_true * log(y_true / y_pred))``.

    >>> round(float(KLDivergence()([[0.5, 0.5]], [[0.25, 0.75]])), 4)
    0.1438
    """

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "kl_divergence",
                 dtype: Any = None):
        super().__init__(kl_divergence, name=name, reduction=reduction, dtype=dtype)

    def get_config(self) -> dict:
        return Loss.get_config(self)


class Poisson(LossFunctionWrapper):
    """Poisson loss ``y_pred - y_true * log(y_pred)``.

    >>> float(Poisson()([[0.0]], [[1.0]]))
    1.0
    """

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "poisson",
                 dtype: Any = None):
        super().__init__(poisson, name=name, reduction=reduction, dtype=dtype)

    def get_config(self) -> dict:
        return Loss.get_config(self)


class CategoricalGeneralizedCrossEntropy(LossFunctionWrapper):
    """Generalized cross-entropy for integer labels, ``q`` in (0, 1).

    >>> float(CategoricalGeneralizedCrossEntropy(q=0.5)([1], [[0.0, 1.0]]))
    0.0
    """

    def __init__(self, q: float = 0.5, reduction: Any = "sum_over_batch_size",
                 name: str = "categorical_generalized_cross_entropy", dtype: Any = None):
        if not 0 < q < 1:
            raise ValueError("q must be in the interval (0, 1)")
        super().__init__(categorical_generalized_cross_entropy, name=name,
                         reduction=reduction, dtype=dtype, q=q)
        self.q = q

    def get_config(self) -> dict:
        config = Loss.get_config(self)
        config["q"] = self.q
        return config
