"""How a ``keras.ops`` function meets symbolic KerasTensors: it becomes a graph node."""
from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import ember

from ..dtype_names import PYTHON_DTYPES
from ..models.keras_tensor import KerasTensor, any_symbolic


class BoundOp:
    """A ``keras.ops`` function with its constant keyword arguments fixed.

    What an OperationLayer holds when ``keras.ops.sum(x, axis=1)`` meets a KerasTensor,
    so the layer can re-run the op and serialize it as ``{"function", "fn_kwargs"}``.

    >>> from ember import keras
    >>> op = BoundOp(keras.ops.sum, {"axis": 0})
    >>> float(op([1.0, 2.0]))
    3.0
    """

    def __init__(self, fn: Callable, kwargs: dict):
        self.fn = fn
        self.kwargs = dict(kwargs)
        self.__name__ = getattr(fn, "_keras_op_name", getattr(fn, "__name__", "operation"))
        self._keras_op_name = self.__name__

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.fn(*args, **{**self.kwargs, **kwargs})


def keras_op(fn: Callable) -> Callable:
    """Decorate an eager op so that on KerasTensors it records an OperationLayer."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if any_symbolic(args, kwargs):
            from ..models.symbolic_op import symbolic_call
            args, kwargs = _settings_by_name(fn, args, kwargs)
            tensor_kwargs = {k: v for k, v in kwargs.items() if any_symbolic(v)}
            const_kwargs = {k: v for k, v in kwargs.items() if k not in tensor_kwargs}
            target = BoundOp(wrapper, const_kwargs) if const_kwargs else wrapper
            return symbolic_call(target, *args, **tensor_kwargs)
        return fn(*args, **kwargs)

    wrapper._keras_op_name = fn.__name__
    return wrapper


def _settings_by_name(fn: Callable, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    """Trailing positional constants that Keras's operation class takes in its
    constructor (``resize(x, (4, 4))``'s size) passed by name instead, so the op layer
    keeps them in its config, where Keras looks for them, not among the call's inputs."""
    from .keras_op_names import KERAS_OPS
    entry = KERAS_OPS.get(fn.__name__)
    if not entry or not entry[2] or not args:
        return args, kwargs
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return args, kwargs
    settings = set(entry[2])
    keep = len(args)
    while keep > 0 and keep - 1 < len(params) and params[keep - 1].name in settings \
            and params[keep - 1].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD \
            and not any_symbolic(args[keep - 1]):
        keep -= 1
    if keep == len(args):
        return args, kwargs
    named = {params[i].name: args[i] for i in range(keep, len(args))}
    return args[:keep], {**named, **kwargs}


def std_dtype(dtype: Any) -> Any:
    """A ``dtype`` argument as Keras reads it: the Python types ``float`` / ``int`` /
    ``complex`` (and ``"int"``) mean float32 / int64 / complex128 (TensorFlow backend)."""
    try:
        return PYTHON_DTYPES.get(dtype, dtype)
    except TypeError:   # unhashable dtype-like
        return dtype


def t(x: Any, dtype: Any = None) -> ember.Tensor:
    """Any array-like (Ember tensor, NumPy array, Python value, Variable) as a Tensor."""
    dtype = std_dtype(dtype)
    if isinstance(x, KerasTensor):
        raise TypeError("Expected a tensor value, got a symbolic KerasTensor")
    if isinstance(x, ember.Tensor):
        return x if dtype is None or x.dtype == ember.as_dtype(dtype) else ember.cast(x, dtype)
    if hasattr(x, "read_value"):
        x = x.read_value()
        return x if dtype is None else ember.cast(x, dtype)
    if hasattr(x, "value") and hasattr(x, "assign"):
        return t(x.value, dtype)
    out = ember.convert_to_tensor(x)
    return out if dtype is None or out.dtype == ember.as_dtype(dtype) else ember.cast(out, dtype)


def float_t(x: Any) -> ember.Tensor:
    """As a Tensor, with integer/bool values cast to float32 (Keras's rule for float ops)."""
    x = t(x)
    return x if x.dtype.is_floating else ember.cast(x, "float32")


def float_result(*tensors: ember.Tensor) -> str:
    """Keras's result dtype of floating-point inputs: their one float dtype, else float64
    if any is float64, else float32 (integers alone give float32)."""
    names = {x.dtype.name for x in tensors if x.dtype.is_floating}
    if not names:
        return "float32"
    if len(names) == 1:
        return names.pop()
    return "float64" if "float64" in names else "float32"


def axes(axis: Any) -> Any:
    """NumPy ``axis`` (None, int, list/tuple) as Ember's reduction ``axis``."""
    if axis is None or isinstance(axis, int):
        return axis
    return [int(a) for a in axis]
