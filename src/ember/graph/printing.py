"""``ember.print``: TensorFlow's ``tf.print``, printing tensors every time it runs.

Eagerly it prints at once. Inside a traced ``ember.function`` (and inside the branches
and loop bodies of its control flow) it is recorded as a step of the graph, so it prints
on every call with that call's values, unlike Python's ``print``, which runs only while
the function is traced. Tensors are formatted as TensorFlow formats them: NumPy-like
rows without commas, ``summarize`` elements at each end of a long dimension, floats in
their shortest of 6 or 9 significant digits (15 or 17 for float64), booleans as 1 / 0.
"""
from __future__ import annotations

import sys
from typing import Any

import numpy as np

from ..core import nest
from ..core.backend import to_host
from ..core.tensor import Tensor
from ..core.variable import Variable
from .host_call import call_pyfunc

__all__ = ["print"]


def print(*inputs: Any, output_stream: Any = None, summarize: int | None = 3,
          sep: str = " ", end: str = "\n", name: str | None = None) -> None:
    """Print ``inputs`` (tensors, Python values and nests of them) to ``output_stream``
    (``sys.stderr`` by default; a file-like object, a ``"file://path"`` to append to, or
    a function such as ``logging.info``), joined by ``sep`` and followed by ``end``.
    ``summarize`` elements are shown at each end of a dimension longer than twice that
    (``None`` or ``-1``: all).

    >>> import ember, sys
    >>> from ember.graph.printing import print as ember_print
    >>> ember_print("x:", ember.constant([1.5, 2.0]), output_stream=sys.stdout)
    x: [1.5 2]
    >>> f = ember.function(lambda x: (ember_print(x, output_stream=sys.stdout), x)[1])
    >>> _ = f(ember.constant(1)); _ = f(ember.constant(2))
    1
    2
    """
    if summarize is not None and summarize < 0:
        summarize = None
    leaves = nest.flatten(list(inputs))
    tensors = [x.read_value() if isinstance(x, Variable) else x for x in leaves
               if isinstance(x, (Tensor, Variable))]

    def emit(*arrays: Any) -> tuple:
        values = iter(arrays)
        flat = [_format_array(np.asarray(to_host(next(values))), summarize)
                if isinstance(x, (Tensor, Variable)) else _Raw(x) for x in leaves]
        structure = nest.pack_sequence_as(list(inputs), flat)
        text = sep.join(_format_top(x) for x in structure) + end
        _write(output_stream, text)
        return ()

    call_pyfunc(emit, tensors, f"print {name}" if name else "print", effect=True,
                record_always=True, run_in_dry_trace=False)


class _Raw:
    """A Python leaf of the printed structure (shown as Python shows it)."""

    __slots__ = ("value",)

    def __init__(self, value: Any):
        self.value = value


class _Text(str):
    """A formatted tensor (shown as is, also inside a structure)."""


def _format_top(x: Any) -> str:
    if isinstance(x, _Raw):
        return str(x.value)
    return _format_nested(x)


def _format_nested(x: Any) -> str:
    if isinstance(x, _Text):
        return str(x)
    if isinstance(x, _Raw):
        return repr(x.value)
    if isinstance(x, dict):
        return "{" + ", ".join(f"{k!r}: {_format_nested(v)}" for k, v in x.items()) + "}"
    if isinstance(x, tuple):
        items = [_format_nested(v) for v in x]
        if hasattr(x, "_fields"):
            return f"{type(x).__name__}(" + ", ".join(
                f"{f}={v}" for f, v in zip(x._fields, items)) + ")"
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    if isinstance(x, list):
        return "[" + ", ".join(_format_nested(v) for v in x) + "]"
    return repr(x)


def _format_array(a: np.ndarray, summarize: int | None) -> _Text:
    if a.ndim == 0:
        return _Text(_format_scalar(a))
    if a.size == 0:
        return _Text("[]")
    return _Text(_format_block(a, summarize, 0))


def _format_block(a: np.ndarray, summarize: int | None, level: int) -> str:
    n = a.shape[0]
    if summarize is not None and n > 2 * summarize:
        index = [*range(summarize), None, *range(n - summarize, n)]
    else:
        index = list(range(n))
    if a.ndim == 1:
        items = ["..." if i is None else _format_scalar(a[i]) for i in index]
        return "[" + " ".join(items) + "]"
    items = ["..." if i is None else _format_block(a[i], summarize, level + 1)
             for i in index]
    return "[" + ("\n" * (a.ndim - 1) + " " * (level + 1)).join(items) + "]"


def _format_scalar(v: Any) -> str:
    v = np.asarray(v)
    kind = v.dtype.kind
    if kind == "b":
        return "1" if v else "0"
    if kind in "iu":
        return str(int(v))
    if kind == "f":
        x = float(v)
        if not np.isfinite(x):
            return "nan" if np.isnan(x) else ("inf" if x > 0 else "-inf")
        if v.dtype == np.float64:
            short = f"{x:.15g}"
            return short if float(short) == x else f"{x:.17g}"
        short = f"{x:.6g}"
        return short if np.float32(short) == np.float32(x) else f"{x:.9g}"
    return str(v.item())


def _write(stream: Any, text: str) -> None:
    if stream is None:
        stream = sys.stderr
    if isinstance(stream, str):
        if not stream.startswith("file://"):
            raise ValueError(f"ember.print: output_stream {stream!r} is not a stream, a "
                             "function or a 'file://path'")
        with open(stream[len("file://"):], "a", encoding="utf-8") as f:
            f.write(text)
        return
    if hasattr(stream, "write"):
        stream.write(text)
        if hasattr(stream, "flush"):
            stream.flush()
        return
    if callable(stream):          # logging.info and friends take the line, no newline
        stream(text.removesuffix("\n"))
        return
    raise ValueError(f"ember.print: output_stream must be a stream, a function or a "
                     f"'file://path'; got {stream!r}")
