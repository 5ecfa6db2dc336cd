"""ember.Variable: a mutable, named tensor-like value (model weights)."""
from __future__ import annotations

import itertools
import sys
from typing import Any, Callable

import numpy as np

from . import dtypes as _dtypes
from .backend import device_of, to_host
from .convert import to_array
from .shape import TensorShape
from .tensor import Tensor, _Ref
from .thread_state import STATE

_uid = itertools.count()
# ``STATE.assign_hooks``: installed by ``ember.function`` while it traces (in that thread),
# assignments are recorded into the graph (and carried out) by the innermost hook instead
# of running here directly.
# ``STATE.variable_hooks``: installed by ``ember.function`` while it traces; the innermost
# is told of each new variable (``hook(name)``) and raises where the function allows none.


class Variable:
    """A mutable tensor that keeps its value across calls, such as a layer's weights.

    Trainable variables are watched by every ``GradientTape`` that reads them.

    >>> import ember
    >>> v = ember.Variable([1.0, 2.0], name="w")
    >>> _ = v.assign_add([1.0, 1.0])
    >>> v.numpy()
    array([2., 3.], dtype=float32)
    """

    _is_ember_variable = True
    __array_priority__ = 100
    __hash__ = None  # like tensors: ``==`` is elementwise; use ``ref()`` for dict keys

    def __init__(self, initial_value: Any = None, trainable: bool = True,
                 name: str | None = None, dtype: Any = None,
                 shape: Any = None, constraint: Callable | None = None,
                 validate_shape: bool = True) -> None:
        hooks = STATE.variable_hooks
        if hooks:
            hooks[-1](name)
        if initial_value is None:
            raise ValueError("ember.Variable needs an initial_value")
        if callable(initial_value):
            initial_value = initial_value()
        arr = to_array(initial_value) if dtype is None else _cast_array(initial_value, dtype)
        self._value = arr.copy() if isinstance(arr, np.ndarray) else arr
        self.trainable = bool(trainable)
        self._name = STATE.name_scope + (name or "Variable")
        self._unique_id = next(_uid)
        self.constraint = constraint
        self._shape = TensorShape(arr.shape) if shape is None else TensorShape(shape)
        self._validate_shape = validate_shape

    # -- what it is -------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._name if ":" in self._name else self._name + ":0"

    @property
    def shape(self) -> TensorShape:
        return TensorShape.of_ints(self._value.shape)

    def get_shape(self) -> TensorShape:
        return self.shape

    @property
    def dtype(self) -> _dtypes.DType:
        return _dtypes.from_numpy(self._value.dtype)

    @property
    def ndim(self) -> int:
        return self._value.ndim

    @property
    def device(self) -> str:
        return device_of(self._value)

    def numpy(self) -> Any:
        """A copy of the value as a NumPy array (a NumPy scalar for a scalar variable)."""
        a = np.array(to_host(self._value))
        return a if a.ndim else a[()]

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        a = to_host(self._value)
        return a.astype(dtype) if dtype is not None and a.dtype != dtype else a

    def value(self) -> Tensor:
        """The current value as a Tensor (recorded by active tapes like any read)."""
        return self.read_value()

    def read_value(self) -> Tensor:
        from ..ops.primitive import read_variable  # ops is the floor above; resolved late
        return read_variable(self)

    def ref(self) -> _Ref:
        return _Ref(self)

    experimental_ref = ref

    # -- changing it --------------------------------------------------------------------
    def _checked(self, value: Any, op: str):
        arr = _cast_array(value, self._value.dtype)
        if self._validate_shape and arr.shape != self._value.shape:
            if arr.size == self._value.size and arr.ndim == 0:
                arr = arr.reshape(self._value.shape)
            elif not self._shape.is_fully_defined() and self._shape.is_compatible_with(
                    arr.shape):
                pass       # created with shape=[None, ...] or TensorShape(None): may change
            else:
                raise ValueError(f"Variable.{op} on '{self.name}': shape {tuple(arr.shape)} "
                                 f"does not match the variable's shape "
                                 f"{tuple(self._value.shape)}")
        return arr

    def _private_array(self):
        """The variable's array if nothing else refers to it (so it may be updated in
        place), else None: tensors read from the variable must never change under their
        holders (copy on write)."""
        v = self._value
        # references: this object's __dict__, the local `v`, and getrefcount's argument
        if type(v) is np.ndarray and v.flags.writeable and sys.getrefcount(v) <= 3:
            return v
        return None

    def assign(self, value: Any, use_locking: bool = False, name: str | None = None,
               read_value: bool = True):
        """Set the value; returns the variable (TF returns the new value)."""
        hooks = STATE.assign_hooks
        if hooks:
            return hooks[-1](self, "assign", value)
        return self._update("assign", value)

    def assign_add(self, delta: Any, use_locking: bool = False, name: str | None = None,
                   read_value: bool = True):
        """Add ``delta`` (in place when no tensor shares the value)."""
        hooks = STATE.assign_hooks
        if hooks:
            return hooks[-1](self, "assign_add", delta)
        return self._update("assign_add", delta)

    def assign_sub(self, delta: Any, use_locking: bool = False, name: str | None = None,
                   read_value: bool = True):
        """Subtract ``delta`` (in place when no tensor shares the value)."""
        hooks = STATE.assign_hooks
        if hooks:
            return hooks[-1](self, "assign_sub", delta)
        return self._update("assign_sub", delta)

    def scatter_nd_update(self, indices: Any, updates: Any, name: str | None = None):
        """Set the elements or slices at ``indices`` to ``updates``; returns the variable.

        >>> v = Variable([1.0, 2.0, 3.0])
        >>> v.scatter_nd_update([[0], [2]], [10.0, 30.0]).numpy().tolist()
        [10.0, 2.0, 30.0]
        """
        return self._scatter_nd("update", indices, updates)

    def scatter_nd_add(self, indices: Any, updates: Any, name: str | None = None):
        """Add ``updates`` at ``indices`` (repeated indices add up); returns the variable."""
        return self._scatter_nd("add", indices, updates)

    def scatter_nd_sub(self, indices: Any, updates: Any, name: str | None = None):
        """Subtract ``updates`` at ``indices``; returns the variable."""
        return self._scatter_nd("sub", indices, updates)

    def scatter_nd_max(self, indices: Any, updates: Any, name: str | None = None):
        """The elementwise maximum with ``updates`` at ``indices``; returns the variable."""
        return self._scatter_nd("max", indices, updates)

    def scatter_nd_min(self, indices: Any, updates: Any, name: str | None = None):
        """The elementwise minimum with ``updates`` at ``indices``; returns the variable."""
        return self._scatter_nd("min", indices, updates)

    def _scatter_nd(self, kind: str, indices: Any, updates: Any) -> "Variable":
        from ..ops import indexing, linalg_extra  # the floor above; resolved late
        fn = {"update": indexing.tensor_scatter_nd_update,
              "add": indexing.tensor_scatter_nd_add, "sub": indexing.tensor_scatter_nd_sub,
              "max": linalg_extra.tensor_scatter_nd_max,
              "min": linalg_extra.tensor_scatter_nd_min}[kind]
        return self.assign(fn(self, indices, updates))

    def sparse_read(self, indices: Any, name: str | None = None) -> Tensor:
        """The rows at ``indices`` (``ember.gather`` of the value)."""
        from ..ops.indexing import gather
        return gather(self, indices)

    def gather_nd(self, indices: Any, name: str | None = None) -> Tensor:
        """``ember.gather_nd`` of the value."""
        from ..ops.indexing import gather_nd
        return gather_nd(self, indices)

    def _update(self, kind: str, value: Any) -> "Variable":
        """Carry out ``assign`` / ``assign_add`` / ``assign_sub`` now, in place when no
        tensor shares the array (copy on write otherwise)."""
        new = self._checked(value, kind)
        own = self._private_array()
        if kind == "assign":
            if own is not None and own.shape == new.shape:
                np.copyto(own, new)
            else:
                self._value = new.copy()
        elif own is not None:
            (np.add if kind == "assign_add" else np.subtract)(own, new, out=own)
        else:
            self._value = self._value + new if kind == "assign_add" else self._value - new
        return self

    # -- Python protocol ----------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._value)

    def __iter__(self):
        return iter(self.read_value())

    def __bool__(self) -> bool:
        return bool(self.read_value())

    def __float__(self) -> float:
        return float(self.read_value())

    def __int__(self) -> int:
        return int(self.read_value())

    def __index__(self) -> int:
        return self.read_value().__index__()

    def __repr__(self) -> str:
        arr = np.asarray(to_host(self._value))
        body = repr(arr) if arr.ndim else str(arr)
        return (f"<ember.Variable '{self.name}' shape={str(self.shape)} "
                f"dtype={self.dtype.name}, numpy={body}>")

    def __deepcopy__(self, memo):
        return Variable(np.array(to_host(self._value)), trainable=self.trainable,
                        name=self._name, constraint=self.constraint)


def _cast_array(value: Any, dtype: Any):
    """Convert ``value`` to an array of ``dtype``, allowing float<->float casts."""
    npd = _dtypes.to_numpy(dtype)
    if isinstance(value, (Tensor, Variable)) or isinstance(value, np.ndarray):
        arr = to_array(value)
        return arr if arr.dtype == npd else arr.astype(npd)
    return to_array(value, npd)
