"""Element structures: nests (tuples, dicts, namedtuples) of NumPy arrays inside the
pipeline, Ember tensors at its edges, and their ``TensorSpec`` descriptions."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import ember
from ember.core.errors import InvalidArgumentError


class DatasetSpec:
    """The spec of a dataset-valued component (what ``window`` yields)."""

    def __init__(self, element_spec: Any):
        self.element_spec = element_spec

    def __eq__(self, other):
        return isinstance(other, DatasetSpec) and other.element_spec == self.element_spec

    def __repr__(self):
        return f"DatasetSpec({self.element_spec!r})"


def map_structure(fn: Callable, s: Any) -> Any:
    """``fn`` applied to each leaf of a nest of tuples / namedtuples / dicts."""
    if isinstance(s, dict):
        return {k: map_structure(fn, v) for k, v in s.items()}
    if isinstance(s, tuple):
        items = [map_structure(fn, v) for v in s]
        return type(s)(*items) if hasattr(s, "_fields") else tuple(items)
    return fn(s)


def flatten(s: Any) -> list:
    if isinstance(s, dict):
        return [x for k in sorted(s) for x in flatten(s[k])]
    if isinstance(s, tuple):
        return [x for v in s for x in flatten(v)]
    return [s]


def pack_as(structure: Any, flat: list) -> Any:
    it = iter(flat)

    def build(s):
        if isinstance(s, dict):
            built = {k: build(s[k]) for k in sorted(s)}
            return {k: built[k] for k in s}
        if isinstance(s, tuple):
            items = [build(v) for v in s]
            return type(s)(*items) if hasattr(s, "_fields") else tuple(items)
        return next(it)

    return build(structure)


def same_structure(a: Any, b: Any) -> bool:
    if isinstance(a, dict) or isinstance(b, dict):
        return isinstance(a, dict) and isinstance(b, dict) and set(a) == set(b) and \
            all(same_structure(a[k], b[k]) for k in a)
    if isinstance(a, tuple) or isinstance(b, tuple):
        return isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b) and \
            all(same_structure(x, y) for x, y in zip(a, b))
    return True


def to_numpy(value: Any) -> np.ndarray:
    """One leaf as a NumPy array with TF's dtype rules for Python values
    (floats -> float32, ints -> int32, str -> bytes)."""
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, (ember.Tensor, ember.Variable)):
        return np.asarray(value.numpy())
    if isinstance(value, np.generic):
        return np.asarray(value)
    if isinstance(value, (str, bytes)) or (
            isinstance(value, (list, tuple)) and value and
            isinstance(ember.nest.flatten(list(value))[0], (str, bytes))):
        return np.asarray(value, dtype=np.bytes_) if not isinstance(value, bytes) \
            else np.asarray(value)
    if hasattr(value, "to_numpy"):       # pandas
        return np.asarray(value.to_numpy())
    try:
        return np.asarray(ember.constant(value).numpy())
    except Exception:   # noqa: BLE001 -- fall back to NumPy's own conversion
        return np.asarray(value)


def element_to_numpy(value: Any) -> Any:
    """A user-given element (lists inside are tensors; a top-level list is a tuple, as
    TF's map does) as a nest of NumPy arrays."""
    if isinstance(value, list):
        value = tuple(value)
    return map_structure(to_numpy, value)   # a list is a leaf: one tensor, as in TF


def tensors_to_numpy(value: Any) -> Any:
    """What ``from_tensor_slices`` / ``from_tensors`` get: lists are tensors."""
    return map_structure(to_numpy, value)


def leaf_to_ember(a: np.ndarray) -> Any:
    if not isinstance(a, (np.ndarray, np.generic)):
        return a            # a dataset inside a window element
    if a.dtype.kind in "SUO":
        return a            # Ember has no string tensors: strings stay NumPy bytes arrays
    return ember.constant(a)


def element_to_ember(element: Any) -> Any:
    return map_structure(leaf_to_ember, element)


class StringSpec:
    """Spec of a string component (Ember has no string tensors; such leaves are NumPy
    ``bytes_`` arrays)."""

    def __init__(self, shape):
        self.shape = ember.TensorShape(shape) if shape is not None else None
        self.dtype = "string"

    def __eq__(self, other):
        return isinstance(other, StringSpec) and \
            tuple(self.shape or ()) == tuple(other.shape or ())

    def __repr__(self):
        return f"TensorSpec(shape={tuple(self.shape)}, dtype=ember.string, name=None)"


def make_spec(shape, dtype) -> Any:
    dtype = np.dtype(dtype)
    shape = None if shape is None else tuple(shape)
    if dtype.kind in "SUO":
        return StringSpec(shape)
    return ember.TensorSpec(shape, dtype)


def spec_of(element: Any) -> Any:
    return map_structure(lambda a: make_spec(a.shape, a.dtype), element)


def placeholder_element(spec: Any, size: int = 1, value: int = 0) -> Any:
    """An element of ``spec`` filled with ``value`` (unknown dims of ``size``, unknown
    rank a scalar): what a user function is run on to find its output spec when the
    input dataset is empty (TF traces it symbolically instead)."""
    def leaf(s):
        if isinstance(s, DatasetSpec):
            from .batching import _ListDataset
            return _ListDataset([], s.element_spec)
        shape = spec_shape(s)
        dims = () if shape is None else tuple(size if d is None else d for d in shape)
        return np.full(dims, value, spec_np_dtype(s))
    return map_structure(leaf, spec)


def spec_shape(spec) -> tuple | None:
    return None if spec.shape is None else tuple(spec.shape)


def spec_np_dtype(spec) -> np.dtype:
    if isinstance(spec, StringSpec):
        return np.dtype(np.bytes_)
    return np.dtype(ember.dtypes.as_dtype(spec.dtype).as_numpy_dtype)


def relax_shape(spec, keep: Callable[[int, int | None], bool]) -> Any:
    """``spec`` with the dims where ``keep(i, d)`` is false set to None."""
    if spec.shape is None:
        return spec
    dims = tuple(d if keep(i, d) else None for i, d in enumerate(tuple(spec.shape)))
    if isinstance(spec, StringSpec):
        return StringSpec(dims)
    return ember.TensorSpec(dims, spec.dtype)


def merge_specs(a, b, op: str):
    """The most specific spec both ``a`` and ``b`` fit (dims that differ become None)."""
    if spec_np_dtype(a) != spec_np_dtype(b):
        raise TypeError(f"ember.data.Dataset.{op}: incompatible dataset elements: {a} vs. {b}")
    sa, sb = spec_shape(a), spec_shape(b)
    if sa is None or sb is None or len(sa) != len(sb):
        return make_spec(None, spec_np_dtype(a))      # a StringSpec for bytes dtypes
    return make_spec(tuple(x if x == y else None for x, y in zip(sa, sb)), spec_np_dtype(a))


def check_first_dims(flat: list, op: str) -> int:
    sizes = [a.shape[0] if a.ndim else None for a in flat]
    if any(s is None for s in sizes):
        raise InvalidArgumentError(
            f"ember.data.Dataset.{op}: every component must have at least one dimension to "
            f"slice along; got shapes {[tuple(a.shape) for a in flat]}")
    if len(set(sizes)) > 1:
        raise InvalidArgumentError(
            f"ember.data.Dataset.{op}: all components must have the same size in their "
            f"first dimension; got shapes {[tuple(a.shape) for a in flat]}")
    return sizes[0] if sizes else 0


def cast_state(state: Any, spec: Any, op: str) -> Any:
    """A new ``reduce`` / ``scan`` state as the dtypes of ``spec`` (the initial state's):
    the structure must match and a dtype may change only within its kind (int64 back to
    int32, float64 to float32); a float state for an integer one is refused, as in TF."""
    flat, specs = flatten(state), flatten(spec)
    if len(flat) != len(specs) or not same_structure(state, spec):
        raise TypeError(f"ember.data.Dataset.{op}: the new state must have the structure of "
                        f"the initial state {spec}; got {state}")
    out = []
    for a, s in zip(flat, specs):
        want = spec_np_dtype(s)
        if a.dtype != want and not (np.can_cast(a.dtype, want, "same_kind") and
                                    (a.dtype.kind == "S") == (want.kind == "S")):
            raise TypeError(f"ember.data.Dataset.{op}: the element types of the new state "
                            f"must match the initial state: expected {want}, got {a.dtype}")
        out.append(a.astype(want, copy=False))
    return pack_as(spec, out)
