"""NaN-ignoring reductions of ``keras.ops`` (NumPy's ``nan*`` family): sums, products,
means, variances, extrema and their positions, quantiles and cumulative sums that skip NaNs.

A slice that holds only NaNs gives NaN (its sum 0, its product 1, its ``nanargmax`` -1).
Integer and bool inputs have no NaNs and behave like the plain reductions. Dtypes follow
Keras 3 (64-bit dtypes kept, as on Keras's TensorFlow backend). The float reductions are
differentiable; NaN entries get a zero gradient.

>>> from ember import keras
>>> float(keras.ops.nanmean([1.0, float("nan"), 3.0]))
2.0
"""
from __future__ import annotations

from typing import Any

import numpy as np

import ember

from ._dispatch import keras_op
from ._dispatch import t as _t
from ._dtypes import float_dtype as _float_dtype
from ._dtypes import result_type as _result_type
from ._dtypes import sum_dtype as _sum_dtype
from .numpy_stats import _check_nonempty, _norm_axes, _one_axis, _quantiles

__all__ = [
    "nanargmax", "nanargmin", "nancumprod", "nancumsum", "nanmax", "nanmean", "nanmedian",
    "nanmin", "nanpercentile", "nanprod", "nanquantile", "nanstd", "nansum", "nanvar",
]


def _mask(x: ember.Tensor):
    """Where ``x`` is a number (not NaN); None for dtypes that cannot hold NaN."""
    if not x.dtype.is_floating:
        return None
    return ember.logical_not(ember.math.is_nan(x))


def _filled(x: ember.Tensor, valid, value: float) -> ember.Tensor:
    """``x`` with its NaNs replaced by ``value``."""
    if valid is None:
        return x
    return ember.where(valid, x, ember.fill(list(x.shape), ember.constant(value, x.dtype)))


def _red(axis: Any, axes: tuple):
    return None if axis is None else list(axes)


# ---- sums and products ------------------------------------------------------------------
@keras_op
def nansum(x: Any, axis: Any = None, keepdims: bool = False) -> ember.Tensor:
    """Sum over ``axis``, treating NaNs as zero. bool and small ints sum as (u)int32.

    >>> from ember import keras
    >>> keras.ops.nansum([[1.0, float("nan"), 3.0], [float("nan"), 2.0, 1.0]], axis=1).numpy().tolist()
    [4.0, 3.0]
    """
    x = _t(x)
    axes = _norm_axes("nansum", axis, x.ndim)
    x = _filled(x, _mask(x), 0.0)
    return ember.reduce_sum(_t(x, _sum_dtype(x)), axis=_red(axis, axes), keepdims=keepdims)


@keras_op
def nanprod(x: Any, axis: Any = None, keepdims: bool = False) -> ember.Tensor:
    """Product over ``axis``, treating NaNs as one. bool and small ints multiply as
    (u)int32.

    >>> from ember import keras
    >>> keras.ops.nanprod([[1.0, float("nan"), 3.0], [float("nan"), 2.0, 1.0]], axis=1).numpy().tolist()
    [3.0, 2.0]
    """
    x = _t(x)
    axes = _norm_axes("nanprod", axis, x.ndim)
    x = _filled(x, _mask(x), 1.0)
    return ember.reduce_prod(_t(x, _sum_dtype(x)), axis=_red(axis, axes),
                             keepdims=keepdims)


def _cumulative(name: str, x: Any, axis: Any, dtype: Any, fill: float, fn) -> ember.Tensor:
    x = _t(x)
    out_dtype = ember.as_dtype(dtype).name if dtype is not None else x.dtype.name
    if out_dtype == "bool":
        out_dtype = "int32"
    x = _t(_filled(x, _mask(x), fill), out_dtype)
    if axis is None:
        x, axis = ember.reshape(x, [-1]), 0
    return fn(x, axis=_one_axis(name, axis, x.ndim))


@keras_op
def nancumsum(x: Any, axis: Any = None, dtype: Any = None) -> ember.Tensor:
    """Cumulative sum along ``axis`` (None: flattened), treating NaNs as zero, in
    ``dtype`` (default ``x``'s; bool gives int32).

    >>> from ember import keras
    >>> keras.ops.nancumsum([[1.0, float("nan"), 3.0], [float("nan"), 2.0, 1.0]], axis=1).numpy().tolist()
    [[1.0, 1.0, 4.0], [0.0, 2.0, 3.0]]
    """
    return _cumulative("nancumsum", x, axis, dtype, 0.0, ember.cumsum)


@keras_op
def nancumprod(x: Any, axis: Any = None, dtype: Any = None) -> ember.Tensor:
    """Cumulative product along ``axis`` (None: flattened), treating NaNs as one, in
    ``dtype`` (default ``x``'s; bool gives int32).

    >>> from ember import keras
    >>> keras.ops.nancumprod([2.0, float("nan"), 3.0]).numpy().tolist()
    [2.0, 2.0, 6.0]
    """
    return _cumulative("nancumprod", x, axis, dtype, 1.0, ember.math.cumprod)


# ---- means and spreads --------------------------------------------------------------------
def _nan_var(name: str, x: Any, axis: Any, keepdims: bool):
    """The population variance of the non-NaN values over ``axis``, in float32 at least."""
    x = _t(x)
    axes = _norm_axes(name, axis, x.ndim)
    x = _t(x, _result_type(x.dtype.name, "float32"))
    valid = _mask(x)
    red = _red(axis, axes)
    count = ember.reduce_sum(ember.cast(valid, x.dtype), axis=red, keepdims=True)
    filled = _filled(x, valid, 0.0)
    mean = ember.reduce_sum(filled, axis=red, keepdims=True) / count
    dev = _filled(filled - mean, valid, 0.0)
    var = ember.reduce_sum(dev * dev, axis=red, keepdims=True) / count
    if not keepdims:
        var = ember.reduce_sum(var, axis=red) if red is None else ember.squeeze(var, red)
    return var


@keras_op
def nanmean(x: Any, axis: Any = None, keepdims: bool = False) -> ember.Tensor:
    """Mean of the non-NaN values over ``axis`` (NaN where there are none). Integer and
    bool inputs give float32.

    >>> from ember import keras
    >>> keras.ops.nanmean([[1.0, float("nan"), 3.0], [float("nan"), 2.0, 1.0]], axis=1).numpy().tolist()
    [2.0, 1.5]
    """
    x = _t(x)
    dtype = _float_dtype(x)
    axes = _norm_axes("nanmean", axis, x.ndim)
    x = _t(x, dtype)
    valid = _mask(x)
    red = _red(axis, axes)
    total = ember.reduce_sum(_filled(x, valid, 0.0), axis=red, keepdims=keepdims)
    if valid is None:
        count = float(np.prod([x.shape[a] for a in axes], dtype=np.int64))
        return total / ember.constant(count, dtype=dtype)
    return total / ember.reduce_sum(ember.cast(valid, dtype), axis=red, keepdims=keepdims)


@keras_op
def nanvar(x: Any, axis: Any = None, keepdims: bool = False) -> ember.Tensor:
    """Population variance of the non-NaN values over ``axis`` (NaN where there are
    none), computed in float32 at least. Integer and bool inputs give float32.

    >>> from ember import keras
    >>> keras.ops.nanvar([1.0, float("nan"), 3.0]).numpy().tolist()
    1.0
    """
    x = _t(x)
    return _t(_nan_var("nanvar", x, axis, keepdims), _float_dtype(x))


@keras_op
def nanstd(x: Any, axis: Any = None, keepdims: bool = False) -> ember.Tensor:
    """Population standard deviation of the non-NaN values over ``axis`` (NaN where there
    are none). Integer and bool inputs give float32.

    >>> from ember import keras
    >>> keras.ops.nanstd([1.0, float("nan"), 3.0]).numpy().tolist()
    1.0
    """
    x = _t(x)
    return _t(ember.sqrt(_nan_var("nanstd", x, axis, keepdims)), _float_dtype(x))


# ---- extrema ------------------------------------------------------------------------------
def _nan_extreme(name: str, x: Any, axis: Any, keepdims: bool, largest: bool):
    x = _t(x)
    axes = _norm_axes(name, axis, x.ndim)
    _check_nonempty(name, x, axes)
    red = _red(axis, axes)
    reduce = ember.reduce_max if largest else ember.reduce_min
    valid = _mask(x)
    if valid is None:
        return reduce(x, axis=red, keepdims=keepdims)
    out = reduce(_filled(x, valid, -np.inf if largest else np.inf), axis=red,
                 keepdims=keepdims)
    none = ember.logical_not(ember.reduce_any(valid, axis=red, keepdims=keepdims))
    return ember.where(none, ember.fill(list(out.shape), ember.constant(np.nan, x.dtype)), out)


@keras_op
def nanmax(x: Any, axis: Any = None, keepdims: bool = False) -> ember.Tensor:
    """Maximum over ``axis`` ignoring NaNs (NaN where all are NaN), in ``x``'s dtype.

    >>> from ember import keras
    >>> keras.ops.nanmax([[1.0, float("nan"), 3.0], [float("nan"), 2.0, 1.0]], axis=1).numpy().tolist()
    [3.0, 2.0]
    """
    return _nan_extreme("nanmax", x, axis, keepdims, True)


@keras_op
def nanmin(x: Any, axis: Any = None, keepdims: bool = False) -> ember.Tensor:
    """Minimum over ``axis`` ignoring NaNs (NaN where all are NaN), in ``x``'s dtype.

    >>> from ember import keras
    >>> keras.ops.nanmin([[1.0, float("nan"), 3.0], [float("nan"), 2.0, 1.0]], axis=1).numpy().tolist()
    [1.0, 1.0]
    """
    return _nan_extreme("nanmin", x, axis, keepdims, False)


def _nan_arg(name: str, x: Any, axis: Any, keepdims: bool, largest: bool):
    x = _t(x)
    flat = axis is None
    if flat:
        shape = [1] * x.ndim
        x, a = ember.reshape(x, [-1]), 0
    else:
        a = _one_axis(name, axis, x.ndim)
    if int(x.shape[a]) == 0:
        raise ValueError(f"keras.ops.{name}: cannot take the {name[3:]} of an empty "
                         f"axis (received shape {tuple(x.shape)})")
    fn = ember.argmax if largest else ember.argmin
    valid = _mask(x)
    if valid is None:
        out = fn(x, axis=a, output_type="int32")
    else:
        out = fn(_filled(x, valid, -np.inf if largest else np.inf), axis=a,
                 output_type="int32")
        none = ember.logical_not(ember.reduce_any(valid, axis=a))
        out = ember.where(none, ember.fill(list(out.shape), -1), out)
    if keepdims:
        out = ember.reshape(out, shape) if flat else ember.expand_dims(out, a)
    return out


@keras_op
def nanargmax(x: Any, axis: Any = None, keepdims: bool = False) -> ember.Tensor:
    """Index (int32) of the maximum along ``axis`` (None: flattened), ignoring NaNs; -1
    where all values are NaN.

    >>> from ember import keras
    >>> keras.ops.nanargmax([[1.0, float("nan"), 3.0], [float("nan"), 2.0, 0.0]], axis=1).numpy().tolist()
    [2, 1]
    """
    return _nan_arg("nanargmax", x, axis, keepdims, True)


@keras_op
def nanargmin(x: Any, axis: Any = None, keepdims: bool = False) -> ember.Tensor:
    """Index (int32) of the minimum along ``axis`` (None: flattened), ignoring NaNs; -1
    where all values are NaN.

    >>> from ember import keras
    >>> keras.ops.nanargmin([[1.0, float("nan"), 3.0], [float("nan"), 2.0, 0.0]], axis=1).numpy().tolist()
    [0, 2]
    """
    return _nan_arg("nanargmin", x, axis, keepdims, False)


# ---- quantiles ----------------------------------------------------------------------------
@keras_op
def nanquantile(x: Any, q: Any, axis: Any = None, method: str = "linear",
                keepdims: bool = False) -> ember.Tensor:
    """``quantile`` of the non-NaN values (NaN where there are none); ``q`` in [0, 1].

    >>> from ember import keras
    >>> keras.ops.nanquantile([[1.0, 2.0, float("nan")], [4.0, 5.0, 6.0]], 0.5, axis=1).numpy().tolist()
    [1.5, 5.0]
    """
    return _quantiles("nanquantile", x, q, axis, method, keepdims, True, 1)


@keras_op
def nanpercentile(x: Any, q: Any, axis: Any = None, method: str = "linear",
                  keepdims: bool = False) -> ember.Tensor:
    """``percentile`` of the non-NaN values (NaN where there are none); ``q`` in
    [0, 100].

    >>> from ember import keras
    >>> keras.ops.nanpercentile([1.0, 2.0, float("nan"), 4.0], 50).numpy().tolist()
    2.0
    """
    return _quantiles("nanpercentile", x, q, axis, method, keepdims, True, 100)


@keras_op
def nanmedian(x: Any, axis: Any = None, keepdims: bool = False) -> ember.Tensor:
    """Median of the non-NaN values over ``axis`` (NaN where there are none). Integer and
    bool inputs give float32.

    >>> from ember import keras
    >>> keras.ops.nanmedian([[1.0, float("nan"), 3.0], [float("nan"), 2.0, 1.0]], axis=1).numpy().tolist()
    [2.0, 1.5]
    """
    return _quantiles("nanmedian", x, 0.5, axis, "linear", keepdims, True, 1)
