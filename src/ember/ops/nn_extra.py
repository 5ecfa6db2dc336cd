"""More of ``tf.nn``: ``weighted_moments``, ``log_poisson_loss``, ``compute_average_loss``,
``scale_regularization_loss``, ``atrous_conv2d``, ``local_response_normalization`` and
``tf.math.zero_fraction``. Composites of primitives (gradients come from those), with
TensorFlow's formulas.

>>> import ember
>>> float(ember.nn.compute_average_loss([1.0, 2.0, 3.0], global_batch_size=6))
1.0
"""
from __future__ import annotations

import math
from typing import Any

from ..core.errors import InvalidArgumentError
from ..core.tensor import Tensor
from .conv import conv2d
from .creation import convert_to_tensor
from .elementwise import (cast, divide_no_nan, equal, exp, greater_equal, less_equal, log,
                          logical_and, pow as pow_, where, zeros_like_value)
from .reduction import normalize_axis, reduce_mean, reduce_sum
from .shape import pad, reshape

__all__ = ["weighted_moments", "log_poisson_loss", "compute_average_loss",
           "scale_regularization_loss", "atrous_conv2d", "local_response_normalization",
           "zero_fraction"]


def _float(x: Any) -> Tensor:
    x = convert_to_tensor(x)
    return cast(x, "float32") if x.dtype.is_integer or x.dtype.is_bool else x


def weighted_moments(x: Any, axes: Any, frequency_weights: Any, keepdims: bool = False,
                     name=None) -> tuple[Tensor, Tensor]:
    """Frequency-weighted mean and variance of ``x`` over ``axes`` (0 where the weights
    sum to 0).

    >>> import ember
    >>> m, v = ember.nn.weighted_moments([1.0, 3.0], [0], [1.0, 3.0])
    >>> float(m), float(v)
    (2.5, 0.75)
    """
    x = _float(x)
    w = cast(frequency_weights, x.dtype)
    ax = list(normalize_axis(axes, x.ndim, "weighted_moments"))
    total = reduce_sum(w * x, axis=ax, keepdims=True)
    weight_sum = reduce_sum(w + zeros_like_value(x), axis=ax, keepdims=True)
    mean = divide_no_nan(total, weight_sum)
    dist = reduce_sum(w * (x - mean) * (x - mean), axis=ax, keepdims=True)
    variance = divide_no_nan(dist, weight_sum)
    if not keepdims:
        kept = [d for i, d in enumerate(mean.shape) if i not in ax]
        mean, variance = reshape(mean, kept), reshape(variance, kept)
    return mean, variance


def log_poisson_loss(targets: Any, log_input: Any, compute_full_loss: bool = False,
                     name=None) -> Tensor:
    """``exp(log_input) - log_input * targets``; with ``compute_full_loss`` plus the
    Stirling term ``z log z - z + log(2 pi z) / 2`` where the target ``z`` is above 1."""
    li = _float(log_input)
    z = cast(targets, li.dtype)
    if tuple(z.shape) != tuple(li.shape):
        raise InvalidArgumentError(
            f"ember.nn.log_poisson_loss: log_input and targets must have the same shape; "
            f"got {tuple(li.shape)} and {tuple(z.shape)}")
    result = exp(li) - li * z
    if compute_full_loss:
        small = logical_and(greater_equal(z, 0), less_equal(z, 1))
        safe = where(small, zeros_like_value(z) + 1, z)
        stirling = safe * log(safe) - safe + 0.5 * log(2 * math.pi * safe)
        result = result + where(small, zeros_like_value(z), stirling)
    return result


def compute_average_loss(per_example_loss: Any, sample_weight: Any = None,
                         global_batch_size: Any = None) -> Tensor:
    """The per-example losses (times ``sample_weight``) summed and divided by
    ``global_batch_size`` (default: the batch size; Ember runs one replica here)."""
    loss = _float(per_example_loss)
    if sample_weight is not None:
        loss = loss * cast(sample_weight, loss.dtype)
    if global_batch_size is None:
        if loss.ndim == 0:
            raise InvalidArgumentError("ember.nn.compute_average_loss: per_example_loss "
                                       "must have rank >= 1 when global_batch_size is None")
        global_batch_size = loss.shape[0]
    n = cast(global_batch_size, loss.dtype)
    if not isinstance(global_batch_size, Tensor) and float(global_batch_size) <= 0:
        raise InvalidArgumentError(f"ember.nn.compute_average_loss: global_batch_size must "
                                   f"be positive; got {global_batch_size}")
    return reduce_sum(loss) / n


def scale_regularization_loss(regularization_loss: Any) -> Tensor:
    """The summed regularization loss divided by the number of replicas (1 here)."""
    return reduce_sum(_float(regularization_loss))


def atrous_conv2d(value: Any, filters: Any, rate: int, padding: str, name=None) -> Tensor:
    """2-D convolution with holes: ``conv2d`` with ``dilations=rate`` (stride 1)."""
    rate = int(rate)
    if rate < 1:
        raise InvalidArgumentError(f"ember.nn.atrous_conv2d: rate must be >= 1; got {rate}")
    return conv2d(value, filters, strides=1, padding=padding, dilations=rate)


def local_response_normalization(input: Any, depth_radius: int = 5,  # noqa: A002
                                 bias: float = 1.0, alpha: float = 1.0, beta: float = 0.5,
                                 name=None) -> Tensor:
    """``x / (bias + alpha * sum(x**2 over channels d-r..d+r)) ** beta`` (4-D, NHWC)."""
    x = _float(input)
    if x.ndim != 4:
        raise InvalidArgumentError(f"ember.nn.local_response_normalization: input must be "
                                   f"4-D; got shape {tuple(x.shape)}")
    r = int(depth_radius)
    c = x.shape[-1]
    sq = pad(x * x, [[0, 0], [0, 0], [0, 0], [r, r]])
    total = sq[..., 0:c]
    for k in range(1, 2 * r + 1):
        total = total + sq[..., k:k + c]
    return x / pow_(total * alpha + bias, beta)


def zero_fraction(value: Any, name=None) -> Tensor:
    """The fraction of entries of ``value`` that are zero (float32)."""
    v = convert_to_tensor(value)
    return reduce_mean(cast(equal(v, zeros_like_value(v)), "float32"))
