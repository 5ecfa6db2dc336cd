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
        # as TF: every (flattened) positional argument is an input that grad_fn returns a
        # gradient for, Python numbers included; variables passed as arguments are inputs,
        # not among the `variables` grad_fn is given
        flat_args = nest.flatten(args)
        accessed = [v for v in accessed if all(v is not a for a in flat_args)
                    and all(v is not a for a in nest.flatten(kwargs))]
        import inspect  # only when a custom gradient is recorded: keeps `import ember` fast
        params = inspect.signature(grad_fn).parameters
        wants_vars = "variables" in params or any(
            p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
        if accessed and not wants_vars:
            raise TypeError(f"custom_gradient {f.__name__!r} reads variables "
                            f"{[v.name for v in accessed]}, so its grad_fn must take a "
                            "`variables` keyword argument and return (input_grads, "
                            "variable_grads)")
        flat_y = nest.flatten(y)
        inputs = []
        ids = []
        for a in flat_args:
            if isinstance(a, Tensor):
                inputs.append(a)
            elif isinstance(a, Variable):
                inputs.append(Tensor(a._value))
                _watch_read(a)
            else:   # a Python number or array: never watched, its gradient is dropped
                from ..core.convert import to_array
                a = Tensor(to_array(a))
                inputs.append(a)
            ids.append(id(a))
        for v in accessed:
            inputs.append(Tensor(v._value))
            ids.append(id(v))
            _watch_read(v)   # read inside f: watched as any read would be
        n_args = len(flat_args)

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
            in_grads = nest.flatten(in_grads)
            if len(in_grads) != n_args:
                raise ValueError(f"custom_gradient {f.__name__!r}: grad_fn returned "
                                 f"{len(in_grads)} gradients for {n_args} inputs (one per "
                                 "positional argument, None for those without one)")
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


def _watch_read(var: Variable) -> None:
    """What reading ``var`` under the active tapes does: tapes that watch accessed
    variables start watching a trainable one."""
    if var.trainable:
        for tape in _prim.STATE.tapes:
            if tape._watch_accessed:
                tape._watch_variable(var)


def recompute_grad(f: Callable) -> Callable:
    """Decorator: keep none of ``f``'s intermediate values for the backward pass and
    run ``f`` again when its gradient is needed (less memory, more compute), as
    ``tf.recompute_grad``. Gradients reach ``f``'s tensor arguments and the trainable
    variables it reads.

    >>> import ember
    >>> w = ember.Variable(2.0)
    >>> block = ember.recompute_grad(lambda x: ember.tanh(x * w))
    >>> x = ember.constant(0.5)
    >>> with ember.GradientTape() as t:
    ...     t.watch(x)
    ...     y = block(x)
    >>> [round(float(g), 4) for g in t.gradient(y, [x, w])]
    [0.8399, 0.21]
    """
    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        @custom_gradient
        def checkpointed(*xs):
            def grad(*dys, variables=None):
                from .tape import GradientTape
                sources = list(xs) + list(variables or [])
                with GradientTape(watch_accessed_variables=False) as tape:
                    tape.watch([s for s in sources if isinstance(s, (Tensor, Variable))])
                    again = f(*xs, **kwargs)
                grads = tape.gradient(nest.flatten(again), sources,
                                      output_gradients=list(dys))
                return grads[:len(xs)], grads[len(xs):]
            return f(*xs, **kwargs), grad
        return checkpointed(*args)

    return wrapped
