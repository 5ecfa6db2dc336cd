"""The signature of a call: what decides whether an ``ember.function`` can reuse a trace.

Tensors (and NumPy arrays and numbers) count by shape and dtype; variables by identity (they are
captured by reference); Python values by value; the nesting of lists, tuples and dicts
by its structure. ``encode`` turns a call's arguments into a hashable key and collects
the tensor arguments, in order, as the inputs of the graph.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core.tensor import Tensor
from ..core.variable import Variable
from .tensor_spec import TensorSpec

_SCALARS = (int, float, bool, str, bytes, type(None), complex)
_NUMERIC_KINDS = frozenset("biufc")


def encode(obj: Any, tensors: list, specs: Any = None) -> Any:
    """A hashable key for ``obj``; its tensor leaves are appended to ``tensors`` (as
    arrays). ``specs`` (the same nest of TensorSpecs) relaxes the shapes in the key."""
    t = type(obj)
    if specs is None:          # the common case, kept short: it runs on every call
        if t is Tensor:
            v = obj._value
            tensors.append(v)
            return ("T", v.shape, v.dtype.str)
        if t is tuple or t is list:
            return (t, tuple([encode(x, tensors) for x in obj]))
    if t is Tensor or (isinstance(obj, Tensor) and t.__name__ != "KerasTensor"):
        v = obj._value
        tensors.append(v)
        return ("T", _shape_key(v.shape, specs), v.dtype.str)
    if t is np.ndarray:
        tensors.append(obj)
        return ("T", _shape_key(obj.shape, specs), obj.dtype.str)
    if t in _SCALARS:
        return ("P", t, obj)
    if isinstance(obj, Variable):
        return ("V", id(obj))
    if isinstance(obj, TensorSpec):
        return ("S", obj._key())
    if t is tuple or t is list:
        sub = specs if isinstance(specs, (list, tuple)) else None
        return (t, tuple(encode(x, tensors, sub[i] if sub is not None and i < len(sub)
                                else None) for i, x in enumerate(obj)))
    if isinstance(obj, dict):
        sub = specs if isinstance(specs, dict) else None
        return (dict, tuple((k, encode(obj[k], tensors, sub.get(k) if sub else None))
                            for k in sorted(obj)))
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return (t, tuple(encode(x, tensors) for x in obj))
    if isinstance(obj, np.generic):
        if obj.dtype.kind in _NUMERIC_KINDS:    # a NumPy number is a 0-d tensor (as in TF)
            arr = np.asarray(obj)
            tensors.append(arr)
            return ("T", (), arr.dtype.str)
        return ("P", t, obj.item())
    return ("O", id(obj))


def tensor_leaves(obj: Any) -> list:
    """The tensor leaves of ``obj`` as arrays, in ``encode``'s order."""
    tensors: list = []
    encode(obj, tensors)
    return tensors


def substitute_specs(obj: Any, unknown_size: int = 2) -> Any:
    """``obj`` with each TensorSpec replaced by an example array of its shape and dtype
    (``unknown_size`` for ``None`` dimensions), for tracing without real inputs."""
    if isinstance(obj, TensorSpec):
        shape = () if obj.shape is None else tuple(unknown_size if d is None else d
                                                     for d in obj.shape)
        return np.zeros(shape, dtype=obj.dtype.as_numpy_dtype)
    t = type(obj)
    if t is tuple or t is list:
        return t(substitute_specs(x, unknown_size) for x in obj)
    if isinstance(obj, dict):
        return {k: substitute_specs(v, unknown_size) for k, v in obj.items()}
    return obj


def _shape_key(shape: tuple, spec: Any) -> tuple:
    if isinstance(spec, TensorSpec) and spec.shape is not None:
        return tuple(None if s is None else d for d, s in zip(shape, spec.shape))
    return tuple(shape)


def substitute(obj: Any, replacements: list) -> Any:
    """``obj`` with its tensor leaves (in ``encode``'s order) replaced by the next items
    of ``replacements`` (consumed from the front)."""
    t = type(obj)
    if isinstance(obj, Tensor) and t.__name__ != "KerasTensor" or t is np.ndarray:
        return replacements.pop(0)
    if isinstance(obj, np.generic) and obj.dtype.kind in _NUMERIC_KINDS:
        return replacements.pop(0)
    if t is tuple or t is list:
        return t(substitute(x, replacements) for x in obj)
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return t(*(substitute(x, replacements) for x in obj))
    if isinstance(obj, dict):
        done = {k: substitute(obj[k], replacements) for k in sorted(obj)}
        return {k: done[k] for k in obj}
    return obj


def describe_change(old: Any, new: Any, names: list[str]) -> str:
    """Which argument differs between two call keys, in words (for retrace warnings)."""
    old_args, new_args = old[0], new[0]
    for i, (a, b) in enumerate(zip(old_args[1], new_args[1])):
        if a != b:
            name = names[i] if i < len(names) else f"#{i}"
            return f"argument '{name}' changed: {_describe(a)} -> {_describe(b)}"
    if old[1] != new[1]:
        before, after = dict(old[1][1]), dict(new[1][1])
        for name in sorted(before.keys() | after.keys()):
            if before.get(name) != after.get(name):
                return (f"keyword argument '{name}' changed: "
                        f"{_describe(before.get(name))} -> {_describe(after.get(name))}")
        return "keyword arguments changed"
    return "the number of arguments changed"


def _describe(key: Any) -> str:
    if key is None:
        return "not given"
    if isinstance(key, tuple) and key and key[0] == "T":
        return f"tensor {np.dtype(key[2]).name}{list(key[1])}"
    if isinstance(key, tuple) and key and key[0] == "P":
        return f"Python value {key[2]!r}"
    if isinstance(key, tuple) and key and key[0] in ("V", "O"):
        return "another object"
    return "another structure"
