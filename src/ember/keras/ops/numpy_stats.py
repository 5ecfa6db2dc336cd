"""Statistics, searching and counting ops of ``keras.ops`` (NumPy-style): quantiles and
medians, weighted averages, correlation, histograms, binary search, unique values.

Result dtypes follow Keras 3's promotion rules (``keras.backend.result_type``): integer and
bool inputs of float-valued statistics give float32, float dtypes are kept. 64-bit dtypes
are kept, as on Keras's TensorFlow backend. Quantiles, medians, averages, ``ptp``,
``trapezoid``, ``corrcoef`` and ``correlate`` are differentiable (quantiles through the
sort: the gradient reaches the elements that were interpolated). Ops whose output size
depends on the values (``unique`` without ``size``, ``bincount``) run eagerly only.

>>> from ember import keras
>>> float(keras.ops.median([3.0, 1.0, 4.0, 1.5]))
2.25
>>> keras.ops.quantile([1.0, 2.0, 3.0, 4.0], [0.25, 0.75]).numpy().tolist()
[1.75, 3.25]
"""
from __future__ import annotations

import builtins
from typing import Any

import numpy as np

import ember
from ember.ops import order_statistics as _order

from ._dispatch import keras_op
from ._dispatch import t as _t
from ._dtypes import float_dtype as _float_dtype
from ._dtypes import result_type

__all__ = [
    "argpartition", "average", "bincount", "corrcoef", "correlate", "count_nonzero",
    "digitize", "histogram", "isin", "median", "percentile", "ptp", "quantile",
    "searchsorted", "trapezoid", "unique",
]

_result_type = result_type     # Keras's promotion of dtypes and weak int/float


def _is_float(x: ember.Tensor) -> bool:
    return x.dtype.is_floating


def _concrete(v: Any) -> np.ndarray | None:
    """``v``'s values as a NumPy array, or None while it is a traced (graph) tensor."""
    if hasattr(v, "numpy"):
        if not ember.executing_eagerly():
            return None
        return np.asarray(v.numpy())
    if hasattr(v, "read_value"):
        return _concrete(v.read_value())
    return np.asarray(v)


def _comparable(a: ember.Tensor, b: ember.Tensor):
    """Two tensors in NumPy's common dtype for comparing values (bool as int8)."""
    common = np.promote_types(a.dtype.name, b.dtype.name).name
    if common == "bool":
        common = "int8"
    return _t(a, common), _t(b, common)


def _norm_axes(name: str, axis: Any, ndim: int) -> tuple:
    """``axis`` (None, int or sequence) as a sorted tuple of distinct axes in ``[0, ndim)``."""
    if axis is None:
        return tuple(builtins.range(ndim))
    raw = [axis] if isinstance(axis, (int, np.integer)) else list(axis)
    out = []
    for a in raw:
        if not isinstance(a, (int, np.integer)) or not -ndim <= a < ndim:
            raise ValueError(f"keras.ops.{name}: axis {a!r} is out of bounds for a tensor of "
                             f"rank {ndim} (received axis={axis!r})")
        out.append(int(a) % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"keras.ops.{name}: repeated axis in axis={axis!r}")
    return tuple(sorted(out))


def _one_axis(name: str, axis: Any, ndim: int) -> int:
    if not isinstance(axis, (int, np.integer)) or not -ndim <= axis < ndim:
        raise ValueError(f"keras.ops.{name}: axis must be an int in [-{ndim}, {ndim}) for "
                         f"a tensor of rank {ndim}; received axis={axis!r}")
    return int(axis) % ndim


def _check_nonempty(name: str, x: ember.Tensor, axes: tuple) -> None:
    if 0 in tuple(x.shape) and (not axes or builtins.any(x.shape[a] == 0 for a in axes)):
        raise ValueError(f"keras.ops.{name}: cannot reduce an empty tensor (received shape "
                         f"{tuple(x.shape)})")


def _reduced_shape(shape: tuple, axes: tuple, keepdims: bool) -> list:
    if keepdims:
        return [1 if i in axes else d for i, d in enumerate(shape)]
    return [d for i, d in enumerate(shape) if i not in axes]


# ---- quantiles ----------------------------------------------------------------------------
_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def _as_rows(x: ember.Tensor, axes: tuple) -> ember.Tensor:
    """``x`` with the kept axes flattened into rows and the reduced axes into columns."""
    keep = [d for d in range(x.ndim) if d not in axes]
    if keep + list(axes) != list(range(x.ndim)):
        x = ember.transpose(x, keep + list(axes))
    rows = int(np.prod([x.shape[i] for i in range(len(keep))], dtype=np.int64))
    cols = int(np.prod([x.shape[i] for i in range(len(keep), x.ndim)], dtype=np.int64))
    return ember.reshape(x, [rows, cols])


def _quantiles(name: str, x: Any, q: Any, axis: Any, method: str, keepdims: bool,
               ignore_nan: bool, scale: float) -> ember.Tensor:
    """Quantiles ``q / scale`` of ``x`` over ``axis``, as NumPy computes them.

    The reduced values are sorted (NaNs last); each quantile sits at the virtual index
    ``(n - 1) * q`` of the sorted values, ``n`` counting the non-NaN values when
    ``ignore_nan``. ``method`` picks the neighbours and how to interpolate between them.
    """
    if method not in _METHODS:
        raise ValueError(f"keras.ops.{name}: method must be one of {', '.join(_METHODS)}; "
                         f"received method={method!r}")
    x = _t(x)
    dtype = _float_dtype(x)
    x = _t(x, dtype)
    qv = _concrete(q)
    if qv is not None:
        bad = ~((qv >= 0) & (qv <= scale))
        if np.any(bad):
            kind = "Quantiles" if scale == 1 else "Percentiles"
            raise ValueError(f"keras.ops.{name}: {kind.lower()} must be in the range "
                             f"[0, {scale:g}]; received q={qv.tolist()}")
    if qv is not None and not isinstance(q, ember.Tensor):
        qt = ember.constant(np.asarray(qv, dtype=np.float64))
    else:
        qt = ember.cast(_t(q), "float64")
    if scale != 1:
        qt = qt / ember.constant(float(scale), dtype="float64")
    q_shape = list(qt.shape)
    axes = _norm_axes(name, axis, x.ndim)
    out_shape = q_shape + _reduced_shape(tuple(x.shape), axes, keepdims)
    rows = _as_rows(x, axes)
    r, n = int(rows.shape[0]), int(rows.shape[1])
    if n == 0:  # NumPy: the quantile of nothing is NaN
        return ember.fill(out_shape, ember.constant(np.nan, dtype=dtype))
    qf = ember.reshape(qt, [1, -1])                                    # (1, k)
    srt = ember.sort(rows, axis=1)                                     # NaNs last
    if ignore_nan:
        valid = ember.logical_not(ember.math.is_nan(rows))
        count = ember.reduce_sum(ember.cast(valid, "float64"), axis=1, keepdims=True)
    else:
        count = ember.constant(float(n), dtype="float64")
    virtual = (count - 1.0) * qf                                      # (r or 1, k)
    lo = ember.floor(virtual)
    hi = ember.ceil(virtual)
    if method == "lower":
        hi = lo
    elif method == "higher":
        lo = hi
    elif method == "nearest":
        lo = hi = ember.round(virtual)                                 # half to even
    if method == "linear":
        gamma = virtual - lo
    elif method == "midpoint":
        gamma = ember.where(ember.equal(lo, hi), ember.zeros_like(lo),
                            ember.fill(lo.shape, ember.constant(0.5, dtype="float64")))
    else:
        gamma = None
    k = int(qf.shape[1])
    shape = [r, k]

    def pick(index):
        index = ember.clip_by_value(index, 0.0, float(n - 1))
        index = ember.broadcast_to(ember.cast(index, "int32"), shape)
        return ember.gather(srt, index, batch_dims=1, axis=1)          # (r, k)

    below = pick(lo)
    if gamma is None:
        result = below
    else:
        above = pick(hi)
        g = ember.broadcast_to(_t(gamma, dtype), shape)
        diff = above - below
        # NumPy's two-sided lerp: exact at both ends, the same rounding as NumPy
        lerp = ember.where(g >= 0.5, above - diff * (1.0 - g), below + diff * g)
        result = ember.where(ember.broadcast_to(ember.equal(g, 0.0), shape), below, lerp)
    if _is_float(x):
        if ignore_nan:
            missing = ember.broadcast_to(count < 1.0, shape)
        else:  # one NaN makes the whole slice's quantiles NaN
            missing = ember.broadcast_to(ember.math.is_nan(srt[:, n - 1:]), shape)
        result = ember.where(missing, ember.fill(shape, ember.constant(np.nan, dtype=dtype)),
                             result)
    return ember.reshape(ember.transpose(result), out_shape)


@keras_op
def quantile(x: Any, q: Any, axis: Any = None, method: str = "linear",
             keepdims: bool = False) -> ember.Tensor:
    """The ``q``-th quantile(s) of ``x`` over ``axis`` (None: all values).

    ``q`` is a probability or a tensor of them, in ``[0, 1]``; its shape leads the
    result's. ``method`` is ``"linear"`` (interpolate), ``"lower"``, ``"higher"``,
    ``"midpoint"`` or ``"nearest"`` (rounding half to even, as NumPy). A NaN in a slice
    makes its quantiles NaN. Integer and bool inputs give float32.

    >>> from ember import keras
    >>> keras.ops.quantile([[1.0, 2.0, 3.0], [4.0, 8.0, 6.0]], 0.5, axis=1).numpy().tolist()
    [2.0, 6.0]
    >>> keras.ops.quantile([1.0, 3.0, 4.0, 10.0], 0.25, method="lower").numpy().tolist()
    1.0
    """
    return _quantiles("quantile", x, q, axis, method, keepdims, False, 1)


@keras_op
def percentile(x: Any, q: Any, axis: Any = None, method: str = "linear",
               keepdims: bool = False) -> ember.Tensor:
    """The ``q``-th percentile(s) of ``x`` over ``axis``: ``quantile`` with ``q`` in
    ``[0, 100]``.

    >>> from ember import keras
    >>> keras.ops.percentile([1.0, 2.0, 3.0, 4.0], [25, 75]).numpy().tolist()
    [1.75, 3.25]
    """
    return _quantiles("percentile", x, q, axis, method, keepdims, False, 100)


@keras_op
def median(x: Any, axis: Any = None, keepdims: bool = False) -> ember.Tensor:
    """The median of ``x`` over ``axis`` (None: all values); the mean of the two middle
    values when their number is even. Integer and bool inputs give float32.

    >>> from ember import keras
    >>> keras.ops.median([[1, 5, 2], [4, 0, 3]], axis=1).numpy().tolist()
    [2.0, 3.0]
    """
    return _quantiles("median", x, 0.5, axis, "linear", keepdims, False, 1)


# ---- reductions ---------------------------------------------------------------------------
@keras_op
def average(x: Any, axis: Any = None, weights: Any = None) -> ember.Tensor:
    """The weighted average ``sum(x * weights) / sum(weights)`` over ``axis``.

    ``weights`` has ``x``'s shape, or (with ``axis`` given) the shape of the averaged
    axes, e.g. 1-D along one axis. Without weights it is the mean. The dtype is
    ``result_type(x, float, weights)``. Weights that sum to zero give inf or NaN.

    >>> from ember import keras
    >>> keras.ops.average([[0, 1], [2, 3]], axis=1, weights=[0.25, 0.75]).numpy().tolist()
    [0.75, 2.75]
    """
    x = _t(x)
    if weights is None:
        dtype = _float_dtype(x)
        axes = _norm_axes("average", axis, x.ndim)
        return ember.reduce_mean(_t(x, dtype), axis=None if axis is None else list(axes))
    w = _t(weights)
    dtype = _result_type(x.dtype.name, float, w.dtype.name)
    x, w = _t(x, dtype), _t(w, dtype)
    axes_in_order = None
    if axis is not None:
        axes = _norm_axes("average", axis, x.ndim)
        raw = [axis] if isinstance(axis, (int, np.integer)) else list(axis)
        axes_in_order = [int(a) % x.ndim for a in raw]
    if tuple(w.shape) != tuple(x.shape):
        if axis is None:
            raise ValueError("keras.ops.average: axis must be specified when the shapes of "
                             f"x {tuple(x.shape)} and weights {tuple(w.shape)} differ")
        want = tuple(x.shape[a] for a in axes_in_order)
        if tuple(w.shape) != want:
            raise ValueError(
                "keras.ops.average: the shape of weights must be x's shape "
                f"{tuple(x.shape)} or its shape along axis={axis!r}, {want}; received "
                f"weights of shape {tuple(w.shape)}")
        perm = list(np.argsort(axes_in_order))
        if perm != list(range(len(perm))):
            w = ember.transpose(w, perm)
        w = ember.reshape(w, [x.shape[d] if d in axes_in_order else 1
                              for d in range(x.ndim)])
    red = None if axis is None else list(axes)
    total = ember.reduce_sum(x * w, axis=red)
    return total / ember.reduce_sum(w, axis=red)


@keras_op
def ptp(x: Any, axis: Any = None, keepdims: bool = False) -> ember.Tensor:
    """Peak to peak, ``max - min``, over ``axis``, in ``x``'s dtype.

    >>> from ember import keras
    >>> keras.ops.ptp([[1.0, 3.0, 2.0], [4.0, 0.0, 5.0]], axis=1).numpy().tolist()
    [2.0, 5.0]
    """
    x = _t(x)
    if x.dtype.name == "bool":
        raise TypeError("keras.ops.ptp: bool tensors have no difference; received a bool "
                        f"tensor of shape {tuple(x.shape)} (cast it to a number first)")
    axes = _norm_axes("ptp", axis, x.ndim)
    _check_nonempty("ptp", x, axes)
    red = list(axes)
    return (ember.reduce_max(x, axis=red, keepdims=keepdims)
            - ember.reduce_min(x, axis=red, keepdims=keepdims))


@keras_op
def count_nonzero(x: Any, axis: Any = None) -> ember.Tensor:
    """The number of non-zero values over ``axis`` (None: all), as int32. NaN counts.

    >>> from ember import keras
    >>> keras.ops.count_nonzero([[0, 1, 7, 0], [3, 0, 2, 19]], axis=1).numpy().tolist()
    [2, 3]
    """
    x = _t(x)
    axes = _norm_axes("count_nonzero", axis, x.ndim)
    return ember.count_nonzero(x, axis=None if axis is None else list(axes), dtype="int32")


@keras_op
def trapezoid(y: Any, x: Any = None, dx: float = 1.0, axis: int = -1) -> ember.Tensor:
    """The integral of ``y`` along ``axis`` by the trapezoidal rule.

    The samples sit at ``x`` (1-D along ``axis``, or ``y``'s rank) or ``dx`` apart
    (``dx`` may also be a tensor of spacings). The dtype is ``result_type(y, float)``.

    >>> from ember import keras
    >>> keras.ops.trapezoid([[1, 2, 3], [4, 5, 6]], axis=1).numpy().tolist()
    [4.0, 10.0]
    """
    y = _t(y)
    if y.ndim == 0:
        raise ValueError("keras.ops.trapezoid: y must have at least one dimension; "
                         "received a scalar")
    a = _one_axis("trapezoid", axis, y.ndim)
    dtype = _float_dtype(y)
    y = _t(y, dtype)
    n = int(y.shape[a])

    def part(t, start, stop):  # t[..., start:stop, ...] along the integration axis
        key = [slice(None)] * t.ndim
        key[a] = slice(start, stop)
        return t[tuple(key)]

    if x is None:
        d = _t(_t(dx), dtype)
    else:
        xs = _t(_t(x), dtype)
        if xs.ndim == 1:
            if int(xs.shape[0]) != n:
                raise ValueError(f"keras.ops.trapezoid: x has {int(xs.shape[0])} sample "
                                 f"points but y has {n} along axis {axis}")
            d = xs[1:] - xs[:-1]
            d = ember.reshape(d, [-1 if i == a else 1 for i in range(y.ndim)])
        elif xs.ndim == y.ndim:
            d = part(xs, 1, None) - part(xs, None, -1)
        else:
            raise ValueError(f"keras.ops.trapezoid: x must be 1-D or have y's rank "
                             f"{y.ndim}; received shape {tuple(xs.shape)}")
    mid = (part(y, 1, None) + part(y, None, -1)) / ember.constant(2.0, dtype=dtype)
    return ember.reduce_sum(d * mid, axis=a)


# ---- correlation --------------------------------------------------------------------------
@keras_op
def corrcoef(x: Any) -> ember.Tensor:
    """Pearson correlation coefficients of the rows of ``x`` (variables by observations).

    A 2-D ``x`` of shape ``(N, D)`` gives an ``(N, N)`` matrix, a 1-D one a scalar. A
    constant row gives NaNs. Values are clipped to ``[-1, 1]``. The dtype is float64 for
    int64/float64, float16/bfloat16 are kept, everything else gives float32.

    >>> from ember import keras
    >>> keras.ops.corrcoef([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]]).numpy().tolist()
    [[1.0, -1.0], [-1.0, 1.0]]
    """
    x = _t(x)
    if x.ndim not in (1, 2):
        raise ValueError("keras.ops.corrcoef: x must be 1-D or 2-D (variables by "
                         f"observations); received shape {tuple(x.shape)}")
    name = x.dtype.name
    dtype = "float64" if name in ("int64", "float64") else (
        name if name in ("float16", "bfloat16") else "float32")
    work = "float32" if dtype in ("float16", "bfloat16") else dtype
    m = _t(x, work)
    if m.ndim == 1:
        m = ember.reshape(m, [1, -1])
    centered = m - ember.reduce_mean(m, axis=1, keepdims=True)
    prod = ember.matmul(centered, centered, transpose_b=True)
    scale = ember.sqrt(ember.linalg.diag_part(prod))
    c = prod / ember.expand_dims(scale, 1) / ember.expand_dims(scale, 0)
    c = ember.clip_by_value(c, -1.0, 1.0)
    if x.ndim == 1:
        c = ember.reshape(c, [])
    return _t(c, dtype)


@keras_op
def correlate(x1: Any, x2: Any, mode: str = "valid") -> ember.Tensor:
    """Cross-correlation of two 1-D tensors: ``out[k] = sum_n x1[n + k] * x2[n]``.

    ``mode="full"`` gives every overlap (length ``M + N - 1``), ``"same"`` the centred
    ``max(M, N)`` values and ``"valid"`` only the full overlaps (``max - min + 1``), at
    the same positions as NumPy's ``correlate``. int64 inputs give float64, float16,
    bfloat16 and float64 are kept, everything else gives float32.

    >>> from ember import keras
    >>> keras.ops.correlate([1.0, 2.0, 3.0], [0.0, 1.0, 0.5], mode="full").numpy().tolist()
    [0.5, 2.0, 3.5, 3.0, 0.0]
    """
    if mode not in ("valid", "same", "full"):
        raise ValueError("keras.ops.correlate: mode must be 'valid', 'same' or 'full'; "
                         f"received mode={mode!r}")
    a, v = _t(x1), _t(x2)
    if a.ndim != 1 or v.ndim != 1:
        raise ValueError("keras.ops.correlate: x1 and x2 must be 1-D; received shapes "
                         f"{tuple(a.shape)} and {tuple(v.shape)}")
    m, n = int(a.shape[0]), int(v.shape[0])
    if m == 0 or n == 0:
        raise ValueError("keras.ops.correlate: x1 and x2 must not be empty; received "
                         f"shapes {tuple(a.shape)} and {tuple(v.shape)}")
    dtype = _result_type(a.dtype.name, v.dtype.name)
    dtype = "float64" if dtype == "int64" else (
        dtype if dtype in ("bfloat16", "float16", "float64") else "float32")
    a, v = _t(a, dtype), _t(v, dtype)
    # every overlap of x2 with x1: a one-channel convolution (which is a correlation) of
    # x1, padded by n - 1 zeros each side, with x2 as the filter
    padded = ember.reshape(ember.pad(a, [[n - 1, n - 1]]), [1, m + 2 * n - 2, 1])
    full = ember.reshape(ember.nn.conv1d(padded, ember.reshape(v, [n, 1, 1]), 1, "VALID"),
                         [m + n - 1])
    if mode == "full":
        return full
    if mode == "valid":
        length, start = builtins.max(m, n) - builtins.min(m, n) + 1, builtins.min(m, n) - 1
    else:
        length, start = builtins.max(m, n), (n - 1) // 2 if m >= n else m // 2
    return full[start:start + length]


# ---- searching ----------------------------------------------------------------------------
@keras_op
def searchsorted(sorted_sequence: Any, values: Any, side: str = "left") -> ember.Tensor:
    """Indices where ``values`` would be inserted into the 1-D ``sorted_sequence`` to
    keep it sorted (``side="left"``: before equal entries, ``"right"``: after them).

    >>> from ember import keras
    >>> keras.ops.searchsorted([1.0, 2.0, 2.0, 3.0], [2.0, 0.0, 5.0], side="right").numpy().tolist()
    [3, 0, 4]
    """
    if side not in ("left", "right"):
        raise ValueError(f"keras.ops.searchsorted: side must be 'left' or 'right'; "
                         f"received side={side!r}")
    seq, vals = _t(sorted_sequence), _t(values)
    if seq.ndim != 1:
        raise ValueError("keras.ops.searchsorted: sorted_sequence must be 1-D (use "
                         "keras.ops.vectorized_map for N-D); received shape "
                         f"{tuple(seq.shape)}")
    out_type = "int32" if int(seq.shape[0]) <= np.iinfo(np.int32).max else "int64"
    seq, vals = _comparable(seq, vals)
    return ember.searchsorted(seq, vals, side=side, out_type=out_type)


@keras_op
def digitize(x: Any, bins: Any) -> ember.Tensor:
    """The index of the bin of each value of ``x`` (int32): ``i`` with
    ``bins[i - 1] <= x < bins[i]`` for increasing ``bins`` (``bins[i - 1] > x >= bins[i]``
    for decreasing ones); 0 below the first edge and ``len(bins)`` past the last.

    >>> from ember import keras
    >>> keras.ops.digitize([0.0, 1.0, 3.0, 1.6], [0.0, 3.0, 4.5, 7.0]).numpy().tolist()
    [1, 1, 2, 1]
    """
    xs, edges = _t(x), _t(bins)
    if edges.ndim != 1:
        raise ValueError("keras.ops.digitize: bins must be 1-D; received shape "
                         f"{tuple(edges.shape)}")
    nb = int(edges.shape[0])
    ev = _concrete(edges)
    if ev is not None and nb > 1:
        step = np.diff(ev.astype(np.float64) if ev.dtype == bool else ev)
        if not (np.all(step >= 0) or np.all(step <= 0)):
            raise ValueError("keras.ops.digitize: bins must be monotonically increasing or "
                             f"decreasing; received bins={ev.tolist()}")
    edges, xs = _comparable(edges, xs)
    up = ember.searchsorted(edges, xs, side="right")
    if nb < 2:
        return up
    down = nb - ember.searchsorted(ember.reverse(edges, [0]), xs, side="left")
    return ember.where(edges[0] > edges[nb - 1], down, up)


@keras_op
def isin(x1: Any, x2: Any, assume_unique: bool = False, invert: bool = False):
    """Whether each value of ``x1`` occurs anywhere in ``x2`` (bool, ``x1``'s shape);
    ``invert=True`` gives the opposite. NaN is never found.

    >>> from ember import keras
    >>> keras.ops.isin([0, 1, 2, 5], [0, 2]).numpy().tolist()
    [True, False, True, False]
    """
    a, b = _comparable(_t(x1), _t(x2))
    flat = ember.reshape(b, [-1])
    m = int(flat.shape[0])
    if m == 0:
        found = ember.zeros(list(a.shape), dtype="bool")
    else:
        srt = ember.sort(flat)
        pos = ember.searchsorted(srt, a, side="left")
        pos = ember.minimum(pos, m - 1)
        found = ember.equal(ember.gather(srt, pos), a)
    return ember.logical_not(found) if invert else found


@keras_op
def argpartition(x: Any, kth: Any, axis: int = -1) -> ember.Tensor:
    """Indices (int32) that partition ``x`` along ``axis`` (None: flattened) around the
    ``kth`` element(s): each ``kth`` position holds the value it would have in sorted
    order, smaller values before it and larger after. Ember returns the stable sorting
    permutation, which partitions around every ``kth`` at once.

    >>> from ember import keras
    >>> keras.ops.argpartition([3.0, 4.0, 2.0, 1.0], 2).numpy().tolist()
    [3, 2, 0, 1]
    """
    x = _t(x)
    if axis is None:
        x, axis = ember.reshape(x, [-1]), 0
    if x.ndim == 0:
        raise ValueError("keras.ops.argpartition: x must have at least one dimension; "
                         "received a scalar")
    a = _one_axis("argpartition", axis, x.ndim)
    n = int(x.shape[a])
    kths = [kth] if isinstance(kth, (int, np.integer)) else list(np.asarray(kth).ravel())
    for k in kths:
        if not -n <= int(k) < n:
            raise ValueError(f"keras.ops.argpartition: kth={int(k)} is out of bounds for "
                             f"an axis of size {n}")
    return _t(ember.argsort(x, axis=a, stable=True), "int32")


# ---- counting -----------------------------------------------------------------------------
@keras_op
def bincount(x: Any, weights: Any = None, minlength: int = 0, sparse: bool = False):
    """How often each value ``0, 1, 2, ...`` occurs in the non-negative integer tensor
    ``x`` (int32); with ``weights``, the sum of the weights per value instead (dtype
    ``result_type(x, weights)``, differentiable in the weights). A 2-D ``x`` counts each
    row. The length is ``max(x) + 1``, at least ``minlength``: it depends on the values,
    so this op runs eagerly only.

    >>> from ember import keras
    >>> keras.ops.bincount([1, 2, 2, 3]).numpy().tolist()
    [0, 1, 2, 1]
    >>> keras.ops.bincount([1, 2, 2], weights=[0.5, 1.0, 1.5], minlength=4).numpy().tolist()
    [0.0, 0.5, 2.5, 0.0]
    """
    if sparse:
        raise ValueError("keras.ops.bincount: sparse=True is not supported (Ember has no "
                         "sparse tensors)")
    x = _t(x)
    if not (x.dtype.is_integer or x.dtype.name == "bool"):
        raise TypeError("keras.ops.bincount: x must hold non-negative integers; received "
                        f"dtype {x.dtype.name}")
    if x.ndim not in (1, 2):
        raise ValueError("keras.ops.bincount: x must be 1-D, or 2-D to count each row; "
                         f"received shape {tuple(x.shape)}")
    values = _concrete(x)
    if values is None:
        raise ValueError("keras.ops.bincount: the output length depends on the values of "
                         "x, so it cannot be traced into a graph; call it eagerly")
    if values.size and values.min() < 0:
        raise ValueError("keras.ops.bincount: x must be non-negative; received a minimum "
                         f"of {values.min()}")
    length = builtins.max(int(minlength), int(values.max()) + 1 if values.size else 0)
    if weights is None:
        return _order.bincount_static(x, None, length)
    w = _t(weights)
    if tuple(w.shape) != tuple(x.shape):
        raise ValueError(f"keras.ops.bincount: weights must have x's shape "
                         f"{tuple(x.shape)}; received {tuple(w.shape)}")
    w = _t(w, _result_type(x.dtype.name, w.dtype.name))
    return _order.bincount_static(x, w, length)


@keras_op
def histogram(x: Any, bins: int = 10, range: Any = None):
    """Counts of the values of the 1-D ``x`` in ``bins`` equal-width bins, and the
    ``bins + 1`` bin edges: ``(counts (int32), edges)``.

    The bins span ``range`` (default: ``x``'s min and max, widened by 0.5 each way when
    they are equal); each is half-open ``[edge, next edge)`` except the last, which also
    holds its right edge. Values outside the range and NaNs are not counted. The edges'
    dtype is ``result_type(x, float)``.

    >>> from ember import keras
    >>> counts, edges = keras.ops.histogram([0.0, 0.5, 1.0, 2.0, 4.0], bins=4)
    >>> counts.numpy().tolist(), edges.numpy().tolist()
    ([2, 1, 1, 1], [0.0, 1.0, 2.0, 3.0, 4.0])
    """
    if not isinstance(bins, (int, np.integer)) or isinstance(bins, bool):
        raise TypeError(f"keras.ops.histogram: bins must be an int; received bins={bins!r}")
    if bins < 1:
        raise ValueError(f"keras.ops.histogram: bins must be a positive integer; received "
                         f"bins={bins}")
    if range is not None:
        if not isinstance(range, tuple) or len(range) != 2:
            raise ValueError("keras.ops.histogram: range must be a tuple of two elements; "
                             f"received range={range!r}")
        if range[1] < range[0]:
            raise ValueError("keras.ops.histogram: the second element of range must not be "
                             f"smaller than the first; received range={range!r}")
    x = _t(x)
    if x.ndim > 1:
        raise ValueError("keras.ops.histogram: x must be 1-dimensional; received shape "
                         f"{tuple(x.shape)}")
    x = ember.reshape(x, [-1])
    dtype = _float_dtype(x)
    # NumPy spaces the edges in x's float dtype when they come from x's min and max, and
    # in float64 when they come from `range` (or x holds integers)
    work = x.dtype.name if (range is None and x.dtype.is_floating) else "float64"
    if range is not None:
        first = ember.constant(float(range[0]), dtype=work)
        last = ember.constant(float(range[1]), dtype=work)
    elif int(x.shape[0]) == 0:
        first, last = ember.constant(0.0, work), ember.constant(1.0, work)
    else:
        wide = _t(x, work)
        first, last = ember.reduce_min(wide), ember.reduce_max(wide)
    xv = _concrete(first), _concrete(last)
    if xv[0] is not None and not (np.isfinite(xv[0]) and np.isfinite(xv[1])):
        raise ValueError("keras.ops.histogram: the range of the bins must be finite; "
                         f"received [{float(xv[0])}, {float(xv[1])}]")
    same = ember.equal(first, last)
    half = ember.constant(0.5, work)
    first = ember.where(same, first - half, first)
    last = ember.where(same, last + half, last)
    steps = ember.constant(np.arange(bins + 1, dtype=work))
    edges = first + steps * ((last - first) / ember.constant(float(bins), work))
    edges = ember.concat([edges[:bins], ember.reshape(last, [1])], axis=0)
    edges = _t(edges, dtype)
    xs = _t(x, dtype)
    inside = ember.logical_and(xs >= edges[0], xs <= edges[bins])
    index = ember.searchsorted(edges, xs, side="right") - 1
    index = ember.where(ember.equal(xs, edges[bins]), ember.fill(list(index.shape), bins - 1),
                        index)
    index = ember.where(inside, index, ember.fill(list(index.shape), -1))
    counts = _order.bincount_static(index, None, bins)
    return counts, edges


@keras_op
def unique(x: Any, sorted: bool = True, return_index: bool = False,
           return_inverse: bool = False, return_counts: bool = False, axis: Any = None,
           size: int | None = None, fill_value: Any = None):
    """The sorted unique values of ``x`` (flattened), or its unique slices along ``axis``.

    Optionally also (int32, in this order) the index of each one's first occurrence, the
    index into the unique values of each element of ``x`` (``x``'s shape when ``axis`` is
    None) and how often each occurs. NaNs are all distinct. With ``size`` the outputs
    have exactly ``size`` entries: truncated, or padded with ``fill_value`` (default 0;
    counts with 0, indices with 1); the output size is then static, otherwise it depends
    on the values and the op runs eagerly only. Values come sorted also with
    ``sorted=False``, as on Keras's NumPy and JAX backends.

    >>> from ember import keras
    >>> keras.ops.unique([3, 1, 2, 1, 3, 2]).numpy().tolist()
    [1, 2, 3]
    >>> values, counts = keras.ops.unique([3, 1, 2, 1], size=5, return_counts=True)
    >>> values.numpy().tolist(), counts.numpy().tolist()
    ([1, 2, 3, 0, 0], [2, 1, 1, 0, 0])
    """
    x = _t(x)
    if axis is None:
        rows = ember.reshape(x, [-1])
        a = None
        n = int(rows.shape[0])
        order = ember.argsort(rows, stable=True) if n else ember.zeros([0], "int32")
        ordered = ember.gather(rows, order)
        change = ember.not_equal(ordered[1:], ordered[:-1])
    else:
        if x.ndim == 0:
            raise ValueError("keras.ops.unique: axis must be None for a scalar x")
        a = _one_axis("unique", axis, x.ndim)
        moved = x if a == 0 else ember.transpose(
            x, [a] + [d for d in range(x.ndim) if d != a])
        n = int(moved.shape[0])
        rows = ember.reshape(moved, [n, -1])
        cols = int(rows.shape[1])
        order = ember.range(n, dtype="int32") if n else ember.zeros([0], "int32")
        for j in reversed(builtins.range(cols)):  # lexicographic: least significant first
            column = ember.gather(rows[:, j], order)
            order = ember.gather(order, ember.argsort(column, stable=True))
        ordered = ember.gather(rows, order)
        change = ember.reduce_any(ember.not_equal(ordered[1:], ordered[:-1]), axis=1)
    order = _t(order, "int32")
    first = ember.concat([ember.constant([n > 0]), change], axis=0)[:n]
    group = ember.cumsum(ember.cast(first, "int32")) - 1          # group of each sorted item
    if size is None:
        k = _concrete(group[n - 1:]) if n else np.zeros(1, np.int32) - 1
        if k is None:
            raise ValueError("keras.ops.unique: without `size`, the output size depends on "
                             "the values of x, so it cannot be traced into a graph; call it "
                             "eagerly or pass size=")
        out_size = int(k[-1]) + 1 if n else 0
    else:
        out_size = int(size)
    # write each group's first item at its group number (others go to a spare last slot)
    slot = ember.where(ember.logical_and(first, group < out_size), group,
                       ember.fill(list(group.shape), out_size))
    slot = ember.reshape(slot, [-1, 1])

    def scatter(base, updates):
        return ember.tensor_scatter_nd_update(base, slot, updates)[:out_size]

    fill = 0 if fill_value is None else fill_value
    base = ember.fill([out_size + 1] + list(ordered.shape[1:]),
                      ember.cast(ember.constant(fill), x.dtype))
    values = scatter(base, ordered)
    if a is not None:
        rest = [x.shape[d] for d in range(x.ndim) if d != a]
        values = ember.reshape(values, [out_size] + rest)
        if a != 0:
            perm = list(builtins.range(1, a + 1)) + [0] + list(builtins.range(a + 1, x.ndim))
            values = ember.transpose(values, perm)
    outputs = [values]
    if return_index:
        outputs.append(scatter(ember.fill([out_size + 1], 1), order))
    if return_inverse:
        inverse = ember.tensor_scatter_nd_update(ember.zeros([n], "int32"),
                                                 ember.reshape(order, [-1, 1]), group)
        outputs.append(ember.reshape(inverse, list(x.shape)) if a is None else inverse)
    if return_counts:
        outputs.append(_order.bincount_static(group, None, out_size))
    return outputs[0] if len(outputs) == 1 else tuple(outputs)
