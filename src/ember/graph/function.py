"""``ember.function``: trace a Python function into a graph once per signature, then run
the optimized plan.

The first call with a new signature (tensor shapes and dtypes, Python values, variables,
structure) runs the Python body while recording it (``tracer``); the recorded graph is
optimized (``optimize``) and compiled (``Plan``). Later calls with the same signature
only run the plan.
"""
from __future__ import annotations

import contextlib
import functools
import inspect
import threading
import warnings
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from ..core import nest
from ..core.convert import to_array
from ..core.tensor import Tensor
from ..ops import primitive as _prim
from . import polymorphic as _poly
from . import signature as _sig
from .call_keys import collect_shape_keys, relax_key, relax_leading, relaxed_shapes
from .concrete_function import ConcreteFunction, PerSizeFunction, PolymorphicFunction
from .context import RUN_FUNCTIONS_EAGERLY
from .optimize import optimize
from .tensor_spec import TensorSpec
from .tracer import GraphBuilder, GraphTensor, VariableSnapshot, tracing

RETRACE_WARNING_AFTER = 5
_EMPTY_KWARGS_KEY = _sig.encode({}, [])


class Function:
    """A Python function compiled by tracing; see ``ember.function``."""

    def __init__(self, python_function: Callable, input_signature: Any = None,
                 reduce_retracing: bool = False, jit_compile: bool | None = None,
                 name: str | None = None, relax_batch_dims: bool = False):
        self.python_function = python_function
        self.relax_batch_dims = relax_batch_dims
        self.input_signature = (None if input_signature is None
                                else list(input_signature))
        self.reduce_retracing = reduce_retracing
        self.jit_compile = jit_compile
        self._name = name or getattr(python_function, "__name__", "function")
        self._cache: dict = {}
        self._trace_count = 0
        self._last_key = None
        self._relaxed: list | None = None     # reduce_retracing: shapes with None dims
        self._by_exact_key: dict = {}          # relax_batch_dims: exact key -> function
        self._warned = False
        self._instances: Any = weakref.WeakKeyDictionary()
        self._trace_lock = threading.RLock()
        try:
            params = inspect.signature(python_function).parameters
            self._arg_names = [p for p in params]
        except (TypeError, ValueError):
            self._arg_names = []
        functools.update_wrapper(self, python_function)

    # -- methods: one Function per instance -------------------------------------------
    def __get__(self, instance: Any, owner: Any = None):
        if instance is None:
            return self
        try:
            bound = self._instances.get(instance)
        except TypeError:
            bound = None
        if bound is None:
            bound = Function(self.python_function.__get__(instance, owner),
                             self.input_signature, self.reduce_retracing, self.jit_compile,
                             self._name, self.relax_batch_dims)
            try:
                self._instances[instance] = bound
            except TypeError:
                pass
        return bound

    # -- calling ------------------------------------------------------------------------
    def _key(self, args: tuple, kwargs: dict) -> tuple:
        tensors: list = []
        if self.input_signature is not None:
            args = self._check_signature(args, kwargs)
            kwargs = {}
        key = (_sig.encode(args, tensors, self.input_signature),
               _sig.encode(kwargs, tensors))
        return key, tensors, args, kwargs

    def _check_signature(self, args: tuple, kwargs: dict) -> tuple:
        if kwargs:
            names = self._arg_names[len(args):]
            args = args + tuple(kwargs[n] for n in names if n in kwargs)
        flat_specs = nest.flatten(self.input_signature)
        flat_args = nest.flatten(list(args))
        if len(flat_args) != len(flat_specs):
            raise ValueError(f"ember.function '{self._name}': called with {len(flat_args)} "
                             f"tensor arguments but input_signature has {len(flat_specs)}")
        converted = []
        for a, spec in zip(flat_args, flat_specs):
            arr = a._value if isinstance(a, Tensor) else to_array(
                a, spec.dtype.as_numpy_dtype)
            if not spec.is_compatible_with(arr):
                raise ValueError(f"ember.function '{self._name}': argument of shape "
                                 f"{tuple(arr.shape)} and dtype {arr.dtype.name} does not "
                                 f"match the input_signature's {spec}")
            converted.append(arr)
        return tuple(nest.pack_sequence_as(self.input_signature, converted))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if _prim.STATE.tracing or _prim.STATE.tapes or RUN_FUNCTIONS_EAGERLY[0]:
            # inside another trace: inline; under an outer tape: run the body so the tape
            # sees (and can differentiate) its ops
            return self.python_function(*args, **kwargs)
        if self.relax_batch_dims and self.input_signature is None:
            tensors = []
            exact = (_sig.encode(args, tensors),
                     _sig.encode(kwargs, tensors) if kwargs else _EMPTY_KWARGS_KEY)
            cf = self._by_exact_key.get(exact)
            if cf is not None:              # these shapes ran before: no key relaxing
                return cf._run(tensors)
            key = relax_leading(exact)
            cf = self._cache.get(key)
            if cf is None:
                cf, result = self._trace(key, tensors, args, kwargs, dry=False)
                self._by_exact_key[exact] = cf
                return result
            self._by_exact_key[exact] = cf
            return cf._run(tensors)
        if not kwargs and self.input_signature is None and self._relaxed is None:
            tensors: list = []     # the common call, encoded inline
            key = (_sig.encode(args, tensors), _EMPTY_KWARGS_KEY)
            cf = self._cache.get(key)
            if cf is not None:
                return cf._run(tensors)
        key, tensors, args, kwargs = self._key(args, kwargs)
        if self._relaxed is not None:
            key = relax_key(key, self._relaxed)
        cf = self._cache.get(key)
        if cf is not None:
            return cf._run(tensors)
        if self.reduce_retracing and self._last_key is not None:
            relaxed = relaxed_shapes(self._last_key, key, self._relaxed)
            if relaxed is not None:
                self._relaxed = relaxed
                key = relax_key(key, relaxed)
                cf = self._cache.get(key)
                if cf is not None:
                    return cf._run(tensors)
        return self._trace(key, tensors, args, kwargs, dry=False)[1]

    def array_plan(self, *args: Any) -> Callable | None:
        """The compiled plan a call ``self(*args)`` would run, as ``plan(arrays) ->
        [array]`` (raw arrays in the order of the flattened arguments, the one result out),
        or None when that call would trace, run its Python body, or return a structure.

        For hot loops that call a function again and again on arrays of one shape (Keras's
        one-sample ``predict``): the argument checks and Tensor wrapping are skipped.

        >>> import ember, numpy as np
        >>> f = ember.function(lambda x: x * 2.0)
        >>> x = ember.constant([1.0, 2.0]); _ = f(x)
        >>> f.array_plan(x)([np.array([3.0, 4.0], np.float32)])[0]
        array([6., 8.], dtype=float32)
        """
        if _prim.STATE.tracing or _prim.STATE.tapes or RUN_FUNCTIONS_EAGERLY[0] \
                or self.input_signature is not None:
            return None
        arrays: list = []
        exact = (_sig.encode(args, arrays), _EMPTY_KWARGS_KEY)
        cf = (self._by_exact_key if self.relax_batch_dims else self._cache).get(exact)
        return None if cf is None else cf.array_plan(arrays)

    def _record(self, arrays: list, names: list, args: tuple, kwargs: dict, dry: bool):
        """Run the Python function on placeholders holding ``arrays``; returns the
        recorded (unoptimized) graph, the result and its concrete value. A dry run puts
        back every variable it wrote."""
        builder = GraphBuilder(self._name)
        placeholders = [builder.placeholder(a, n) for a, n in zip(arrays, names)]
        queue = list(placeholders)
        targs = _sig.substitute(args, queue)
        tkwargs = _sig.substitute(kwargs, queue)
        snapshot = VariableSnapshot() if dry else None
        if snapshot is not None:
            builder.before_write = snapshot.save
        try:
            quiet = np.errstate(all="ignore") if dry else contextlib.nullcontext()
            with tracing(builder), quiet:
                result = self.python_function(*targs, **tkwargs)
        finally:
            if snapshot is not None:
                snapshot.restore()
        flat = nest.flatten(result)
        outputs, concrete = [], []
        for leaf in flat:
            if type(leaf) is GraphTensor:
                outputs.append(builder.value_id(leaf, leaf._value))
                concrete.append(Tensor(leaf._value))
            elif isinstance(leaf, Tensor):
                outputs.append(builder.constant(leaf._value))
                concrete.append(leaf)
            else:
                outputs.append(("literal", leaf))
                concrete.append(leaf)
        builder.graph.outputs = outputs
        structure = result if not isinstance(result, (list, tuple, dict)) else \
            nest.pack_sequence_as(result, flat)
        if isinstance(result, (list, tuple, dict)):
            value = nest.pack_sequence_as(result, concrete)
        else:
            value = concrete[0] if concrete else result
        return builder.graph, structure, value

    def _trace(self, key, arrays: list, args: tuple, kwargs: dict, dry: bool):
        # one thread traces at a time: two threads' first calls must not both run the
        # Python body (creating its variables twice); the second finds the first's graph
        with self._trace_lock:
            cf = None if dry else self._cache.get(key)
            if cf is not None:
                return cf, cf._run(arrays)
            return self._trace_now(key, arrays, args, kwargs, dry)

    def _trace_now(self, key, arrays: list, args: tuple, kwargs: dict, dry: bool):
        self._note_retrace(key)
        names = self._leaf_names(args, kwargs, len(arrays))
        specs = [TensorSpec(a.shape, a.dtype, n) for a, n in zip(arrays, names)]
        dynamic = self._dynamic_axes(key, len(arrays))
        if any(dynamic):
            cf = self._trace_polymorphic(arrays, names, args, kwargs, dynamic)
            if cf is not None:
                self._cache[key] = cf
                return cf, cf._run(arrays)
            cf = PerSizeFunction(self, names, args, kwargs, specs)
            self._cache[key] = cf
            return cf, cf._run(arrays)
        graph, structure, value = self._record(arrays, names, args, kwargs, dry)
        optimize(graph)
        cf = ConcreteFunction(self._name, graph, structure, specs, (args, kwargs))
        self._cache[key] = cf
        return cf, value

    def _dynamic_axes(self, key, n: int) -> list[tuple]:
        """Per tensor argument, the axes the signature leaves open (``None``)."""
        shapes: list = []
        collect_shape_keys(key, shapes)
        if len(shapes) != n:
            return [()] * n
        return [tuple(i for i, d in enumerate(s) if d is None) for s in shapes]

    def _trace_polymorphic(self, arrays, names, args, kwargs, dynamic):
        """One template graph for all sizes of the open dimensions, or None (after a
        warning saying why) when the function does not allow one."""
        symbols: dict[int, int] = {}       # a size in this call -> its symbol
        where = []
        for i, axes in enumerate(dynamic):
            for ax in axes:
                symbols.setdefault(arrays[i].shape[ax], len(symbols))
                where.append((i, ax, symbols[arrays[i].shape[ax]]))
        taken = {d for a in arrays for d in a.shape}
        try:
            p, q, r = _poly.trace_sizes(len(symbols), taken)

            def trace_at(sizes):
                examples = [_poly.resize(a, {ax: sizes[sym] for (i2, ax, sym) in where
                                             if i2 == i}) for i, a in enumerate(arrays)]
                return self._record(examples, names, args, kwargs, dry=True)

            first, structure, _ = trace_at(p)
            template = _poly.unify(first, trace_at(q)[0], p, q)
            if _poly.needs_check(template):
                _poly.check(template, trace_at(r)[0], r)
        except Exception as why:
            if not isinstance(why, _poly.NotPolymorphic) and not self.relax_batch_dims:
                raise
            if not self.relax_batch_dims:    # asked for by the user: say why not
                warnings.warn(f"ember.function '{self._name}': no single graph for every "
                              f"size of the None dimensions ({why}); tracing once per size "
                              "instead.", RuntimeWarning, stacklevel=4)
            return None
        return PolymorphicFunction(self._name, template, structure, where, (args, kwargs))

    def _leaf_names(self, args: tuple, kwargs: dict, n: int) -> list[str]:
        names = []
        for i, a in enumerate(args):
            base = self._arg_names[i] if i < len(self._arg_names) else f"arg{i}"
            count = len(_sig.tensor_leaves(a))
            names.extend([base] if count == 1 else [f"{base}_{j}" for j in range(count)])
        for k in sorted(kwargs):
            count = len(_sig.tensor_leaves(kwargs[k]))
            names.extend([k] if count == 1 else [f"{k}_{j}" for j in range(count)])
        names += [f"arg{i}" for i in range(len(names), n)]
        return names[:n]

    def _note_retrace(self, key) -> None:
        self._trace_count += 1
        previous, self._last_key = self._last_key, key
        if previous is None or self._warned or self._trace_count <= RETRACE_WARNING_AFTER:
            return
        self._warned = True
        reason = _sig.describe_change(previous, key, self._arg_names)
        warnings.warn(
            f"ember.function '{self._name}' has been traced {self._trace_count} times; the "
            f"last retrace was because {reason}. Tracing is slow: pass values that change "
            "as tensors rather than Python numbers, and give dimensions that change as "
            "None in an input_signature (or use reduce_retracing=True).",
            RuntimeWarning, stacklevel=3)

    # -- inspection ----------------------------------------------------------------------
    def get_concrete_function(self, *args: Any, **kwargs: Any) -> ConcreteFunction:
        """The traced graph for these arguments (tensors or ``TensorSpec``s), tracing it
        if needed; with no arguments, the one for ``input_signature``."""
        if not args and not kwargs and self.input_signature is not None:
            args = tuple(self.input_signature)
        tensors: list = []
        key = (_sig.encode(args, tensors, self.input_signature), _sig.encode(kwargs, tensors))
        spec_leaves = [x for x in nest.flatten([list(args), kwargs])
                       if isinstance(x, TensorSpec)]
        if spec_leaves:
            key = self._spec_key(args, kwargs)
        if self.relax_batch_dims and self.input_signature is None:
            key = relax_leading(key)
        cf = self._cache.get(key)
        if cf is not None:
            return cf
        example_args = _sig.substitute_specs(args)
        example_kwargs = _sig.substitute_specs(kwargs)
        if self.input_signature is not None:
            example_args = self._check_signature(example_args, example_kwargs)
            example_kwargs = {}
        tensors = []
        _sig.encode(example_args, tensors)
        _sig.encode(example_kwargs, tensors)
        cf, _ = self._trace(key, tensors, example_args, example_kwargs, dry=True)
        if spec_leaves:
            real_key, _, _, _ = self._key(example_args, example_kwargs)
            self._cache[real_key] = cf
        return cf

    def _spec_key(self, args, kwargs):
        example_args = _sig.substitute_specs(args)
        example_kwargs = _sig.substitute_specs(kwargs)
        return self._key(example_args, example_kwargs)[0]

    def experimental_get_tracing_count(self) -> int:
        """How many times the Python function has been traced."""
        return self._trace_count

    def pretty_printed_concrete_signatures(self) -> str:
        return "\n".join(cf.pretty_printed_signature() for cf in self._cache.values())

    def __repr__(self) -> str:
        return f"<ember.function {self._name}>"


def function(func: Callable | None = None, input_signature: Any = None,
             reduce_retracing: bool = False, jit_compile: bool | None = None,
             autograph: bool = True, experimental_autograph_options: Any = None,
             experimental_relax_shapes: bool | None = None,
             experimental_relax_batch_dims: bool = False, **kwargs: Any):
    """Compile ``func`` into a graph: traced once per input signature, then run as an
    optimized plan without running the Python body.

    ``experimental_relax_batch_dims=True`` (an Ember extension) leaves the first
    dimension of every tensor argument open from the first call, as a ``None`` batch
    dimension in an ``input_signature`` would: one graph serves every batch size (it
    falls back to a graph per size, silently, when the function does not allow that).

    >>> import ember
    >>> @ember.function
    ... def f(x, y):
    ...     return ember.tanh(x) * y + 1.0
    >>> f(ember.constant([0.0, 1.0]), ember.constant(2.0)).numpy().round(3)
    array([1.   , 2.523], dtype=float32)
    >>> f.experimental_get_tracing_count()
    1
    """
    if experimental_relax_shapes:
        reduce_retracing = True

    def wrap(fn: Callable) -> Function:
        return Function(fn, input_signature, reduce_retracing, jit_compile,
                        relax_batch_dims=experimental_relax_batch_dims)

    return wrap(func) if func is not None else wrap
