"""Primitives ``keras.ops`` needs that Ember's other op families lack.

- ``eig``: the general (non-symmetric) eigen-decomposition, complex results, forward only
  (as in Keras's TensorFlow backend: asking for its gradient is an error, not a silent
  zero).
- ``tensor_scatter_nd_max`` / ``tensor_scatter_nd_min`` / ``tensor_scatter_nd_mul``: a copy
  of a tensor with updates combined into it at indices by a reduction (repeated indices
  combine too), each with a gradient written in Ember ops.

Forwards use ``xp`` (NumPy or CuPy); where CuPy has no kernel (``eig``, ``multiply.at``)
the work is done on the host and the result moved back.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core.errors import InvalidArgumentError
from .indexing import (
    _as_array_arg,
    _check_int_indices,
    _check_nd,
    _dtype,
    _host,
    _nd_key,
    _on,
    _shape,
    _ufunc_at,
)
from .primitive import primitive

__all__ = ["eig", "tensor_scatter_nd_max", "tensor_scatter_nd_min", "tensor_scatter_nd_mul"]


# -- eig ----------------------------------------------------------------------------------
@primitive(name="eig", multiple_results=True)
def _eig(xp, a):
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise InvalidArgumentError(
            f"ember.eig: input must be a batch of square matrices [..., M, M]; got shape "
            f"{tuple(a.shape)}")
    kind = a.dtype.kind
    if kind in "iub":
        raise TypeError(f"ember.eig: expected a float or complex tensor, not "
                        f"{a.dtype.name}; cast it first")
    if kind == "c":
        ctype = a.dtype
    else:
        ctype = np.complex128 if a.dtype == np.float64 else np.complex64
    host = _host(a)
    if host.dtype.kind == "f" and host.dtype.itemsize < 4 or host.dtype.kind == "V":
        host = host.astype(np.float32)
    w, v = np.linalg.eig(host)
    return _on(xp, w.astype(ctype)), _on(xp, v.astype(ctype))


@_eig.vjp
def _(g, ys, a):
    raise NotImplementedError(
        "ember.eig: the general eigen-decomposition has no gradient in Ember (nor in "
        "Keras's TensorFlow backend); for symmetric matrices use eigh, which has one")


def eig(tensor: Any, name=None):
    """Eigenvalues and right eigenvectors of general square matrices: ``(e, v)`` with
    ``tensor @ v[..., :, i] == e[..., i] * v[..., :, i]``.

    Results are always complex (complex64 for float32 input, complex128 for float64),
    eigenvectors have unit norm and the order is LAPACK's. Forward only: no gradient.

    >>> import ember
    >>> e, v = eig(ember.constant([[2., 0.], [0., 3.]]))
    >>> e.numpy()
    array([2.+0.j, 3.+0.j], dtype=complex64)
    """
    e, v = _eig(tensor)
    return e, v


# -- scatter with a reduction ---------------------------------------------------------------
_UFUNCS = {"max": "maximum", "min": "minimum", "mul": "multiply"}


@primitive(name="tensor_scatter_nd_reduce")
def _scatter_reduce(xp, tensor, indices, updates, reduction="max"):
    op = f"tensor_scatter_nd_{reduction}"
    _check_int_indices(op, indices)
    out = tensor.copy()
    key = _nd_key(xp, tensor.shape, indices, 0, op)
    updates = updates.astype(out.dtype, copy=False)
    return _ufunc_at(xp, _UFUNCS[reduction], out, key, updates)


@_scatter_reduce.vjp
def _(g, out, tensor, indices, updates, reduction="max"):
    from .creation import ones_like, zeros_like
    from .elementwise import cast, equal, where
    from .indexing import gather_nd, tensor_scatter_nd_add
    if reduction in ("max", "min"):
        # the winners share the gradient; ties split it evenly (as TensorFlow does)
        x_won = cast(equal(tensor, out), g.dtype)
        u_won = cast(equal(updates, gather_nd(out, indices)), g.dtype)
        winners = tensor_scatter_nd_add(x_won, indices, u_won)
        share = g / winners
        return share * x_won, None, gather_nd(share, indices) * u_won
    # mul: out = tensor * Q where Q is the product of the updates landing on each element
    u = updates
    zero = equal(u, zeros_like(u))
    safe_u = where(zero, ones_like(u), u)
    prod_nonzero = _scatter_reduce(ones_like(tensor), indices, safe_u, reduction="mul")
    n_zero = tensor_scatter_nd_add(zeros_like(tensor), indices, cast(zero, tensor.dtype))
    q = where(equal(n_zero, zeros_like(n_zero)), prod_nonzero, zeros_like(prod_nonzero))
    # the product of the *other* updates on the same element, without dividing by zero
    nz_at = gather_nd(n_zero, indices)
    pn_at = gather_nd(prod_nonzero, indices)
    others = where(zero,
                   where(equal(nz_at, ones_like(nz_at)), pn_at, zeros_like(pn_at)),
                   where(equal(nz_at, zeros_like(nz_at)), pn_at / safe_u, zeros_like(pn_at)))
    return g * q, None, gather_nd(g * tensor, indices) * others


def _scatter_reduce_op(reduction: str, tensor: Any, indices: Any, updates: Any):
    op = f"tensor_scatter_nd_{reduction}"
    indices = _as_array_arg(indices)
    _check_nd(op, _shape(tensor), _shape(indices), _dtype(indices), 0, _shape(updates))
    return _scatter_reduce(tensor, indices, updates, reduction=reduction)


def tensor_scatter_nd_max(tensor: Any, indices: Any, updates: Any, name=None):
    """A copy of ``tensor`` where each element (or slice) at ``indices`` is the maximum of
    itself and every update aimed at it.

    >>> import ember
    >>> tensor_scatter_nd_max(ember.constant([1., 1.]), [[0], [0]], [3., 2.]).numpy()
    array([3., 1.], dtype=float32)
    """
    return _scatter_reduce_op("max", tensor, indices, updates)


def tensor_scatter_nd_min(tensor: Any, indices: Any, updates: Any, name=None):
    """A copy of ``tensor`` where each element (or slice) at ``indices`` is the minimum of
    itself and every update aimed at it.

    >>> import ember
    >>> tensor_scatter_nd_min(ember.constant([1., 1.]), [[1], [1]], [3., -2.]).numpy()
    array([ 1., -2.], dtype=float32)
    """
    return _scatter_reduce_op("min", tensor, indices, updates)


def tensor_scatter_nd_mul(tensor: Any, indices: Any, updates: Any, name=None):
    """A copy of ``tensor`` where each element (or slice) at ``indices`` is multiplied by
    every update aimed at it.

    >>> import ember
    >>> tensor_scatter_nd_mul(ember.constant([2., 2.]), [[0], [0]], [3., 5.]).numpy()
    array([30.,  2.], dtype=float32)
    """
    return _scatter_reduce_op("mul", tensor, indices, updates)
