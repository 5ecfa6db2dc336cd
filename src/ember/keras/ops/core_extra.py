"""More core ops of ``keras.ops``: scans and maps, scatters, casts, ``switch``, ``unstack``.

Everything is built from Ember ops, so gradients flow through ``associative_scan``,
``map``, ``vectorized_map``, ``scatter``, ``scatter_update`` (all reductions) and
``saturate_cast`` (to float dtypes).

>>> from ember import keras
>>> from ember.keras.ops import core_extra as ops
>>> ops.associative_scan(lambda a, b: a + b, keras.ops.arange(1, 4)).numpy().tolist()
[1, 3, 6]
"""
from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

import ember
from ember.ops import linalg_extra as _extra  # tensor_scatter_nd_max / _min / _mul

from ._dispatch import keras_op
from ._dispatch import t as _t

__all__ = ["associative_scan", "custom_gradient", "dtype", "map", "saturate_cast", "scatter",
           "scatter_update", "switch", "unstack", "vectorized_map"]


# ---- scans and maps ---------------------------------------------------------------------
def _tensors(nest: Any) -> Any:
    """The same nest with every leaf a Tensor."""
    return ember.nest.pack_sequence_as(nest, [_t(v) for v in ember.nest.flatten(nest)])


def _along(x: ember.Tensor, axis: int, start=None, stop=None, step=None) -> ember.Tensor:
    """``x[start:stop:step]`` along ``axis``."""
    return x[(slice(None),) * axis + (slice(start, stop, step),)]


def _interleave(a: ember.Tensor, b: ember.Tensor, axis: int) -> ember.Tensor:
    """``[a0, b0, a1, b1, ...]`` along ``axis``; ``a`` is as long as ``b`` or one longer."""
    na, nb = a.shape[axis], b.shape[axis]
    if na == nb + 1:  # pad b with a filler slice, interleave, then drop the filler
        b = ember.concat([b, _along(a, axis, na - 1, na)], axis=axis)
    pairs = ember.stack([a, b], axis=axis + 1)
    shape = tuple(a.shape)
    merged = ember.reshape(pairs, shape[:axis] + (2 * na,) + shape[axis + 1:])
    return _along(merged, axis, 0, na + nb)


@keras_op
def associative_scan(f: Callable, elems: Any, reverse: bool = False, axis: int = 0) -> Any:
    """Inclusive scan of ``elems`` along ``axis`` with the associative binary ``f``:
    ``[a, f(a, b), f(f(a, b), c), ...]``, computed in O(log n) rounds of ``f``.

    ``elems`` may be a nest of tensors (``f`` gets and returns the same nest); ``f`` must
    work elementwise along ``axis``.

    >>> from ember import keras
    >>> from ember.keras.ops import core_extra as ops
    >>> x = keras.ops.convert_to_tensor([1.0, 2.0, 3.0, 4.0])
    >>> ops.associative_scan(lambda a, b: a * b, x).numpy().tolist()
    [1.0, 2.0, 6.0, 24.0]
    >>> ops.associative_scan(lambda a, b: a + b, x, reverse=True).numpy().tolist()
    [10.0, 9.0, 7.0, 4.0]
    """
    if not callable(f):
        raise TypeError(f"keras.ops.associative_scan: `f` should be a callable. Received: "
                        f"f={f!r}")
    flat = [_t(e) for e in ember.nest.flatten(elems)]
    if not flat:
        raise ValueError("keras.ops.associative_scan: `elems` holds no tensors")
    axes = []
    for e in flat:
        if not -e.ndim <= axis < max(e.ndim, 1) or e.ndim == 0:
            raise ValueError(f"keras.ops.associative_scan: axis={axis} is out of range for "
                             f"an input of shape {tuple(e.shape)}")
        axes.append(axis % e.ndim)
    lens = [e.shape[a] for e, a in zip(flat, axes)]
    if len(set(lens)) != 1:
        raise ValueError("keras.ops.associative_scan: Array inputs to associative_scan must "
                         "have the same first dimension. (saw: "
                         f"{[tuple(e.shape) for e in flat]})")
    if reverse:
        flat = [ember.reverse(e, [a]) for e, a in zip(flat, axes)]

    def combine(a_flat, b_flat):
        if a_flat[0].shape[axes[0]] == 0:   # nothing to combine: keep the empty slices
            return list(b_flat)
        out = f(ember.nest.pack_sequence_as(elems, a_flat),
                ember.nest.pack_sequence_as(elems, b_flat))
        out_flat = [_t(o) for o in ember.nest.flatten(out)]
        if len(out_flat) != len(a_flat):
            raise ValueError(f"keras.ops.associative_scan: `f` returned {len(out_flat)} "
                             f"tensors for inputs holding {len(a_flat)}")
        return out_flat

    def scan(xs):
        n = xs[0].shape[axes[0]]
        if n < 2:
            return xs
        # combine neighbours pairwise, scan the half-length result (the odd positions),
        # then fill in the even positions from it
        odd = scan(combine([_along(x, a, 0, n - 1, 2) for x, a in zip(xs, axes)],
                           [_along(x, a, 1, None, 2) for x, a in zip(xs, axes)]))
        rest = [_along(x, a, 2, None, 2) for x, a in zip(xs, axes)]
        if n % 2 == 0:
            even = combine([_along(o, a, 0, -1) for o, a in zip(odd, axes)], rest)
        else:
            even = combine(odd, rest)
        even = [ember.concat([_along(x, a, 0, 1), e], axis=a)
                for x, e, a in zip(xs, even, axes)]
        return [_interleave(e, o, a) for e, o, a in zip(even, odd, axes)]

    out = scan(flat)
    if reverse:
        out = [ember.reverse(o, [a]) for o, a in zip(out, axes)]
    return ember.nest.pack_sequence_as(elems, out)


@keras_op
def map(f: Callable, xs: Any) -> Any:
    """``f`` applied to each slice of ``xs`` along its first axis, the results stacked
    (``xs`` and the results may be nests).

    >>> from ember import keras
    >>> from ember.keras.ops import core_extra as ops
    >>> ops.map(lambda x: x * x, keras.ops.arange(4)).numpy().tolist()
    [0, 1, 4, 9]
    """
    if not callable(f):
        raise TypeError(f"keras.ops.map: `f` should be a callable. Received: f={f!r}")
    return ember.map_fn(f, _tensors(xs))


@keras_op
def vectorized_map(function: Callable, elements: Any) -> Any:
    """``function`` on each slice of ``elements`` along axis 0, the results stacked.

    A list or tuple of tensors gives ``function`` one list/tuple of slices per index.
    (Ember runs it as ``map``: one call per slice, traced once inside ``ember.function``.)

    >>> from ember import keras
    >>> from ember.keras.ops import core_extra as ops
    >>> import numpy as np
    >>> xs = [np.array([1.0, 2.0], "float32"), np.array([10.0, 20.0], "float32")]
    >>> ops.vectorized_map(lambda xs: xs[0] + xs[1], xs).numpy()
    array([11., 22.], dtype=float32)
    """
    if not callable(function):
        raise TypeError("keras.ops.vectorized_map: `function` should be a callable. "
                        f"Received: function={function!r}")
    return ember.map_fn(function, _tensors(elements))


@keras_op
def switch(index: Any, branches: Any, *operands: Any) -> Any:
    """``branches[index](*operands)``, with ``index`` clamped to ``[0, len(branches) - 1]``.

    A tensor ``index`` inside ``ember.function`` becomes a chain of ``ember.cond``.

    >>> from ember import keras
    >>> from ember.keras.ops import core_extra as ops
    >>> float(ops.switch(1, [lambda x: x + 1, lambda x: x * 10], 2.0))
    20.0
    >>> float(ops.switch(7, [lambda x: x + 1, lambda x: x * 10], 2.0))
    20.0
    """
    branches = list(branches)
    if not branches:
        raise ValueError("keras.ops.switch: `branches` must hold at least one function")
    for b in branches:
        if not callable(b):
            raise TypeError(f"keras.ops.switch: every branch must be callable; got {b!r}")
    last = len(branches) - 1
    if isinstance(index, (bool, np.bool_)) or not isinstance(index, (int, np.integer)):
        idx = _t(index)
        if not (idx.dtype.is_integer or idx.dtype.is_bool) or idx.ndim != 0:
            raise TypeError("keras.ops.switch: `index` must be an integer scalar; got "
                            f"{idx.dtype.name} of shape {tuple(idx.shape)}")
        if not ember.executing_eagerly():   # a traced index: select with ember.cond
            idx = ember.cast(idx, "int32")

            def pick(k):
                if k == last:
                    return branches[k](*operands)
                return ember.cond(ember.less_equal(idx, k), lambda: branches[k](*operands),
                                  lambda: pick(k + 1))
            return pick(0)
        index = int(idx.numpy())
    return branches[min(max(int(index), 0), last)](*operands)


# ---- scatters ---------------------------------------------------------------------------
def _int_indices(indices: Any, op: str) -> ember.Tensor:
    idx = _t(indices)
    if not idx.dtype.is_integer:
        raise TypeError(f"keras.ops.{op}: `indices` must be integers; got {idx.dtype.name} "
                        f"of shape {tuple(idx.shape)}")
    if idx.ndim == 0:
        raise ValueError(f"keras.ops.{op}: `indices` must have rank >= 1 (one index vector "
                         "per row); got a scalar")
    return idx


@keras_op
def scatter(indices: Any, values: Any, shape: Any) -> ember.Tensor:
    """A zero tensor of ``shape`` with ``values`` added at ``indices`` (repeated indices
    add up). ``indices[..., :k]`` index the first ``k`` axes; ``values`` hold elements
    (``k == len(shape)``) or slices ``shape[k:]``.

    >>> from ember import keras
    >>> from ember.keras.ops import core_extra as ops
    >>> ops.scatter([[0, 1], [1, 1]], [1.0, 1.0], shape=(2, 2)).numpy().tolist()
    [[0.0, 1.0], [0.0, 1.0]]
    """
    idx = _int_indices(indices, "scatter")
    vals = _t(values)
    dims = tuple(int(d) for d in (shape if isinstance(shape, (list, tuple))
                                  else np.asarray(ember.convert_to_tensor(shape)).tolist()))
    depth = idx.shape[-1]
    if depth > len(dims):
        raise ValueError(f"keras.ops.scatter: index vectors of length {depth} (indices of "
                         f"shape {tuple(idx.shape)}) do not fit the output shape {dims}")
    idx = ember.reshape(idx, (-1, depth))
    rows = idx.shape[0]
    want = (rows,) + dims[depth:]
    if int(np.prod(vals.shape)) != int(np.prod(want)):
        raise ValueError(f"keras.ops.scatter: `values` of shape {tuple(vals.shape)} do not "
                         f"match {rows} indices into shape {dims} (expected "
                         f"{rows} x {dims[depth:]} values)")
    return ember.scatter_nd(idx, ember.reshape(vals, want), dims)


@keras_op
def scatter_update(inputs: Any, indices: Any, updates: Any, reduction: Any = None):
    """A copy of ``inputs`` with ``updates`` put at ``indices`` (``inputs[indices] = updates``).

    ``indices`` is ``(num_updates, k)``: full index vectors (``k == inputs.ndim``, updates
    ``(num_updates,)``) or prefixes (updates ``(num_updates,) + inputs.shape[k:]``).
    ``reduction`` says how repeated targets combine: None (one update wins), "add",
    "max", "min" or "mul". Updates are cast to ``inputs``' dtype.

    >>> import numpy as np
    >>> from ember import keras
    >>> from ember.keras.ops import core_extra as ops
    >>> ops.scatter_update(np.zeros(4), [[0], [0], [1]], np.ones(3), reduction="add").numpy()
    array([2., 1., 0., 0.])
    """
    if reduction is not None:
        reduction = str(reduction).lower()
        if reduction not in ("add", "max", "min", "mul"):
            raise ValueError(f"keras.ops.scatter_update: Invalid reduction: {reduction}. "
                             "Supported values are: None, 'add', 'max', 'min', 'mul'.")
    x = _t(inputs)
    idx = _int_indices(indices, "scatter_update")
    u = _t(updates)
    if u.dtype != x.dtype:
        u = ember.cast(u, x.dtype)
    depth = idx.shape[-1]
    want = tuple(idx.shape[:-1]) + tuple(x.shape[depth:])
    if depth > x.ndim or tuple(u.shape) != want:
        raise ValueError(f"keras.ops.scatter_update: `updates` must have shape {want} for "
                         f"indices of shape {tuple(idx.shape)} into inputs of shape "
                         f"{tuple(x.shape)}; received updates of shape {tuple(u.shape)}")
    if reduction is None:
        return ember.tensor_scatter_nd_update(x, idx, u)
    if reduction == "add":
        return ember.tensor_scatter_nd_add(x, idx, u)
    fn = {"max": ember.tensor_scatter_nd_max, "min": ember.tensor_scatter_nd_min,
          "mul": _extra.tensor_scatter_nd_mul}[reduction]
    return fn(x, idx, u)


# ---- shapes and dtypes ------------------------------------------------------------------
@keras_op
def unstack(x: Any, num: int | None = None, axis: int = 0) -> list:
    """The slices of ``x`` along ``axis``, as a list of tensors of rank ``x.ndim - 1``.

    >>> from ember import keras
    >>> from ember.keras.ops import core_extra as ops
    >>> [v.numpy().tolist() for v in ops.unstack([[1, 2], [3, 4]], axis=1)]
    [[1, 3], [2, 4]]
    """
    x = _t(x)
    if x.ndim == 0:
        raise ValueError("keras.ops.unstack: the input must have rank >= 1; got a scalar")
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"keras.ops.unstack: axis={axis} is out of range for an input of "
                         f"shape {tuple(x.shape)}")
    if num is not None and int(num) != x.shape[axis]:
        raise ValueError(f"keras.ops.unstack: num={num} does not match the size "
                         f"{x.shape[axis]} of axis {axis} (input shape {tuple(x.shape)})")
    return list(ember.unstack(x, axis=axis))


def dtype(x: Any) -> str:
    """The standardized dtype name of ``x`` (a tensor, array, KerasTensor or Python value).

    >>> from ember import keras
    >>> from ember.keras.ops import core_extra as ops
    >>> ops.dtype(keras.ops.zeros((8, 12)))
    'float32'
    """
    d = getattr(x, "dtype", None)
    if d is None:
        d = _t(x).dtype
    return ember.as_dtype(d).name


def _limits(d: ember.DType) -> tuple:
    if d.is_bool:
        return 0, 1
    np_d = np.dtype(d.as_numpy_dtype)
    if d.is_integer:
        info = np.iinfo(np_d)
        return int(info.min), int(info.max)
    try:
        info = np.finfo(np_d)
    except ValueError:  # bfloat16 and other ml_dtypes types
        import ml_dtypes
        info = ml_dtypes.finfo(np_d)
    return float(info.min), float(info.max)


def _bound_in(value, in_np, out_lo, out_hi):
    """``value`` as an ``in_np`` scalar that lies inside ``[out_lo, out_hi]`` (rounding
    toward zero where the nearest one falls outside)."""
    v = np.asarray(value).astype(in_np)
    if float(v) > out_hi or float(v) < out_lo:
        v = np.nextafter(v, np.zeros((), in_np)).astype(in_np)
    return v


@keras_op
def saturate_cast(x: Any, dtype: Any) -> ember.Tensor:
    """Cast to ``dtype``, clipping to the values ``dtype`` can hold first (no wrap-around).

    Out-of-range values become the target's minimum / maximum exactly (also where the
    target's limit is not representable in ``x``'s dtype, e.g. float32 → int32), NaN
    becomes 0 for integer targets, and ±inf the extreme finite value for float targets.

    >>> from ember import keras
    >>> from ember.keras.ops import core_extra as ops
    >>> ops.saturate_cast([-1.0, 256.0, 3.7], "uint8").numpy().tolist()
    [0, 255, 3]
    """
    x = _t(x)
    target = ember.as_dtype(dtype)
    if x.dtype.is_complex or target.is_complex:
        raise TypeError("keras.ops.saturate_cast: complex dtypes are not supported; got "
                        f"{x.dtype.name} -> {target.name}")
    if x.dtype.is_bool:
        return ember.cast(x, target)
    in_np = np.dtype(x.dtype.as_numpy_dtype)
    in_lo, in_hi = _limits(x.dtype)
    out_lo, out_hi = _limits(target)
    lo = _bound_in(max(in_lo, out_lo), in_np, out_lo, out_hi)
    hi = _bound_in(min(in_hi, out_hi), in_np, out_lo, out_hi)
    clipped = ember.clip_by_value(x, ember.constant(lo, dtype=x.dtype),
                                  ember.constant(hi, dtype=x.dtype))
    nan = None
    if x.dtype.is_floating and target.is_integer:
        nan = ember.math.is_nan(x)
        clipped = ember.where(nan, ember.zeros_like(clipped), clipped)
    out = ember.cast(clipped, target)
    if nan is not None:   # saturate exactly (NaN went to 0 above)
        top = ember.constant(out_hi, dtype=target)
        bottom = ember.constant(out_lo, dtype=target)
        out = ember.where(ember.greater(x, ember.constant(hi, dtype=x.dtype)), top, out)
        out = ember.where(ember.less(x, ember.constant(lo, dtype=x.dtype)), bottom, out)
    return out


# ---- gradients --------------------------------------------------------------------------
def _torch_style(grad_fn: Callable) -> bool:
    """Whether ``grad_fn`` wants Keras's PyTorch-style call ``grad_fn(*inputs, upstream=dy)``
    (a required keyword-only ``upstream``)."""
    try:
        p = inspect.signature(grad_fn).parameters.get("upstream")
    except (TypeError, ValueError):
        return False
    return p is not None and p.kind is p.KEYWORD_ONLY and p.default is p.empty


def custom_gradient(f: Callable) -> Callable:
    """Decorator: ``f(*args)`` returns ``(output, grad_fn)`` and ``grad_fn`` the gradients
    of the inputs given the output's upstream gradient (``ember.custom_gradient``).

    ``grad_fn(upstream)`` (TensorFlow / JAX style), ``grad_fn(*args, upstream=None)``
    (Keras's backend-agnostic style) and ``grad_fn(*args, upstream)`` (PyTorch style:
    called with the inputs and ``upstream=``) all work.

    >>> import ember
    >>> from ember.keras.ops import core_extra as ops
    >>> @ops.custom_gradient
    ... def clip_grad(x):
    ...     def grad(*args, upstream=None):
    ...         if upstream is None:
    ...             (upstream,) = args
    ...         return ember.clip_by_value(upstream, -1.0, 1.0)
    ...     return x * 1.0, grad
    >>> x = ember.constant(3.0)
    >>> with ember.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = clip_grad(x) * 5.0
    >>> float(tape.gradient(y, x))
    1.0
    """
    if not callable(f):
        raise TypeError(f"keras.ops.custom_gradient: `f` must be callable; got {f!r}")

    def forward(*args, **kwargs):
        out, grad_fn = f(*args, **kwargs)
        if not _torch_style(grad_fn):
            return out, grad_fn

        def grad(*upstream):
            return grad_fn(*args, upstream=upstream[0] if len(upstream) == 1 else upstream)
        return out, grad

    forward.__name__ = getattr(f, "__name__", "custom_gradient")
    forward.__qualname__ = getattr(f, "__qualname__", forward.__name__)
    forward.__doc__ = getattr(f, "__doc__", None)
    return ember.custom_gradient(forward)
