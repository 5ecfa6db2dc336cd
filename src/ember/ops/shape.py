"""Shape ops: reshape, transpose, expand/squeeze, concat/stack/split, tile, pad, ...
and ensure_shape (a checked identity).

Every op here moves or copies elements without changing them, so each gradient is
another shape op: concat's is split, transpose's is the inverse permutation, tile's
is a reshape and a sum, pad's is a slice, roll's is a roll back.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core.convert import holds_tensor, static_shape, to_array
from ..core.dtypes import to_numpy
from ..core.errors import InvalidArgumentError
from ..core.shape import TensorShape
from ..core.tensor import Tensor
from .primitive import primitive, value_shaped


# -- helpers --------------------------------------------------------------------------------
def _shape(x: Any) -> tuple:
    """The static shape of a tensor, variable, array or nested Python list."""
    return static_shape(x)


def _as_int_list(value: Any, op: str) -> list:
    if hasattr(value, "_value"):
        value = np.asarray(value)
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (int, np.integer)):
        return [int(value)]
    try:
        return [int(v) if v is not None else -1 for v in value]
    except (TypeError, ValueError):
        raise TypeError(f"ember.{op}: expected a list of ints; got {value!r}") from None


def _as_int(value: Any, op: str, what: str) -> int:
    if hasattr(value, "_value") or isinstance(value, np.ndarray):
        arr = np.asarray(value)
        if arr.size != 1 or arr.dtype.kind not in "iu":
            raise TypeError(f"ember.{op}: {what} must be an integer scalar; got "
                            f"{arr.dtype.name} of shape {arr.shape}")
        return int(arr.reshape(()))
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"ember.{op}: {what} must be an int; got {value!r}")
    return int(value)


def _norm_axis(axis: Any, rank: int, op: str, extra: int = 0) -> int:
    """One axis in ``[-(rank + extra), rank + extra)`` made non-negative."""
    a = _as_int(axis, op, "axis")
    n = rank + extra
    if not -n <= a < n:
        lo, hi = -n, n - 1
        raise InvalidArgumentError(
            f"ember.{op}: axis {a} is out of range for a tensor of rank {rank} "
            f"(expected an axis in [{lo}, {hi}])")
    return a % n


def _norm_axes(axis: Any, rank: int, op: str, allow_repeats: bool = False) -> tuple:
    axes = tuple(_norm_axis(a, rank, op) for a in _as_int_list(axis, op))
    if not allow_repeats and len(set(axes)) != len(axes):
        raise InvalidArgumentError(f"ember.{op}: axis {list(_as_int_list(axis, op))} "
                                   f"names the same axis twice (tensor of rank {rank})")
    return axes


def _is_tensorish(v: Any) -> bool:
    return isinstance(v, (Tensor, np.ndarray)) or hasattr(v, "_is_ember_variable")


def pack(value: Any) -> Any:
    """A nested Python list holding tensors as one tensor, built with ``stack`` (TF's
    auto-packing), so a GradientTape and a function trace see the tensors inside
    (``ember.convert_to_tensor([x, 2 * x])``). Anything else is returned as it is.

    >>> import ember
    >>> pack([ember.constant(1.0), 2.0]).numpy().tolist()
    [1.0, 2.0]
    """
    if not holds_tensor(value):
        return value
    return stack([pack(v) for v in value])


def _unify(values: list) -> list:
    """Python lists/scalars among tensors take the tensors' dtype (as TF converts them)."""
    if all(_is_tensorish(v) for v in values):
        return values
    dts = [to_numpy(v.dtype) for v in values if _is_tensorish(v)]
    if not dts:
        return values
    dt = np.result_type(*dts)
    out = []
    for v in values:
        if _is_tensorish(v):
            out.append(v)
        else:
            arr = to_array(v)
            if arr.dtype.kind == "f" and dt.kind in "iub":
                out.append(arr)  # keep 1.5 from becoming 1: NumPy promotion decides
            else:
                out.append(arr.astype(dt))
    return out


def _fmt(shapes) -> str:
    return ", ".join(str(tuple(s)) for s in shapes)


# -- reshape --------------------------------------------------------------------------------
@primitive(name="reshape")
def _reshape(xp, x, shape=()):
    return xp.reshape(x, shape)


@_reshape.vjp
def _(g, out, x, shape=()):
    if value_shaped(x):
        return _reshape_like(g, x)
    return _reshape(g, shape=tuple(x.shape))


# -- shapes read as a graph runs, for tensors whose traced shape may change (value_shaped) --
@primitive(name="reshape_like")
def _reshape_like(xp, x, like):
    return xp.reshape(x, like.shape)


@_reshape_like.vjp
def _(g, out, x, like):
    return _reshape_like(g, x), None


@primitive(name="expand_dims")
def _insert_axis(xp, x, axis=0):
    return xp.expand_dims(x, axis)


@_insert_axis.vjp
def _(g, out, x, axis=0):
    return _reshape_like(g, x)


@primitive(name="squeeze")
def _drop_axes(xp, x, axes=()):
    return xp.squeeze(x, axis=axes)


@_drop_axes.vjp
def _(g, out, x, axes=()):
    return _reshape_like(g, x)


def reshape(tensor: Any, shape: Any, name=None):
    """Give ``tensor`` a new shape with the same number of elements (one -1 is inferred).

    >>> import ember
    >>> ember.reshape(ember.range(6), [2, -1]).shape
    TensorShape([2, 3])
    """
    dims = tuple(_as_int_list(shape, "reshape"))
    v = getattr(tensor, "_value", None)
    if v is not None and v.shape == dims:
        return tensor if type(tensor).__name__ == "Tensor" else _reshape(tensor, shape=dims)
    try:
        return _reshape(tensor, shape=dims)
    except InvalidArgumentError:
        size = int(np.prod(v.shape)) if v is not None else np.size(tensor)
        raise InvalidArgumentError(
            f"ember.reshape: cannot reshape a tensor of shape "
            f"{tuple(v.shape) if v is not None else np.shape(tensor)} ({size} elements) "
            f"into shape {dims}") from None


# -- transpose ------------------------------------------------------------------------------
@primitive(name="transpose")
def _transpose(xp, x, perm=()):
    return xp.transpose(x, perm)


@_transpose.vjp
def _(g, out, x, perm=()):
    return _transpose(g, perm=tuple(int(i) for i in np.argsort(perm)))


@primitive(name="conj")
def _conj(xp, x):
    return xp.conj(x)


@_conj.vjp
def _(g, out, x):
    return _conj(g)


def transpose(a: Any, perm: Any = None, conjugate: bool = False, name="transpose"):
    """Permute the axes of ``a`` (reverse them when ``perm`` is None).

    >>> import ember
    >>> ember.transpose(ember.zeros([2, 3, 4]), perm=[2, 0, 1]).shape
    TensorShape([4, 2, 3])
    """
    rank = len(_shape(a))
    if perm is None:
        p = tuple(range(rank))[::-1]
    else:
        p = tuple(_as_int_list(perm, "transpose"))
        if sorted(p) != list(range(rank)):
            raise InvalidArgumentError(
                f"ember.transpose: perm {list(p)} is not a permutation of "
                f"{list(range(rank))} for a tensor of shape {_shape(a)}")
    out = _transpose(a, perm=p)
    if conjugate and out.dtype.is_complex:
        out = _conj(out)
    return out


# -- expand_dims / squeeze ------------------------------------------------------------------
def expand_dims(input: Any, axis: Any, name=None):  # noqa: A002
    """Insert a dimension of size 1 at ``axis`` (``-1`` appends one).

    >>> import ember
    >>> ember.expand_dims(ember.zeros([2, 3]), -1).shape
    TensorShape([2, 3, 1])
    """
    shape = _shape(input)
    ax = _as_int_list(axis, "expand_dims")
    if len(ax) != 1:
        raise InvalidArgumentError(f"ember.expand_dims: axis must be a single int; got {axis!r}")
    a = _norm_axis(ax[0], len(shape), "expand_dims", extra=1)
    if value_shaped(input):
        return _insert_axis(input, axis=a)
    return _reshape(input, shape=shape[:a] + (1,) + shape[a:])


def squeeze(input: Any, axis: Any = None, name=None):  # noqa: A002
    """Remove dimensions of size 1 (only those in ``axis`` when given).

    >>> import ember
    >>> ember.squeeze(ember.zeros([1, 2, 1, 3]), axis=[0]).shape
    TensorShape([2, 1, 3])
    """
    shape = _shape(input)
    if axis is None:
        new = tuple(d for d in shape if d != 1)
    else:
        axes = set(_norm_axes(axis, len(shape), "squeeze", allow_repeats=True))
        for a in sorted(axes):
            if shape[a] != 1:
                raise InvalidArgumentError(
                    f"ember.squeeze: cannot squeeze axis {a} of size {shape[a]} (only size-1 "
                    f"axes can be squeezed) of a tensor of shape {shape}")
        new = tuple(d for i, d in enumerate(shape) if i not in axes)
    if value_shaped(input):     # without axis: those of size 1 in the traced call
        dropped = tuple(i for i, d in enumerate(shape) if d == 1) if axis is None \
            else tuple(sorted(axes))
        return _drop_axes(input, axes=dropped)
    return _reshape(input, shape=new)


# -- concat / split -------------------------------------------------------------------------
@primitive(name="concat")
def _concat(xp, *xs, axis=0):
    if all(x.flags.c_contiguous for x in xs) or xs[0].dtype.kind not in "biufc":
        return xp.concatenate(xs, axis=axis)
    # NumPy lays the result out like its first input, so transposed inputs (attention's
    # per-head gradients) give a transposed result that later sums and products walk
    # slowly or copy again; writing into a C-ordered result is the same one copy
    shape = list(xs[0].shape)
    shape[axis] = sum(x.shape[axis] for x in xs)
    return xp.concatenate(xs, axis=axis, out=xp.empty(shape, xp.result_type(*xs)))


@_concat.vjp
def _(g, out, *xs, axis=0):
    sizes = tuple(int(x.shape[axis]) for x in xs)
    if len(xs) == 1:
        return (g,)
    return tuple(_split(g, sizes=sizes, axis=axis))


@primitive(name="split", multiple_results=True)
def _split(xp, x, sizes=(), axis=0):
    cuts = np.cumsum(sizes)[:-1].tolist()
    return tuple(xp.split(x, cuts, axis=axis))


@_split.vjp
def _(gs, outs, x, sizes=(), axis=0):
    return _concat(*gs, axis=axis)


def concat(values: Any, axis: Any, name="concat"):
    """Join tensors along an existing ``axis``; other dimensions must match.

    >>> import ember
    >>> ember.concat([ember.zeros([2, 3]), ember.ones([2, 1])], axis=1).shape
    TensorShape([2, 4])
    """
    if _is_tensorish(values):
        values = [values]
    values = [pack(v) for v in values]
    if not values:
        raise InvalidArgumentError("ember.concat: needs at least one tensor; got none")
    shapes = [_shape(v) for v in values]
    rank = len(shapes[0])
    if rank == 0:
        raise InvalidArgumentError(
            f"ember.concat: cannot concatenate scalars (rank-0 tensors); got shapes "
            f"{_fmt(shapes)}")
    ax = _norm_axis(axis, rank, "concat")
    for s in shapes:
        if len(s) != rank or any(d != e for i, (d, e) in enumerate(zip(s, shapes[0]))
                                 if i != ax):
            raise InvalidArgumentError(
                f"ember.concat: shapes {_fmt(shapes)} must have the same rank and agree in "
                f"every dimension except axis {ax}")
    return _concat(*_unify(values), axis=ax)


def split(value: Any, num_or_size_splits: Any, axis: Any = 0, num=None, name="split"):
    """Split ``value`` along ``axis`` into ``n`` equal parts, or into parts of the given
    sizes (one size may be -1: the rest).

    >>> import ember
    >>> [t.shape[1] for t in ember.split(ember.zeros([2, 7]), [2, -1, 1], axis=1)]
    [2, 4, 1]
    """
    shape = _shape(value)
    if len(shape) == 0:
        raise InvalidArgumentError("ember.split: cannot split a scalar (rank-0 tensor)")
    ax = _norm_axis(axis, len(shape), "split")
    d = shape[ax]
    nss = num_or_size_splits
    scalar = isinstance(nss, (int, np.integer)) or (
        (hasattr(nss, "_value") or isinstance(nss, np.ndarray)) and np.ndim(nss) == 0)
    if scalar:
        n = _as_int(nss, "split", "num_or_size_splits")
        if n <= 0 or d % n:
            raise InvalidArgumentError(
                f"ember.split: dimension {ax} of size {d} cannot be split evenly into {n} "
                f"parts (tensor of shape {shape})")
        sizes = (d // n,) * n
    else:
        sizes = _as_int_list(nss, "split")
        if not sizes:
            raise InvalidArgumentError("ember.split: num_or_size_splits is an empty list")
        unknown = [i for i, s in enumerate(sizes) if s == -1]
        if len(unknown) > 1 or any(s < -1 for s in sizes):
            raise InvalidArgumentError(
                f"ember.split: size_splits {sizes} may hold at most one -1 and otherwise "
                f"non-negative sizes")
        if unknown:
            sizes[unknown[0]] = d - (sum(sizes) + 1)
        if sum(sizes) != d or any(s < 0 for s in sizes):
            raise InvalidArgumentError(
                f"ember.split: sizes {list(_as_int_list(nss, 'split'))} do not add up to "
                f"{d}, the size of axis {ax} of a tensor of shape {shape}")
        sizes = tuple(sizes)
    if num is not None and int(num) != len(sizes):
        raise InvalidArgumentError(f"ember.split: num={num} but the split makes "
                                   f"{len(sizes)} tensors")
    return list(_split(value, sizes=tuple(sizes), axis=ax))


# -- stack / unstack ------------------------------------------------------------------------
@primitive(name="stack", multiple_results=False)
def _stack(xp, *xs, axis=0):
    return xp.stack(xs, axis=axis)


@_stack.vjp
def _(g, out, *xs, axis=0):
    return tuple(_unstack(g, axis=axis))


@primitive(name="unstack", multiple_results=True)
def _unstack(xp, x, axis=0):
    moved = xp.moveaxis(x, axis, 0)
    return tuple(moved[i] for i in range(moved.shape[0]))


@_unstack.vjp
def _(g, outs, x, axis=0):
    return _stack(*g, axis=axis)


def stack(values: list, axis: int = 0, name="stack"):
    """Join same-shaped tensors along a new axis.

    >>> import ember
    >>> ember.stack([[1., 2.], [3., 4.]], axis=1).numpy().tolist()
    [[1.0, 3.0], [2.0, 4.0]]
    """
    if _is_tensorish(values):
        values = list(unstack(values))  # tf.stack of one tensor packs its first axis
    values = [pack(v) for v in values]
    if not values:
        raise InvalidArgumentError("ember.stack: needs at least one tensor; got none")
    shapes = [_shape(v) for v in values]
    if any(s != shapes[0] for s in shapes):
        raise InvalidArgumentError(
            f"ember.stack: all tensors must have the same shape; got {_fmt(shapes)}")
    ax = _norm_axis(axis, len(shapes[0]), "stack", extra=1)
    return _stack(*_unify(values), axis=ax)


def unstack(value: Any, num: int | None = None, axis: int = 0, name="unstack"):
    """Split a tensor into a list of tensors along ``axis`` (removing it).

    >>> import ember
    >>> [t.shape for t in ember.unstack(ember.zeros([2, 3]), axis=1)]
    [TensorShape([2]), TensorShape([2]), TensorShape([2])]
    """
    shape = _shape(value)
    if len(shape) == 0:
        raise InvalidArgumentError("ember.unstack: cannot unstack a scalar (rank-0 tensor)")
    ax = _norm_axis(axis, len(shape), "unstack")
    if num is not None and int(num) != shape[ax]:
        raise InvalidArgumentError(
            f"ember.unstack: num={num} but axis {ax} of a tensor of shape {shape} has size "
            f"{shape[ax]}")
    return list(_unstack(value, axis=ax))


# -- tile / repeat --------------------------------------------------------------------------
@primitive(name="tile")
def _tile(xp, x, multiples=()):
    return xp.tile(x, multiples)


@_tile.vjp
def _(g, out, x, multiples=()):
    from .reduction import reduce_sum
    shape = tuple(x.shape)
    inter = []
    for m, d in zip(multiples, shape):
        inter += [m, d]
    g = _reshape(g, shape=tuple(inter))
    return reduce_sum(g, axis=tuple(range(0, 2 * len(shape), 2)))


def tile(input: Any, multiples: Any, name=None):  # noqa: A002
    """Repeat the whole tensor ``multiples[i]`` times along each axis ``i``.

    >>> import ember
    >>> ember.tile([[1, 2]], [2, 2]).numpy().tolist()
    [[1, 2, 1, 2], [1, 2, 1, 2]]
    """
    shape = _shape(input)
    m = tuple(_as_int_list(multiples, "tile"))
    if len(m) != len(shape) or any(k < 0 for k in m):
        raise InvalidArgumentError(
            f"ember.tile: multiples {list(m)} must hold one non-negative int per axis of the "
            f"input of shape {shape}")
    return _tile(input, multiples=m)


def repeat(input: Any, repeats: Any, axis: Any = None, name=None):  # noqa: A002
    """Repeat each element ``repeats`` times along ``axis`` (of the flattened input when
    ``axis`` is None); ``repeats`` is an int or one count per element.

    >>> import ember
    >>> ember.repeat([1, 2], [2, 3], axis=0).numpy().tolist()
    [1, 1, 2, 2, 2]
    """
    x = input
    if axis is None:
        x = reshape(input, [-1])
        axis = 0
    shape = _shape(x)
    if len(shape) == 0:
        x = reshape(x, [1])
        shape = (1,)
    ax = _norm_axis(axis, len(shape), "repeat")
    reps = _as_int_list(repeats, "repeat")
    d = shape[ax]
    if any(r < 0 for r in reps):
        raise InvalidArgumentError(f"ember.repeat: repeats must be non-negative; got {reps}")
    if len(reps) not in (1, d):
        raise InvalidArgumentError(
            f"ember.repeat: repeats has {len(reps)} entries but axis {ax} of the input of "
            f"shape {shape} has size {d} (give 1 or {d})")
    if len(reps) == 1:
        r = reps[0]
        y = _reshape(x, shape=shape[:ax + 1] + (1,) + shape[ax + 1:])
        y = broadcast_to(y, shape[:ax + 1] + (r,) + shape[ax + 1:])
        return _reshape(y, shape=shape[:ax] + (d * r,) + shape[ax + 1:])
    from .indexing import gather
    idx = np.repeat(np.arange(d, dtype=np.int64), reps)
    return gather(x, Tensor(idx), axis=ax)


# -- pad ------------------------------------------------------------------------------------
@primitive(name="pad")
def _pad(xp, x, paddings=(), constant_values=0):
    return xp.pad(x, paddings, mode="constant", constant_values=constant_values)


@_pad.vjp
def _(g, out, x, paddings=(), constant_values=0):
    from .indexing import getitem
    key = tuple(slice(a, a + d) for (a, _b), d in zip(paddings, tuple(x.shape)))
    return getitem(g, key)


def _mirror_index(d: int, before: int, after: int, symmetric: bool) -> np.ndarray:
    j = np.arange(-before, d + after)
    if symmetric:
        j = np.where(j < 0, -j - 1, j)
        j = np.where(j >= d, 2 * d - 1 - j, j)
    else:
        j = np.abs(j)
        j = np.where(j >= d, 2 * (d - 1) - j, j)
    return j.astype(np.int64)


def pad(tensor: Any, paddings: Any, mode: str = "CONSTANT", constant_values: Any = 0,
        name=None):
    """Pad ``tensor``: ``paddings[i] = [before, after]`` elements on axis ``i``.

    ``mode`` is ``"CONSTANT"`` (fill with ``constant_values``), ``"REFLECT"`` (mirror
    without the edge) or ``"SYMMETRIC"`` (mirror with the edge).

    >>> import ember
    >>> ember.pad([1, 2, 3], [[1, 2]], "REFLECT").numpy().tolist()
    [2, 1, 2, 3, 2, 1]
    """
    shape = _shape(tensor)
    p = np.asarray(paddings)
    if p.size == 0 and len(shape) == 0:
        p = p.reshape(0, 2)
    if p.ndim != 2 or p.shape != (len(shape), 2) or (p.size and p.dtype.kind not in "iu"):
        raise InvalidArgumentError(
            f"ember.pad: paddings must be an integer array of shape ({len(shape)}, 2) for a "
            f"tensor of shape {shape}; got {p.tolist()!r}")
    pads = tuple((int(a), int(b)) for a, b in p.tolist())
    if any(a < 0 or b < 0 for a, b in pads):
        raise InvalidArgumentError(f"ember.pad: paddings must be non-negative; got "
                                   f"{[list(q) for q in pads]}")
    m = str(mode).upper()
    if m == "CONSTANT":
        cv = constant_values
        if hasattr(cv, "_value") or isinstance(cv, np.ndarray):
            cv = np.asarray(cv)
            if cv.size != 1:
                raise InvalidArgumentError(f"ember.pad: constant_values must be a scalar; "
                                           f"got shape {cv.shape}")
            cv = cv.reshape(()).item()
        return _pad(tensor, paddings=pads, constant_values=cv)
    if m not in ("REFLECT", "SYMMETRIC"):
        raise InvalidArgumentError(f"ember.pad: mode must be 'CONSTANT', 'REFLECT' or "
                                   f"'SYMMETRIC'; got {mode!r}")
    symmetric = m == "SYMMETRIC"
    for i, ((a, b), d) in enumerate(zip(pads, shape)):
        limit = d if symmetric else d - 1
        if a > limit or b > limit:
            raise InvalidArgumentError(
                f"ember.pad: {m} paddings {[a, b]} on axis {i} must be at most {limit} for "
                f"a tensor of shape {shape}")
    from .indexing import gather
    out = tensor
    for i, ((a, b), d) in enumerate(zip(pads, shape)):
        if a or b:
            out = gather(out, Tensor(_mirror_index(d, a, b, symmetric)), axis=i)
    if out is tensor:
        out = _reshape(tensor, shape=shape)
    return out


# -- broadcasting ---------------------------------------------------------------------------
@primitive(name="broadcast_to")
def _broadcast_to(xp, x, shape=()):
    return xp.broadcast_to(x, shape)


@_broadcast_to.vjp
def _(g, out, x, shape=()):
    return g  # summed back to x's shape by the backward pass


def broadcast_to(input: Any, shape: Any, name=None):  # noqa: A002
    """Broadcast ``input`` to ``shape`` (NumPy rules).

    >>> import ember
    >>> ember.broadcast_to([1., 2.], [2, 2]).numpy().tolist()
    [[1.0, 2.0], [1.0, 2.0]]
    """
    target = tuple(_as_int_list(shape, "broadcast_to"))
    src = _shape(input)
    lead = len(target) - len(src)
    if lead < 0 or any(d != 1 and d != t for d, t in zip(src, target[lead:])) \
            or any(t < 0 for t in target):
        raise InvalidArgumentError(
            f"ember.broadcast_to: cannot broadcast a tensor of shape {src} to shape {target}")
    return _broadcast_to(input, shape=target)


def _broadcast_dims(sx: tuple, sy: tuple, op: str, error=ValueError) -> tuple:
    n = max(len(sx), len(sy))
    a = (1,) * (n - len(sx)) + tuple(sx)
    b = (1,) * (n - len(sy)) + tuple(sy)
    out = []
    for x, y in zip(a, b):
        if x == 1:
            out.append(y)
        elif y == 1:
            out.append(x)
        elif x is None or y is None:
            out.append(x if y is None else y)
        elif x == y:
            out.append(x)
        else:
            raise error(f"ember.{op}: incompatible shapes for broadcasting: {tuple(sx)} and "
                        f"{tuple(sy)}")
    return tuple(out)


def broadcast_static_shape(shape_x: Any, shape_y: Any) -> TensorShape:
    """The broadcast of two static shapes (``None`` dimensions stay unknown).

    >>> import ember
    >>> ember.broadcast_static_shape(ember.TensorShape([2, 1]), ember.TensorShape([3]))
    TensorShape([2, 3])
    """
    return TensorShape(_broadcast_dims(tuple(TensorShape(shape_x)), tuple(TensorShape(shape_y)),
                                       "broadcast_static_shape"))


def broadcast_dynamic_shape(shape_x: Any, shape_y: Any) -> Tensor:
    """The broadcast of two shapes given as 1-D integer tensors (an int tensor back).

    >>> import ember
    >>> ember.broadcast_dynamic_shape([2, 1], [1, 3]).numpy().tolist()
    [2, 3]
    """
    def as_shape_array(v):  # Python lists of ints are int32, as in TF
        if isinstance(v, (list, tuple)):
            return np.asarray(v, dtype=np.int32 if all(
                isinstance(d, (int, np.integer)) for d in v) else None)
        return np.asarray(v)
    ax, ay = as_shape_array(shape_x), as_shape_array(shape_y)
    for a in (ax, ay):
        if a.ndim != 1 or (a.size and a.dtype.kind not in "iu"):
            raise InvalidArgumentError(
                f"ember.broadcast_dynamic_shape: shapes must be 1-D integer tensors; got "
                f"{a.dtype.name} of shape {a.shape}")
    dtype = ax.dtype if ax.size and ax.dtype.kind in "iu" else np.dtype(np.int32)
    if dtype == np.int64 or (ay.size and ay.dtype == np.int64):
        dtype = np.dtype(np.int64)
    elif dtype.kind not in "iu" or dtype.itemsize < 4:
        dtype = np.dtype(np.int32)
    dims = _broadcast_dims(tuple(ax.tolist()), tuple(ay.tolist()), "broadcast_dynamic_shape",
                           InvalidArgumentError)
    return Tensor(np.asarray(dims, dtype=dtype).reshape(len(dims)))


def ensure_shape(x: Any, shape: Any, name=None) -> Tensor:
    """``x`` unchanged, after checking its shape is compatible with ``shape`` (None
    entries, or an unknown-rank shape, match anything).

    >>> import ember
    >>> ember.ensure_shape(ember.zeros([2, 3]), [None, 3]).shape
    TensorShape([2, 3])
    """
    from .creation import convert_to_tensor, identity
    x = convert_to_tensor(x)
    if shape is None:
        return identity(x)
    want = shape if isinstance(shape, TensorShape) else TensorShape(shape)
    if not want.is_compatible_with(TensorShape(list(x.shape))):
        raise InvalidArgumentError(
            f"ember.ensure_shape: shape of tensor {tuple(x.shape)} is not compatible with "
            f"expected shape {want}")
    return identity(x)


def meshgrid(*args: Any, **kwargs: Any) -> list:
    """Coordinate grids from 1-D tensors; ``indexing='xy'`` (default) or ``'ij'``.

    >>> import ember
    >>> X, Y = ember.meshgrid([1, 2, 3], [4, 5])
    >>> X.shape
    TensorShape([2, 3])
    """
    indexing = kwargs.pop("indexing", "xy")
    kwargs.pop("name", None)
    if kwargs:
        raise TypeError(f"ember.meshgrid: unexpected keyword arguments {sorted(kwargs)}")
    if indexing not in ("xy", "ij"):
        raise InvalidArgumentError(f"ember.meshgrid: indexing must be 'xy' or 'ij'; got "
                                   f"{indexing!r}")
    flat = [reshape(a, [-1]) for a in args]
    n = len(flat)
    sizes = [int(t.shape[0]) for t in flat]
    order = list(range(n))
    if indexing == "xy" and n >= 2:
        order[0], order[1] = 1, 0
    out_shape = [0] * n
    for i, s in enumerate(sizes):
        out_shape[order[i]] = s
    out = []
    for i, t in enumerate(flat):
        s = [1] * n
        s[order[i]] = sizes[i]
        out.append(broadcast_to(_reshape(t, shape=tuple(s)), tuple(out_shape)))
    return out


# -- reverse / roll -------------------------------------------------------------------------
@primitive(name="reverse")
def _reverse(xp, x, axis=()):
    return xp.flip(x, axis) if axis else x


@_reverse.vjp
def _(g, out, x, axis=()):
    return _reverse(g, axis=axis)


def reverse(tensor: Any, axis: Any, name=None):
    """Reverse the order of elements along each axis in ``axis``.

    >>> import ember
    >>> ember.reverse([[1, 2], [3, 4]], axis=[1]).numpy().tolist()
    [[2, 1], [4, 3]]
    """
    return _reverse(tensor, axis=_norm_axes(axis, len(_shape(tensor)), "reverse"))


@primitive(name="roll")
def _roll(xp, x, shift=(), axis=()):
    return xp.roll(x, shift, axis)


@_roll.vjp
def _(g, out, x, shift=(), axis=()):
    return _roll(g, shift=tuple(-s for s in shift), axis=axis)


def roll(input: Any, shift: Any, axis: Any, name=None):  # noqa: A002
    """Shift elements circularly by ``shift`` along ``axis`` (lists: one shift per axis;
    shifts on the same axis add up).

    >>> import ember
    >>> ember.roll([0, 1, 2, 3, 4], shift=2, axis=0).numpy().tolist()
    [3, 4, 0, 1, 2]
    """
    shape = _shape(input)
    shifts = _as_int_list(shift, "roll")
    axes = _norm_axes(axis, len(shape), "roll", allow_repeats=True)
    if len(shifts) != len(axes):
        raise InvalidArgumentError(f"ember.roll: shift {shifts} and axis {list(axes)} must "
                                   f"have the same length")
    return _roll(input, shift=tuple(shifts), axis=axes)
