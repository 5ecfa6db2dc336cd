"""ember.custom_gradient and ember.stop_gradient."""
from __future__ import annotations

import functools
from typing import Callable

from ..core import nest
from ..core.tensor import Tensor
from ..core.thread_state import set_aside
from ..core.variable import Variable
from ..ops import primitive as _prim


def custom_gradient(f: Callable | None = None) -> Callable:
    """Decorator: ``f(*x)`` returns ``(y, grad_fn)`` and ``grad_fn(dy)`` the input gradients.

    If ``f`` reads trainable variables, ``grad_fn(dy, variables=None)`` must return
    ``(input_grads, variable_grads)``, as in TensorFlow.

    >>> import ember
    >>> @ember.custom_gradient
    ... def clip_grad(x):
    ...     def grad(dy):
    ...         return ember.clip_by_value(dy, -1.0, 1.0)
    ...     return ember.identity(x), grad
    >>> x = ember.constant(2.0)
    >>> with ember.GradientTape() as t:
    ...     t.watch(x)
    ...     y = clip_grad(x) * 10.0
    >>> float(t.gradient(y, x))
    1.0
    """
    if f is None:
        return custom_gradient

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        accessed: list = []

        def seen(var):
            if var.trainable and all(var is not a for a in accessed):
                accessed.append(var)

        with set_aside("tapes"):
            _prim.STATE.watchers.append(seen)
            try:
                y, grad_fn = f(*args, **kwargs)
            finally:
                _prim.STATE.watchers.remove(seen)
        if not _prim.STATE.tapes:
            return y
        import inspect  # only when a custom gradient is recorded: keeps `import ember` fast
        wants_vars = "variables" in inspect.signature(grad_fn).parameters
        if accessed and not wants_vars:
            raise TypeError(f"custom_gradient {f.__name__!r} reads variables "
                            f"{[v.name for v in accessed]}, so its grad_fn must take a "
                            "`variables` keyword argument and return (input_grads, "
                            "variable_grads)")
        flat_y = nest.flatten(y)
        tensor_args = [a for a in args if isinstance(a, (Tensor, Variable))]
        inputs = []
        ids = []
        for a in tensor_args:
            inputs.append(a if isinstance(a, Tensor) else Tensor(a._value))
            ids.append(id(a))
        for v in accessed:
            inputs.append(Tensor(v._value))
            ids.append(id(v))
        n_args = len(tensor_args)

        def rule(g, out, *ins):
            gs = list(g) if isinstance(g, tuple) else [g]
            dy = nest.pack_sequence_as(y, gs)
            if wants_vars:
                in_grads, var_grads = grad_fn(*nest.flatten(dy) if len(gs) > 1 else [dy],
                                              variables=list(accessed))
                var_grads = list(var_grads or [])
            else:
                in_grads = grad_fn(*nest.flatten(dy) if len(gs) > 1 else [dy])
                var_grads = []
            in_grads = list(in_grads) if isinstance(in_grads, (list, tuple)) else [in_grads]
            if len(in_grads) != n_args:
                raise ValueError(f"custom_gradient {f.__name__!r}: grad_fn returned "
                                 f"{len(in_grads)} gradients for {n_args} tensor inputs")
            return tuple(in_grads) + tuple(var_grads)

        prim = _prim.Primitive(f"custom_gradient_{f.__name__}", None,
                               multiple_results=len(flat_y) > 1)
        prim.vjp_rule = rule
        # fresh output objects, so an output that is an input cannot loop the tape
        outs = tuple(t._alias() if hasattr(t, "_alias") else Tensor(t._value)
                     for t in flat_y)
        _prim.record(prim, tuple(inputs), {}, outs, input_ids=tuple(ids))
        return nest.pack_sequence_as(y, list(outs))

    return wrapped
