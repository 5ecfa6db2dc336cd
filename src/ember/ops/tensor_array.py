"""``ember.TensorArray``: a list of same-typed tensors that loops write into (TF2's
``tf.TensorArray``).

Eagerly (and in Python loops inside ``ember.function``) it is a Python list of tensors:
``write`` stores into it and returns the array, as TF's eager TensorArray does, and
``stack`` is one ``ember.stack`` (so tapes differentiate through it). Inside a traced
``ember.while_loop`` it is one stacked tensor of shape ``(size, *element_shape)``, a loop
variable like any other: ``write`` at a traced index is a ``tensor_scatter_nd_update``
and ``read`` a ``gather``. That needs the element shape when the loop starts (an
``element_shape``, or an element already written). A ``dynamic_size`` array grows as it
is written: its buffer's first dimension is left free in the loop.

>>> import ember
>>> ta = ember.TensorArray(ember.float32, size=3)
>>> for i in range(3):
...     ta = ta.write(i, ember.constant([i, i * 2.0]))
>>> ta.stack().numpy().tolist()
[[0.0, 0.0], [1.0, 2.0], [2.0, 4.0]]
"""
from __future__ import annotations

import weakref
from typing import Any

from ..core.dtypes import as_dtype
from ..core.errors import InvalidArgumentError
from ..core.shape import TensorShape
from ..core.tensor import Tensor
from . import primitive as _prim

_traced = _prim.is_traced
# the buffers of dynamic arrays, by id (tensors are unhashable)
_GROWABLE: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


def growable(t: Any) -> bool:
    """Whether ``t`` is the stacked buffer of a dynamic-size array: as a loop variable
    of a traced ``while_loop`` its first dimension may grow (a default shape invariant
    of ``(None, *element_shape)``)."""
    return _GROWABLE.get(id(t)) is t


class TensorArray:
    """A list of tensors of one dtype (and shape), written and read by index.

    >>> import ember
    >>> ta = ember.TensorArray(ember.int32, size=0, dynamic_size=True)
    >>> ta = ta.write(0, 5).write(1, 7)
    >>> int(ta.size()), ta.stack().numpy().tolist()
    (2, [5, 7])
    """

    def __init__(self, dtype: Any, size: Any = None, dynamic_size: bool | None = None,
                 clear_after_read: bool | None = None, tensor_array_name: str | None = None,
                 handle: Any = None, flow: Any = None, infer_shape: bool = True,
                 element_shape: Any = None, colocate_with_first_write_call: bool = True,
                 name: str | None = None):
        self._dtype = as_dtype(dtype)
        self._dynamic_size = bool(dynamic_size)
        n = 0 if size is None else int(size._value if isinstance(size, Tensor) else size)
        if n < 0:
            raise InvalidArgumentError(f"ember.TensorArray: size must be >= 0; got {n}")
        self._items: list | None = [None] * n      # list mode
        self._buffer: Tensor | None = None         # stacked mode: (size, *element_shape)
        self._element_shape = None if element_shape is None else TensorShape(element_shape)
        self._infer_shape = infer_shape

    # -- properties ------------------------------------------------------------------------
    @property
    def dtype(self):
        return self._dtype

    @property
    def element_shape(self) -> TensorShape:
        return self._element_shape if self._element_shape is not None else TensorShape(None)

    @property
    def dynamic_size(self) -> bool:
        return self._dynamic_size

    def size(self, name: str | None = None) -> Tensor:
        """How many elements the array holds."""
        from .creation import constant
        if self._buffer is not None:
            from .creation import shape
            return shape(self._buffer)[0]
        return constant(len(self._items), "int32")

    # -- writing ---------------------------------------------------------------------------
    def _value(self, value: Any, op: str) -> Tensor:
        from .creation import convert_to_tensor
        v = convert_to_tensor(value, dtype=self._dtype) if not isinstance(value, Tensor) \
            else value
        if v.dtype != self._dtype:
            raise TypeError(f"ember.TensorArray.{op}: the array holds {self._dtype.name} "
                            f"but the value is {v.dtype.name}")
        shape = TensorShape(v.shape)
        if self._infer_shape and self._element_shape is not None \
                and not self._element_shape.is_compatible_with(shape):
            raise ValueError(f"ember.TensorArray.{op}: the array holds elements of shape "
                             f"{self._element_shape} but the value has shape {shape}")
        return v

    def _note_shape(self, v: Tensor) -> None:
        """The element shape, learned from the first value stored."""
        if self._element_shape is None or not self._element_shape.is_fully_defined():
            self._element_shape = TensorShape(v.shape)

    def write(self, index: Any, value: Any, name: str | None = None) -> TensorArray:
        """Store ``value`` at ``index``; returns the array (use the result, as in TF)."""
        v = self._value(value, "write")
        if self._buffer is not None or _traced(index):
            return self._stacked("write")._write_stacked(index, v)
        i = self._index(index, "write")
        if i >= len(self._items):
            if not self._dynamic_size:
                raise InvalidArgumentError(
                    f"ember.TensorArray.write: index {i} is out of range for an array of "
                    f"size {len(self._items)} (create it with dynamic_size=True to grow)")
            self._items.extend([None] * (i + 1 - len(self._items)))
        self._items[i] = v
        self._note_shape(v)
        return self

    def _write_stacked(self, index: Any, v: Tensor) -> TensorArray:
        from .indexing import tensor_scatter_nd_update
        from .shape import expand_dims, reshape
        buffer = self._grown(index) if self._dynamic_size else self._buffer
        idx = reshape(index, [1, 1])
        return self._with_buffer(tensor_scatter_nd_update(buffer, idx, expand_dims(v, 0)))

    def _grown(self, index: Any) -> Tensor:
        """The stacked buffer with rows of zeros added up to ``index`` (a dynamic array
        in a traced loop grows as it is written)."""
        from .creation import shape, zeros
        from .elementwise import cast, maximum
        from .shape import concat, reshape
        buffer = self._buffer
        dims = shape(buffer)
        more = maximum(cast(index, "int32") + 1 - dims[0], 0)
        return concat([buffer, zeros(concat([reshape(more, [1]), dims[1:]], 0),
                                     self._dtype)], 0)

    def unstack(self, value: Any, name: str | None = None) -> TensorArray:
        """The array holding ``value``'s slices along its first axis."""
        from .creation import convert_to_tensor
        from .shape import unstack
        v = convert_to_tensor(value, dtype=self._dtype)
        self._element_shape = TensorShape(v.shape[1:])
        if self._buffer is not None or _traced(v):
            return self._with_buffer(v)
        self._items = list(unstack(v)) if v.shape[0] else []
        return self

    def scatter(self, indices: Any, value: Any, name: str | None = None) -> TensorArray:
        """Store the slices of ``value`` at ``indices``."""
        from .creation import convert_to_tensor
        v = convert_to_tensor(value, dtype=self._dtype)
        if self._buffer is None and not _traced(indices, v):
            from .shape import unstack
            ids = [int(i) for i in convert_to_tensor(indices).numpy().reshape(-1)]
            for i, row in zip(ids, unstack(v) if v.shape[0] else []):
                self.write(i, row)
            return self
        from .indexing import tensor_scatter_nd_update
        from .shape import reshape
        ta = self._stacked("scatter")
        return ta._with_buffer(tensor_scatter_nd_update(ta._buffer, reshape(indices, [-1, 1]),
                                                        v))

    def split(self, value: Any, lengths: Any, name: str | None = None) -> TensorArray:
        """Store consecutive pieces of ``value`` (of the given ``lengths``) as elements."""
        from .creation import convert_to_tensor
        from .shape import split
        v = convert_to_tensor(value, dtype=self._dtype)
        sizes = [int(n) for n in convert_to_tensor(lengths).numpy().reshape(-1)]
        self._items = list(split(v, sizes)) if sizes else []
        self._buffer = None
        return self

    # -- reading ---------------------------------------------------------------------------
    def read(self, index: Any, name: str | None = None) -> Tensor:
        """The element at ``index``."""
        if self._buffer is not None or _traced(index):
            from .indexing import gather
            return gather(self._stacked("read")._buffer, index)
        i = self._index(index, "read")
        if i >= len(self._items):
            raise InvalidArgumentError(f"ember.TensorArray.read: index {i} is out of range "
                                       f"for an array of size {len(self._items)}")
        item = self._items[i]
        return item if item is not None else self._zeros()

    def gather(self, indices: Any, name: str | None = None) -> Tensor:
        """The elements at ``indices``, stacked."""
        from .indexing import gather
        return gather(self.stack(), indices)

    def stack(self, name: str | None = None) -> Tensor:
        """Every element, stacked along a new first axis."""
        if self._buffer is not None:
            return self._buffer
        from .shape import stack
        if not self._items:
            return self._empty()
        return stack([self._zeros() if t is None else t for t in self._items])

    def concat(self, name: str | None = None) -> Tensor:
        """Every element, joined along its first axis."""
        from .shape import concat, reshape
        if self._buffer is not None:
            b = self._buffer
            return reshape(b, [-1] + list(b.shape[2:]))
        if not self._items:
            from .creation import zeros
            rest = self._known_shape("concat")[1:]
            return zeros([0] + rest, dtype=self._dtype)
        return concat([self._zeros() if t is None else t for t in self._items], axis=0)

    def identity(self) -> TensorArray:
        return self

    def close(self, name: str | None = None) -> None:
        """Nothing to release (TF1 API)."""

    def mark_used(self) -> None:
        """Nothing to check (TF1 API)."""

    # -- helpers ---------------------------------------------------------------------------
    def _index(self, index: Any, op: str) -> int:
        i = int(index._value if isinstance(index, Tensor) else index)
        if i < 0:
            raise InvalidArgumentError(f"ember.TensorArray.{op}: index must be >= 0; got {i}")
        return i

    def _known_shape(self, op: str) -> list:
        es = self._element_shape
        if es is None or not es.is_fully_defined():
            raise ValueError(
                f"ember.TensorArray.{op}: the element shape is not known ({self.element_shape}); "
                "give element_shape= when creating the array (or write an element first)")
        return es.as_list()

    def _zeros(self) -> Tensor:
        from .creation import zeros
        return zeros(self._known_shape("read"), dtype=self._dtype)

    def _empty(self) -> Tensor:
        from .creation import zeros
        es = self._element_shape
        shape = [0] + (es.as_list() if es is not None and es.rank is not None else [])
        return zeros([0 if d is None else d for d in shape], dtype=self._dtype)

    def _with_buffer(self, buffer: Tensor) -> TensorArray:
        ta = TensorArray.__new__(TensorArray)
        ta._dtype, ta._dynamic_size = self._dtype, self._dynamic_size
        ta._items, ta._buffer = None, buffer
        ta._element_shape = TensorShape(buffer.shape[1:])
        ta._infer_shape = self._infer_shape
        if self._dynamic_size:
            _GROWABLE[id(buffer)] = buffer
        return ta

    def _stacked(self, op: str) -> TensorArray:
        """This array as one stacked tensor (inside traced loops); a dynamic one's
        buffer grows in the loop (``growable``)."""
        if self._buffer is not None:
            return self
        self._known_shape(op)
        return self._with_buffer(self.stack())

    # -- nests: inside a traced loop the array is its stacked tensor -------------------------
    def _nest_components(self) -> list:
        if self._buffer is not None:
            return [self._buffer]
        if _prim.STATE.tracing:
            return [self._stacked("while_loop")._buffer]
        return []                 # eagerly the array itself carries its elements

    def _nest_rebuild(self, parts: list) -> TensorArray:
        return self._with_buffer(parts[0]) if parts else self

    def __repr__(self) -> str:
        n = len(self._items) if self._items is not None else self._buffer.shape[0]
        return f"<ember.TensorArray dtype={self._dtype.name} size={n}>"
