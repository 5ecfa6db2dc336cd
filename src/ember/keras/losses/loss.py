"""The Keras ``Loss`` base class and the weighting / reduction every loss shares."""
from __future__ import annotations

from typing import Any

import numpy as np

import ember

from ..models import dtype_policy
from ..utils.naming import to_snake_case, uniquify

REDUCTIONS = ("sum_over_batch_size", "sum", None, "none", "mean", "mean_with_sample_weight")


def to_tensor(x: Any, dtype: Any = None) -> ember.Tensor:
    """``x`` as a tensor, cast to ``dtype`` when one is given (Keras's convert_to_tensor).

    >>> to_tensor([1, 2], "float32").dtype.name
    'float32'
    """
    if not isinstance(x, ember.Tensor):
        x = ember.convert_to_tensor(x)
    if dtype is not None and x.dtype != ember.as_dtype(dtype):
        x = ember.cast(x, dtype)
    return x


def to_float_tensor(x: Any) -> ember.Tensor:
    """``x`` as a tensor, with integer and boolean values cast to ``floatx`` (a loss of
    integer predictions is a float, never a truncated integer mean).

    >>> to_float_tensor([1, 2]).dtype.name
    'float32'
    """
    x = to_tensor(x)
    if not (x.dtype.is_floating or x.dtype.is_complex):
        from .. import config
        x = ember.cast(x, config.floatx())
    return x


def get_mask(x: Any):
    """The Keras mask carried by ``x`` (``x._keras_mask``), or None."""
    return getattr(x, "_keras_mask", None)


def set_mask(x: Any, mask: Any) -> None:
    """Attach a Keras mask to the tensor ``x``."""
    try:
        x._keras_mask = mask
    except AttributeError:
        pass


def standardize_reduction(reduction: Any) -> Any:
    """Check ``reduction`` is one Keras knows; returns it unchanged.

    >>> standardize_reduction("sum")
    'sum'
    """
    if reduction not in REDUCTIONS:
        raise ValueError("Invalid value for argument `reduction`. Expected one of "
                         f"{set(REDUCTIONS)}. Received: reduction={reduction}")
    return reduction


def squeeze_or_expand_to_same_rank(x1: Any, x2: Any, expand_rank_1: bool = True) -> tuple:
    """Make two tensors whose ranks differ by one, with a trailing 1, the same rank.

    The longer one loses its trailing 1, unless the shorter one is rank 1 (and
    ``expand_rank_1``): then that one gains a trailing 1.

    >>> a, b = squeeze_or_expand_to_same_rank(ember.ones((3,)), ember.ones((3, 1)))
    >>> a.shape, b.shape
    (TensorShape([3, 1]), TensorShape([3, 1]))
    """
    r1, r2 = len(x1.shape), len(x2.shape)
    if r1 == r2:
        return x1, x2
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = ember.expand_dims(x2, -1)
        else:
            x1 = ember.squeeze(x1, axis=-1)
    if r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = ember.expand_dims(x1, -1)
        else:
            x2 = ember.squeeze(x2, axis=-1)
    return x1, x2


def _num_elements(x: ember.Tensor, dtype) -> ember.Tensor:
    return ember.cast(ember.size(x), dtype)


def apply_mask(sample_weight: Any, mask: Any, dtype: Any, reduction: Any) -> Any:
    """Fold a mask into the sample weights, as Keras 3 does.

    For the averaging reductions, valid entries get weight ``total / valid`` so that the
    mean runs over the valid entries only; otherwise the mask is used as 0/1 weights.
    """
    if mask is None:
        return sample_weight
    mask = to_tensor(mask, "bool")
    if reduction in ("mean", "sum_over_batch_size"):
        total = _num_elements(mask, dtype)
        valid = ember.reduce_sum(ember.cast(mask, dtype))
        mask_weight = ember.math.divide_no_nan(total, valid)
        float_mask = ember.where(mask, mask_weight, ember.zeros_like(mask_weight))
    else:
        float_mask = ember.cast(mask, dtype)
    if sample_weight is None:
        return float_mask
    sample_weight = to_tensor(sample_weight, dtype)
    float_mask, sample_weight = squeeze_or_expand_to_same_rank(float_mask, sample_weight)
    return sample_weight * float_mask


def _align_weights(values: ember.Tensor, sample_weight: ember.Tensor, what: str) -> tuple:
    """Match ranks (Keras's squeeze/expand), then give per-sample weights trailing axes."""
    values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
    v_shape, w_shape = tuple(values.shape), tuple(sample_weight.shape)
    if 0 < len(w_shape) < len(v_shape) and v_shape[:len(w_shape)] == w_shape:
        # (batch,) weights on (batch, steps) losses: weight each sample's steps
        w_shape = w_shape + (1,) * (len(v_shape) - len(w_shape))
        sample_weight = ember.reshape(sample_weight, w_shape)
    known = all(isinstance(d, int) for d in v_shape + w_shape)
    try:
        if known:
            np.broadcast_shapes(v_shape, w_shape)
    except ValueError:
        raise ValueError(f"{what}: `sample_weight` of shape {tuple(sample_weight.shape)} "
                         f"does not match the per-sample losses, of shape {v_shape}; "
                         "expected one weight per sample (a prefix of that shape) or a "
                         "shape that broadcasts to it") from None
    return values, sample_weight


def reduce_values(values: ember.Tensor, sample_weight: Any = None,
                  reduction: Any = "sum_over_batch_size") -> ember.Tensor:
    """Reduce already weighted loss values: sum, or sum divided by the count
    (``sum_over_batch_size``/``mean``) or by the summed weights
    (``mean_with_sample_weight``)."""
    if reduction in (None, "none") or tuple(values.shape) in ((), (0,)):
        return values
    loss = ember.reduce_sum(values)
    if reduction in ("sum_over_batch_size", "mean", "mean_with_sample_weight"):
        if reduction == "mean_with_sample_weight" and sample_weight is not None:
            divisor = ember.cast(ember.reduce_sum(sample_weight), loss.dtype)
        else:
            divisor = _num_elements(values, loss.dtype)
        loss = ember.math.divide_no_nan(loss, divisor)
    return loss


def reduce_weighted_values(values: Any, sample_weight: Any = None, mask: Any = None,
                           reduction: Any = "sum_over_batch_size", dtype: Any = None,
                           what: str = "Loss") -> ember.Tensor:
    """Apply mask and sample weights to per-sample losses, then reduce them.

    >>> float(reduce_weighted_values(ember.constant([1.0, 3.0]), [1.0, 0.0]))
    0.5
    """
    reduction = standardize_reduction(reduction)
    values = to_tensor(values, dtype)
    if sample_weight is not None:
        sample_weight = to_tensor(sample_weight, dtype or values.dtype)
    sample_weight = apply_mask(sample_weight, mask, values.dtype, reduction)
    if sample_weight is not None:
        sample_weight = ember.cast(sample_weight, values.dtype)
        values, sample_weight = _align_weights(values, sample_weight, what)
        values = values * sample_weight
    return reduce_values(values, sample_weight, reduction)


class Loss:
    """Base class of Keras losses: ``call`` gives per-sample losses, ``__call__`` weights
    and reduces them.

    >>> class Square(Loss):
    ...     def call(self, y_true, y_pred):
    ...         return ember.reduce_mean(ember.square(y_pred - y_true), axis=-1)
    >>> float(Square()([[0.0, 1.0]], [[1.0, 1.0]]))
    0.5
    """

    def __init__(self, name: str | None = None, reduction: Any = "sum_over_batch_size",
                 dtype: Any = None):
        self.name = name or uniquify(to_snake_case(type(self).__name__))
        self.reduction = standardize_reduction(reduction)
        self._dtype_policy = dtype_policy.get(dtype)
        self._dtype = self._dtype_policy.compute_dtype

    @property
    def dtype(self) -> str:
        """The dtype the loss is computed in (the policy's compute dtype)."""
        return self._dtype

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> ember.Tensor:
        in_mask = get_mask(y_pred)
        y_pred = to_tensor(y_pred, self.dtype)
        y_true = to_tensor(y_true, self.dtype)
        losses = self.call(y_true, y_pred)
        out_mask = get_mask(losses)
        if in_mask is not None and out_mask is not None:
            mask = ember.logical_and(to_tensor(in_mask, "bool"), to_tensor(out_mask, "bool"))
        else:
            mask = in_mask if in_mask is not None else out_mask
        return reduce_weighted_values(losses, sample_weight=sample_weight, mask=mask,
                                      reduction=self.reduction, dtype=self.dtype,
                                      what=f"Loss '{self.name}'")

    def call(self, y_true: ember.Tensor, y_pred: ember.Tensor) -> ember.Tensor:
        """Per-sample losses; subclasses implement it."""
        raise NotImplementedError(f"Loss {type(self).__name__} does not implement call()")

    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: dict) -> Loss:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"


class LossFunctionWrapper(Loss):
    """A ``Loss`` around a per-sample loss function (and its keyword arguments).

    >>> from ember.keras.losses import mean_absolute_error
    >>> float(LossFunctionWrapper(mean_absolute_error)([[1.0, 2.0]], [[2.0, 2.0]]))
    0.5
    """

    def __init__(self, fn, reduction: Any = "sum_over_batch_size", name: str | None = None,
                 dtype: Any = None, **kwargs):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> dict:
        from ..saving.serialization import serialize_keras_object
        config = super().get_config()
        config["fn"] = serialize_keras_object(self.fn)
        config.update(serialize_keras_object(self._fn_kwargs))
        return config

    @classmethod
    def from_config(cls, config: dict) -> LossFunctionWrapper:
        if "fn" in config:
            from ..saving.serialization import deserialize_keras_object
            config = deserialize_keras_object(config)
        return cls(**config)

    def __repr__(self) -> str:
        return f"<LossFunctionWrapper({self.fn}, kwargs={self._fn_kwargs})>"
