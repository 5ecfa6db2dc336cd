"""NumPy-style ops of ``keras.ops`` (``keras.ops.numpy``) over Ember's public ops.

>>> from ember import keras
>>> keras.ops.sum([[1.0, 2.0], [3.0, 4.0]], axis=0).numpy().tolist()
[4.0, 6.0]
"""
from __future__ import annotations

from typing import Any

import numpy as np

import ember

from ..config import floatx as _floatx
from ._dispatch import axes as _axes
from ._dispatch import float_t as _f
from ._dispatch import keras_op
from ._dispatch import std_dtype as _std_dtype
from ._dispatch import t as _t
from ._dtypes import result_type as _result_type
from ._dtypes import sum_dtype as _sum_dtype


def _weak_or_dtype(x: Any, tensor: ember.Tensor) -> Any:
    """What Keras's ``result_type`` sees of an argument: a Python int or float is weak
    (``int`` / ``float``), anything else (lists, bools, arrays, tensors) has its dtype."""
    if type(x) is int or type(x) is float:
        return type(x)
    return tensor.dtype.name


def _pair(x1: Any, x2: Any):
    """Two operands cast to Keras's result dtype (Python int/float scalars are weak: an
    int8 tensor plus 3 stays int8; int8 with float16 gives float16; a bool tensor plus 2
    gives int32)."""
    a, b = _t(x1), _t(x2)
    if a.dtype == b.dtype:   # the result type of equal dtypes (weak or not) is that dtype
        return a, b
    dtype = _result_type(_weak_or_dtype(x1, a), _weak_or_dtype(x2, b))
    return _t(a, dtype), _t(b, dtype)


def _strong_pair(x1: Any, x2: Any):
    """Two operands cast to Keras's result dtype of their dtypes, Python scalars and lists
    converted first (int32 / float32), as Keras's products (matmul, dot, tensordot) do."""
    a, b = _t(x1), _t(x2)
    dtype = _result_type(a.dtype.name, b.dtype.name)
    return _t(a, dtype), _t(b, dtype)


# ---- elementwise arithmetic -------------------------------------------------------------
@keras_op
def add(x1: Any, x2: Any) -> ember.Tensor:
    """``x1 + x2`` elementwise. ``keras.ops.add([1, 2], 3)`` → ``[4, 5]``."""
    return ember.add(*_pair(x1, x2))


@keras_op
def subtract(x1: Any, x2: Any) -> ember.Tensor:
    """``x1 - x2`` elementwise. ``keras.ops.subtract(3, [1, 2])`` → ``[2, 1]``."""
    return ember.subtract(*_pair(x1, x2))


@keras_op
def multiply(x1: Any, x2: Any) -> ember.Tensor:
    """``x1 * x2`` elementwise. ``keras.ops.multiply([1, 2], 2)`` → ``[2, 4]``."""
    return ember.multiply(*_pair(x1, x2))


@keras_op
def divide(x1: Any, x2: Any) -> ember.Tensor:
    """True division (integers give float32). ``keras.ops.divide(1, 2)`` → ``0.5``."""
    a, b = _pair(x1, x2)
    if not a.dtype.is_floating:
        a, b = ember.cast(a, "float32"), ember.cast(b, "float32")
    return ember.divide(a, b)


true_divide = keras_op(lambda x1, x2: divide(x1, x2))
true_divide.__doc__ = "Alias of ``divide``. ``keras.ops.true_divide(1, 2)`` → ``0.5``."
true_divide._keras_op_name = true_divide.__name__ = "true_divide"


@keras_op
def power(x1: Any, x2: Any) -> ember.Tensor:
    """``x1 ** x2`` elementwise. ``keras.ops.power([2.0], 3)`` → ``[8.0]``."""
    return ember.pow(*_pair(x1, x2))


def _unary(name: str, ember_fn, floats: bool = False, doc: str = ""):
    def op(x: Any) -> ember.Tensor:
        return ember_fn(_f(x) if floats else _t(x))
    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc or f"Elementwise ``{name}``. ``keras.ops.{name}(x)``."
    return keras_op(op)


negative = _unary("negative", ember.negative)
abs = absolute = _unary("abs", ember.abs)
sign = _unary("sign", ember.sign)
square = _unary("square", lambda x: ember.square(ember.cast(x, "int32") if x.dtype.name == "bool" else x),
                doc="Elementwise ``x * x`` (bool gives int32). ``keras.ops.square([2, 3])`` → [4, 9].")
exp = _unary("exp", ember.exp, True)
log = _unary("log", ember.log, True)
log1p = _unary("log1p", ember.log1p, True)
expm1 = _unary("expm1", ember.expm1, True)
sqrt = _unary("sqrt", ember.sqrt, True)
sin = _unary("sin", ember.sin, True)
cos = _unary("cos", ember.cos, True)
tan = _unary("tan", ember.tan, True)
tanh = _unary("tanh", ember.tanh, True)
floor = _unary("floor", ember.floor, True)
ceil = _unary("ceil", ember.ceil, True)
logical_not = _unary("logical_not", lambda x: ember.logical_not(ember.cast(x, "bool")))


@keras_op
def round(x: Any, decimals: int = 0) -> ember.Tensor:
    """Round half to even, to ``decimals`` places. ``keras.ops.round([0.5, 1.5])`` → [0, 2]."""
    x = _t(x)
    if not x.dtype.is_floating and decimals < 0:  # integers round half to even at 10**-d
        scale = ember.cast(10 ** -decimals, "float64")
        return ember.cast(ember.round(ember.cast(x, "float64") / scale) * scale, x.dtype)
    if decimals == 0 or not x.dtype.is_floating:
        return ember.round(x)
    scale = ember.cast(10.0 ** decimals, x.dtype)
    return ember.round(x * scale) / scale


@keras_op
def maximum(x1: Any, x2: Any) -> ember.Tensor:
    """Elementwise maximum. ``keras.ops.maximum([1, 5], 3)`` → ``[3, 5]``."""
    return ember.maximum(*_pair(x1, x2))


@keras_op
def minimum(x1: Any, x2: Any) -> ember.Tensor:
    """Elementwise minimum. ``keras.ops.minimum([1, 5], 3)`` → ``[1, 3]``."""
    return ember.minimum(*_pair(x1, x2))


@keras_op
def clip(x: Any, x_min: Any, x_max: Any) -> ember.Tensor:
    """Clip values to ``[x_min, x_max]``. ``keras.ops.clip([-1, 5], 0, 3)`` → ``[0, 3]``."""
    x = _t(x)
    if x.dtype.name == "bool":
        x = ember.cast(x, "int32")
    return ember.clip_by_value(x, ember.cast(x_min, x.dtype), ember.cast(x_max, x.dtype))


@keras_op
def where(condition: Any, x1: Any = None, x2: Any = None) -> ember.Tensor:
    """``x1`` where ``condition`` else ``x2``; with one argument, the indices of True.

    >>> from ember import keras
    >>> keras.ops.where([True, False], 1.0, 0.0).numpy().tolist()
    [1.0, 0.0]
    """
    cond = ember.cast(_t(condition), "bool")
    if x1 is None and x2 is None:
        idx = ember.where(cond)
        return tuple(ember.cast(idx[:, i], "int32") for i in range(cond.ndim))
    if x1 is None or x2 is None:
        raise ValueError("`x1` and `x2` either both should be `None` or both should "
                         "have non-None value.")
    a, b = _pair(x1, x2)
    shape = ember.broadcast_static_shape(
        ember.broadcast_static_shape(cond.shape, a.shape), b.shape)
    return ember.where(ember.broadcast_to(cond, shape), ember.broadcast_to(a, shape),
                       ember.broadcast_to(b, shape))


def _compare(name: str, ember_fn):
    def op(x1: Any, x2: Any) -> ember.Tensor:
        return ember_fn(*_pair(x1, x2))
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise ``{name}`` (bool). ``keras.ops.{name}(x1, x2)``."
    return keras_op(op)


equal = _compare("equal", ember.equal)
not_equal = _compare("not_equal", ember.not_equal)
greater = _compare("greater", ember.greater)
greater_equal = _compare("greater_equal", ember.greater_equal)
less = _compare("less", ember.less)
less_equal = _compare("less_equal", ember.less_equal)


@keras_op
def logical_and(x1: Any, x2: Any) -> ember.Tensor:
    """Elementwise AND of truth values. ``keras.ops.logical_and([1, 0], [1, 1])``."""
    return ember.logical_and(ember.cast(_t(x1), "bool"), ember.cast(_t(x2), "bool"))


@keras_op
def logical_or(x1: Any, x2: Any) -> ember.Tensor:
    """Elementwise OR of truth values. ``keras.ops.logical_or([1, 0], [0, 0])``."""
    return ember.logical_or(ember.cast(_t(x1), "bool"), ember.cast(_t(x2), "bool"))


# ---- reductions -------------------------------------------------------------------------
def _int_acc(x: ember.Tensor) -> ember.Tensor:
    """bool and small ints sum as int32, as in Keras."""
    if x.dtype.name in ("bool", "int8", "int16", "uint8", "uint16"):
        return ember.cast(x, "int32")
    return x


@keras_op
def sum(x: Any, axis: Any = None, keepdims: bool = False) -> ember.Tensor:
    """Sum over ``axis`` (None: all). ``keras.ops.sum([[1, 2], [3, 4]], axis=1)`` → [3, 7]."""
    x = _t(x)
    return ember.reduce_sum(_t(x, _sum_dtype(x)), axis=_axes(axis), keepdims=keepdims)


@keras_op
def prod(x: Any, axis: Any = None, keepdims: bool = False, dtype: Any = None) -> ember.Tensor:
    """Product over ``axis`` (bool, int8/16 as int32, uint8/16 as uint32).
    ``keras.ops.prod([1, 2, 3])`` → 6."""
    x = _t(x)
    x = _t(x, _sum_dtype(x))
    if dtype is not None:
        x = ember.cast(x, _std_dtype(dtype))
    return ember.reduce_prod(x, axis=_axes(axis), keepdims=keepdims)


@keras_op
def mean(x: Any, axis: Any = None, keepdims: bool = False) -> ember.Tensor:
    """Mean over ``axis`` (integers give float32). ``keras.ops.mean([1, 2])`` → 1.5."""
    return ember.reduce_mean(_f(x), axis=_axes(axis), keepdims=keepdims)


@keras_op
def std(x: Any, axis: Any = None, keepdims: bool = False) -> ember.Tensor:
    """Population standard deviation over ``axis``. ``keras.ops.std([1.0, 3.0])`` → 1.0."""
    return ember.reduce_std(_f(x), axis=_axes(axis), keepdims=keepdims)


@keras_op
def var(x: Any, axis: Any = None, keepdims: bool = False) -> ember.Tensor:
    """Population variance over ``axis``. ``keras.ops.var([1.0, 3.0])`` → 1.0."""
    return ember.reduce_variance(_f(x), axis=_axes(axis), keepdims=keepdims)


def _check_nonempty(x: ember.Tensor, name: str) -> None:
    if 0 in tuple(x.shape):
        raise ValueError(f"Cannot compute the {name} of an empty tensor "
                         f"(received shape {tuple(x.shape)}).")


@keras_op
def max(x: Any, axis: Any = None, keepdims: bool = False, initial: Any = None):
    """Maximum over ``axis``. ``keras.ops.max([[1, 5], [3, 2]], axis=0)`` → [3, 5]."""
    x = _t(x)
    if initial is None:
        _check_nonempty(x, "max")
    out = ember.reduce_max(x, axis=_axes(axis), keepdims=keepdims)
    return out if initial is None else ember.maximum(out, ember.cast(initial, out.dtype))


@keras_op
def min(x: Any, axis: Any = None, keepdims: bool = False, initial: Any = None):
    """Minimum over ``axis``. ``keras.ops.min([[1, 5], [3, 2]], axis=0)`` → [1, 2]."""
    x = _t(x)
    if initial is None:
        _check_nonempty(x, "min")
    out = ember.reduce_min(x, axis=_axes(axis), keepdims=keepdims)
    return out if initial is None else ember.minimum(out, ember.cast(initial, out.dtype))


amax, amin = max, min


def _arg(name, ember_fn, x, axis, keepdims):
    x = _t(x)
    _check_nonempty(x, name)
    if axis is None:
        out = ember_fn(ember.reshape(x, [-1]), axis=0, output_type="int32")
        return ember.reshape(out, [1] * x.ndim) if keepdims else out
    out = ember_fn(x, axis=axis, output_type="int32")
    return ember.expand_dims(out, axis) if keepdims else out


@keras_op
def argmax(x: Any, axis: Any = None, keepdims: bool = False) -> ember.Tensor:
    """Index of the maximum (int32; flattened when ``axis=None``). ``argmax([1, 3, 2])`` → 1."""
    return _arg("argmax", ember.argmax, x, axis, keepdims)


@keras_op
def argmin(x: Any, axis: Any = None, keepdims: bool = False) -> ember.Tensor:
    """Index of the minimum (int32; flattened when ``axis=None``). ``argmin([1, 3, 0])`` → 2."""
    return _arg("argmin", ember.argmin, x, axis, keepdims)


@keras_op
def all(x: Any, axis: Any = None, keepdims: bool = False) -> ember.Tensor:
    """Whether all values are true over ``axis``. ``keras.ops.all([1, 0])`` → False."""
    return ember.reduce_all(ember.cast(_t(x), "bool"), axis=_axes(axis), keepdims=keepdims)


@keras_op
def any(x: Any, axis: Any = None, keepdims: bool = False) -> ember.Tensor:
    """Whether any value is true over ``axis``. ``keras.ops.any([1, 0])`` → True."""
    return ember.reduce_any(ember.cast(_t(x), "bool"), axis=_axes(axis), keepdims=keepdims)


@keras_op
def cumsum(x: Any, axis: Any = None, dtype: Any = None) -> ember.Tensor:
    """Cumulative sum (flattened when ``axis=None``). ``keras.ops.cumsum([1, 2, 3])``."""
    x = _int_acc(_t(x))
    if dtype is not None:
        x = ember.cast(x, _std_dtype(dtype))
    if axis is None:
        x, axis = ember.reshape(x, [-1]), 0
    return ember.cumsum(x, axis=axis)


@keras_op
def cumprod(x: Any, axis: Any = None, dtype: Any = None) -> ember.Tensor:
    """Cumulative product (flattened when ``axis=None``). ``keras.ops.cumprod([1, 2, 3])``."""
    x = _int_acc(_t(x))
    if dtype is not None:
        x = ember.cast(x, _std_dtype(dtype))
    if axis is None:
        x, axis = ember.reshape(x, [-1]), 0
    return ember.math.cumprod(x, axis=axis)


# ---- linear algebra ---------------------------------------------------------------------
@keras_op
def matmul(x1: Any, x2: Any) -> ember.Tensor:
    """Matrix product with NumPy's rules for 1-D operands. ``keras.ops.matmul(a, b)``."""
    a, b = _t(x1), _t(x2)
    if a.dtype.name == b.dtype.name == "int8" and a.ndim >= 2 and b.ndim >= 2:
        a, b = ember.cast(a, "int32"), ember.cast(b, "int32")  # Keras: int8 x int8 -> int32
    a, b = _strong_pair(a, b)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError("matmul: input operands must have at least 1 dimension, received "
                         f"shapes {tuple(a.shape)} and {tuple(b.shape)}")
    va, vb = a.ndim == 1, b.ndim == 1
    if va:
        a = ember.expand_dims(a, 0)
    if vb:
        b = ember.expand_dims(b, -1)
    result_dtype = a.dtype
    if a.dtype.name == "bool":
        a, b = ember.cast(a, "int32"), ember.cast(b, "int32")
    if a.ndim != b.ndim:  # broadcast batch dims
        n = builtins_max(a.ndim, b.ndim)
        a = ember.reshape(a, [1] * (n - a.ndim) + list(a.shape))
        b = ember.reshape(b, [1] * (n - b.ndim) + list(b.shape))
    if a.ndim > 2 and tuple(a.shape[:-2]) != tuple(b.shape[:-2]):
        batch = ember.broadcast_static_shape(a.shape[:-2], b.shape[:-2])
        a = ember.broadcast_to(a, list(batch) + list(a.shape[-2:]))
        b = ember.broadcast_to(b, list(batch) + list(b.shape[-2:]))
    out = ember.matmul(a, b)
    if result_dtype.name == "bool":
        out = ember.not_equal(out, 0)
    if va:
        out = ember.squeeze(out, -2)
    if vb:
        out = ember.squeeze(out, -1)
    return out


def builtins_max(*v):
    return v[0] if v[0] >= v[1] else v[1]


@keras_op
def dot(x1: Any, x2: Any) -> ember.Tensor:
    """NumPy ``dot``: scalars multiply, 1-D/2-D matmul, else sum over a's last/b's -2 axis."""
    a, b = _strong_pair(x1, x2)
    if a.ndim == 0 or b.ndim == 0:
        return ember.multiply(a, b)
    if b.ndim == 1 or (a.ndim <= 2 and b.ndim <= 2):
        return matmul(a, b)
    return ember.tensordot(a, b, axes=[[a.ndim - 1], [b.ndim - 2]])


@keras_op
def tensordot(x1: Any, x2: Any, axes: Any = 2) -> ember.Tensor:
    """Sum products over ``axes`` (an int, or two lists). ``keras.ops.tensordot(a, b, 1)``."""
    a, b = _strong_pair(x1, x2)
    if not isinstance(axes, int):
        axes = [list(axes[0]) if not isinstance(axes[0], int) else [axes[0]],
                list(axes[1]) if not isinstance(axes[1], int) else [axes[1]]]
    if a.dtype.name == "bfloat16":  # NumPy's einsum has no bfloat16 loop
        return ember.cast(ember.tensordot(ember.cast(a, "float32"), ember.cast(b, "float32"),
                                          axes=axes), "bfloat16")
    return ember.tensordot(a, b, axes=axes)


@keras_op
def einsum(subscripts: str, *operands: Any) -> ember.Tensor:
    """Einstein summation. ``keras.ops.einsum("ij,jk->ik", a, b)``.

    The result has Keras's dtype of the operands (all int8 gives int32)."""
    ts = [_t(o) for o in operands]
    names = {x.dtype.name for x in ts}
    dtype = "int32" if names == {"int8"} else _result_type(*names) if names else "float32"
    compute = "float32" if dtype == "bfloat16" else dtype  # NumPy's einsum: no bfloat16
    out = ember.einsum(subscripts, *[_t(x, compute) for x in ts])
    return _t(out, dtype)


# ---- shapes -----------------------------------------------------------------------------
@keras_op
def reshape(x: Any, newshape: Any) -> ember.Tensor:
    """New shape (one -1 allowed). ``keras.ops.reshape(x, (2, -1))``."""
    newshape = [newshape] if isinstance(newshape, int) else [-1 if d is None else d
                                                             for d in newshape]
    return ember.reshape(_t(x), newshape)


@keras_op
def transpose(x: Any, axes: Any = None) -> ember.Tensor:
    """Permute axes (reverse when None). ``keras.ops.transpose(x, (1, 0, 2))``."""
    return ember.transpose(_t(x), perm=None if axes is None else list(axes))


@keras_op
def expand_dims(x: Any, axis: Any) -> ember.Tensor:
    """Insert size-1 axes at ``axis`` (int or tuple). ``keras.ops.expand_dims(x, 0)``."""
    x = _t(x)
    if isinstance(axis, int):
        return ember.expand_dims(x, axis)
    n = x.ndim + len(axis)
    for a in sorted(a % n for a in axis):
        x = ember.expand_dims(x, a)
    return x


@keras_op
def squeeze(x: Any, axis: Any = None) -> ember.Tensor:
    """Remove size-1 axes. ``keras.ops.squeeze(x, axis=1)``."""
    x = _t(x)
    if axis is None:
        return ember.squeeze(x)
    axis = [axis] if isinstance(axis, int) else list(axis)
    for a in axis:
        if x.shape[a] != 1:
            raise ValueError(f"Cannot squeeze axis {a} of shape {tuple(x.shape)}: its size "
                             "is not 1.")
    return ember.squeeze(x, axis=axis)


@keras_op
def concatenate(xs: Any, axis: int = 0) -> ember.Tensor:
    """Join tensors along ``axis`` (None: flattened). ``keras.ops.concatenate([a, b], 1)``."""
    xs = [_t(v) for v in xs]
    if axis is None:
        xs, axis = [ember.reshape(v, [-1]) for v in xs], 0
    dtype = _result_type(*{v.dtype.name for v in xs})
    return ember.concat([_t(v, dtype) for v in xs], axis=axis)


@keras_op
def stack(x: Any, axis: int = 0) -> ember.Tensor:
    """Stack tensors along a new ``axis`` (mixed dtypes promote as in Keras).
    ``keras.ops.stack([a, b], axis=0)``."""
    xs = [_t(v) for v in x]
    dtype = _result_type(*{v.dtype.name for v in xs}) if xs else None
    return ember.stack([_t(v, dtype) for v in xs], axis=axis)


@keras_op
def split(x: Any, indices_or_sections: Any, axis: int = 0) -> list:
    """NumPy split: a number of equal sections, or the indices where to cut."""
    x = _t(x)
    n = x.shape[axis]
    if isinstance(indices_or_sections, int):
        if n % indices_or_sections:
            raise ValueError(f"split: axis {axis} of size {n} cannot be split into "
                             f"{indices_or_sections} equal sections")
        return list(ember.split(x, indices_or_sections, axis=axis))
    cuts = [0] + [int(i) for i in indices_or_sections] + [n]
    return list(ember.split(x, [b - a for a, b in zip(cuts[:-1], cuts[1:])], axis=axis))


@keras_op
def tile(x: Any, repeats: Any) -> ember.Tensor:
    """Repeat the whole tensor ``repeats`` times per axis. ``keras.ops.tile(x, (2, 1))``."""
    x = _t(x)
    reps = [repeats] if isinstance(repeats, int) else list(repeats)
    if len(reps) > x.ndim:
        x = ember.reshape(x, [1] * (len(reps) - x.ndim) + list(x.shape))
    reps = [1] * (x.ndim - len(reps)) + reps
    return ember.tile(x, reps)


@keras_op
def repeat(x: Any, repeats: Any, axis: Any = None) -> ember.Tensor:
    """Repeat each element (flattened when ``axis=None``). ``keras.ops.repeat([1, 2], 2)``."""
    x = _t(x)
    if axis is None:
        x, axis = ember.reshape(x, [-1]), 0
    return ember.repeat(x, repeats, axis=axis)


@keras_op
def take(x: Any, indices: Any, axis: Any = None) -> ember.Tensor:
    """Gather entries (negative indices wrap; flattened when ``axis=None``)."""
    x, idx = _t(x), _t(indices)
    if axis is None:
        x, axis = ember.reshape(x, [-1]), 0
    n = x.shape[axis]
    idx = ember.cast(idx, "int32")
    idx = ember.where(idx < 0, idx + n, idx)
    return ember.gather(x, idx, axis=axis)


@keras_op
def take_along_axis(x: Any, indices: Any, axis: Any = None) -> ember.Tensor:
    """NumPy ``take_along_axis``: pick per position along ``axis`` with broadcast indices."""
    x, idx = _t(x), ember.cast(_t(indices), "int32")
    if axis is None:
        x, axis = ember.reshape(x, [-1]), 0
    axis = axis % x.ndim
    n = x.shape[axis]
    idx = ember.where(idx < 0, idx + n, idx)
    shape_x, shape_i = list(x.shape), list(idx.shape)
    shape_x[axis] = shape_i[axis] = 1
    batch = list(ember.broadcast_static_shape(shape_x, shape_i))
    x = ember.broadcast_to(x, batch[:axis] + [n] + batch[axis + 1:])
    idx = ember.broadcast_to(idx, batch[:axis] + [idx.shape[axis]] + batch[axis + 1:])
    perm = [d for d in range(x.ndim) if d != axis] + [axis]
    inv = list(np.argsort(perm))
    out = ember.gather(ember.transpose(x, perm), ember.transpose(idx, perm),
                       batch_dims=x.ndim - 1, axis=x.ndim - 1)
    return ember.transpose(out, inv)


@keras_op
def broadcast_to(x: Any, shape: Any) -> ember.Tensor:
    """Broadcast to ``shape``. ``keras.ops.broadcast_to([1, 2], (3, 2))``."""
    return ember.broadcast_to(_t(x), list(shape))


@keras_op
def flip(x: Any, axis: Any = None) -> ember.Tensor:
    """Reverse along ``axis`` (all axes when None). ``keras.ops.flip([1, 2, 3])``."""
    x = _t(x)
    axis = list(range(x.ndim)) if axis is None else ([axis] if isinstance(axis, int)
                                                     else list(axis))
    return ember.reverse(x, axis)


@keras_op
def roll(x: Any, shift: Any, axis: Any = None) -> ember.Tensor:
    """Roll elements along ``axis`` (flattened when None). ``keras.ops.roll([1, 2, 3], 1)``."""
    x = _t(x)
    if axis is None:
        shape = list(x.shape)
        return ember.reshape(ember.roll(ember.reshape(x, [-1]), shift, 0), shape)
    return ember.roll(x, shift, axis)


@keras_op
def pad(x: Any, pad_width: Any, mode: str = "constant", constant_values: Any = None):
    """NumPy pad: ``pad_width`` per axis as (before, after). ``keras.ops.pad(x, ((1, 1),))``."""
    x = _t(x)
    width = np.broadcast_to(np.asarray(pad_width, dtype=np.int64), (x.ndim, 2)).tolist()
    if mode not in ("constant", "reflect", "symmetric"):
        raise ValueError(f"pad: mode must be 'constant', 'reflect' or 'symmetric', "
                         f"received mode={mode!r}")
    if constant_values is not None and mode != "constant":
        raise ValueError("pad: `constant_values` can only be used with mode='constant'")
    return ember.pad(x, width, mode=mode.upper(), constant_values=constant_values or 0)


def _keep_triangle(x: Any, k: int, triangle) -> ember.Tensor:
    """``x`` with the entries outside ``triangle(ones, k)`` (np.triu / np.tril) zeroed."""
    x = _t(x)
    mask = triangle(np.ones((x.shape[-2], x.shape[-1]), dtype=bool), k)
    return ember.where(ember.broadcast_to(ember.constant(mask), x.shape), x,
                       ember.zeros_like(x))


@keras_op
def triu(x: Any, k: int = 0) -> ember.Tensor:
    """Upper triangle (entries below the k-th diagonal zeroed). ``keras.ops.triu(x)``."""
    return _keep_triangle(x, k, np.triu)


@keras_op
def tril(x: Any, k: int = 0) -> ember.Tensor:
    """Lower triangle (entries above the k-th diagonal zeroed). ``keras.ops.tril(x)``."""
    return _keep_triangle(x, k, np.tril)


@keras_op
def diag(x: Any, k: int = 0) -> ember.Tensor:
    """NumPy diag: a 1-D input builds a matrix, a 2-D input gives its k-th diagonal."""
    x = _t(x)
    if x.ndim == 1:
        return ember.linalg.diag(x, k=k)
    if x.ndim == 2:
        return ember.linalg.diag_part(x, k=k)
    raise ValueError(f"diag: `x` must be 1-D or 2-D, received shape {tuple(x.shape)}")


@keras_op
def sort(x: Any, axis: int = -1) -> ember.Tensor:
    """Sorted ascending along ``axis``. ``keras.ops.sort([3, 1, 2])`` → [1, 2, 3]."""
    x = _t(x)
    if axis is None:
        x, axis = ember.reshape(x, [-1]), 0
    return ember.sort(x, axis=axis)


@keras_op
def argsort(x: Any, axis: int = -1) -> ember.Tensor:
    """Indices that sort ``x`` along ``axis`` (int32). ``keras.ops.argsort([3, 1, 2])``."""
    x = _t(x)
    if axis is None:
        x, axis = ember.reshape(x, [-1]), 0
    return ember.cast(ember.argsort(x, axis=axis, stable=True), "int32")


# ---- creation ---------------------------------------------------------------------------
def _shape_list(shape: Any) -> list:
    return [int(shape)] if isinstance(shape, (int, np.integer)) else [int(d) for d in shape]


def zeros(shape: Any, dtype: Any = None) -> ember.Tensor:
    """Zeros of ``shape`` (float32 by default). ``keras.ops.zeros((2, 3))``."""
    return ember.zeros(_shape_list(shape), dtype=_std_dtype(dtype) or _floatx())


def ones(shape: Any, dtype: Any = None) -> ember.Tensor:
    """Ones of ``shape`` (float32 by default). ``keras.ops.ones((2, 3))``."""
    return ember.ones(_shape_list(shape), dtype=_std_dtype(dtype) or _floatx())


def full(shape: Any, fill_value: Any, dtype: Any = None) -> ember.Tensor:
    """``shape`` filled with ``fill_value``, of ``dtype`` (default ``floatx()``, as in
    Keras: ``full((2,), 7)`` is float32). ``keras.ops.full((2,), 7.0)``."""
    value = _t(fill_value, dtype or _floatx())
    return ember.broadcast_to(value, _shape_list(shape))


@keras_op
def zeros_like(x: Any, dtype: Any = None) -> ember.Tensor:
    """Zeros with ``x``'s shape (and dtype unless given). ``keras.ops.zeros_like(x)``."""
    x = _t(x)
    return ember.zeros(list(x.shape), dtype=_std_dtype(dtype) or x.dtype)


@keras_op
def ones_like(x: Any, dtype: Any = None) -> ember.Tensor:
    """Ones with ``x``'s shape (and dtype unless given). ``keras.ops.ones_like(x)``."""
    x = _t(x)
    return ember.ones(list(x.shape), dtype=_std_dtype(dtype) or x.dtype)


@keras_op
def full_like(x: Any, fill_value: Any, dtype: Any = None) -> ember.Tensor:
    """``x``'s shape filled with ``fill_value``. ``keras.ops.full_like(x, 2)``."""
    x = _t(x)
    return ember.broadcast_to(ember.cast(_t(fill_value), _std_dtype(dtype) or x.dtype),
                              list(x.shape))


def _dtype_or_weak(value: Any) -> Any:
    """What Keras's ``result_type`` sees of a range bound: a tensor's or NumPy scalar's
    dtype, or the Python type (``int`` / ``float``, weak) of a Python number."""
    dtype = getattr(value, "dtype", None)
    if dtype is not None:
        return ember.as_dtype(dtype).name
    if isinstance(value, bool):
        return "bool"
    return int if isinstance(value, int) else float


def _number(value: Any) -> Any:
    """A Python number from a Python/NumPy number or a scalar tensor."""
    if isinstance(value, (ember.Tensor, np.ndarray, np.generic)) or hasattr(value, "numpy"):
        return np.asarray(value.numpy() if hasattr(value, "numpy") else value).item()
    return value


def arange(start: Any, stop: Any = None, step: Any = None, dtype: Any = None) -> ember.Tensor:
    """Evenly spaced values in ``[start, stop)``. Without ``dtype``, Keras's result type
    of the bounds: Python ints give int32, a Python float float32, tensors and NumPy
    scalars keep their dtype (``arange(np.int64(3))`` is int64).

    >>> from ember import keras
    >>> keras.ops.arange(1, 7, 2).numpy().tolist()
    [1, 3, 5]
    """
    if dtype is None:
        bounds = [v for v in (start, stop, step) if v is not None]
        dtype = _result_type(*[_dtype_or_weak(v) for v in bounds])
        if dtype == "bool":
            dtype = "int32"
    begin, end = _number(start), _number(stop)
    if end is None:
        begin, end = 0, begin
    delta = 1 if step is None else _number(step)
    if delta == 0:
        raise ValueError("keras.ops.arange: `step` must not be zero, received "
                         f"start={start!r}, stop={stop!r}, step={step!r}")
    return ember.cast(ember.constant(np.arange(begin, end, delta)), _std_dtype(dtype))


def builtins_all(values) -> bool:
    for v in values:
        if not v:
            return False
    return True


def linspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True,
             retstep: bool = False, dtype: Any = None, axis: int = 0):
    """``num`` evenly spaced values from ``start`` to ``stop``. Without ``dtype``, Keras's
    result type of the bounds and a weak float (float32, float64 bounds stay float64);
    with ``retstep`` also the step as a scalar tensor of that dtype (NaN when undefined).

    >>> from ember import keras
    >>> keras.ops.linspace(0, 1, 5).numpy().tolist()
    [0.0, 0.25, 0.5, 0.75, 1.0]
    """
    if num < 0:
        raise ValueError(f"keras.ops.linspace: `num` must be a non-negative integer, "
                         f"received num={num}")
    if dtype is None:
        dtype = _result_type(_dtype_or_weak(start), _dtype_or_weak(stop), float)
    dtype = ember.as_dtype(_std_dtype(dtype)).name
    lo = np.asarray(start.numpy() if hasattr(start, "numpy") else start)
    hi = np.asarray(stop.numpy() if hasattr(stop, "numpy") else stop)
    values, step = np.linspace(lo.astype("float64"), hi.astype("float64"), num,
                               endpoint=endpoint, retstep=True, axis=axis)
    out = ember.cast(ember.constant(values), dtype)
    if retstep:
        return out, ember.cast(ember.constant(step), dtype)
    return out


def eye(N: int, M: int | None = None, k: int = 0, dtype: Any = None) -> ember.Tensor:
    """Ones on the k-th diagonal of an N x M matrix. ``keras.ops.eye(3)``."""
    dtype = ember.as_dtype(_std_dtype(dtype) or _floatx())
    return ember.constant(np.eye(N, M, k, dtype=dtype.as_numpy_dtype))


identity = keras_op(lambda n, dtype=None: eye(n, dtype=dtype))
identity.__name__ = identity._keras_op_name = "identity"


# ---- tensor info and conversion ---------------------------------------------------------
def shape(x: Any) -> tuple:
    """The static shape as a tuple (``None`` for unknown dims on KerasTensors)."""
    if hasattr(x, "shape"):
        return tuple(None if d is None else int(d) for d in x.shape)
    return tuple(np.shape(x))


def ndim(x: Any) -> int:
    """The number of dimensions. ``keras.ops.ndim([[1, 2]])`` → 2."""
    return len(shape(x))


@keras_op
def size(x: Any) -> ember.Tensor:
    """The number of elements (int32). ``keras.ops.size([[1, 2], [3, 4]])`` → 4."""
    return ember.size(_t(x), out_type="int32")


@keras_op
def cast(x: Any, dtype: Any) -> ember.Tensor:
    """``x`` as ``dtype``. ``keras.ops.cast([1.7], "int32")`` → [1]."""
    return ember.cast(_t(x), _std_dtype(dtype))


@keras_op
def convert_to_tensor(x: Any, dtype: Any = None, sparse: Any = None,
                      ragged: Any = None) -> ember.Tensor:
    """An Ember tensor from any array-like. ``keras.ops.convert_to_tensor([1, 2])``.

    Ember has no sparse or ragged tensors: ``sparse`` / ``ragged`` may be None or False."""
    for name, flag in (("sparse", sparse), ("ragged", ragged)):
        if flag:
            raise ValueError(f"keras.ops.convert_to_tensor: Ember has no {name} tensors; "
                             f"received {name}={flag!r} (use None or False)")
    return _t(x, dtype)


def convert_to_numpy(x: Any) -> np.ndarray:
    """A NumPy array of the values. ``keras.ops.convert_to_numpy(tensor)``."""
    if hasattr(x, "numpy"):
        return np.asarray(x.numpy())
    return np.asarray(x)


@keras_op
def stop_gradient(variable: Any) -> ember.Tensor:
    """The same values, with no gradient flowing back. ``keras.ops.stop_gradient(x)``."""
    return ember.stop_gradient(_t(variable))

# the rest of Keras's NumPy-style ops live in their own modules; keras.ops.numpy shows them
from .numpy_arrays import *  # noqa: E402, F401, F403
from .numpy_bitwise import *  # noqa: E402, F401, F403
from .numpy_elementwise import *  # noqa: E402, F401, F403
from .numpy_nan import *  # noqa: E402, F401, F403
from .numpy_stats import *  # noqa: E402, F401, F403
from .numpy_windows import *  # noqa: E402, F401, F403
