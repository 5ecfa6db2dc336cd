"""Making tensors: constant, convert_to_tensor, zeros, ones, fill, range, eye ..."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core.convert import holds_tensor, to_array
from ..core.dtypes import DType, from_numpy, to_numpy
from ..core.shape import TensorShape
from ..core.tensor import Tensor
from ..core.variable import Variable
from .primitive import is_traced, primitive, value_shaped
from .shape import pack


def _shape_tuple(shape: Any, op: str) -> tuple:
    if isinstance(shape, (Tensor, Variable, np.ndarray)):
        shape = np.asarray(shape).tolist()
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    try:
        dims = tuple(int(d) for d in shape)
    except (TypeError, ValueError):
        raise TypeError(f"ember.{op}: shape must be a list of ints; got {shape!r}") from None
    if any(d < 0 for d in dims):
        raise ValueError(f"ember.{op}: shape dimensions must be >= 0; got {dims}")
    return dims


def constant(value: Any, dtype: Any = None, shape: Any = None, name=None) -> Tensor:
    """A tensor from a Python value, NumPy array or tensor.

    Python floats become float32, Python ints int32. With ``shape``, a scalar is
    broadcast (``constant(0., shape=(2, 2))``) and a matching number of values reshaped.

    >>> import ember
    >>> ember.constant([[1, 2], [3, 4]]).dtype
    ember.int32
    """
    if isinstance(value, (Tensor, Variable)):
        arr = value._value
        if dtype is not None and arr.dtype != to_numpy(dtype):
            arr = arr.astype(to_numpy(dtype))
    else:
        arr = to_array(value, dtype)
    if shape is not None:
        dims = _shape_tuple(shape, "constant")
        if arr.size == 1:
            arr = np.broadcast_to(arr.reshape(()), dims).copy()
        elif int(np.prod(dims)) == arr.size:
            arr = arr.reshape(dims)
        else:
            raise TypeError(f"ember.constant: {arr.size} values cannot fill shape {dims}")
    elif isinstance(arr, np.ndarray) and not isinstance(value, (Tensor, Variable)) \
            and arr is value:
        arr = arr.copy()  # the tensor must not change if the caller's array does
    return Tensor(arr)


def convert_to_tensor(value: Any, dtype: Any = None, dtype_hint: Any = None,
                      name=None) -> Tensor:
    """Return ``value`` as a Tensor (the same object when it already is one).

    A tensor of another dtype than ``dtype`` is an error, as in TensorFlow;
    ``dtype_hint`` is used only for Python values.

    >>> import ember
    >>> ember.convert_to_tensor([1, 2], dtype_hint="float32").dtype
    ember.float32
    """
    if type(value) is Tensor or isinstance(value, Tensor):
        if dtype is not None and value._value.dtype != to_numpy(dtype):
            raise ValueError(f"convert_to_tensor: tensor of dtype {value.dtype.name} requested "
                             f"as {from_numpy(to_numpy(dtype)).name}; use ember.cast")
        return value
    if isinstance(value, Variable):
        t = value.read_value()
        if dtype is not None and t._value.dtype != to_numpy(dtype):
            raise ValueError(f"convert_to_tensor: variable of dtype {value.dtype.name} "
                             f"requested as {from_numpy(to_numpy(dtype)).name}")
        return t
    if type(value) in (list, tuple) and holds_tensor(value):
        t = pack(value)  # stacked, so a tape and a trace see the tensors inside
        if dtype is not None and t._value.dtype != to_numpy(dtype):
            from .elementwise import cast
            t = cast(t, dtype)
        return t
    if dtype is None and dtype_hint is not None and not isinstance(value, (np.ndarray,
                                                                            np.generic)):
        try:
            return Tensor(to_array(value, dtype_hint))
        except (TypeError, ValueError):
            pass
    return Tensor(to_array(value, dtype))


def _np_dtype(dtype: Any, default=np.float32):
    return np.dtype(default) if dtype is None else to_numpy(dtype)


def zeros(shape: Any, dtype: Any = "float32", name=None) -> Tensor:
    """A tensor of zeros. ``ember.zeros((2, 3))``; inside ``ember.function`` the shape
    may be a traced tensor (its dimensions are then read as the graph runs)."""
    if _traced_dims(shape):
        return _filled(shape, np.zeros((), _np_dtype(dtype)))
    return Tensor(np.zeros(_shape_tuple(shape, "zeros"), _np_dtype(dtype)))


def ones(shape: Any, dtype: Any = "float32", name=None) -> Tensor:
    """A tensor of ones. ``ember.ones((2, 3), dtype="int32")``; the shape may be traced,
    as in ``zeros``."""
    if _traced_dims(shape):
        return _filled(shape, np.ones((), _np_dtype(dtype)))
    return Tensor(np.ones(_shape_tuple(shape, "ones"), _np_dtype(dtype)))


def _traced_dims(shape: Any) -> bool:
    """Whether ``shape`` is (or holds) a tensor of the graph being traced."""
    if is_traced(shape):
        return True
    return type(shape) in (list, tuple) and is_traced(*shape)


def _filled(dims: Any, value: Any) -> Tensor:
    """``_fill`` of traced ``dims`` (a tensor, or a list mixing ints and tensors)."""
    if type(dims) in (list, tuple):
        from .shape import stack
        dims = stack([d if isinstance(d, Tensor) else np.int32(d) for d in dims])
    return _fill(dims, value)


@primitive(name="fill")
def _fill(xp, dims, value):
    shape = tuple(int(d) for d in np.asarray(dims).reshape(-1))
    if any(d < 0 for d in shape):
        raise ValueError(f"shape dimensions must be >= 0; got {shape}")
    return xp.full(shape, value, dtype=value.dtype)


_fill.primitive.shape_from_values = True


@_fill.vjp
def _(g, out, dims, value):
    from .reduction import reduce_sum
    return None, reduce_sum(g)


@primitive(name="fill_shape")
def _fill_shape(xp, value, shape=()):
    """``value`` filled into a fixed ``shape``: ``fill`` of a tensor, differentiable."""
    return xp.full(shape, value, dtype=value.dtype)


@_fill_shape.vjp
def _(g, out, value, shape=()):
    from .reduction import reduce_sum
    return reduce_sum(g)


def fill(dims: Any, value: Any, name=None) -> Tensor:
    """A tensor of shape ``dims`` filled with ``value`` (whose dtype it takes).

    >>> import ember
    >>> ember.fill([2], 7).numpy()
    array([7, 7], dtype=int32)
    """
    if _traced_dims(dims):
        return _filled(dims, value)
    if isinstance(value, (Tensor, Variable)):       # differentiable in the value
        return _fill_shape(value, shape=_shape_tuple(dims, "fill"))
    v = to_array(value)
    return Tensor(np.full(_shape_tuple(dims, "fill"), v, dtype=v.dtype))


@primitive(name="zeros_like")
def _zeros_like(xp, x, dtype=None):
    return xp.zeros_like(x, dtype=dtype)


@_zeros_like.vjp
def _(g, out, x, dtype=None):
    return None


@primitive(name="ones_like")
def _ones_like(xp, x, dtype=None):
    return xp.ones_like(x, dtype=dtype)


@_ones_like.vjp
def _(g, out, x, dtype=None):
    return None


def zeros_like(input: Any, dtype: Any = None, name=None) -> Tensor:  # noqa: A002
    """Zeros with the shape (and dtype, unless given) of ``input``."""
    return _zeros_like(input, dtype=None if dtype is None else to_numpy(dtype))


def ones_like(input: Any, dtype: Any = None, name=None) -> Tensor:  # noqa: A002
    """Ones with the shape (and dtype, unless given) of ``input``."""
    return _ones_like(input, dtype=None if dtype is None else to_numpy(dtype))


def range(start: Any, limit: Any = None, delta: Any = 1, dtype: Any = None,  # noqa: A001
          name="range") -> Tensor:
    """Numbers from ``start`` up to (not including) ``limit`` in steps of ``delta``.

    >>> import ember
    >>> ember.range(5).numpy()
    array([0, 1, 2, 3, 4], dtype=int32)
    """
    if limit is None:
        start, limit = 0, start
    vals = [to_array(v) for v in (start, limit, delta)]
    if dtype is None:
        npd = np.result_type(*vals)
        if npd == np.float64 and not any(isinstance(v, np.ndarray) and v.dtype == np.float64
                                         for v in (start, limit, delta)):
            npd = np.dtype(np.float32)  # Python floats -> float32, as in TensorFlow
    else:
        npd = to_numpy(dtype)
    if float(vals[2]) == 0:
        raise ValueError("ember.range: delta must not be 0")
    return Tensor(np.arange(vals[0].item(), vals[1].item(), vals[2].item()).astype(npd))


def linspace(start: Any, stop: Any, num: int, name=None, axis: int = 0) -> Tensor:
    """``num`` evenly spaced values from ``start`` to ``stop`` inclusive.

    >>> import ember
    >>> ember.linspace(0.0, 1.0, 3).numpy()
    array([0. , 0.5, 1. ], dtype=float32)
    """
    a, b = to_array(start), to_array(stop)
    npd = np.result_type(a, b)
    if npd.kind != "f":
        npd = np.dtype(np.float64)  # TF: integer start/stop give float64
    num = int(num)
    if num < 0:
        raise ValueError(f"ember.linspace: num must be >= 0; got {num}")
    return Tensor(np.linspace(a, b, num, axis=axis).astype(npd))


def eye(num_rows: int, num_columns: int | None = None, batch_shape: Any = None,
        dtype: Any = "float32", name=None) -> Tensor:
    """Identity matrix (batched with ``batch_shape``).

    >>> import ember
    >>> ember.eye(2).numpy()
    array([[1., 0.],
           [0., 1.]], dtype=float32)
    """
    m = np.eye(int(num_rows), None if num_columns is None else int(num_columns),
               dtype=_np_dtype(dtype))
    if batch_shape is not None:
        m = np.broadcast_to(m, _shape_tuple(batch_shape, "eye") + m.shape).copy()
    return Tensor(m)


@primitive(name="identity")
def _identity(xp, x):
    return x


@_identity.vjp
def _(g, out, x):
    return g


def identity(input: Any, name=None) -> Tensor:  # noqa: A002
    """The same values as a new tensor (reads a variable's current value)."""
    return _identity(input)


def shape(input: Any, out_type: Any = "int32", name=None) -> Tensor:  # noqa: A002
    """The shape as an int32 tensor (``tf.shape``); ``x.shape`` gives a TensorShape.

    Inside ``ember.function`` the shape of a tensor whose size depends on values (a
    boolean mask's result) is read when the graph runs; any other shape is a constant.

    >>> import ember
    >>> ember.shape(ember.zeros([2, 3])).numpy().tolist()
    [2, 3]
    """
    if value_shaped(input):
        return _measure(input, what="shape", dtype=to_numpy(out_type))
    return Tensor(np.array(_value_of(input).shape, dtype=to_numpy(out_type)))


@primitive(name="measure")
def _measure(xp, x, what="shape", dtype=np.int32):
    """``x``'s shape or size as the graph runs (for a ``value_shaped`` ``x``)."""
    return np.array(x.shape if what == "shape" else x.size, dtype)


@_measure.vjp
def _(g, out, x, what="shape", dtype=np.int32):
    return None


def shape_n(inputs: list, out_type: Any = "int32", name=None) -> list:
    return [shape(x, out_type) for x in inputs]


def rank(input: Any, name=None) -> Tensor:  # noqa: A002
    """The number of dimensions, as an int32 scalar tensor."""
    return Tensor(np.array(_value_of(input).ndim, dtype=np.int32))


def size(input: Any, out_type: Any = "int32", name=None) -> Tensor:  # noqa: A002
    """The number of elements, as a scalar tensor (read when the graph runs for a tensor
    whose size depends on values, as ``shape`` says)."""
    if value_shaped(input):
        return _measure(input, what="size", dtype=to_numpy(out_type))
    return Tensor(np.array(_value_of(input).size, dtype=to_numpy(out_type)))


def _value_of(x: Any):
    if isinstance(x, (Tensor, Variable)):
        return x._value
    return to_array(x)


__all__ = ["constant", "convert_to_tensor", "zeros", "ones", "fill", "zeros_like",
           "ones_like", "range", "linspace", "eye", "identity", "shape", "shape_n",
           "rank", "size", "is_tensor", "TensorShape", "DType"]


def is_tensor(x: Any) -> bool:
    """Whether ``x`` is an Ember tensor or variable (``tf.is_tensor``).

    >>> import ember
    >>> ember.is_tensor(ember.constant(1.0)), ember.is_tensor(1.0)
    (True, False)
    """
    return isinstance(x, (Tensor, Variable))
