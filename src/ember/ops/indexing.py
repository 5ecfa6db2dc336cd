"""Indexing: tensor[...], slice, strided_slice, gather, gather_nd, scatter_nd,
tensor_scatter_nd_update / _add / _sub, boolean_mask, one_hot, embedding_lookup,
where(condition), unravel_index.

``tensor[key]`` is one primitive, ``getitem``. Its static parameter ``spec`` describes the
key with hashable values only (ints, ``None``, ``Ellipsis`` and tagged tuples for slices);
integer and boolean index arrays travel as positional tensor inputs, so the same key spec
serves any index values, and the gradient (a scatter-add into zeros) receives them too.
Repeated integer indices accumulate their gradients.
"""
from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from ..core.convert import holds_tensor, static_shape, to_array
from ..core.dtypes import from_numpy, to_numpy
from ..core.errors import InvalidArgumentError
from ..core.tensor import Tensor
from .primitive import primitive, value_shaped

_pyslice = builtins.slice
_FULL = ("s", None, None, None)


class IndexOutOfRangeError(InvalidArgumentError, IndexError):
    """An index lies outside a tensor's shape (both an InvalidArgumentError and an
    IndexError, so TF-style and Python-style handlers both catch it)."""


# -- helpers --------------------------------------------------------------------------------
def _shape(x: Any) -> tuple:
    return static_shape(x)


def _dtype(x: Any) -> np.dtype:
    d = getattr(x, "dtype", None)
    if d is None:
        return to_array(x).dtype
    return d if isinstance(d, np.dtype) else to_numpy(d)


def _as_array_arg(x: Any):
    """Tensors and variables pass as they are (lists holding tensors are stacked);
    anything else becomes an array."""
    if isinstance(x, Tensor) or hasattr(x, "_is_ember_variable"):
        return x
    if holds_tensor(x):
        from .shape import pack
        return pack(x)
    return to_array(x)


def _int_scalar(v: Any, op: str, what: str) -> int:
    if hasattr(v, "_value") or isinstance(v, (np.ndarray, np.generic)):
        arr = np.asarray(v)
        if arr.size != 1 or arr.dtype.kind not in "iu":
            raise TypeError(f"ember.{op}: {what} must be an integer scalar; got "
                            f"{arr.dtype.name} of shape {arr.shape}")
        return int(arr.reshape(()))
    if isinstance(v, bool) or not isinstance(v, int):
        raise TypeError(f"ember.{op}: {what} must be an int; got {type(v).__name__} {v!r}")
    return v


def _int_list(v: Any, op: str, what: str) -> list:
    arr = np.asarray(v)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1 or (arr.size and arr.dtype.kind not in "iu"):
        raise TypeError(f"ember.{op}: {what} must be a 1-D list of ints; got {v!r}")
    return [int(a) for a in arr.tolist()]


def _host(x):
    """A NumPy copy of a small backend array (for error messages)."""
    return x.get() if hasattr(x, "get") and not isinstance(x, np.ndarray) else np.asarray(x)


def _on(xp, a):
    """``a`` on the backend of ``xp`` (index arrays built on the host meet GPU tensors)."""
    return a if xp is np else xp.asarray(a)


def _fix_scalar(xp, out):
    return xp.asarray(out) if isinstance(out, np.generic) else out


def _index_add(xp, out, key, vals) -> None:
    """``out[key] += vals`` with repeated indices accumulating."""
    if hasattr(xp.add, "at"):
        xp.add.at(out, key, vals)
    else:  # older CuPy
        import cupyx
        cupyx.scatter_add(out, key, vals)


def _ufunc_at(xp, name: str, out, key, vals):
    """``out`` after ``xp.<name>.at(out, key, vals)`` (repeated indices combine); where
    the array module has no such ``ufunc.at`` (a CuPy without the kernel), the
    reduction runs on the host and the result is moved back (a new array)."""
    try:
        getattr(xp, name).at(out, key, vals)
    except (AttributeError, NotImplementedError, TypeError):
        if xp is np:
            raise
        host = _host(out)
        host_key = tuple(_host(k) for k in key) if isinstance(key, tuple) else _host(key)
        getattr(np, name).at(host, host_key, _host(vals))
        return _on(xp, host)
    return out


def _check_int_indices(op: str, arr) -> None:
    if arr.dtype.kind not in "iu":
        raise TypeError(f"ember.{op}: indices must be an integer tensor; got "
                        f"{from_numpy(arr.dtype).name} of shape {tuple(arr.shape)}")


def _check_range(xp, op: str, idx, size: int, what: str) -> None:
    """Raise unless every index lies in ``[0, size)``, naming the first bad one."""
    if idx.size == 0:
        return
    bad = (idx < 0) | (idx >= size)
    if bool(bad.any()):
        pos = tuple(int(i) for i in _host(xp.argwhere(bad)[0]))
        val = int(idx[pos])
        where = "indices" + (str(list(pos)).replace(" ", "") if pos else "")
        raise IndexOutOfRangeError(
            f"ember.{op}: {where} = {val} is not in [0, {size}) ({what})")


# -- tensor[key] ----------------------------------------------------------------------------
def _slice_bound(v: Any) -> int | None:
    if v is None:
        return None
    if isinstance(v, (bool, np.bool_)):
        raise TypeError(f"ember.getitem: slice bounds must be ints or None; got {v!r}")
    if isinstance(v, (int, np.integer)):
        return int(v)
    return _int_scalar(v, "getitem", "a slice bound")


def _parse_key(key: Any) -> tuple:
    """(spec, index_arrays): the hashable description of ``key`` and its array parts."""
    if type(key) is not tuple:
        key = (key,)
    spec = []
    arrays = []
    for k in key:
        t = type(k)
        if t is int:
            spec.append(k)
        elif t is _pyslice:
            a, b, c = k.start, k.stop, k.step
            if (a is None or type(a) is int) and (b is None or type(b) is int) and (
                    c is None or (type(c) is int and c != 0)):
                spec.append(("s", a, b, c))
                continue
            step = _slice_bound(c)
            if step == 0:
                raise InvalidArgumentError("ember.getitem: slice step cannot be zero")
            spec.append(("s", _slice_bound(k.start), _slice_bound(k.stop), step))
        elif k is None or k is Ellipsis:
            spec.append(k)
        elif t is bool or isinstance(k, np.bool_):
            raise TypeError(f"ember.getitem: a bool scalar ({k!r}) is not a valid index; "
                            "use a boolean mask tensor or None")
        elif isinstance(k, np.integer):
            spec.append(int(k))
        else:
            if isinstance(k, Tensor) or hasattr(k, "_is_ember_variable"):
                dt = to_numpy(k.dtype)
                arr = k
                ndim = len(k.shape)
            elif isinstance(k, (list, np.ndarray)) or hasattr(k, "__array__"):
                try:
                    arr = np.asarray(k)
                except (TypeError, ValueError):
                    arr = np.asarray(k, dtype=object)
                if arr.size == 0 and arr.dtype.kind == "f":
                    arr = arr.astype(np.int64)
                dt = arr.dtype
                ndim = arr.ndim
            else:
                raise TypeError(
                    f"ember.getitem: indices must be ints, slices, Ellipsis, None, or integer "
                    f"or boolean tensors/arrays; got {t.__name__} {k!r}"[:300])
            if dt.kind not in "iub":
                raise TypeError(f"ember.getitem: index arrays must hold integers or bools; "
                                f"got {dt.name} of shape {tuple(np.shape(arr))}")
            if dt.kind == "b" and ndim == 0:
                raise TypeError("ember.getitem: a scalar bool tensor is not a valid index")
            spec.append(("a", len(arrays)))
            arrays.append(arr)
    return tuple(spec), arrays


def _resolve(xp, spec: tuple, shape: tuple, arrays, for_scatter: bool = False):
    """The backend key for ``spec``; checks bounds against ``shape``.

    Returns (key, advanced) where ``advanced`` says the key holds index arrays.
    """
    ndim = len(shape)
    consumed = 0
    n_ellipsis = 0
    for e in spec:
        if e is None:
            continue
        if e is Ellipsis:
            n_ellipsis += 1
        elif type(e) is tuple and e[0] == "a":
            a = arrays[e[1]]
            consumed += a.ndim if a.dtype.kind == "b" else 1
        else:
            consumed += 1
    if n_ellipsis > 1:
        raise InvalidArgumentError("ember.getitem: an index can hold only one Ellipsis (...)")
    if consumed > ndim:
        raise IndexOutOfRangeError(
            f"ember.getitem: too many indices for a tensor of shape {tuple(shape)}: the key "
            f"indexes {consumed} dimensions but the tensor has {ndim}")
    key = []
    axis = 0
    advanced = False
    for e in spec:
        if e is None:
            key.append(None)
        elif e is Ellipsis:
            key.append(Ellipsis)
            axis += ndim - consumed
        elif type(e) is int:
            d = shape[axis]
            if not -d <= e < d:
                raise IndexOutOfRangeError(
                    f"ember.getitem: index {e} is out of range for axis {axis} with size {d} "
                    f"(tensor of shape {tuple(shape)}; valid indices are {-d}..{d - 1})")
            key.append(e)
            axis += 1
        elif e[0] == "s":
            key.append(_pyslice(e[1], e[2], e[3]))
            axis += 1
        else:
            a = _on(xp, arrays[e[1]])
            advanced = True
            if a.dtype.kind == "b":
                covered = tuple(shape[axis:axis + a.ndim])
                if tuple(a.shape) != covered:
                    raise InvalidArgumentError(
                        f"ember.getitem: boolean mask of shape {tuple(a.shape)} does not match "
                        f"dimensions {axis}..{axis + a.ndim - 1} {covered} of the tensor of "
                        f"shape {tuple(shape)}")
                if for_scatter:
                    key.extend(xp.nonzero(a))
                else:
                    key.append(a)
                axis += a.ndim
            else:
                d = shape[axis]
                if a.size:
                    lo, hi = int(a.min()), int(a.max())
                    if lo < -d or hi >= d:
                        bad = lo if lo < -d else hi
                        raise IndexOutOfRangeError(
                            f"ember.getitem: index {bad} is out of range for axis {axis} with "
                            f"size {d} (tensor of shape {tuple(shape)}; valid indices are "
                            f"{-d}..{d - 1})")
                key.append(a)
                axis += 1
    return tuple(key), advanced


_BASIC_KEYS: dict = {}  # (spec, shape) -> backend key, for keys without index arrays


def _basic_key(xp, spec: tuple, shape: tuple):
    ck = (spec, shape)
    key = _BASIC_KEYS.get(ck)
    if key is None:
        key, _ = _resolve(xp, spec, shape, ())
        if len(_BASIC_KEYS) > 4096:
            _BASIC_KEYS.clear()
        _BASIC_KEYS[ck] = key
    return key


@primitive(name="getitem")
def _getitem(xp, x, *idx, spec=()):
    key = _resolve(xp, spec, x.shape, idx)[0] if idx else _basic_key(xp, spec, x.shape)
    return _fix_scalar(xp, x[key])


_getitem.primitive.shape_from_values = lambda params, arrays: any(
    getattr(a, "dtype", None) is not None and a.dtype.kind == "b" for a in arrays[1:])


@_getitem.vjp
def _(g, out, x, *idx, spec=()):
    if value_shaped(x):     # its shape is read as the graph runs
        return (_getitem_grad_like(g, x, *idx, spec=spec), None) + (None,) * len(idx)
    return (_getitem_grad(g, *idx, spec=spec, shape=tuple(x.shape)),) + (None,) * len(idx)


@primitive(name="getitem_grad")
def _getitem_grad(xp, g, *idx, spec=(), shape=()):
    out = xp.zeros(shape, dtype=g.dtype)
    key, advanced = _resolve(xp, spec, shape, idx, for_scatter=True)
    if advanced:
        _index_add(xp, out, key, g)
    else:
        out[key] = g
    return out


@_getitem_grad.vjp
def _(gg, out, g, *idx, spec=(), shape=()):
    return (_getitem(gg, *idx, spec=spec),) + (None,) * len(idx)


@primitive(name="getitem_grad_like")
def _getitem_grad_like(xp, g, like, *idx, spec=()):
    """``getitem_grad`` into zeros shaped as ``like`` is when the graph runs."""
    return _getitem_grad.primitive.forward(xp, g, *idx, spec=spec, shape=like.shape)


@_getitem_grad_like.vjp
def _(gg, out, g, like, *idx, spec=()):
    return (_getitem(gg, *idx, spec=spec), None) + (None,) * len(idx)


def getitem(tensor: Any, key: Any) -> Tensor:
    """``tensor[key]`` with ints, slices (any step), ``...``, ``None``, integer arrays and
    boolean masks, following NumPy's rules; differentiable (repeated indices accumulate).

    >>> import ember
    >>> ember.constant([[1., 2.], [3., 4.]])[:, 1].numpy()
    array([2., 4.], dtype=float32)
    """
    spec, arrays = _parse_key(key)
    return _getitem(tensor, *arrays, spec=spec)


def slice(input_: Any, begin: Any, size: Any, name=None) -> Tensor:  # noqa: A001
    """The block of ``input_`` starting at ``begin`` of extent ``size`` (-1: to the end).

    >>> import ember
    >>> ember.slice([[1, 2, 3], [4, 5, 6]], [0, 1], [2, -1]).numpy().tolist()
    [[2, 3], [5, 6]]
    """
    shape = _shape(input_)
    b = _int_list(begin, "slice", "begin")
    s = _int_list(size, "slice", "size")
    if len(b) != len(shape) or len(s) != len(shape):
        raise InvalidArgumentError(
            f"ember.slice: begin {b} and size {s} need one entry per axis of the input of "
            f"shape {shape}")
    key = []
    for i, (bi, si, d) in enumerate(zip(b, s, shape)):
        end = d if si == -1 else bi + si
        if bi < 0 or si < -1 or end > d or bi > d:
            raise InvalidArgumentError(
                f"ember.slice: begin {b} and size {s} reach outside the input of shape "
                f"{shape} on axis {i} (need 0 <= begin <= begin + size <= {d})")
        key.append(_pyslice(bi, end))
    return getitem(input_, tuple(key))


def _strided_key(op: str, begin: Any, end: Any, strides: Any, begin_mask: int,
                 end_mask: int, ellipsis_mask: int, new_axis_mask: int,
                 shrink_axis_mask: int) -> tuple:
    """The Python key TensorFlow's strided-slice arguments describe."""
    b = _int_list(begin, op, "begin")
    e = _int_list(end, op, "end")
    st = [1] * len(b) if strides is None else _int_list(strides, op, "strides")
    if not len(b) == len(e) == len(st):
        raise InvalidArgumentError(
            f"ember.{op}: begin {b}, end {e} and strides {st} must have the same length")
    key = []
    for i in range(len(b)):
        bit = 1 << i
        if ellipsis_mask & bit:
            key.append(Ellipsis)
        elif new_axis_mask & bit:
            key.append(None)
        elif shrink_axis_mask & bit:
            key.append(b[i])
        else:
            if st[i] == 0:
                raise InvalidArgumentError(f"ember.{op}: strides[{i}] must be non-zero")
            key.append(_pyslice(None if begin_mask & bit else b[i],
                                None if end_mask & bit else e[i], st[i]))
    return tuple(key)


def strided_slice(input_: Any, begin: Any, end: Any, strides: Any = None, begin_mask: int = 0,
                  end_mask: int = 0, ellipsis_mask: int = 0, new_axis_mask: int = 0,
                  shrink_axis_mask: int = 0, var=None, name=None) -> Tensor:
    """TensorFlow's strided slice: ``input_[begin:end:strides]`` per axis, with bit masks
    (bit ``i`` refers to entry ``i``) for ignored begins/ends, ``...``, new axes and
    axes indexed by a single int.

    >>> import ember
    >>> x = ember.reshape(ember.range(12), [3, 4])
    >>> ember.strided_slice(x, [0, 3], [3, 0], [2, -1]).numpy().tolist()
    [[3, 2, 1], [11, 10, 9]]
    """
    key = _strided_key("strided_slice", begin, end, strides, begin_mask, end_mask,
                       ellipsis_mask, new_axis_mask, shrink_axis_mask)
    try:
        return getitem(input_, key)
    except InvalidArgumentError as err:
        raise type(err)(str(err).replace("ember.getitem", "ember.strided_slice", 1)) from None


# -- writing a slice: x[key] = value as a new tensor ----------------------------------------
@primitive(name="setitem")
def _setitem(xp, x, value, *idx, spec=()):
    key = _resolve(xp, spec, x.shape, idx)[0] if idx else _basic_key(xp, spec, x.shape)
    out = x.copy()
    target = out[key]
    try:
        fits = xp.broadcast_shapes(value.shape, target.shape) == target.shape
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(   # the dispatcher prefixes the op's name and the inputs
            f"the value of shape {tuple(value.shape)} cannot be broadcast to the slice's "
            f"shape {tuple(target.shape)} (of a tensor of shape {tuple(x.shape)})")
    out[key] = value
    return out


@_setitem.vjp
def _(g, out, x, value, *idx, spec=()):
    zero = np.zeros((), to_numpy(g.dtype))
    return ((_setitem(g, zero, *idx, spec=spec), _getitem(g, *idx, spec=spec))
            + (None,) * len(idx))


def slice_update(tensor: Any, key: Any, value: Any, op: str = "slice_update") -> Tensor:
    """``tensor`` with ``tensor[key]`` replaced by ``value`` (broadcast to the slice) as a
    new tensor: the value of ``v[key].assign(value)``. ``key`` holds ints, slices, ``...``,
    ``None`` and scalar integer tensors, as a strided slice does; differentiable in both
    ``tensor`` and ``value``.

    >>> import ember
    >>> slice_update(ember.zeros([2, 3]), np.s_[1, 0:2], 5.0).numpy().tolist()
    [[0.0, 0.0, 0.0], [5.0, 5.0, 0.0]]
    """
    spec, arrays = _parse_key(key)
    for a in arrays:
        if len(a.shape) != 0 or to_numpy(a.dtype).kind not in "iu":
            raise TypeError(
                f"ember.{op}: a slice to write takes ints, slices, ..., None and scalar "
                f"integer tensors; got an index of shape {tuple(a.shape)} and dtype "
                f"{to_numpy(a.dtype).name} (scatter_nd_update writes at index tensors)")
    dtype = to_numpy(tensor.dtype) if hasattr(tensor, "dtype") else to_array(tensor).dtype
    if isinstance(value, Tensor) or hasattr(value, "_is_ember_variable"):
        if to_numpy(value.dtype) != dtype:
            raise InvalidArgumentError(
                f"ember.{op}: the value's dtype {to_numpy(value.dtype).name} does not match "
                f"the tensor's {np.dtype(dtype).name}")
    else:
        value = to_array(value, dtype)
    try:
        return _setitem(tensor, value, *arrays, spec=spec)
    except InvalidArgumentError as err:
        raise type(err)(str(err).replace("ember.setitem", f"ember.{op}", 1)) from None


def tensor_strided_slice_update(input_: Any, begin: Any, end: Any, strides: Any, value: Any,
                                begin_mask: int = 0, end_mask: int = 0,
                                ellipsis_mask: int = 0, new_axis_mask: int = 0,
                                shrink_axis_mask: int = 0, name=None) -> Tensor:
    """``input_`` with its strided slice (as ``strided_slice`` takes it) replaced by
    ``value``, as a new tensor.

    >>> import ember
    >>> ember.tensor_strided_slice_update([1, 2, 3, 4], [0], [4], [2], [9, 9]).numpy()
    array([9, 2, 9, 4], dtype=int32)
    """
    from .creation import convert_to_tensor
    key = _strided_key("tensor_strided_slice_update", begin, end, strides, begin_mask,
                       end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask)
    return slice_update(convert_to_tensor(input_), key, value, "tensor_strided_slice_update")


# -- gather ---------------------------------------------------------------------------------
def _batch_grids(xp, bshape: tuple, nd: int) -> list:
    """Index grids over the leading batch dimensions, broadcastable to rank ``nd``."""
    grids = []
    for k, b in enumerate(bshape):
        s = [1] * nd
        s[k] = b
        grids.append(xp.arange(b).reshape(s))
    return grids


def _gather_key(xp, pshape: tuple, idx, axis: int, batch_dims: int):
    """(key, perm): ``transpose(params[key], perm)`` is the gather (perm None: none)."""
    if batch_dims == 0:
        return (_pyslice(None),) * axis + (idx,), None
    key = tuple(_batch_grids(xp, pshape[:batch_dims], idx.ndim)) + \
        (_pyslice(None),) * (axis - batch_dims) + (idx,)
    if axis == batch_dims:
        return key, None
    # params[key] is indices.shape + P1 + P2; TF wants B + P1 + I + P2
    ni = idx.ndim
    n1 = axis - batch_dims
    n2 = len(pshape) - axis - 1
    perm = (tuple(range(batch_dims)) + tuple(range(ni, ni + n1)) +
            tuple(range(batch_dims, ni)) + tuple(range(ni + n1, ni + n1 + n2)))
    return key, perm


@primitive(name="gather")
def _gather(xp, params, indices, axis=0, batch_dims=0):
    _check_int_indices("gather", indices)
    indices = _on(xp, indices)
    _check_range(xp, "gather", indices, params.shape[axis],
                 f"axis {axis} of params of shape {tuple(params.shape)}")
    if batch_dims == 0:
        return _fix_scalar(xp, xp.take(params, indices, axis=axis))
    key, perm = _gather_key(xp, params.shape, indices, axis, batch_dims)
    out = params[key]
    return out if perm is None else xp.transpose(out, perm)


@_gather.vjp
def _(g, out, params, indices, axis=0, batch_dims=0):
    return _gather_grad(g, indices, shape=tuple(params.shape), axis=axis,
                        batch_dims=batch_dims), None


@primitive(name="gather_grad")
def _gather_grad(xp, g, indices, shape=(), axis=0, batch_dims=0):
    out = xp.zeros(shape, dtype=g.dtype)
    key, perm = _gather_key(xp, shape, _on(xp, indices), axis, batch_dims)
    if perm is not None:
        g = xp.transpose(g, tuple(int(i) for i in np.argsort(perm)))
    _index_add(xp, out, key, g)
    return out


@_gather_grad.vjp
def _(gg, out, g, indices, shape=(), axis=0, batch_dims=0):
    return _gather(gg, indices, axis=axis, batch_dims=batch_dims), None


def gather(params: Any, indices: Any, validate_indices=None, axis: Any = None,
           batch_dims: int = 0, name=None) -> Tensor:
    """Slices of ``params`` along ``axis`` at ``indices``; out-of-range indices are an
    error. The output shape is ``params.shape[:axis] + indices.shape[batch_dims:] +
    params.shape[axis + 1:]``.

    >>> import ember
    >>> ember.gather([[1, 2], [3, 4], [5, 6]], [2, 0]).numpy().tolist()
    [[5, 6], [1, 2]]
    """
    pshape = _shape(params)
    indices = _as_array_arg(indices)
    ishape = _shape(indices)
    idt = _dtype(indices)
    if idt.kind not in "iu":
        raise TypeError(f"ember.gather: indices must be an integer tensor; got "
                        f"{from_numpy(idt).name} of shape {ishape}")
    bd = _int_scalar(batch_dims, "gather", "batch_dims")
    if bd < 0:
        bd += len(ishape)
    if not 0 <= bd <= len(ishape):
        raise InvalidArgumentError(
            f"ember.gather: batch_dims {batch_dims} is out of range for indices of shape "
            f"{ishape}")
    ax = bd if axis is None else _int_scalar(axis, "gather", "axis")
    if ax < 0:
        ax += len(pshape)
    if not 0 <= ax < len(pshape) or ax < bd:
        raise InvalidArgumentError(
            f"ember.gather: axis {axis} is out of range for params of shape {pshape} "
            f"(it must be in [{bd}, {len(pshape)}) with batch_dims={bd})")
    if tuple(pshape[:bd]) != tuple(ishape[:bd]):
        raise InvalidArgumentError(
            f"ember.gather: with batch_dims={bd} the leading dimensions of params "
            f"{pshape} and indices {ishape} must match")
    return _gather(params, indices, axis=ax, batch_dims=bd)


def embedding_lookup(params: Any, ids: Any, max_norm: Any = None, name=None) -> Tensor:
    """Rows of the embedding table ``params`` at ``ids`` (``tf.nn.embedding_lookup``).

    A list of tables is one table sharded by ``ids % n`` (the "mod" strategy). With
    ``max_norm``, rows whose L2 norm is larger are scaled down to it.

    >>> import ember
    >>> ember.nn.embedding_lookup([[0., 1.], [2., 3.]], [1, 1]).numpy().tolist()
    [[2.0, 3.0], [2.0, 3.0]]
    """
    if isinstance(params, (list, tuple)) and params and (
            isinstance(params[0], Tensor) or hasattr(params[0], "_is_ember_variable")
            or isinstance(params[0], np.ndarray)):
        shards = list(params)
    else:
        shards = [params]
    if len(shards) == 1:
        out = gather(shards[0], ids, axis=0)
    else:
        from .shape import concat
        from .elementwise import add, cast, floordiv, floormod
        n = len(shards)
        rows = np.asarray([_shape(s)[0] for s in shards])
        offsets = np.concatenate([[0], np.cumsum(rows)[:-1]]).astype(np.int64)
        ids_arr = to_array(ids)
        _check_int_indices("embedding_lookup", ids_arr)
        total = int(rows.sum())
        _check_range(np, "embedding_lookup", _host(ids_arr).astype(np.int64), total,
                     f"{n} shards holding {total} rows")
        ids64 = cast(ids, np.int64)   # row i sits in shard i % n at position i // n
        pos = add(gather(Tensor(offsets), floormod(ids64, n)), floordiv(ids64, n))
        out = gather(concat(shards, axis=0), pos, axis=0)
    if max_norm is not None:
        from .elementwise import maximum, sqrt
        from .reduction import reduce_sum
        rank = len(_shape(out))
        nids = len(_shape(ids))
        axes = tuple(range(nids, rank))
        if axes:
            norm = sqrt(reduce_sum(out * out, axis=axes, keepdims=True))
            out = out * (max_norm / maximum(norm, max_norm))
    return out


# -- gather_nd / scatter_nd -----------------------------------------------------------------
def _nd_key(xp, shape: tuple, idx, batch_dims: int, op: str) -> tuple:
    idx = _on(xp, idx)
    depth = idx.shape[-1]
    lead = idx.shape[:-1]
    for j in range(depth):
        col = idx[..., j]
        d = shape[batch_dims + j]
        if col.size and bool(((col < 0) | (col >= d)).any()):
            bad = (col < 0) | (col >= d)
            pos = tuple(int(i) for i in _host(xp.argwhere(bad)[0]))
            vec = [int(v) for v in _host(idx[pos])]
            raise IndexOutOfRangeError(
                f"ember.{op}: indices[{','.join(map(str, pos))}] = {vec} does not index into "
                f"shape {list(shape)}" + (f" (after {batch_dims} batch dims)"
                                          if batch_dims else ""))
    return tuple(_batch_grids(xp, shape[:batch_dims], len(lead))) + \
        tuple(idx[..., j] for j in range(depth))


@primitive(name="gather_nd")
def _gather_nd(xp, params, indices, batch_dims=0):
    _check_int_indices("gather_nd", indices)
    return _fix_scalar(xp, params[_nd_key(xp, params.shape, indices, batch_dims, "gather_nd")])


@_gather_nd.vjp
def _(g, out, params, indices, batch_dims=0):
    return _scatter_nd_add(g, indices, shape=tuple(params.shape), batch_dims=batch_dims), None


@primitive(name="scatter_nd")
def _scatter_nd_add(xp, updates, indices, shape=(), batch_dims=0):
    _check_int_indices("scatter_nd", indices)
    out = xp.zeros(shape, dtype=updates.dtype)
    _index_add(xp, out, _nd_key(xp, shape, indices, batch_dims, "scatter_nd"), updates)
    return out


@_scatter_nd_add.vjp
def _(g, out, updates, indices, shape=(), batch_dims=0):
    return _gather_nd(g, indices, batch_dims=batch_dims), None


def _check_nd(op: str, shape: tuple, ishape: tuple, idt, batch_dims: int = 0,
              ushape: tuple | None = None) -> None:
    if idt.kind not in "iu":
        raise TypeError(f"ember.{op}: indices must be an integer tensor; got "
                        f"{from_numpy(idt).name} of shape {ishape}")
    if len(ishape) < 1 or len(ishape) <= batch_dims:
        raise InvalidArgumentError(
            f"ember.{op}: indices must have rank >= {batch_dims + 1}; got shape {ishape}")
    depth = ishape[-1]
    if depth < 1 or batch_dims + depth > len(shape):
        raise InvalidArgumentError(
            f"ember.{op}: the last dimension of indices (shape {ishape}) must be in "
            f"[1, {len(shape) - batch_dims}] for a tensor of shape {shape}")
    if tuple(shape[:batch_dims]) != tuple(ishape[:batch_dims]):
        raise InvalidArgumentError(
            f"ember.{op}: with batch_dims={batch_dims} the leading dimensions of params "
            f"{shape} and indices {ishape} must match")
    if ushape is not None:
        want = tuple(ishape[:-1]) + tuple(shape[depth:])
        if tuple(ushape) != want:
            raise InvalidArgumentError(
                f"ember.{op}: updates must have shape {want} (indices.shape[:-1] + "
                f"shape[{depth}:]) for indices of shape {ishape} into shape {shape}; got "
                f"{tuple(ushape)}")


def gather_nd(params: Any, indices: Any, batch_dims: int = 0, name=None) -> Tensor:
    """Elements or slices of ``params`` at the index vectors in the last axis of
    ``indices``; out-of-range indices are an error.

    >>> import ember
    >>> ember.gather_nd([[1, 2], [3, 4]], [[1, 0], [0, 1]]).numpy().tolist()
    [3, 2]
    """
    indices = _as_array_arg(indices)
    bd = _int_scalar(batch_dims, "gather_nd", "batch_dims")
    _check_nd("gather_nd", _shape(params), _shape(indices), _dtype(indices), bd)
    return _gather_nd(params, indices, batch_dims=bd)


def scatter_nd(indices: Any, updates: Any, shape: Any, name=None) -> Tensor:
    """A zero tensor of ``shape`` with ``updates`` added at ``indices`` (duplicates add up).

    >>> import ember
    >>> ember.scatter_nd([[1], [3], [1]], [1., 2., 3.], [5]).numpy().tolist()
    [0.0, 4.0, 0.0, 2.0, 0.0]
    """
    indices = _as_array_arg(indices)
    dims = tuple(_int_list(shape, "scatter_nd", "shape"))
    if any(d < 0 for d in dims):
        raise InvalidArgumentError(f"ember.scatter_nd: shape {list(dims)} must be non-negative")
    _check_nd("scatter_nd", dims, _shape(indices), _dtype(indices), 0, _shape(updates))
    return _scatter_nd_add(updates, indices, shape=dims, batch_dims=0)


@primitive(name="tensor_scatter_nd_update")
def _tensor_scatter_update(xp, tensor, indices, updates):
    _check_int_indices("tensor_scatter_nd_update", indices)
    out = tensor.copy()
    out[_nd_key(xp, tensor.shape, indices, 0, "tensor_scatter_nd_update")] = updates
    return out


@_tensor_scatter_update.vjp
def _(g, out, tensor, indices, updates):
    from .elementwise import zeros_like_value
    return (_tensor_scatter_update(g, indices, zeros_like_value(_gather_nd(g, indices))),
            None, _gather_nd(g, indices))


@primitive(name="tensor_scatter_nd_add")
def _tensor_scatter_add(xp, tensor, indices, updates):
    _check_int_indices("tensor_scatter_nd_add", indices)
    out = tensor.copy()
    _index_add(xp, out, _nd_key(xp, tensor.shape, indices, 0, "tensor_scatter_nd_add"), updates)
    return out


@_tensor_scatter_add.vjp
def _(g, out, tensor, indices, updates):
    return g, None, _gather_nd(g, indices)


def tensor_scatter_nd_update(tensor: Any, indices: Any, updates: Any, name=None) -> Tensor:
    """A copy of ``tensor`` with the elements or slices at ``indices`` replaced by
    ``updates`` (for repeated indices one of the updates wins).

    >>> import ember
    >>> ember.tensor_scatter_nd_update([1, 2, 3], [[0], [2]], [9, 8]).numpy().tolist()
    [9, 2, 8]
    """
    indices = _as_array_arg(indices)
    _check_nd("tensor_scatter_nd_update", _shape(tensor), _shape(indices), _dtype(indices), 0,
              _shape(updates))
    return _tensor_scatter_update(tensor, indices, updates)


def tensor_scatter_nd_add(tensor: Any, indices: Any, updates: Any, name=None) -> Tensor:
    """A copy of ``tensor`` with ``updates`` added at ``indices`` (duplicates add up).

    >>> import ember
    >>> ember.tensor_scatter_nd_add([1, 2, 3], [[0], [0]], [5, 5]).numpy().tolist()
    [11, 2, 3]
    """
    indices = _as_array_arg(indices)
    _check_nd("tensor_scatter_nd_add", _shape(tensor), _shape(indices), _dtype(indices), 0,
              _shape(updates))
    return _tensor_scatter_add(tensor, indices, updates)


def tensor_scatter_nd_sub(tensor: Any, indices: Any, updates: Any, name=None) -> Tensor:
    """``tensor`` with ``updates`` subtracted at ``indices`` (repeated indices subtract
    each time).

    >>> import ember
    >>> ember.tensor_scatter_nd_sub([1, 2, 3], [[0], [0]], [5, 1]).numpy().tolist()
    [-5, 2, 3]
    """
    from .creation import convert_to_tensor
    from .elementwise import negative
    return tensor_scatter_nd_add(tensor, indices, negative(convert_to_tensor(updates)))


# -- masks, one_hot, where ------------------------------------------------------------------
def boolean_mask(tensor: Any, mask: Any, axis: Any = None, name="boolean_mask") -> Tensor:
    """The elements (or slices) of ``tensor`` where ``mask`` is true; ``mask`` covers the
    dimensions ``axis .. axis + mask.ndim - 1`` (``axis`` defaults to 0).

    >>> import ember
    >>> ember.boolean_mask([[1, 2], [3, 4], [5, 6]], [True, False, True]).numpy().tolist()
    [[1, 2], [5, 6]]
    """
    shape = _shape(tensor)
    mask = _as_array_arg(mask)
    mshape = _shape(mask)
    mdt = _dtype(mask)
    if mdt.kind != "b":
        raise TypeError(f"ember.boolean_mask: mask must be a bool tensor; got "
                        f"{from_numpy(mdt).name} of shape {mshape}")
    if len(mshape) == 0:
        raise InvalidArgumentError("ember.boolean_mask: mask cannot be a scalar")
    ax = 0 if axis is None else _int_scalar(axis, "boolean_mask", "axis")
    if ax < 0:
        ax += len(shape)
    if ax < 0 or tuple(shape[ax:ax + len(mshape)]) != tuple(mshape):
        raise InvalidArgumentError(
            f"ember.boolean_mask: mask of shape {mshape} must match dimensions starting at "
            f"axis {axis if axis is not None else 0} of the tensor of shape {shape}")
    return _getitem(tensor, mask, spec=(_FULL,) * ax + (("a", 0),))


@primitive(name="one_hot")
def _one_hot(xp, indices, depth=1, on_value=1, off_value=0, axis=-1, dtype=None):
    _check_int_indices("one_hot", indices)
    hot = indices[..., None] == xp.arange(depth, dtype=indices.dtype)
    out = xp.where(hot, xp.asarray(on_value, dtype=dtype), xp.asarray(off_value, dtype=dtype))
    if axis != -1 and axis != indices.ndim:
        out = xp.moveaxis(out, -1, axis)
    return out


def _scalar_value(v: Any, op: str, what: str):
    if hasattr(v, "_value") or isinstance(v, (np.ndarray, np.generic)):
        arr = np.asarray(v)
        if arr.size != 1:
            raise InvalidArgumentError(f"ember.{op}: {what} must be a scalar; got shape "
                                       f"{arr.shape}")
        return arr.reshape(()).item(), arr.dtype
    return v, to_array(v).dtype


def one_hot(indices: Any, depth: Any, on_value: Any = None, off_value: Any = None,
            axis: Any = None, dtype: Any = None, name=None) -> Tensor:
    """One-hot vectors along a new ``axis`` (last by default): ``on_value`` where the
    position equals the index, ``off_value`` elsewhere (indices outside ``[0, depth)``
    give all ``off_value``). float32 unless ``dtype`` or the values say otherwise.

    >>> import ember
    >>> ember.one_hot([0, 2], 3).numpy().tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    """
    indices = _as_array_arg(indices)
    idt = _dtype(indices)
    if idt.kind not in "iu":
        raise TypeError(f"ember.one_hot: indices must be an integer tensor; got "
                        f"{from_numpy(idt).name} of shape {_shape(indices)}")
    d = _int_scalar(depth, "one_hot", "depth")
    if d < 0:
        raise InvalidArgumentError(f"ember.one_hot: depth must be non-negative; got {d}")
    on, on_dt = (1, None) if on_value is None else _scalar_value(on_value, "one_hot", "on_value")
    off, off_dt = (0, None) if off_value is None else _scalar_value(off_value, "one_hot",
                                                                     "off_value")
    if dtype is not None:
        dt = to_numpy(dtype)
    elif on_dt is not None and off_dt is not None:
        if on_dt != off_dt:
            raise TypeError(f"ember.one_hot: on_value ({from_numpy(on_dt).name}) and "
                            f"off_value ({from_numpy(off_dt).name}) must have the same dtype")
        dt = on_dt
    else:
        dt = on_dt if on_dt is not None else off_dt if off_dt is not None else np.dtype("f4")
    rank = len(_shape(indices))
    ax = -1 if axis is None else _int_scalar(axis, "one_hot", "axis")
    if not -1 <= ax <= rank:
        raise InvalidArgumentError(f"ember.one_hot: axis {ax} must be -1 or in [0, {rank}] "
                                   f"for indices of shape {_shape(indices)}")
    return _one_hot(indices, depth=d, on_value=on, off_value=off, axis=ax, dtype=np.dtype(dt))


@primitive(name="where_indices")
def _where_indices(xp, condition):
    return xp.argwhere(condition).astype(xp.int64)


_where_indices.primitive.shape_from_values = True


def where_indices(condition: Any) -> Tensor:
    """Coordinates of the true (non-zero) elements of ``condition``: int64 of shape
    ``(n, rank)``.

    >>> import ember
    >>> ember.where([[True, False], [False, True]]).numpy().tolist()
    [[0, 0], [1, 1]]
    """
    return _where_indices(condition)


# -- unravel_index ----------------------------------------------------------------------------
@primitive(name="unravel_index")
def _unravel_index(xp, indices, dims):
    total = int(np.prod(np.asarray(dims, dtype=np.int64)))
    if indices.size and (indices.min() < 0 or indices.max() >= total):
        raise InvalidArgumentError(
            f"ember.unravel_index: indices must be in [0, {total}) for dims "
            f"{np.asarray(dims).tolist()}")
    out = xp.unravel_index(indices, tuple(int(d) for d in dims))
    return xp.stack(out).astype(indices.dtype)


def unravel_index(indices: Any, dims: Any, name=None) -> Tensor:
    """The coordinates, in an array of shape ``dims``, of each flat index:
    shape ``[len(dims)] + indices.shape``.

    >>> import ember
    >>> ember.unravel_index([5, 7], [3, 4]).numpy().tolist()
    [[1, 1], [1, 3]]
    """
    from .elementwise import cast
    from .arg_checks import int_tensor
    idx = int_tensor(indices, "unravel_index", "indices")
    d = int_tensor(dims, "unravel_index", "dims")
    if d.ndim != 1:
        raise InvalidArgumentError(f"ember.unravel_index: dims must be 1-D; got "
                                   f"{d.dtype.name} tensor of shape {tuple(d.shape)}")
    return _unravel_index(idx, cast(d, idx.dtype))


newaxis = None  # tf.newaxis: use in indexing to add an axis
