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
from .call_keys import collect_shape_keys, relax_key, relax_leading, relaxed_shapes, strip_shapes
from .concrete_function import ConcreteFunction, PerSizeFunction, PolymorphicFunction
from .context import RUN_FUNCTIONS_EAGERLY
from .optimize import optimize
from .tensor_spec import ArgumentMismatchError, TensorSpec
from .tracer import GraphBuilder, GraphTensor, VariableSnapshot, creating_variables, tracing

RETRACE_WARNING_AFTER = 5
_NUMBERS = (bool, int, float, complex, np.bool_, np.number)
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
        # shapes with None dims, per call structure (the key without its sizes): from
        # reduce_retracing, or a get_concrete_function on TensorSpecs with None dims
        self._relaxed: dict = {}
        self._last_by_structure: dict = {}     # reduce_retracing: the last key traced
        self._by_exact_key: dict = {}          # relax_batch_dims: exact key -> function
        self._warned = False
        # variables may be created while tracing until one trace has finished (as in
        # TF: on the first call only); whether that first trace made any
        self._traced_once = False
        self._made_variables = False
        self._instances: Any = weakref.WeakKeyDictionary()
        self._trace_lock = threading.RLock()
        try:
            self._signature: inspect.Signature | None = inspect.signature(python_function)
        except (TypeError, ValueError):
            self._signature = None
        params = [] if self._signature is None else list(
            self._signature.parameters.values())
        self._arg_names = [p.name for p in params]
        # a call without keywords and with at least this many positional arguments is
        # already in canonical form (defaults filled in): its key needs no binding
        positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY,
                                                      p.POSITIONAL_OR_KEYWORD)]
        # (positional defaults, the number of positional arguments without one): a call
        # without keywords that gives at least those is completed by appending defaults
        self._fill: tuple | None = None
        if any(p.kind == p.KEYWORD_ONLY and p.default is not p.empty for p in params):
            self._canonical_from = float("inf")
        elif any(p.default is not p.empty for p in positional):
            self._canonical_from = len(positional)
            required = sum(p.default is p.empty for p in positional)
            if all(p.default is not p.empty for p in positional[required:]):
                self._fill = (tuple(p.default for p in positional), required)
        else:
            self._canonical_from = 0
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
    def _canonical(self, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
        """``args`` and ``kwargs`` bound to the function's parameters, defaults filled in
        (as TensorFlow does): ``f(x)``, ``f(x, 2.0)`` and ``f(x, scale=2.0)`` are one call
        when ``scale`` defaults to 2.0."""
        if self._signature is None or (not kwargs and len(args) >= self._canonical_from):
            return args, kwargs
        try:
            bound = self._signature.bind(*args, **kwargs)
        except TypeError as why:
            raise TypeError(f"ember.function '{self._name}': the arguments do not fit its "
                            f"parameters {self._signature}: {why}") from None
        bound.apply_defaults()
        return tuple(bound.args), dict(bound.kwargs)

    def _key(self, args: tuple, kwargs: dict) -> tuple:
        tensors: list = []
        if self.input_signature is not None:
            args = self._check_signature(args, kwargs)
            kwargs = {}
        else:
            args, kwargs = self._canonical(args, kwargs)
        key = (_sig.encode(args, tensors, self.input_signature),
               _sig.encode(kwargs, tensors))
        return key, tensors, args, kwargs

    def _check_signature(self, args: tuple, kwargs: dict) -> tuple:
        if kwargs:
            names = self._arg_names[len(args):]
            args = args + tuple(kwargs[n] for n in names if n in kwargs)
        flat_specs = nest.flatten(self.input_signature)
        where = f"ember.function '{self._name}'"
        if len(args) != len(self.input_signature):
            raise ArgumentMismatchError(
                f"{where}: called with {len(args)} arguments but its input_signature has "
                f"{len(self.input_signature)}: {self.input_signature}")
        flat_args = _flatten_up_to(self.input_signature, list(args), self._name)
        converted = []
        for a, spec in zip(flat_args, flat_specs):
            if isinstance(a, Tensor):
                arr = a._value
            else:
                try:
                    arr = to_array(a, spec.dtype.as_numpy_dtype)
                except (TypeError, ValueError) as why:
                    raise ArgumentMismatchError(
                        f"{where}: cannot convert {a!r} to {spec}: {why}") from None
            if not spec.is_compatible_with(arr):
                raise ArgumentMismatchError(
                    f"{where}: argument of shape {tuple(arr.shape)} and dtype "
                    f"{arr.dtype.name} does not match the input_signature's {spec}")
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
            key = _open_key(relax_leading(exact), tensors)
            cf = self._cache.get(key)
            if cf is None:
                cf, result = self._trace(key, tensors, args, kwargs, dry=False)
                self._by_exact_key[exact] = cf
                return result
            self._by_exact_key[exact] = cf
            return cf._run(tensors)
        if self._fill is not None and not kwargs and self.input_signature is None \
                and self._fill[1] <= len(args) < self._canonical_from:
            args = args + self._fill[0][len(args):]       # f(x) is f(x, default)
        if not kwargs and self.input_signature is None and not self._relaxed \
                and len(args) >= self._canonical_from:
            tensors: list = []     # the common call, encoded inline
            key = (_sig.encode(args, tensors), _EMPTY_KWARGS_KEY)
            cf = self._cache.get(key)
            if cf is not None:
                return cf._run(tensors)
        key, tensors, args, kwargs = self._key(args, kwargs)
        structure = strip_shapes(key) if self._relaxed or self.reduce_retracing else None
        pattern = self._relaxed.get(structure) if self._relaxed else None
        if pattern is not None:
            key = relax_key(key, pattern)
        cf = self._cache.get(_open_key(key, tensors))
        if cf is not None:
            return cf._run(tensors)
        if self.reduce_retracing:
            last = self._last_by_structure.get(structure)
            relaxed = None if last is None else relaxed_shapes(last, key, pattern)
            if relaxed is not None:
                self._relaxed[structure] = relaxed
                key = relax_key(key, relaxed)
                cf = self._cache.get(_open_key(key, tensors))
                if cf is not None:
                    return cf._run(tensors)
            self._last_by_structure[structure] = key
        return self._trace(_open_key(key, tensors), tensors, args, kwargs, dry=False)[1]

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
            with tracing(builder), creating_variables(self._on_new_variable), quiet:
                result = self.python_function(*targs, **tkwargs)
        finally:
            if snapshot is not None:
                snapshot.restore()
        # only a trace that finished uses up the first call (TF counts a failed one too,
        # which would refuse a Keras optimizer's slots on a fit run again after an error)
        self._traced_once = True
        flat = nest.flatten(result)
        outputs, concrete = [], []
        for leaf in flat:
            if type(leaf) is GraphTensor:
                outputs.append(builder.value_id(leaf, leaf._value))
                concrete.append(Tensor(leaf._value))
            elif isinstance(leaf, Tensor):
                outputs.append(builder.constant(leaf._value))
                concrete.append(leaf)
            elif isinstance(leaf, _NUMBERS):    # a number comes back as a tensor (TF)
                arr = to_array(leaf)
                outputs.append(builder.constant(arr))
                concrete.append(Tensor(arr))
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

    def _on_new_variable(self, name: str | None) -> None:
        """Told of each Variable created while this function traces: allowed on its
        first trace, refused (with TensorFlow's error) on later ones."""
        if not self._traced_once:
            self._made_variables = True
            return
        what = f"variable '{name}'" if name else "a variable"
        if self._made_variables:
            raise ValueError(
                f"ember.function '{self._name}' only supports singleton Variables created "
                f"on the first call, but {what} is being created while tracing it again "
                "(for new argument shapes, dtypes or Python values). Make sure the "
                "Variable is only created once (`if self.v is None: self.v = "
                "ember.Variable(...)`) or created outside the function.")
        raise ValueError(
            f"ember.function '{self._name}': creating variables on a non-first call to a "
            f"function decorated with ember.function ({what}, while tracing it again for "
            "new argument shapes, dtypes or Python values). Create variables on the "
            "first call only, or outside the function.")

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
        dynamic = self._dynamic_axes(key, len(arrays))
        specs = [TensorSpec([None if i in axes else d for i, d in enumerate(a.shape)],
                            a.dtype, n) for a, n, axes in zip(arrays, names, dynamic)]
        if any(dynamic):
            cf = self._trace_polymorphic(arrays, names, args, kwargs, dynamic, specs)
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

    def _trace_polymorphic(self, arrays, names, args, kwargs, dynamic, specs):
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
            # two traces can fit a wrong formula by coincidence (1 + (n - 4) // 2 frames
            # is n0 at sizes (5, 13) and (7, 17)): a third trace, at other small sizes,
            # must agree before the template is trusted. When the small traces were
            # degenerate (an empty dimension: a 64-sample frame of a 13-sample signal),
            # the check runs at this call's own sizes instead (full-size, so only then)
            actual = tuple(sorted(symbols, key=symbols.get))
            empty = any(0 in s for s in first.shapes if isinstance(s, tuple))
            check_at = actual if empty and min(actual) >= 2 else r
            _poly.check(template, trace_at(check_at)[0], check_at)
        except Exception as why:
            if not isinstance(why, _poly.NotPolymorphic) and not self.relax_batch_dims:
                raise
            if not self.relax_batch_dims:    # asked for by the user: say why not
                warnings.warn(f"ember.function '{self._name}': no single graph for every "
                              f"size of the None dimensions ({why}); tracing once per size "
                              "instead.", RuntimeWarning, stacklevel=4)
            return None
        return PolymorphicFunction(self._name, template, structure, where, (args, kwargs),
                                   specs)

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
        if needed; with no arguments, the one for ``input_signature``. ``None``
        dimensions of a TensorSpec stay open: the concrete function takes every size
        there, and so do later calls of this function."""
        if not args and not kwargs and self.input_signature is not None:
            args = tuple(self.input_signature)
        if self.input_signature is None:
            args, kwargs = self._canonical(args, kwargs)
        example_args = _sig.substitute_specs(args)
        example_kwargs = _sig.substitute_specs(kwargs)
        tensors: list = []
        if self.input_signature is not None:
            example_args = self._check_signature(example_args, example_kwargs)
            example_kwargs = {}
            key = (_sig.encode(example_args, tensors, self.input_signature),
                   _sig.encode(example_kwargs, tensors))
        else:
            key = (_sig.encode(example_args, tensors, list(args)),
                   _sig.encode(example_kwargs, tensors, kwargs))
            if self.relax_batch_dims:
                key = relax_leading(key)
            shapes: list = []
            collect_shape_keys(key, shapes)
            structure = strip_shapes(key)
            if any(None in s for s in shapes) and structure not in self._relaxed:
                self._relaxed[structure] = shapes   # later calls of these shapes use it
        key = _open_key(key, tensors)
        cf = self._cache.get(key)
        if cf is not None:
            return cf
        return self._trace(key, tensors, example_args, example_kwargs, dry=True)[0]

    @property
    def name(self) -> str:
        """The function's name (its Python name, or the ``name`` given)."""
        return self._name

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

    As in TensorFlow, the arguments are bound to ``func``'s parameters with their
    defaults (``f(x)`` and ``f(x, scale=2.0)`` share a trace when ``scale`` defaults to
    2.0); tensors, NumPy arrays and NumPy numbers count by shape and dtype, other Python
    values by value; numbers ``func`` returns come back as tensors.

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


def _open_key(key: tuple, arrays: list) -> tuple:
    """``key`` (a call key whose shapes may have ``None`` dimensions) with which of the
    open dimensions are equal in this call: one graph serves all sizes of the open
    dimensions, but it treats dimensions that were equal when traced as one size."""
    shapes: list = []
    collect_shape_keys(key, shapes)
    if not any(None in s for s in shapes) or len(shapes) != len(arrays):
        return key
    classes: dict = {}
    pattern = tuple(classes.setdefault(a.shape[i], len(classes))
                    for s, a in zip(shapes, arrays) for i, d in enumerate(s) if d is None)
    return key + (("sizes", pattern),)


def _flatten_up_to(specs: Any, args: Any, name: str) -> list:
    """The leaves of ``args`` where ``specs`` (a nest of TensorSpecs) has its leaves: a
    list given for one TensorSpec stays one argument (``[[1, 2, 3]]`` for a [None, 3]
    spec), a structure that does not fit is an error."""
    if isinstance(specs, TensorSpec):
        return [args]
    if isinstance(specs, dict):
        if not isinstance(args, dict) or set(args) != set(specs):
            raise ArgumentMismatchError(
                f"ember.function '{name}': argument {args!r} does not match "
                f"the input_signature's structure {specs}")
        return [leaf for k in sorted(specs) for leaf in _flatten_up_to(specs[k], args[k],
                                                                          name)]
    if isinstance(specs, (list, tuple)):
        if not isinstance(args, (list, tuple)) or len(args) != len(specs):
            raise ArgumentMismatchError(
                f"ember.function '{name}': argument {args!r} does not match "
                f"the input_signature's structure {specs}")
        return [leaf for s, a in zip(specs, args) for leaf in _flatten_up_to(s, a, name)]
    return [args]
