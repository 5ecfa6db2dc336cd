"""Fused, in-place optimizer updates (``ember.raw_ops.apply_*``), as TensorFlow's training ops.

Each updates its variables' arrays in place with one scratch buffer, instead of the
dozen temporaries the same formula written with ops allocates. They are not recorded on
any tape. A variable whose value a live tensor still shares is copied first, so tensors
read earlier never change.
"""
from __future__ import annotations

import functools
from typing import Any, Callable

from ..core.backend import xp_of
from ..core.convert import to_array
from ..core.variable import Variable
from . import primitive as _prim
from .kernels import kernels_for


def _graph_recordable(update: Callable) -> Callable:
    """Inside a traced ``ember.function`` the update is recorded as one graph node (and
    carried out now, as the trace runs the function); eagerly it just runs."""
    @functools.wraps(update)
    def run(*args, **kwargs):
        if _prim.STATE.tracing:
            return _prim.STATE.tracing[-1].record_update(update, args, kwargs)
        return update(*args, **kwargs)
    return run


def _writable(var: Variable):
    own = var._private_array()
    if own is None:
        var._value = var._value.copy()
        own = var._value
    return own


def _grad_array(grad: Any, like) -> Any:
    g = to_array(grad)
    if g.dtype != like.dtype:
        g = g.astype(like.dtype)
    if g.shape != like.shape:
        raise ValueError(f"ember.raw_ops: gradient of shape {tuple(g.shape)} does not match "
                         f"the variable's shape {tuple(like.shape)}")
    return g


def _flat_kernels(name: str, *arrays):
    """The compiled kernels ``name`` for C-contiguous float32 NumPy ``arrays`` of one
    shape (so each reshapes to a flat view), else None."""
    if len({getattr(a, "shape", None) for a in arrays}) != 1:
        return None
    return kernels_for(name, *arrays, contiguous=True)


@_graph_recordable
def apply_adam(var: Variable, m: Variable, v: Variable, grad: Any, alpha: float,
               one_minus_beta_1: float, one_minus_beta_2: float, epsilon: float) -> None:
    """One Adam step in place: ``m += (g - m)(1 - b1)``, ``v += (g^2 - v)(1 - b2)``,
    ``var -= alpha * m / (sqrt(v) + eps)`` (``alpha`` carries the bias corrections).

    >>> import ember, numpy as np
    >>> w, m, v = (ember.Variable(np.zeros(2, np.float32)) for _ in range(3))
    >>> apply_adam(w, m, v, np.ones(2, np.float32), 0.1, 0.1, 0.001, 1e-7)
    >>> w.numpy().round(4)
    array([-0.3162, -0.3162], dtype=float32)
    """
    x = _writable(var)
    mv, vv = _writable(m), _writable(v)
    g = _grad_array(grad, x)
    kernels = _flat_kernels("adam", x, mv, vv, g)
    if kernels is not None:
        kernels.adam_update(x.reshape(-1), mv.reshape(-1), vv.reshape(-1), g.reshape(-1),
                            float(alpha), float(one_minus_beta_1), float(one_minus_beta_2),
                            float(epsilon))
        return
    xp = xp_of(x)
    scratch = xp.empty_like(x)          # an array even for a 0-d variable
    xp.subtract(g, mv, out=scratch)
    scratch *= float(one_minus_beta_1)
    mv += scratch
    xp.multiply(g, g, out=scratch)
    scratch -= vv
    scratch *= float(one_minus_beta_2)
    vv += scratch
    xp.sqrt(vv, out=scratch)
    scratch += float(epsilon)
    xp.divide(mv, scratch, out=scratch)
    scratch *= float(alpha)
    x -= scratch


@_graph_recordable
def apply_gradient_descent(var: Variable, alpha: float, grad: Any) -> None:
    """``var -= alpha * grad`` in place."""
    x = _writable(var)
    g = _grad_array(grad, x)
    scratch = xp_of(x).multiply(g, float(alpha))
    x -= scratch


@_graph_recordable
def apply_momentum(var: Variable, accum: Variable, lr: float, grad: Any, momentum: float,
                   use_nesterov: bool = False) -> None:
    """Keras SGD with momentum, in place: ``accum = momentum * accum - lr * g``; then
    ``var += accum`` (or, with Nesterov, ``var += momentum * accum - lr * g``)."""
    x, a = _writable(var), _writable(accum)
    g = _grad_array(grad, x)
    xp = xp_of(x)
    a *= float(momentum)
    scratch = xp.empty_like(x)
    xp.multiply(g, float(lr), out=scratch)
    a -= scratch
    if use_nesterov:
        xp.multiply(a, float(momentum), out=scratch)
        scratch -= xp.multiply(g, float(lr))
        x += scratch
    else:
        x += a
