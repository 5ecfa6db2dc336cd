"""Element-level cross-entropies (Keras's ``ops.*_crossentropy``): clipped for
probabilities, fused and numerically stable for logits."""
from __future__ import annotations

from typing import Any

import ember

from .. import config
from .loss import to_tensor


def _check_same_shape(target, output, fn_name: str) -> None:
    if len(target.shape) != len(output.shape):
        raise ValueError(f"{fn_name}: arguments `target` and `output` must have the same rank "
                         f"(ndim). Received: target.shape={tuple(target.shape)}, "
                         f"output.shape={tuple(output.shape)}")
    for a, b in zip(target.shape, output.shape):
        if a is not None and b is not None and a != b:
            raise ValueError(f"{fn_name}: arguments `target` and `output` must have the same "
                             f"shape. Received: target.shape={tuple(target.shape)}, "
                             f"output.shape={tuple(output.shape)}")


def binary_crossentropy(target: Any, output: Any, from_logits: bool = False) -> ember.Tensor:
    """Element-wise binary cross-entropy of ``output`` (probabilities, or logits).

    >>> round(float(binary_crossentropy(ember.constant(1.0), ember.constant(0.5))), 4)
    0.6931
    """
    target, output = to_tensor(target), to_tensor(output)
    _check_same_shape(target, output, "binary_crossentropy")
    target = ember.cast(target, output.dtype)
    if from_logits:
        return ember.nn.sigmoid_cross_entropy_with_logits(labels=target, logits=output)
    eps = config.epsilon()
    output = ember.clip_by_value(output, eps, 1.0 - eps)
    bce = target * ember.math.log(output) + (1.0 - target) * ember.math.log(1.0 - output)
    return -bce


def categorical_crossentropy(target: Any, output: Any, from_logits: bool = False,
                             axis: int = -1) -> ember.Tensor:
    """Cross-entropy of one-hot (or soft) ``target`` against ``output`` along ``axis``;
    probabilities are renormalised and clipped to ``[eps, 1 - eps]``.

    >>> t, p = ember.constant([[0.0, 1.0]]), ember.constant([[0.5, 0.5]])
    >>> round(float(categorical_crossentropy(t, p)[0]), 4)
    0.6931
    """
    target, output = to_tensor(target), to_tensor(output)
    if len(target.shape) < 1:
        raise ValueError("categorical_crossentropy: arguments `target` and `output` must be "
                         f"at least rank 1. Received: target.shape={tuple(target.shape)}, "
                         f"output.shape={tuple(output.shape)}")
    _check_same_shape(target, output, "categorical_crossentropy")
    target = ember.cast(target, output.dtype)
    if from_logits:
        return ember.nn.softmax_cross_entropy_with_logits(labels=target, logits=output,
                                                          axis=axis)
    output = output / ember.reduce_sum(output, axis=axis, keepdims=True)
    eps = config.epsilon()
    output = ember.clip_by_value(output, eps, 1.0 - eps)
    return -ember.reduce_sum(target * ember.math.log(output), axis=axis)


def sparse_categorical_crossentropy(target: Any, output: Any, from_logits: bool = False,
                                    axis: int = -1) -> ember.Tensor:
    """Cross-entropy of integer class ``target`` against ``output`` (classes last).

    >>> t, p = ember.constant([1]), ember.constant([[0.5, 0.5]])
    >>> round(float(sparse_categorical_crossentropy(t, p)[0]), 4)
    0.6931
    """
    output = to_tensor(output)
    if axis != -1 and axis != len(output.shape) - 1:
        raise ValueError(f"sparse_categorical_crossentropy: only axis=-1 is currently "
                         f"supported. Received: axis={axis}")
    target = to_tensor(target)
    if len(target.shape) == len(output.shape) and target.shape[-1] == 1:
        target = ember.squeeze(target, axis=-1)
    target = ember.cast(target, "int64")
    if len(output.shape) < 1:
        raise ValueError("sparse_categorical_crossentropy: argument `output` must be at "
                         f"least rank 1. Received: output.shape={tuple(output.shape)}")
    if len(target.shape) != len(output.shape) - 1 or \
            tuple(target.shape) != tuple(output.shape[:-1]):
        raise ValueError("sparse_categorical_crossentropy: arguments `target` and `output` "
                         "must have the same shape up until the last dimension: "
                         f"target.shape={tuple(target.shape)}, "
                         f"output.shape={tuple(output.shape)}")
    if not from_logits:
        eps = config.epsilon()
        output = ember.math.log(ember.clip_by_value(output, eps, 1.0 - eps))
    return ember.nn.sparse_softmax_cross_entropy_with_logits(labels=target, logits=output)
