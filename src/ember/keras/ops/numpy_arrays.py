"""Array-building and array-manipulation ops of ``keras.ops`` (Keras's ``ops/numpy.py``).

Stacking and splitting (``hstack``, ``array_split``, ``dsplit`` ...), axis moves
(``moveaxis``, ``swapaxes``, ``rot90``), diagonals (``diagonal``, ``trace``, ``diagflat``),
products (``inner``, ``outer``, ``kron``, ``vdot``, ``cross``), grids and sequences
(``meshgrid``, ``logspace``, ``geomspace``, ``tri``, ``vander``), indexing helpers
(``get_item``, ``nonzero``, ``unravel_index``, ``select``), ``slogdet``, ``view`` and
``vectorize``. All are built from Ember ops, so every float result is differentiable.

Result dtypes follow Keras's promotion (Python scalars are weak, an integer meeting a
float gives that float, ``float16`` with ``bfloat16`` gives ``float32``), except that
64-bit dtypes stay 64-bit where Keras narrows them to 32 bits.

>>> from ember import keras
>>> from ember.keras.ops import numpy_arrays as kops
>>> kops.hstack([[1, 2], [3.5]]).numpy().tolist()
[1.0, 2.0, 3.5]
"""
from __future__ import annotations

import functools
import itertools
import math
import operator
import re
from collections.abc import Callable
from typing import Any

import numpy as np

import ember

from ..models.keras_tensor import any_symbolic
from ._dispatch import keras_op
from ._dispatch import t as _t
from ._dtypes import sum_dtype

__all__ = [
    "append", "array", "array_split", "cross", "diagflat", "diagonal", "diff", "dsplit",
    "dstack", "empty", "empty_like", "fliplr", "flipud", "geomspace", "get_item", "hsplit",
    "hstack", "inner", "kron", "logspace", "meshgrid", "moveaxis", "nonzero", "outer",
    "ravel", "rot90", "select", "slogdet", "swapaxes", "trace", "tri", "unravel_index",
    "vander", "vdot", "vectorize", "view", "vsplit", "vstack",
]

# ---- helpers ----------------------------------------------------------------------------
_FLOAT_RANK = {"float16": 1, "bfloat16": 1, "float32": 2, "float64": 3}


def _promote(dtypes: list, weak_int: bool = False, weak_float: bool = False) -> str:
    """Keras's result dtype of strong ``dtypes`` (names) and weak Python ints/floats.

    Floats win over integers and bools; among floats the widest wins (``float16`` with
    ``bfloat16`` gives ``float32``); integers promote as in NumPy; a weak float turns an
    integer or bool result into ``float32``, a weak int turns a bool result into ``int32``.
    """
    if any(d.startswith("complex") for d in dtypes):
        out = np.dtype(dtypes[0] if dtypes[0] != "bfloat16" else "float32")
        for d in dtypes[1:]:
            out = np.promote_types(out, "float32" if d == "bfloat16" else d)
        return out.name
    floats = [d for d in dtypes if d in _FLOAT_RANK]
    if floats:
        top = floats[0]
        for d in floats[1:]:
            if _FLOAT_RANK[d] > _FLOAT_RANK[top]:
                top = d
        if _FLOAT_RANK[top] == 1 and len(set(floats)) > 1:
            return "float32"
        return top
    ints = [d for d in dtypes if d != "bool"]
    if ints:
        if weak_float:
            return "float32"
        out = ints[0]
        for d in ints[1:]:
            out = np.promote_types(out, d).name
        return "int64" if out == "float64" else out  # uint64 with a signed type
    if weak_float:
        return "float32"
    if weak_int:
        return "int32"
    return "bool" if dtypes else "float32"


def _is_weak(v: Any) -> bool:
    return type(v) is int or type(v) is float


def _common(values: list) -> list:
    """``values`` as tensors of their common Keras dtype (Python scalars are weak)."""
    tensors = [_t(v) for v in values]
    strong = [x.dtype.name for v, x in zip(values, tensors) if not _is_weak(v)]
    dtype = _promote(strong, any(type(v) is int for v in values),
                     any(type(v) is float for v in values))
    return [x if x.dtype.name == dtype else ember.cast(x, dtype) for x in tensors]


def _axis(axis: Any, ndim: int, op: str, arg: str = "axis") -> int:
    """``axis`` as a non-negative int below ``ndim``, or a ValueError naming ``op``."""
    try:
        a = operator.index(axis)
    except TypeError:
        raise TypeError(f"keras.ops.{op}: `{arg}` must be an integer; received "
                        f"{arg}={axis!r}") from None
    if not -ndim <= a < ndim:
        raise ValueError(f"keras.ops.{op}: {arg}={axis} is out of bounds for a tensor with "
                         f"{ndim} dimension(s)")
    return a % ndim


def _along(axis: int, ndim: int, index: Any) -> tuple:
    """A key that applies ``index`` on ``axis`` and takes everything elsewhere."""
    return (slice(None),) * axis + (index,) + (slice(None),) * (ndim - axis - 1)


def _shape(x: ember.Tensor) -> tuple:
    return tuple(int(d) for d in x.shape)


def _flat(x: ember.Tensor) -> ember.Tensor:
    return ember.reshape(x, [-1])


def _moveaxis(x: ember.Tensor, source: list, destination: list) -> ember.Tensor:
    order = [d for d in range(x.ndim) if d not in source]
    for dst, src in sorted(zip(destination, source)):
        order.insert(dst, src)
    return x if order == list(range(x.ndim)) else ember.transpose(x, order)


def _concat(xs: list, axis: int, op: str) -> ember.Tensor:
    """Join same-rank tensors along ``axis``, with a Keras-style error on a mismatch."""
    first = _shape(xs[0])
    for x in xs[1:]:
        s = _shape(x)
        if len(s) != len(first) or any(a != b for i, (a, b) in enumerate(zip(s, first))
                                       if i != axis):
            raise ValueError(f"keras.ops.{op}: every tensor must have the same shape except "
                             f"on axis {axis}; received shapes "
                             f"{[_shape(v) for v in xs]}")
    return ember.concat(xs, axis=axis)


def _dims(shape: Any, op: str) -> list:
    if isinstance(shape, (int, np.integer)):
        shape = [shape]
    try:
        dims = [operator.index(d) for d in shape]
    except TypeError:
        raise TypeError(f"keras.ops.{op}: `shape` must be an int or a sequence of ints; "
                        f"received shape={shape!r}") from None
    if any(d < 0 for d in dims):
        raise ValueError(f"keras.ops.{op}: negative dimensions are not allowed; received "
                         f"shape={tuple(dims)}")
    return dims


# ---- creation ---------------------------------------------------------------------------
@keras_op
def array(x: Any, dtype: Any = None) -> ember.Tensor:
    """A tensor of ``x`` (as ``convert_to_tensor``), cast to ``dtype`` when given.

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> kops.array([1, 2, 3]).dtype
    ember.int32
    >>> kops.array([1, 2, 3], dtype="float32").numpy().tolist()
    [1.0, 2.0, 3.0]
    """
    return _t(x, dtype)


def empty(shape: Any, dtype: Any = None) -> ember.Tensor:
    """A tensor of ``shape`` (float32 by default). Ember fills it with zeros.

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> kops.empty((2, 3)).shape
    TensorShape([2, 3])
    """
    return ember.zeros(_dims(shape, "empty"), dtype=dtype or "float32")


@keras_op
def empty_like(x: Any, dtype: Any = None) -> ember.Tensor:
    """A tensor with ``x``'s shape and dtype (or ``dtype``). Ember fills it with zeros.

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> kops.empty_like([[1, 2]], dtype="float16").dtype
    ember.float16
    """
    x = _t(x)
    return ember.zeros(list(_shape(x)), dtype=dtype or x.dtype)


def tri(N: int, M: int | None = None, k: int = 0, dtype: Any = None) -> ember.Tensor:
    """An ``N x M`` tensor with ones at and below the ``k``-th diagonal (float32 default).

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> kops.tri(2, 3).numpy().tolist()
    [[1.0, 0.0, 0.0], [1.0, 1.0, 0.0]]
    """
    M = N if M is None else M
    n, m = _dims([N, M], "tri")
    rows = ember.expand_dims(ember.range(0, n, dtype="int32"), 1)
    cols = ember.expand_dims(ember.range(0, m, dtype="int32"), 0)
    return ember.cast(ember.greater_equal(rows + int(k), cols), dtype or "float32")


def _sequence(start: Any, stop: Any, num: int, endpoint: bool, axis: int, op: str):
    """``num`` evenly spaced float64 points from ``start`` to ``stop`` on a new ``axis``
    (and that axis, made non-negative)."""
    num = operator.index(num)
    if num < 0:
        raise ValueError(f"keras.ops.{op}: `num` must be non-negative; received num={num}")
    lo, hi = ember.cast(_t(start), "float64"), ember.cast(_t(stop), "float64")
    shape = ember.broadcast_static_shape(lo.shape, hi.shape)
    lo, hi = ember.broadcast_to(lo, shape), ember.broadcast_to(hi, shape)
    ndim = len(shape) + 1
    ax = _axis(axis, ndim, op)
    div = (num - 1) if endpoint else num
    frac = ember.range(0, num, dtype="float64") / float(div if div > 0 else 1)
    frac = ember.reshape(frac, [num if d == ax else 1 for d in range(ndim)])
    lo, hi = ember.expand_dims(lo, ax), ember.expand_dims(hi, ax)
    # (1 - f) * lo + f * hi is exactly lo at f = 0 and exactly hi at f = 1
    return lo * (1.0 - frac) + hi * frac, ax


def _cast_values(values: ember.Tensor, dtype: str) -> ember.Tensor:
    """float64 ``values`` as ``dtype``; for integers, values within 1e-9 of an integer
    snap to it first (so ``10 ** 2`` computed as 99.99999999999997 still gives 100)."""
    if ember.as_dtype(dtype).is_integer:
        r = ember.round(values)
        close = ember.less_equal(ember.abs(values - r), 1e-9 * ember.maximum(ember.abs(r), 1.0))
        values = ember.where(close, r, values)
    return ember.cast(values, dtype)


def _space_dtype(start: Any, stop: Any, dtype: Any) -> str:
    if dtype is not None:
        return ember.as_dtype(dtype).name
    return _promote([_t(v).dtype.name for v in (start, stop) if not _is_weak(v)],
                    weak_float=True)


@keras_op
def logspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, base: Any = 10,
             dtype: Any = None, axis: int = 0) -> ember.Tensor:
    """``num`` values from ``base ** start`` to ``base ** stop``, evenly spaced in log space.

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> kops.logspace(0, 3, 4).numpy().tolist()
    [1.0, 10.0, 100.0, 1000.0]
    """
    out_dtype = _space_dtype(start, stop, dtype)
    exps = _sequence(start, stop, num, endpoint, axis, "logspace")[0]
    values = ember.pow(ember.cast(_t(base), "float64"), exps)
    return _cast_values(values, out_dtype)


@keras_op
def geomspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, dtype: Any = None,
              axis: int = 0) -> ember.Tensor:
    """``num`` values from ``start`` to ``stop`` in a geometric progression.

    Both ends must be nonzero; two negative ends give a negative progression.

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> kops.geomspace(1, 1000, 4).numpy().tolist()
    [1.0, 10.0, 100.0, 1000.0]
    """
    out_dtype = _space_dtype(start, stop, dtype)
    lo, hi = ember.cast(_t(start), "float64"), ember.cast(_t(stop), "float64")
    if ember.executing_eagerly() and (bool(ember.reduce_any(ember.equal(lo, 0.0)))
                                      or bool(ember.reduce_any(ember.equal(hi, 0.0)))):
        raise ValueError("keras.ops.geomspace: a geometric sequence cannot include zero; "
                         f"received start={start!r}, stop={stop!r}")
    shape = ember.broadcast_static_shape(lo.shape, hi.shape)
    lo, hi = ember.broadcast_to(lo, shape), ember.broadcast_to(hi, shape)
    sign = ember.sign(lo)
    lo, hi = lo * sign, hi * sign  # the sign of start, taken out (NumPy's convention)
    exps, ax = _sequence(ember.math.log(lo), ember.math.log(hi), num, endpoint, axis,
                         "geomspace")
    values = ember.exp(exps)
    # the first value is start exactly, and the last stop exactly when it is included
    position = ember.range(0, operator.index(num), dtype="int32")
    position = ember.reshape(position, [-1 if d == ax else 1 for d in range(values.ndim)])
    lo_b, hi_b = ember.expand_dims(lo, ax), ember.expand_dims(hi, ax)
    values = ember.where(ember.equal(position, 0), ember.broadcast_to(lo_b, values.shape),
                         values)
    if endpoint and num > 1:
        values = ember.where(ember.equal(position, num - 1),
                             ember.broadcast_to(hi_b, values.shape), values)
    values = values * ember.expand_dims(sign, ax)
    return _cast_values(values, out_dtype)


@keras_op
def meshgrid(*x: Any, indexing: str = "xy") -> list:
    """Coordinate grids from 1-D tensors (N-D inputs are flattened first).

    ``indexing="xy"`` (Cartesian) swaps the first two output axes; ``"ij"`` does not.

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> gx, gy = kops.meshgrid([1, 2, 3], [4, 5], indexing="ij")
    >>> gx.shape, gy.numpy().tolist()
    (TensorShape([3, 2]), [[4, 5], [4, 5], [4, 5]])
    """
    if indexing not in ("xy", "ij"):
        raise ValueError("keras.ops.meshgrid: valid values for `indexing` are 'xy' and "
                         f"'ij'; received indexing={indexing!r}")
    return ember.meshgrid(*[_t(v) for v in x], indexing=indexing)


@keras_op
def vander(x: Any, N: int | None = None, increasing: bool = False) -> ember.Tensor:
    """The Vandermonde matrix of 1-D ``x``: columns are powers of ``x``.

    Powers decrease from ``N - 1`` to 0 left to right, or increase when ``increasing``.
    Integer inputs are raised exactly in their own dtype.

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> kops.vander([1, 2, 3]).numpy().tolist()
    [[1, 1, 1], [4, 2, 1], [9, 3, 1]]
    """
    x = _t(x)
    if x.ndim != 1:
        raise ValueError("keras.ops.vander: input tensor must be 1-dimensional; received "
                         f"input.shape={_shape(x)}")
    if N is not None:
        if not isinstance(N, (int, np.integer)) or isinstance(N, bool):
            raise TypeError(f"keras.ops.vander: argument `N` must be of type `int`; received "
                            f"N={N!r} of type {type(N)}")
        if N < 0:
            raise ValueError(f"keras.ops.vander: argument `N` must be nonnegative; received "
                             f"N={N}")
    if not isinstance(increasing, bool):
        raise TypeError("keras.ops.vander: argument `increasing` must be of type `bool`; "
                        f"received increasing={increasing!r} of type {type(increasing)}")
    n = _shape(x)[0] if N is None else int(N)
    dtype = x.dtype
    if dtype.is_floating:
        compute = dtype.name if dtype.name in ("float32", "float64") else "float32"
    else:
        compute = "int32" if dtype.is_bool else dtype.name
    powers = ember.range(0, n, dtype=compute)
    if not increasing:
        powers = ember.reverse(powers, [0])
    base = ember.cast(ember.expand_dims(x, 1), compute)
    powers = ember.expand_dims(powers, 0)
    # x ** 0 is 1 (and its gradient 0) even at x = 0
    base = ember.where(ember.equal(powers, 0), ember.ones_like(powers), base)
    return ember.cast(ember.pow(base, powers), dtype)


# ---- joining and splitting --------------------------------------------------------------
@keras_op
def append(x1: Any, x2: Any, axis: int | None = None) -> ember.Tensor:
    """``x2`` appended to the end of ``x1`` along ``axis`` (both flattened when None).

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> kops.append([1, 2, 3], [[4, 5], [6, 7]]).numpy().tolist()
    [1, 2, 3, 4, 5, 6, 7]
    """
    a, b = _common([x1, x2])
    if axis is None:
        return ember.concat([_flat(a), _flat(b)], axis=0)
    if a.ndim != b.ndim:
        raise ValueError(f"keras.ops.append: with axis={axis}, `x1` and `x2` must have the "
                         f"same number of dimensions; received shapes {_shape(a)} and "
                         f"{_shape(b)}")
    return _concat([a, b], _axis(axis, a.ndim, "append"), "append")


def _atleast(x: ember.Tensor, ndim: int) -> ember.Tensor:
    """NumPy's atleast_1d / atleast_2d / atleast_3d."""
    s = _shape(x)
    if len(s) >= ndim:
        return x
    if ndim == 1:
        return ember.reshape(x, [1])
    if ndim == 2:
        return ember.reshape(x, [1] + list(s) if s else [1, 1])
    if len(s) == 2:
        return ember.reshape(x, list(s) + [1])
    return ember.reshape(x, [1, s[0], 1] if s else [1, 1, 1])


def _stack_like(xs: Any, ndim: int, op: str) -> list:
    if not isinstance(xs, (list, tuple)):
        xs = list(ember.unstack(_t(xs))) if _t(xs).ndim else [xs]
    if not xs:
        raise ValueError(f"keras.ops.{op}: need at least one tensor to stack")
    return [_atleast(v, ndim) for v in _common(list(xs))]


@keras_op
def hstack(xs: Any) -> ember.Tensor:
    """Stack horizontally: along axis 0 for 1-D tensors, else along axis 1.

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> kops.hstack([[1, 2], [3]]).numpy().tolist()
    [1, 2, 3]
    """
    vs = _stack_like(xs, 1, "hstack")
    return _concat(vs, 0 if vs[0].ndim == 1 else 1, "hstack")


@keras_op
def vstack(xs: Any) -> ember.Tensor:
    """Stack vertically (row-wise): 1-D tensors of shape ``(N,)`` become rows ``(1, N)``.

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> kops.vstack([[1, 2], [3, 4]]).numpy().tolist()
    [[1, 2], [3, 4]]
    """
    return _concat(_stack_like(xs, 2, "vstack"), 0, "vstack")


@keras_op
def dstack(xs: Any) -> ember.Tensor:
    """Stack depth-wise (along axis 2): ``(M, N)`` becomes ``(M, N, 1)``, ``(N,)`` ``(1, N, 1)``.

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> kops.dstack([[1, 2], [3, 4]]).numpy().tolist()
    [[[1, 3], [2, 4]]]
    """
    return _concat(_stack_like(xs, 3, "dstack"), 2, "dstack")


def _split(x: ember.Tensor, indices_or_sections: Any, axis: int, op: str) -> list:
    """NumPy split: equal sections (an int), or cut points with Python slicing rules."""
    n = _shape(x)[axis]
    if isinstance(indices_or_sections, (int, np.integer)):
        k = int(indices_or_sections)
        if k <= 0:
            raise ValueError(f"keras.ops.{op}: the number of sections must be positive; "
                             f"received {k}")
        if n % k:
            raise ValueError(f"keras.ops.{op}: axis {axis} of size {n} does not split into "
                             f"{k} equal sections (array split does not result in an equal "
                             "division)")
        return list(ember.split(x, [n // k] * k, axis=axis))
    if hasattr(indices_or_sections, "numpy"):
        indices_or_sections = indices_or_sections.numpy().tolist()
    cuts = [0] + [operator.index(i) for i in indices_or_sections] + [n]
    bounds = [slice(a, b).indices(n)[:2] for a, b in itertools.pairwise(cuts)]
    sizes = [max(0, stop - start) for start, stop in bounds]
    offset, in_order = 0, True
    for (start, _), size in zip(bounds, sizes):
        in_order = in_order and (size == 0 or start == offset)
        offset += size
    if in_order and offset == n:  # consecutive pieces: one split
        return list(ember.split(x, sizes, axis=axis))
    return [x[_along(axis, x.ndim, slice(start, max(start, stop)))] for start, stop in bounds]


@keras_op
def array_split(x: Any, indices_or_sections: int, axis: int = 0) -> list:
    """Split into ``indices_or_sections`` parts that may differ by one in size.

    The first ``size % sections`` parts get one extra element.

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> [p.numpy().tolist() for p in kops.array_split([0, 1, 2, 3, 4], 2)]
    [[0, 1, 2], [3, 4]]
    """
    if not isinstance(indices_or_sections, (int, np.integer)) \
            or isinstance(indices_or_sections, bool):
        raise TypeError("keras.ops.array_split: argument `indices_or_sections` must be of "
                        f"type `int`; received indices_or_sections={indices_or_sections!r}")
    if indices_or_sections <= 0:
        raise ValueError("keras.ops.array_split: argument `indices_or_sections` must be a "
                         f"positive integer; received indices_or_sections="
                         f"{indices_or_sections}")
    if not isinstance(axis, (int, np.integer)):
        raise TypeError(f"keras.ops.array_split: argument `axis` must be of type `int`; "
                        f"received axis={axis!r}")
    x = _t(x)
    ax = _axis(axis, x.ndim, "array_split")
    n, k = _shape(x)[ax], int(indices_or_sections)
    q, r = divmod(n, k)
    return list(ember.split(x, [q + 1] * r + [q] * (k - r), axis=ax))


@keras_op
def hsplit(x: Any, indices_or_sections: Any) -> list:
    """Split column-wise: along axis 1 (axis 0 for 1-D tensors).

    ``indices_or_sections`` is a number of equal parts or a list of cut points.

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> [p.shape for p in kops.hsplit(kops.empty((4, 4)), [1, 3])]
    [TensorShape([4, 1]), TensorShape([4, 2]), TensorShape([4, 1])]
    """
    x = _t(x)
    if x.ndim == 0:
        raise ValueError("keras.ops.hsplit: hsplit only works on tensors of 1 or more "
                         "dimensions; received a scalar")
    return _split(x, indices_or_sections, 1 if x.ndim > 1 else 0, "hsplit")


@keras_op
def vsplit(x: Any, indices_or_sections: Any) -> list:
    """Split row-wise (along axis 0) a tensor of at least 2 dimensions.

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> [p.shape for p in kops.vsplit(kops.empty((4, 3)), 2)]
    [TensorShape([2, 3]), TensorShape([2, 3])]
    """
    x = _t(x)
    if x.ndim < 2:
        raise ValueError("keras.ops.vsplit: vsplit only works on tensors of 2 or more "
                         f"dimensions; received shape {_shape(x)}")
    return _split(x, indices_or_sections, 0, "vsplit")


@keras_op
def dsplit(x: Any, indices_or_sections: Any) -> list:
    """Split depth-wise (along axis 2) a tensor of at least 3 dimensions.

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> [p.shape for p in kops.dsplit(kops.empty((2, 2, 4)), 2)]
    [TensorShape([2, 2, 2]), TensorShape([2, 2, 2])]
    """
    x = _t(x)
    if x.ndim < 3:
        raise ValueError("keras.ops.dsplit: dsplit only works on tensors of 3 or more "
                         f"dimensions; received shape {_shape(x)}")
    return _split(x, indices_or_sections, 2, "dsplit")


# ---- rearranging ------------------------------------------------------------------------
@keras_op
def ravel(x: Any) -> ember.Tensor:
    """The elements as a 1-D tensor. ``keras.ops.ravel([[1, 2], [3, 4]])`` → ``[1, 2, 3, 4]``.

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> kops.ravel([[1, 2], [3, 4]]).numpy().tolist()
    [1, 2, 3, 4]
    """
    return _flat(_t(x))


@keras_op
def moveaxis(x: Any, source: Any, destination: Any) -> ember.Tensor:
    """Move axes ``source`` to positions ``destination``; other axes keep their order.

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> kops.moveaxis(kops.empty((2, 3, 4)), 0, -1).shape
    TensorShape([3, 4, 2])
    """
    x = _t(x)
    src = [source] if isinstance(source, (int, np.integer)) else list(source)
    dst = [destination] if isinstance(destination, (int, np.integer)) else list(destination)
    if len(src) != len(dst):
        raise ValueError("keras.ops.moveaxis: `source` and `destination` arguments must have "
                         f"the same number of elements; received source={source}, "
                         f"destination={destination}")
    src = [_axis(a, x.ndim, "moveaxis", "source") for a in src]
    dst = [_axis(a, x.ndim, "moveaxis", "destination") for a in dst]
    if len(set(src)) != len(src):
        raise ValueError(f"keras.ops.moveaxis: repeated axis in `source`: {source}")
    if len(set(dst)) != len(dst):
        raise ValueError(f"keras.ops.moveaxis: repeated axis in `destination`: {destination}")
    return _moveaxis(x, src, dst)


@keras_op
def swapaxes(x: Any, axis1: int, axis2: int) -> ember.Tensor:
    """Interchange two axes. ``keras.ops.swapaxes(x, 0, -1)``.

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> kops.swapaxes(kops.empty((2, 3, 4)), 0, -1).shape
    TensorShape([4, 3, 2])
    """
    x = _t(x)
    a = _axis(axis1, x.ndim, "swapaxes", "axis1")
    b = _axis(axis2, x.ndim, "swapaxes", "axis2")
    perm = list(range(x.ndim))
    perm[a], perm[b] = perm[b], perm[a]
    return ember.transpose(x, perm)


@keras_op
def fliplr(x: Any) -> ember.Tensor:
    """Reverse the order along axis 1 (left/right); ``x`` must be at least 2-D.

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> kops.fliplr([[1, 2, 3]]).numpy().tolist()
    [[3, 2, 1]]
    """
    x = _t(x)
    if x.ndim < 2:
        raise ValueError("keras.ops.fliplr: requires input with 2 or more dimensions; "
                         f"received x.shape={_shape(x)}")
    return ember.reverse(x, [1])


@keras_op
def flipud(x: Any) -> ember.Tensor:
    """Reverse the order along axis 0 (up/down); ``x`` must be at least 1-D.

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> kops.flipud([[1, 2], [3, 4]]).numpy().tolist()
    [[3, 4], [1, 2]]
    """
    x = _t(x)
    if x.ndim < 1:
        raise ValueError("keras.ops.flipud: requires input with 1 or more dimensions; "
                         f"received x.shape={_shape(x)}")
    return ember.reverse(x, [0])


@keras_op
def rot90(array: Any, k: int = 1, axes: Any = (0, 1)) -> ember.Tensor:
    """Rotate by 90 degrees ``k`` times, counterclockwise, in the plane of ``axes``.

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> kops.rot90([[1, 2], [3, 4]]).numpy().tolist()
    [[2, 4], [1, 3]]
    """
    x = _t(array)
    if x.ndim < 2:
        raise ValueError("keras.ops.rot90: input array must have at least 2 dimensions; "
                         f"received array.ndim={x.ndim}")
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError(f"keras.ops.rot90: invalid axes {axes}; axes must be a tuple of two "
                         "different dimensions")
    a0 = _axis(axes[0], x.ndim, "rot90", "axes[0]")
    a1 = _axis(axes[1], x.ndim, "rot90", "axes[1]")
    if a0 == a1:
        raise ValueError(f"keras.ops.rot90: invalid axes {axes}; axes must be a tuple of two "
                         "different dimensions")
    k = operator.index(k) % 4
    if k == 0:
        return x
    if k == 2:
        return ember.reverse(x, [a0, a1])
    perm = list(range(x.ndim))
    perm[a0], perm[a1] = perm[a1], perm[a0]
    if k == 1:
        return ember.transpose(ember.reverse(x, [a1]), perm)
    return ember.reverse(ember.transpose(x, perm), [a1])


@keras_op
def get_item(x: Any, key: Any) -> ember.Tensor:
    """``x[key]``: ints, slices, ``...``, ``None``, integer tensors and boolean masks.

    A list key is read as a tuple of indices, as Keras's ``GetItem`` operation does.

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> kops.get_item([[1, 2], [3, 4]], (1, slice(None, 1))).numpy().tolist()
    [3]
    """
    if isinstance(key, list):
        key = tuple(key)
    return _t(x)[key]


@keras_op
def view(x: Any, dtype: Any = None) -> ember.Tensor:
    """The same bytes read as ``dtype`` (NumPy's ``view``); the last axis is rescaled
    when the item sizes differ.

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> kops.view(kops.array([1, 2], dtype="int32"), "int16").numpy().tolist()
    [1, 0, 2, 0]
    """
    x = _t(x)
    if dtype is None:
        return ember.identity(x)
    new = ember.as_dtype(dtype)
    old_size = np.dtype(x.dtype.as_numpy_dtype).itemsize
    new_size = np.dtype(new.as_numpy_dtype).itemsize
    if old_size == new_size:
        return ember.bitcast(x, new)
    shape = list(_shape(x))
    if not shape:
        raise ValueError(f"keras.ops.view: cannot view a scalar of dtype {x.dtype.name} as "
                         f"{new.name}: the item sizes differ")
    if (shape[-1] * old_size) % new_size:
        raise ValueError(f"keras.ops.view: cannot view a tensor of shape {tuple(shape)} and "
                         f"dtype {x.dtype.name} as {new.name}: the bytes of the last axis "
                         f"({shape[-1] * old_size}) are not a multiple of {new_size}")
    if old_size > new_size:
        out = ember.bitcast(x, new)
        return ember.reshape(out, shape[:-1] + [shape[-1] * (old_size // new_size)])
    ratio = new_size // old_size
    return ember.bitcast(ember.reshape(x, shape[:-1] + [shape[-1] // ratio, ratio]), new)


# ---- diagonals --------------------------------------------------------------------------
def _diagonal(x: ember.Tensor, offset: int, axis1: int, axis2: int, op: str):
    if x.ndim < 2:
        raise ValueError(f"keras.ops.{op}: requires a tensor of at least two dimensions; "
                         f"received shape {_shape(x)}")
    a1 = _axis(axis1, x.ndim, op, "axis1")
    a2 = _axis(axis2, x.ndim, op, "axis2")
    if a1 == a2:
        raise ValueError(f"keras.ops.{op}: `axis1` and `axis2` cannot be the same; "
                         f"received axis1={axis1}, axis2={axis2}")
    offset = operator.index(offset)
    rows, cols = _shape(x)[a1], _shape(x)[a2]
    moved = ember.transpose(x, [d for d in range(x.ndim) if d not in (a1, a2)] + [a1, a2])
    n = max(0, min(rows, cols - offset) if offset >= 0 else min(rows + offset, cols))
    r0, c0 = max(-offset, 0), max(offset, 0)
    ri = ember.range(r0, r0 + n, dtype="int32")
    ci = ember.range(c0, c0 + n, dtype="int32")
    return moved[..., ri, ci]


@keras_op
def diagonal(x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> ember.Tensor:
    """The ``offset`` diagonal of the planes of ``axis1`` and ``axis2``, on a new last axis.

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> kops.diagonal([[0, 1], [2, 3]]).numpy().tolist()
    [0, 3]
    """
    return _diagonal(_t(x), offset, axis1, axis2, "diagonal")


@keras_op
def trace(x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> ember.Tensor:
    """Sum along the ``offset`` diagonal of the planes of ``axis1`` and ``axis2``.

    bool, int8 and int16 sum as int32; uint8 and uint16 as uint32.

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> int(kops.trace([[1, 2], [3, 4]]))
    5
    """
    d = _diagonal(_t(x), offset, axis1, axis2, "trace")
    return ember.reduce_sum(_t(d, sum_dtype(d)), axis=-1)


@keras_op
def diagflat(x: Any, k: int = 0) -> ember.Tensor:
    """A square matrix with the flattened ``x`` on its ``k``-th diagonal.

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> kops.diagflat([[1, 2]], k=1).numpy().tolist()
    [[0, 1, 0], [0, 0, 2], [0, 0, 0]]
    """
    return ember.linalg.diag(_flat(_t(x)), k=operator.index(k))


@keras_op
def diff(a: Any, n: int = 1, axis: int = -1) -> ember.Tensor:
    """The ``n``-th discrete difference ``out[i] = a[i + 1] - a[i]`` along ``axis``.

    Booleans give ``a[i + 1] != a[i]``.

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> kops.diff([1, 2, 4, 7, 0]).numpy().tolist()
    [1, 2, 3, -7]
    """
    x = _t(a)
    n = operator.index(n)
    if n < 0:
        raise ValueError(f"keras.ops.diff: order must be non-negative; received n={n}")
    if x.ndim == 0:
        raise ValueError("keras.ops.diff: requires input that is at least one dimensional; "
                         "received a scalar")
    ax = _axis(axis, x.ndim, "diff")
    hi_key = _along(ax, x.ndim, slice(1, None))
    lo_key = _along(ax, x.ndim, slice(None, -1))
    for _ in range(n):
        if _shape(x)[ax] == 0:
            break
        hi, lo = x[hi_key], x[lo_key]
        x = ember.not_equal(hi, lo) if x.dtype.is_bool else hi - lo
    return x


# ---- products ---------------------------------------------------------------------------
@keras_op
def outer(x1: Any, x2: Any) -> ember.Tensor:
    """``out[i, j] = x1[i] * x2[j]`` of the flattened inputs.

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> kops.outer([1, 2], [3, 4]).numpy().tolist()
    [[3, 4], [6, 8]]
    """
    a, b = _common([x1, x2])
    return ember.multiply(ember.reshape(a, [-1, 1]), ember.reshape(b, [1, -1]))


def _dot_last(a: ember.Tensor, b: ember.Tensor, axes) -> ember.Tensor:
    """tensordot, with booleans computed as int32 (any product true) and bfloat16 as
    float32 (NumPy's einsum has no bfloat16 loop)."""
    if a.dtype.is_bool:
        out = ember.tensordot(ember.cast(a, "int32"), ember.cast(b, "int32"), axes=axes)
        return ember.cast(out, "bool")
    if a.dtype.name == "bfloat16":
        out = ember.tensordot(ember.cast(a, "float32"), ember.cast(b, "float32"), axes=axes)
        return ember.cast(out, "bfloat16")
    return ember.tensordot(a, b, axes=axes)


@keras_op
def inner(x1: Any, x2: Any) -> ember.Tensor:
    """Sum of products over the last axes (a plain product when one is a scalar).

    The result has shape ``x1.shape[:-1] + x2.shape[:-1]``.

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> int(kops.inner([1, 2, 3], [0, 1, 0]))
    2
    """
    a, b = _common([x1, x2])
    if a.ndim == 0 or b.ndim == 0:
        return ember.multiply(a, b)
    if _shape(a)[-1] != _shape(b)[-1]:
        raise ValueError(f"keras.ops.inner: the last dimensions of `x1` and `x2` must match; "
                         f"received shapes {_shape(a)} and {_shape(b)}")
    return _dot_last(a, b, [[a.ndim - 1], [b.ndim - 1]])


@keras_op
def vdot(x1: Any, x2: Any) -> ember.Tensor:
    """The dot product of the flattened inputs.

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> int(kops.vdot([[1, 2], [3, 4]], [1, 1, 1, 1]))
    10
    """
    a, b = _common([x1, x2])
    a, b = _flat(a), _flat(b)
    if _shape(a)[0] != _shape(b)[0]:
        raise ValueError(f"keras.ops.vdot: `x1` and `x2` must have the same number of "
                         f"elements; received {_shape(a)[0]} and {_shape(b)[0]}")
    return _dot_last(a, b, 1)


@keras_op
def kron(x1: Any, x2: Any) -> ember.Tensor:
    """The Kronecker product: shape ``(a0 * b0, a1 * b1, ...)`` (ranks padded with 1s).

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> kops.kron([1, 10], [1, 2]).numpy().tolist()
    [1, 2, 10, 20]
    """
    a, b = _common([x1, x2])
    nd = max(a.ndim, b.ndim)
    sa = [1] * (nd - a.ndim) + list(_shape(a))
    sb = [1] * (nd - b.ndim) + list(_shape(b))
    a = ember.reshape(a, [d for s in sa for d in (s, 1)])
    b = ember.reshape(b, [d for s in sb for d in (1, s)])
    return ember.reshape(ember.multiply(a, b), [p * q for p, q in zip(sa, sb)])


@keras_op
def cross(x1: Any, x2: Any, axisa: int = -1, axisb: int = -1, axisc: int = -1,
          axis: int | None = None) -> ember.Tensor:
    """Cross products of 3-vectors (or 2-vectors, with a zero third component).

    The vectors lie on ``axisa`` of ``x1`` and ``axisb`` of ``x2``, the results on
    ``axisc``; ``axis`` sets all three. Two 2-vectors give only the z component.

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> kops.cross([1.0, 0.0, 0.0], [0.0, 1.0, 0.0]).numpy().tolist()
    [0.0, 0.0, 1.0]
    """
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = _common([x1, x2])
    if a.dtype.is_bool:
        raise TypeError("keras.ops.cross: boolean inputs are not supported; cast them to a "
                        "number type first")
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError("keras.ops.cross: inputs must be (arrays of) 2- or 3-dimensional "
                         f"vectors; received shapes {_shape(a)} and {_shape(b)}")
    a = _moveaxis(a, [_axis(axisa, a.ndim, "cross", "axisa")], [a.ndim - 1])
    b = _moveaxis(b, [_axis(axisb, b.ndim, "cross", "axisb")], [b.ndim - 1])
    da, db = _shape(a)[-1], _shape(b)[-1]
    if da not in (2, 3) or db not in (2, 3):
        raise ValueError("keras.ops.cross: both inputs must be (arrays of) 2- or "
                         f"3-dimensional vectors, but they are {da}- and {db}-dimensional")
    a0, a1 = a[..., 0], a[..., 1]
    b0, b1 = b[..., 0], b[..., 1]
    z = a0 * b1 - a1 * b0
    if da == 2 and db == 2:
        return z
    a2 = a[..., 2] if da == 3 else None
    b2 = b[..., 2] if db == 3 else None
    if a2 is None:      # (a0, a1, 0) x (b0, b1, b2)
        x, y = a1 * b2, -(a0 * b2)
    elif b2 is None:    # (a0, a1, a2) x (b0, b1, 0)
        x, y = -(a2 * b1), a2 * b0
    else:
        x, y = a1 * b2 - a2 * b1, a2 * b0 - a0 * b2
    out = ember.stack([x, y, z], axis=-1)
    c = _axis(axisc, out.ndim, "cross", "axisc")
    return _moveaxis(out, [out.ndim - 1], [c])


@keras_op
def slogdet(x: Any) -> tuple:
    """``(sign, log|det|)`` of a square matrix (or a batch of them); ints give float32.

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> [float(v) for v in kops.slogdet([[2.0, 0.0], [0.0, -3.0]])]
    [-1.0, 1.791759...]
    """
    x = _t(x)
    if not x.dtype.is_floating:
        x = ember.cast(x, "float32")
    s = _shape(x)
    if len(s) < 2 or s[-1] != s[-2]:
        raise ValueError("keras.ops.slogdet: input must be a square matrix (or a batch of "
                         f"them); received shape {s}")
    sign, logdet = ember.linalg.slogdet(x)
    return sign, logdet


# ---- selecting and indexing -------------------------------------------------------------
@keras_op
def select(condlist: Any, choicelist: Any, default: Any = 0) -> ember.Tensor:
    """Per element, the entry of the first ``choicelist`` tensor whose condition holds
    (``default`` where none does). Conditions must be boolean; everything broadcasts.

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> x = kops.array([0, 1, 2, 3, 4, 5])
    >>> kops.select([x < 3, x > 3], [x, x * x], 42).numpy().tolist()
    [0, 1, 2, 42, 16, 25]
    """
    if not isinstance(condlist, (list, tuple)) or not isinstance(choicelist, (list, tuple)):
        raise ValueError("keras.ops.select: condlist and choicelist must be lists; received "  # noqa: TRY004 - Keras's type
                         f"type(condlist) = {type(condlist)}, type(choicelist) = "
                         f"{type(choicelist)}")
    if not condlist or not choicelist:
        raise ValueError("keras.ops.select: condlist and choicelist must not be empty")
    if len(condlist) != len(choicelist):
        raise ValueError(f"keras.ops.select: condlist ({len(condlist)} entries) must be as "
                         f"long as choicelist ({len(choicelist)} entries)")
    conds = [_t(c) for c in condlist]
    for i, c in enumerate(conds):
        if not c.dtype.is_bool:
            raise TypeError(f"keras.ops.select: invalid entry {i} in condlist: it should be a "
                            f"boolean tensor; received dtype {c.dtype.name}")
    *choices, fallback = _common(list(choicelist) + [default])
    shape = ()
    for v in conds + choices + [fallback]:
        shape = ember.broadcast_static_shape(shape, v.shape)
    shape = [int(d) for d in shape]
    out = ember.broadcast_to(fallback, shape)
    for c, v in zip(reversed(conds), reversed(choices)):
        out = ember.where(ember.broadcast_to(c, shape), ember.broadcast_to(v, shape), out)
    return out


@keras_op
def _nonzero(x: Any) -> tuple:
    x = _t(x)
    if x.ndim == 0:
        raise ValueError("keras.ops.nonzero: calling nonzero on a scalar is not allowed; "
                         "reshape it to 1-D first")
    mask = x if x.dtype.is_bool else ember.not_equal(x, ember.zeros_like(x))
    coords = ember.cast(ember.where(mask), "int32")
    return tuple(coords[:, i] for i in range(x.ndim))


_nonzero._keras_op_name = _nonzero.__name__ = "nonzero"


def nonzero(x: Any) -> tuple:
    """The indices of the nonzero elements: one int32 tensor per axis.

    Its output size depends on the values, so it is meant for eager use; on a symbolic
    input each output has the unknown shape ``(None,)``.

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> [v.numpy().tolist() for v in kops.nonzero([[0, 1], [2, 0]])]
    [[0, 1], [1, 0]]
    """
    out = _nonzero(x)
    if any_symbolic(x):
        for o in out:  # the dummy run that found the shapes saw all zeros
            o.shape = (None,)
    return out


@keras_op
def unravel_index(indices: Any, shape: Any) -> tuple:
    """Flat ``indices`` as one coordinate tensor per axis of ``shape`` (indices' dtype).

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> [int(v) for v in kops.unravel_index(5, (3, 3))]
    [1, 2]
    """
    idx = _t(indices)
    if not idx.dtype.is_integer:
        raise TypeError("keras.ops.unravel_index: only integer indices are permitted; "
                        f"received dtype {idx.dtype.name}")
    dims = _dims(shape, "unravel_index")
    total = math.prod(dims)
    if ember.executing_eagerly() and int(ember.size(idx)):
        lo, hi = int(ember.reduce_min(idx)), int(ember.reduce_max(idx))
        if lo < 0 or hi >= total:
            bad = lo if lo < 0 else hi
            raise ValueError(f"keras.ops.unravel_index: index {bad} is out of bounds for a "
                             f"tensor of shape {tuple(dims)} (size {total})")
    out, stride = [], total
    for d in dims:
        stride = stride // d if d else 0
        coord = ember.math.floordiv(idx, ember.cast(max(stride, 1), idx.dtype))
        out.append(ember.math.floormod(coord, ember.cast(max(d, 1), idx.dtype)))
    return tuple(out)


# ---- vectorize --------------------------------------------------------------------------
def _parse_signature(signature: str) -> tuple:
    """``"(m,n),(n)->(m)"`` as ``([("m", "n"), ("n",)], [("m",)])``."""
    sig = signature.replace(" ", "")

    def groups(part: str) -> list:
        found = re.findall(r"\(([^()]*)\)", part)
        if ",".join(f"({g})" for g in found) != part or not found:
            raise ValueError(f"keras.ops.vectorize: not a valid gufunc signature: "
                             f"{signature!r}")
        return [tuple(n for n in g.split(",") if n) for g in found]

    if sig.count("->") != 1:
        raise ValueError(f"keras.ops.vectorize: not a valid gufunc signature: {signature!r}")
    ins, outs = sig.split("->")
    return groups(ins), groups(outs)


def _bind_core(sizes: dict, names: tuple, shape: tuple, what: str) -> None:
    for name, size in zip(names, shape):
        if sizes.setdefault(name, size) != size:
            raise ValueError(f"keras.ops.vectorize: inconsistent size for core dimension "
                             f"{name!r} in {what}: {size} vs {sizes[name]}")


def vectorize(pyfunc: Callable, *, excluded: Any = None, signature: str | None = None):
    """``pyfunc`` applied over the broadcast leading (loop) axes of its tensor arguments.

    Without ``signature`` each call gets scalar tensors; ``signature`` (``"(n),()->()"``)
    names the core axes each call receives and returns. ``excluded`` positions or keyword
    names are passed unchanged, as are keyword arguments. Eagerly ``pyfunc`` runs once per
    loop element (as in NumPy); inside ``ember.function`` it is traced once, as a map.

    >>> from ember.keras.ops import numpy_arrays as kops
    >>> add = kops.vectorize(lambda a, b: a + b)
    >>> add([1, 2, 3], 2).numpy().tolist()
    [3, 4, 5]
    """
    if not callable(pyfunc):
        raise ValueError("keras.ops.vectorize: expected argument `pyfunc` to be a callable; "  # noqa: TRY004
                         f"received pyfunc={pyfunc!r}")
    excluded = set(excluded or ())
    in_core, out_core = _parse_signature(signature) if signature is not None else (None, None)

    @functools.wraps(pyfunc)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if any_symbolic(args, kwargs):
            from ..models.symbolic_op import symbolic_call
            return symbolic_call(wrapped, *args, **kwargs)
        vec = [i for i, v in enumerate(args) if i not in excluded and v is not None]
        cores = in_core if in_core is not None else [()] * len(vec)
        if len(cores) != len(vec):
            raise ValueError(f"keras.ops.vectorize: the signature {signature!r} names "
                             f"{len(cores)} inputs but {len(vec)} were given")
        tensors = [_t(args[i]) for i in vec]
        sizes: dict = {}
        loop_shape: tuple = ()
        for k, (x, core) in enumerate(zip(tensors, cores)):
            s = _shape(x)
            if len(s) < len(core):
                raise ValueError(f"keras.ops.vectorize: input {k} has shape {s}, fewer "
                                 f"dimensions than its core dimensions {core}")
            _bind_core(sizes, core, s[len(s) - len(core):], f"input {k}")
            loop_shape = tuple(ember.broadcast_static_shape(loop_shape, s[:len(s) - len(core)]))
        loop_shape = tuple(int(d) for d in loop_shape)

        def call(*values):
            full = list(args)
            for i, v in zip(vec, values):
                full[i] = v
            out = pyfunc(*full, **kwargs)
            if isinstance(out, (list, tuple)):
                return tuple(_t(o) for o in out)
            return _t(out)

        core_shapes = [[sizes[n] for n in core] for core in cores]
        if not loop_shape:
            result = call(*tensors)
            batched = False
        else:
            count = math.prod(loop_shape)
            elems = tuple(ember.reshape(ember.broadcast_to(x, list(loop_shape) + cs),
                                        [count] + cs)
                          for x, cs in zip(tensors, core_shapes))
            if count:
                result = ember.map_fn(lambda e: call(*e), elems)
            else:  # nothing to map over: the output shapes come from one dummy call
                probe = call(*[ember.zeros(cs, dtype=x.dtype)
                               for x, cs in zip(tensors, core_shapes)])
                result = (tuple(ember.zeros([0] + list(_shape(p)), p.dtype) for p in probe)
                          if isinstance(probe, tuple) else
                          ember.zeros([0] + list(_shape(probe)), probe.dtype))
            batched = True
        outs = result if isinstance(result, tuple) else (result,)
        if out_core is not None:
            if len(out_core) != len(outs) or (len(out_core) > 1) != isinstance(result, tuple):
                raise ValueError(f"keras.ops.vectorize: the signature {signature!r} names "
                                 f"{len(out_core)} outputs but pyfunc returned {len(outs)}")
            for k, (o, core) in enumerate(zip(outs, out_core)):
                s = _shape(o)[1:] if batched else _shape(o)
                if len(s) != len(core):
                    raise ValueError(f"keras.ops.vectorize: output {k} has core shape {s}, "
                                     f"but the signature expects dimensions {core}")
                _bind_core(sizes, core, s, f"output {k}")
        if batched:
            outs = tuple(ember.reshape(o, list(loop_shape) + list(_shape(o)[1:]))
                         for o in outs)
        return outs if isinstance(result, tuple) else outs[0]

    return wrapped
