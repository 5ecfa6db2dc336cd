"""Reductions: sums, means, extrema, products, variance, logsumexp, any/all, counts of
nonzeros and the fraction of zeros, arg-extrema, cumulative sums, products and logsumexp.

Every public function takes ``axis`` as TensorFlow does: None reduces every axis, an int or
a list of ints (negative counts from the end) names the axes, and an empty list reduces
nothing. Axes are normalized once, in the public wrapper, into a sorted tuple of
non-negative ints handed to the primitive as a static parameter.
"""
from __future__ import annotations

import operator as _operator
from typing import Any

import numpy as np

from ..core.convert import holds_tensor, static_shape, to_array
from ..core.dtypes import to_numpy
from ..core.errors import InvalidArgumentError
from ..core.tensor import Tensor
from .primitive import primitive, value_shaped


# -- argument handling ----------------------------------------------------------------------
def normalize_axis(axis: Any, ndim: int, op: str):
    """``axis`` as a sorted tuple of non-negative ints (None: every axis).

    Raises an error naming ``op`` when an axis is out of range.
    """
    if axis is None:
        return tuple(range(ndim))
    if hasattr(axis, "_value"):
        axis = np.asarray(axis._value).tolist()
    elif isinstance(axis, np.ndarray):
        axis = axis.tolist()
    if isinstance(axis, (int, np.integer)):
        axis = (int(axis),)
    else:
        try:
            axis = tuple(axis)
        except TypeError:
            raise TypeError(f"ember.{op}: axis must be an int or a list of ints; "
                            f"got {axis!r}") from None
    out = []
    for a in axis:
        a = _axis_int(a, axis, op)
        if not -ndim <= a < max(ndim, 1):
            raise InvalidArgumentError(
                f"ember.{op}: axis {a} is out of range for a tensor of rank {ndim} "
                f"(expected an axis in [{-ndim}, {max(ndim, 1)}))")
        a = a % ndim if ndim else 0
        if a in out and ndim:
            raise InvalidArgumentError(
                f"ember.{op}: axis {list(axis)} names dimension {a} twice (tensor of rank "
                f"{ndim})")
        out.append(a)
    return tuple(sorted(out))


def _axis_int(a: Any, axis: Any, op: str) -> int:
    if isinstance(a, (bool, np.bool_)):
        raise TypeError(f"ember.{op}: axis must be an int or a list of ints; got {axis!r}")
    try:
        return _operator.index(a)
    except TypeError:
        raise TypeError(f"ember.{op}: axis must be an int or a list of ints; "
                        f"got {axis!r}") from None


def _single_axis(axis: Any, ndim: int, op: str) -> int:
    """One axis in ``[-ndim, ndim)`` as a non-negative int (for cumsum, argmax, ...)."""
    if hasattr(axis, "_value"):
        axis = np.asarray(axis._value)
    if isinstance(axis, np.ndarray):
        if axis.size != 1:
            raise InvalidArgumentError(
                f"ember.{op}: axis must be a single int; got an array of shape {axis.shape}")
        axis = axis.reshape(()).item()
    if isinstance(axis, (bool, np.bool_, list, tuple)):
        raise TypeError(f"ember.{op}: axis must be a single int; got {axis!r}")
    a = _axis_int(axis, axis, op)
    if not -ndim <= a < ndim:
        raise InvalidArgumentError(
            f"ember.{op}: axis {a} is out of range for a tensor of rank {ndim} "
            f"(expected an axis in [{-ndim}, {ndim}))")
    return a % ndim


def _as_tensor(x: Any):
    """Tensors and Variables as they are (so tapes see them); anything else converted."""
    if isinstance(x, Tensor) or hasattr(x, "_is_ember_variable"):
        return x
    if holds_tensor(x):  # [loss_a, loss_b]: stacked, so tapes and traces see them
        from .shape import pack
        return pack(x)
    return Tensor(to_array(x))


def _keep_shape(shape: tuple, axes: tuple) -> tuple:
    return tuple(1 if i in axes else d for i, d in enumerate(shape))


def _out_shape(shape: tuple, axes: tuple, keepdims: bool) -> tuple:
    if keepdims:
        return _keep_shape(shape, axes)
    return tuple(d for i, d in enumerate(shape) if i not in axes)


def _count(shape: tuple, axes: tuple) -> int:
    n = 1
    for a in axes:
        n *= shape[a]
    return n


def _ndim(x: Any) -> int:
    v = getattr(x, "_value", None)
    if v is not None:
        return v.ndim
    return len(static_shape(x))


def _prepare(input_tensor: Any, axis: Any, op: str):
    """(tensor, normalized axes). A scalar reduces over nothing."""
    x = _as_tensor(input_tensor)
    nd = x._value.ndim
    axes = normalize_axis(axis, nd, op)
    if nd == 0:
        axes = ()
    return x, axes


@primitive(name="broadcast_reduced")
def _broadcast_reduced(xp, t, x, axis=(), keepdims=False):
    """``t``, a reduction of ``x`` over ``axis``, broadcast back to ``x``'s shape as it
    is when the graph runs (for a ``value_shaped`` ``x``, whose traced shape may not be
    the next call's)."""
    kept = t if keepdims else t.reshape(_keep_shape(x.shape, axis))
    return xp.broadcast_to(kept, x.shape)


@_broadcast_reduced.vjp
def _(g, out, t, x, axis=(), keepdims=False):
    return _reduce_sum(g, axis=axis, keepdims=keepdims), None


@primitive(name="inverse_count")
def _inverse_count(xp, x, axis=(), dtype=np.float32):
    """``1 / n`` for the ``n`` elements of ``x`` each reduction over ``axis`` takes
    (1 when there are none), as the graph runs."""
    return xp.asarray(1.0 / max(_count(x.shape, axis), 1), dtype)


@_inverse_count.vjp
def _(g, out, x, axis=(), dtype=np.float32):
    return None


def _grad_to_input(g, x, axis, keepdims):
    """The output gradient broadcast back to the input's shape."""
    if value_shaped(x):
        return _broadcast_reduced(g, x, axis=axis, keepdims=keepdims)
    from .shape import broadcast_to, reshape
    shape = tuple(x.shape)
    if not keepdims:
        g = reshape(g, _keep_shape(shape, axis))
    return broadcast_to(g, shape)


def _kept(t, x, axis, keepdims):
    """A reduced tensor with the reduced axes kept as size 1 (for broadcasting; a
    ``value_shaped`` input's gets the full shape, read as the graph runs)."""
    if keepdims:
        return t
    if value_shaped(x):
        return _broadcast_reduced(t, x, axis=axis, keepdims=False)
    from .shape import reshape
    return reshape(t, _keep_shape(tuple(x.shape), axis))


def _sum_dtype(xp, x):
    """Accumulation dtype of a sum: bool counts as int32, ints stay in their own dtype."""
    k = x.dtype.kind
    if k == "b":
        return xp.int32
    if k in "iu":
        return x.dtype
    return None


# -- reduce_sum ------------------------------------------------------------------------------
@primitive(name="reduce_sum")
def _reduce_sum(xp, x, axis=None, keepdims=False):
    if (axis and x.dtype.kind == "f" and x.dtype.itemsize >= 4 and x.size >= 4096
            and axis == tuple(range(len(axis))) and len(axis) < x.ndim
            and x.flags.c_contiguous):
        # leading axes of a contiguous array (bias gradients): one vector-matrix product,
        # several times faster than NumPy's row-by-row accumulation, and no less exact
        rest = x.shape[len(axis):]
        x2 = x.reshape(-1, x[(0,) * len(axis)].size)
        out = (xp.ones(x2.shape[0], x.dtype) @ x2).reshape(rest)
        return out.reshape((1,) * len(axis) + rest) if keepdims else out
    return xp.sum(x, axis=axis, keepdims=keepdims, dtype=_sum_dtype(xp, x))


@_reduce_sum.vjp
def _(g, out, x, axis=None, keepdims=False):
    return _grad_to_input(g, x, axis, keepdims)


def reduce_sum(input_tensor: Any, axis: Any = None, keepdims: bool = False, name=None):
    """Sum over ``axis`` (every axis when None). Booleans are counted as int32.

    >>> import ember
    >>> ember.reduce_sum([[1., 2.], [3., 4.]], axis=0).numpy()
    array([4., 6.], dtype=float32)
    """
    v = getattr(input_tensor, "_value", None)
    ndim = v.ndim if v is not None else len(static_shape(input_tensor))
    axes = normalize_axis(axis, ndim, "reduce_sum") if ndim else ()
    return _reduce_sum(input_tensor, axis=axes, keepdims=bool(keepdims))


# -- reduce_mean -----------------------------------------------------------------------------
@primitive(name="reduce_mean")
def _reduce_mean(xp, x, axis=(), keepdims=False):
    n = _count(x.shape, axis)
    k = x.dtype.kind
    if k == "b":
        raise TypeError("bool tensors have no mean; cast them to a number type first")
    if k in "iu":
        if n == 0:
            return xp.zeros(_out_shape(x.shape, axis, keepdims), dtype=x.dtype)
        acc = xp.int64 if k == "i" else xp.uint64
        s = xp.sum(x, axis=axis, keepdims=keepdims, dtype=acc)
        if k == "i":  # integer division truncating toward zero, as TensorFlow does
            q = (xp.abs(s) // n) * xp.sign(s)
        else:
            q = s // n
        return xp.asarray(q).astype(x.dtype)
    if n == 0:
        return xp.full(_out_shape(x.shape, axis, keepdims), xp.nan, dtype=x.dtype)
    return xp.mean(x, axis=axis, keepdims=keepdims)


@_reduce_mean.vjp
def _(g, out, x, axis=(), keepdims=False):
    if value_shaped(x):
        return _grad_to_input(g, x, axis, keepdims) * _inverse_count(
            x, axis=axis, dtype=np.dtype(g.dtype.name))
    n = max(_count(tuple(x.shape), axis), 1)
    from .shape import broadcast_to
    return broadcast_to(_kept(g, x, axis, keepdims) * (1.0 / n), tuple(x.shape))


def reduce_mean(input_tensor: Any, axis: Any = None, keepdims: bool = False, name=None):
    """Mean over ``axis`` (every axis when None).

    Integer tensors give an integer mean (rounded toward zero), as in TensorFlow.

    >>> import ember
    >>> ember.reduce_mean([[1., 2.], [3., 4.]], axis=1).numpy()
    array([1.5, 3.5], dtype=float32)
    >>> int(ember.reduce_mean([1, 2]))
    1
    """
    x, axes = _prepare(input_tensor, axis, "reduce_mean")
    return _reduce_mean(x, axis=axes, keepdims=bool(keepdims))


# -- reduce_max / reduce_min ---------------------------------------------------------------
def _lowest(xp, dtype, largest: bool):
    if dtype.kind == "f":
        return -xp.inf if largest else xp.inf
    if dtype.kind == "b":
        return not largest
    info = np.iinfo(dtype)
    return info.min if largest else info.max


def _extremum(xp, x, axis, keepdims, largest):
    if any(x.shape[a] == 0 for a in axis):
        # empty reduction: the identity of max (lowest value) or min (highest value)
        return xp.full(_out_shape(x.shape, axis, keepdims), _lowest(xp, x.dtype, largest),
                       dtype=x.dtype)
    f = xp.max if largest else xp.min
    return f(x, axis=axis, keepdims=keepdims)


def _extremum_grad(g, out, x, axis, keepdims):
    """The gradient shared equally among the elements equal to the extremum."""
    from .elementwise import cast, equal
    mask = cast(equal(x, _kept(out, x, axis, keepdims)), g.dtype)
    count = _reduce_sum(mask, axis=axis, keepdims=True)
    return _kept(g, x, axis, keepdims) * mask / count


@primitive(name="reduce_max")
def _reduce_max(xp, x, axis=(), keepdims=False):
    return _extremum(xp, x, axis, keepdims, True)


@_reduce_max.vjp
def _(g, out, x, axis=(), keepdims=False):
    return _extremum_grad(g, out, x, axis, keepdims)


@primitive(name="reduce_min")
def _reduce_min(xp, x, axis=(), keepdims=False):
    return _extremum(xp, x, axis, keepdims, False)


@_reduce_min.vjp
def _(g, out, x, axis=(), keepdims=False):
    return _extremum_grad(g, out, x, axis, keepdims)


def reduce_max(input_tensor: Any, axis: Any = None, keepdims: bool = False, name=None):
    """Maximum over ``axis``. The gradient is shared equally among tied maxima.

    An empty reduction gives the lowest value of the dtype (``-inf`` for floats).

    >>> import ember
    >>> ember.reduce_max([[1., 5.], [3., 4.]], axis=1).numpy()
    array([5., 4.], dtype=float32)
    """
    x, axes = _prepare(input_tensor, axis, "reduce_max")
    return _reduce_max(x, axis=axes, keepdims=bool(keepdims))


def reduce_min(input_tensor: Any, axis: Any = None, keepdims: bool = False, name=None):
    """Minimum over ``axis``. The gradient is shared equally among tied minima.

    >>> import ember
    >>> ember.reduce_min([[1., 5.], [3., 4.]], axis=0).numpy()
    array([1., 4.], dtype=float32)
    """
    x, axes = _prepare(input_tensor, axis, "reduce_min")
    return _reduce_min(x, axis=axes, keepdims=bool(keepdims))


# -- reduce_prod -----------------------------------------------------------------------------
@primitive(name="reduce_prod")
def _reduce_prod(xp, x, axis=(), keepdims=False):
    return xp.prod(x, axis=axis, keepdims=keepdims, dtype=_sum_dtype(xp, x))


@_reduce_prod.vjp
def _(g, out, x, axis=(), keepdims=False):
    # d prod / d x_i = product of the other elements: exact with any number of zeros
    others = _prod_others(x, axis=axis)
    if others.dtype.is_complex:   # TF's convention: g * conj(d prod / d x_i)
        from .special_functions import conj
        others = conj(others)
    return _kept(g, x, axis, keepdims) * others


@primitive(name="prod_of_others")
def _prod_others(xp, x, axis=()):
    """For each element, the product of the other elements of its reduction group."""
    nd = x.ndim
    rest = [i for i in range(nd) if i not in axis]
    perm = rest + list(axis)
    xt = xp.transpose(x, perm)
    lead = xt.shape[:len(rest)]
    n = _count(x.shape, axis)
    if n == 0:
        return xp.zeros_like(x)
    flat = xt.reshape(lead + (n,))
    one = xp.ones(lead + (1,), dtype=x.dtype)
    left = xp.cumprod(xp.concatenate([one, flat[..., :-1]], axis=-1), axis=-1)
    right = xp.flip(xp.cumprod(xp.flip(xp.concatenate([flat[..., 1:], one], axis=-1),
                                       axis=-1), axis=-1), axis=-1)
    po = (left * right).reshape(xt.shape)
    inv = [0] * nd
    for i, p in enumerate(perm):
        inv[p] = i
    return xp.transpose(po, inv)


@_prod_others.vjp
def _(g, po, x, axis=()):
    # d po_i / d x_j = product of the elements other than i and j (0 when i == j), so
    # vjp_j = sum_{i != j} g_i prod_{l not in {i, j}} x_l. Where x_j != 0 that is
    # (sum_i g_i po_i - g_j po_j) / x_j exactly; where x_j == 0 it depends on how many
    # zeros share its group (one: the products of the others with x_j taken as 1;
    # two: only the other zero's term survives; more: nothing survives).
    from .elementwise import cast, equal, ones_like_value, where, zeros_like_value
    zero = equal(x, 0)
    safe = where(zero, ones_like_value(x), x)
    nzeros = _reduce_sum(cast(zero, "int32"), axis=axis, keepdims=True)
    gpo = g * po
    nonzero_case = (_reduce_sum(gpo, axis=axis, keepdims=True) - gpo) / safe
    po1 = _prod_others(safe, axis=axis)
    gpo1 = g * po1
    one_zero = _reduce_sum(gpo1, axis=axis, keepdims=True) - gpo1
    gz = _reduce_sum(where(zero, g, zeros_like_value(g)), axis=axis, keepdims=True)
    two_zeros = _reduce_prod(safe, axis=axis, keepdims=True) * (gz - g)
    none = zeros_like_value(nonzero_case)
    zero_case = where(equal(nzeros, 1), one_zero,
                      where(equal(nzeros, 2), two_zeros, none))
    return where(zero, zero_case, nonzero_case)


def reduce_prod(input_tensor: Any, axis: Any = None, keepdims: bool = False, name=None):
    """Product over ``axis``. The gradient is exact also where inputs are zero.

    >>> import ember
    >>> ember.reduce_prod([[1., 2.], [3., 4.]], axis=1).numpy()
    array([ 2., 12.], dtype=float32)
    """
    x, axes = _prepare(input_tensor, axis, "reduce_prod")
    return _reduce_prod(x, axis=axes, keepdims=bool(keepdims))


# -- variance, standard deviation, logsumexp, euclidean norm (composites) --------------------
def _require_inexact(x, op: str) -> None:
    k = x._value.dtype.kind
    if k not in "fc" and x._value.dtype.name != "bfloat16":
        raise TypeError(f"ember.{op}: expects a floating point or complex tensor; got "
                        f"{x.dtype.name} of shape {tuple(x._value.shape)} (use ember.cast)")


def reduce_variance(input_tensor: Any, axis: Any = None, keepdims: bool = False, name=None):
    """Population variance over ``axis`` (floating point or complex input).

    >>> import ember
    >>> float(ember.math.reduce_variance([[1., 2.], [3., 4.]]))
    1.25
    """
    from .elementwise import abs as _abs, square
    x, axes = _prepare(input_tensor, axis, "reduce_variance")
    _require_inexact(x, "reduce_variance")
    d = x - _reduce_mean(x, axis=axes, keepdims=True)
    sq = square(_abs(d)) if x._value.dtype.kind == "c" else square(d)
    return _reduce_mean(sq, axis=axes, keepdims=bool(keepdims))


def reduce_std(input_tensor: Any, axis: Any = None, keepdims: bool = False, name=None):
    """Population standard deviation over ``axis`` (floating point or complex input).

    >>> import ember
    >>> ember.math.reduce_std([[1., 2.], [3., 4.]], axis=0).numpy()
    array([1., 1.], dtype=float32)
    """
    from .elementwise import sqrt
    x, _ = _prepare(input_tensor, axis, "reduce_std")
    _require_inexact(x, "reduce_std")
    return sqrt(reduce_variance(x, axis=axis, keepdims=keepdims))


def reduce_logsumexp(input_tensor: Any, axis: Any = None, keepdims: bool = False,
                     name=None):
    """``log(sum(exp(x)))`` over ``axis``, computed stably (the maximum is taken out).

    Its gradient is the softmax of the input over ``axis``. Integer input gives float32.

    >>> import ember
    >>> round(float(ember.reduce_logsumexp([1000., 1000.])), 3)
    1000.693
    """
    from .elementwise import cast, exp, is_finite, log, stop_gradient, where
    from .elementwise import zeros_like_value
    x, axes = _prepare(input_tensor, axis, "reduce_logsumexp")
    if x._value.dtype.kind in "iub":
        x = cast(x, "float32")
    m = _reduce_max(stop_gradient(x), axis=axes, keepdims=True)
    m = where(is_finite(m), m, zeros_like_value(m))
    out = log(_reduce_sum(exp(x - m), axis=axes, keepdims=True)) + m
    if not keepdims:
        from .shape import reshape
        out = reshape(out, _out_shape(tuple(x.shape), axes, False))
    return out


def reduce_euclidean_norm(input_tensor: Any, axis: Any = None, keepdims: bool = False,
                          name=None):
    """``sqrt(sum(x ** 2))`` over ``axis``; integer input keeps its dtype (truncated).

    >>> import ember
    >>> ember.math.reduce_euclidean_norm([[3., 4.], [5., 12.]], axis=1).numpy()
    array([ 5., 13.], dtype=float32)
    """
    from .elementwise import abs as _abs, cast, sqrt, square
    x, axes = _prepare(input_tensor, axis, "reduce_euclidean_norm")
    dt = x._value.dtype
    if dt.kind == "b":
        raise TypeError("ember.reduce_euclidean_norm: expects a number tensor; got bool")
    if dt.kind in "iu":
        xf = cast(x, "float64")
        return cast(sqrt(_reduce_sum(square(xf), axis=axes, keepdims=bool(keepdims))), dt)
    sq = square(_abs(x)) if dt.kind == "c" else square(x)
    return sqrt(_reduce_sum(sq, axis=axes, keepdims=bool(keepdims)))


# -- any / all, count_nonzero ----------------------------------------------------------------
@primitive(name="reduce_all")
def _reduce_all(xp, x, axis=(), keepdims=False):
    return xp.all(x, axis=axis, keepdims=keepdims)


@primitive(name="reduce_any")
def _reduce_any(xp, x, axis=(), keepdims=False):
    return xp.any(x, axis=axis, keepdims=keepdims)


def reduce_all(input_tensor: Any, axis: Any = None, keepdims: bool = False, name=None):
    """Logical and over ``axis`` (numbers count as true when nonzero).

    >>> import ember
    >>> ember.reduce_all([[True, True], [False, True]], axis=1).numpy()
    array([ True, False])
    """
    x, axes = _prepare(input_tensor, axis, "reduce_all")
    return _reduce_all(x, axis=axes, keepdims=bool(keepdims))


def reduce_any(input_tensor: Any, axis: Any = None, keepdims: bool = False, name=None):
    """Logical or over ``axis`` (numbers count as true when nonzero).

    >>> import ember
    >>> ember.reduce_any([[True, False], [False, False]], axis=1).numpy()
    array([ True, False])
    """
    x, axes = _prepare(input_tensor, axis, "reduce_any")
    return _reduce_any(x, axis=axes, keepdims=bool(keepdims))


@primitive(name="count_nonzero")
def _count_nonzero(xp, x, axis=(), keepdims=False, dtype=None):
    return xp.sum(x != 0, axis=axis, keepdims=keepdims, dtype=dtype)


def count_nonzero(input: Any, axis: Any = None, keepdims: bool | None = None,  # noqa: A002
                  dtype: Any = "int64", name=None):
    """How many elements along ``axis`` are nonzero (true for bools), as ``dtype``.

    >>> import ember
    >>> int(ember.math.count_nonzero([[0., 1.], [2., 3.]]))
    3
    """
    x, axes = _prepare(input, axis, "count_nonzero")
    return _count_nonzero(x, axis=axes, keepdims=bool(keepdims), dtype=to_numpy(dtype))


def zero_fraction(value: Any, name=None):
    """The fraction of entries of ``value`` that are zero (float32)."""
    from .creation import convert_to_tensor
    from .elementwise import cast, equal, zeros_like_value
    v = convert_to_tensor(value)
    return reduce_mean(cast(equal(v, zeros_like_value(v)), "float32"))


# -- argmax / argmin -------------------------------------------------------------------------
def _index_dtype(output_type: Any, op: str):
    npd = to_numpy(output_type)
    if npd.kind not in "iu":
        raise TypeError(f"ember.{op}: output_type must be an integer dtype; got {npd.name}")
    return npd


@primitive(name="argmax")
def _argmax(xp, x, axis=0, output_type=None):
    if x.shape[axis] == 0:
        raise ValueError(f"axis {axis} has no elements to choose from")
    return xp.argmax(x, axis=axis).astype(output_type)


@primitive(name="argmin")
def _argmin(xp, x, axis=0, output_type=None):
    if x.shape[axis] == 0:
        raise ValueError(f"axis {axis} has no elements to choose from")
    return xp.argmin(x, axis=axis).astype(output_type)


def argmax(input: Any, axis: Any = None, output_type: Any = "int64", name=None):  # noqa: A002
    """Index of the largest value along ``axis`` (0 when None); the first one on ties.

    >>> import ember
    >>> ember.argmax([[1., 5.], [4., 3.]], axis=1).numpy()
    array([1, 0])
    """
    x = _as_tensor(input)
    a = _single_axis(0 if axis is None else axis, x._value.ndim, "argmax")
    return _argmax(x, axis=a, output_type=_index_dtype(output_type, "argmax"))


def argmin(input: Any, axis: Any = None, output_type: Any = "int64", name=None):  # noqa: A002
    """Index of the smallest value along ``axis`` (0 when None); the first one on ties.

    >>> import ember
    >>> ember.argmin([[1., 5.], [3., 4.]], axis=0).numpy()
    array([0, 1])
    """
    x = _as_tensor(input)
    a = _single_axis(0 if axis is None else axis, x._value.ndim, "argmin")
    return _argmin(x, axis=a, output_type=_index_dtype(output_type, "argmin"))


# -- cumsum / cumprod ------------------------------------------------------------------------
def _shift(xp, y, axis, fill):
    """Shift ``y`` one step along ``axis``, filling the first slot (exclusive scans)."""
    n = y.shape[axis]
    if n == 0:
        return y
    head = list(y.shape)
    head[axis] = 1
    key = [slice(None)] * y.ndim
    key[axis] = slice(0, n - 1)
    return xp.concatenate([xp.full(head, fill, dtype=y.dtype), y[tuple(key)]], axis=axis)


def _scan(xp, x, axis, exclusive, reverse, product):
    dt = _sum_dtype(xp, x)
    if dt is not None and dt != x.dtype:
        x = x.astype(dt)
    if reverse:
        x = xp.flip(x, axis=axis)
    f = xp.cumprod if product else xp.cumsum
    y = f(x, axis=axis, dtype=x.dtype)
    if exclusive:
        y = _shift(xp, y, axis, 1 if product else 0)
    if reverse:
        y = xp.flip(y, axis=axis)
    return y


@primitive(name="cumsum")
def _cumsum(xp, x, axis=0, exclusive=False, reverse=False):
    return _scan(xp, x, axis, exclusive, reverse, False)


@_cumsum.vjp
def _(g, out, x, axis=0, exclusive=False, reverse=False):
    return _cumsum(g, axis=axis, exclusive=exclusive, reverse=not reverse)


@primitive(name="cumprod")
def _cumprod(xp, x, axis=0, exclusive=False, reverse=False):
    return _scan(xp, x, axis, exclusive, reverse, True)


@_cumprod.vjp
def _(g, out, x, axis=0, exclusive=False, reverse=False):
    # dL/dx_j = sum over the outputs i whose scan includes j of g_i * (product of the
    # other scanned elements). Where x_j != 0 that is the usual (reversed scan of g * y)
    # / x_j. Where x_j == 0 the product leaves out x_j itself: with zeros replaced by 1
    # (``safe``) and ``nz`` the scanned count of zeros, terms with no other zero give
    # g_i * cumprod(safe)_i; terms with exactly one other zero x_k are multiplied by x_k
    # (zero in value, but it carries the derivative with respect to x_k, so second order
    # gradients stay exact); terms with more zeros vanish to second order.
    from .elementwise import cast, equal, ones_like_value, where, zeros_like_value
    fwd = dict(axis=axis, exclusive=exclusive, reverse=reverse)
    back = dict(axis=axis, exclusive=exclusive, reverse=not reverse)
    zero = equal(x, 0)
    safe = where(zero, ones_like_value(x), x)
    nonzero_case = _cumsum(g * out, **back) / safe
    nz = _cumsum(cast(zero, "int32"), **fwd)
    gy = g * _cumprod(safe, **fwd)
    none = zeros_like_value(gy)
    one_zero = _cumsum(where(equal(nz, 1), gy, none), **back)
    g2 = where(equal(nz, 2), gy, none)
    zsum = _cumsum(where(zero, x, zeros_like_value(x)), **fwd)
    two_zeros = _cumsum(g2 * zsum, **back) - x * _cumsum(g2, **back)
    return where(zero, one_zero + two_zeros, nonzero_case)


def cumsum(x: Any, axis: Any = 0, exclusive: bool = False, reverse: bool = False,
           name=None):
    """Running sum along ``axis``; ``exclusive`` leaves out the current element,
    ``reverse`` runs from the end.

    >>> import ember
    >>> ember.cumsum([1., 2., 3.]).numpy()
    array([1., 3., 6.], dtype=float32)
    >>> ember.cumsum([1., 2., 3.], exclusive=True, reverse=True).numpy()
    array([5., 3., 0.], dtype=float32)
    """
    x = _as_tensor(x)
    a = _single_axis(axis, x._value.ndim, "cumsum")
    return _cumsum(x, axis=a, exclusive=bool(exclusive), reverse=bool(reverse))


def cumprod(x: Any, axis: Any = 0, exclusive: bool = False, reverse: bool = False,
            name=None):
    """Running product along ``axis``; ``exclusive`` leaves out the current element,
    ``reverse`` runs from the end. The gradient is exact also with zeros in ``x``.

    >>> import ember
    >>> ember.math.cumprod([1., 2., 3.]).numpy()
    array([1., 2., 6.], dtype=float32)
    """
    x = _as_tensor(x)
    a = _single_axis(axis, x._value.ndim, "cumprod")
    return _cumprod(x, axis=a, exclusive=bool(exclusive), reverse=bool(reverse))


def cumulative_logsumexp(x: Any, axis: Any = 0, exclusive: bool = False,
                         reverse: bool = False, name=None):
    """``log(cumsum(exp(x)))`` along ``axis``, computed stably (shifted by the max)."""
    from .creation import convert_to_tensor
    from .elementwise import exp, greater, log, stop_gradient, where, zeros_like_value
    x = convert_to_tensor(x)
    m = reduce_max(x, axis=axis, keepdims=True)
    m = where(greater(m, -np.inf), m, zeros_like_value(m))
    m = stop_gradient(m)
    return log(cumsum(exp(x - m), axis=axis, exclusive=exclusive, reverse=reverse)) + m


__all__ = ["reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod",
           "reduce_std", "reduce_variance", "reduce_logsumexp", "reduce_all", "reduce_any",
           "reduce_euclidean_norm", "argmax", "argmin", "cumsum", "cumprod", "count_nonzero",
           "normalize_axis", "zero_fraction", "cumulative_logsumexp"]
