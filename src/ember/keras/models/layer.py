"""The Keras Layer: weights, build-on-first-call, masks, training flag, configs."""
from __future__ import annotations

import contextlib
import inspect
import threading
from typing import Any

import numpy as np

import ember

from ...core.thread_state import STATE as _TRACE_STATE
from ..utils.naming import to_snake_case, uniquify
from ..variables import KerasVariable, standardize_shape
from . import call_context, dtype_policy
from .keras_tensor import KerasTensor, any_symbolic

_ALLOWED_LEGACY_KWARGS = {"input_shape", "batch_input_shape", "batch_size", "input_dim",
                          "weights"}
class _BuildScope(threading.local):
    """Names of the layers this thread is building, outermost first: a weight's path is
    "outer/inner/.../name", as Keras 3 names variables from its (per-thread) name scopes."""

    def __init__(self) -> None:
        self.names: list[str] = []


_BUILD_SCOPE = _BuildScope()


@contextlib.contextmanager
def build_scope(name: str):
    """Weights created inside get paths under ``name`` (``sequential/dense/kernel``)."""
    _BUILD_SCOPE.names.append(name)
    try:
        yield
    finally:
        _BUILD_SCOPE.names.pop()


def current_build_scope() -> list[str]:
    """The names of the layers this thread is building, outermost first."""
    return list(_BUILD_SCOPE.names)


def _flatten(x: Any) -> list:
    return ember.nest.flatten(x)


def _map(fn, x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _map(fn, v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        out = [_map(fn, v) for v in x]
        return type(x)(out) if not hasattr(x, "_fields") else type(x)(*out)
    return fn(x)


def _shape_of(x: Any):
    if isinstance(x, (ember.Tensor, KerasTensor, ember.Variable)):
        return tuple(x.shape)
    if isinstance(x, np.ndarray):
        return x.shape
    return None


class Layer:
    """Base class of every layer: ``build`` once, then ``call`` on each use.

    >>> from ember import keras
    >>> class Scale(keras.layers.Layer):
    ...     def build(self, input_shape):
    ...         self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")
    ...     def call(self, x):
    ...         return x * self.w
    >>> Scale()(ember.ones((2, 3))).shape
    TensorShape([2, 3])
    """

    # whether __call__ converts array inputs and casts floating ones to the compute dtype
    # (False for layers that take raw strings or keep their input dtypes, as in Keras)
    _convert_input_args = True
    # whether the next eager call runs under this layer's name on the weight-path scope
    # (until a call has completed: sub-layers are built lazily during the first calls)
    _scope_next_call = True

    def __new__(cls, *args, **kwargs):
        obj = super().__new__(cls)
        # remember constructor arguments for the automatic get_config of custom layers
        try:
            sig = inspect.signature(cls.__init__)
            bound = sig.bind(obj, *args, **kwargs)
            bound.apply_defaults()
            auto = {k: v for k, v in bound.arguments.items() if k != "self"}
            # the ``**`` parameter, whatever it is called, is spread into the config
            var_kw = next((p.name for p in sig.parameters.values()
                           if p.kind is inspect.Parameter.VAR_KEYWORD), None)
            auto.update(auto.pop(var_kw, None) or {})
            obj._auto_config = auto if _jsonable(auto) else None
        except TypeError:
            obj._auto_config = None
        return obj

    def __init__(self, *, activity_regularizer: Any = None, trainable: bool = True,
                 dtype: Any = None, autocast: bool = True, name: str | None = None,
                 **kwargs):
        unknown = set(kwargs) - _ALLOWED_LEGACY_KWARGS
        if unknown:
            raise ValueError(f"Unrecognized keyword arguments passed to "
                             f"{type(self).__name__}: {kwargs!r}")
        self._tracking = False
        self.built = False
        self._layers: list[Layer] = []
        self._trainable_variables: list = []
        self._non_trainable_variables: list = []
        self._losses: list = []
        self._metrics: list = []
        self._trainable = bool(trainable)
        self.name = name or uniquify(to_snake_case(type(self).__name__))
        self.dtype_policy = dtype_policy.get(dtype)
        self.autocast = autocast
        from .. import regularizers
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.supports_masking = getattr(self, "supports_masking", False)
        self.input_spec = None
        self._build_shapes = None
        self._inbound_nodes: list = []
        self._call_signature = inspect.signature(self.call)
        params = self._call_signature.parameters
        self._call_has_training = "training" in params
        self._call_has_mask = "mask" in params
        self._training_default = params["training"].default \
            if self._call_has_training and params["training"].default is not \
            inspect.Parameter.empty else None
        batch_input_shape = kwargs.get("batch_input_shape")
        if "input_shape" in kwargs:
            batch_input_shape = (kwargs.get("batch_size"),) + tuple(kwargs["input_shape"])
        elif "input_dim" in kwargs:
            batch_input_shape = (kwargs.get("batch_size"), kwargs["input_dim"])
        self._batch_input_shape = None if batch_input_shape is None else \
            tuple(batch_input_shape)
        self._initial_weights = kwargs.get("weights")
        self._tracking = True

    # -- attribute tracking ---------------------------------------------------------------
    def __setattr__(self, name: str, value: Any) -> None:
        if getattr(self, "_tracking", False) and name not in ("_layers",):
            value = _wrap_container(self, value)
            self._track(value)
        object.__setattr__(self, name, value)

    def _track(self, value: Any) -> None:
        if getattr(value, "_is_keras_metric", False):
            if all(value is not m for m in self._metrics):
                self._metrics.append(value)
            return
        if isinstance(value, Layer):
            if value is not self and all(value is not l for l in self._layers):
                self._layers.append(value)
        elif isinstance(value, ember.Variable):
            pool = self._trainable_variables if value.trainable else \
                self._non_trainable_variables
            if all(value is not v for v in pool):
                pool.append(value)
        elif isinstance(value, (list, tuple)):
            for v in value:
                if isinstance(v, (Layer, ember.Variable, list, tuple, dict)):
                    self._track(v)
        elif isinstance(value, dict):
            for v in value.values():
                if isinstance(v, (Layer, ember.Variable, list, tuple, dict)):
                    self._track(v)

    def _untrack(self, value: Any) -> None:
        """Forget a layer or variable taken out of a tracked list or dict (as Keras's
        tracked containers do), unless another attribute still holds it."""
        if isinstance(value, (list, tuple)):
            for v in value:
                self._untrack(v)
            return
        if isinstance(value, dict):
            for v in value.values():
                self._untrack(v)
            return
        if not isinstance(value, (Layer, ember.Variable)):
            return
        if any(_holds(v, value) for k, v in self.__dict__.items() if k not in _INTERNAL):
            return
        for pool in (self._layers, self._trainable_variables,
                     self._non_trainable_variables):
            for i, v in enumerate(pool):
                if v is value:
                    del pool[i]
                    break

    # -- dtypes -----------------------------------------------------------------------------
    @property
    def dtype(self) -> str:
        return self.dtype_policy.variable_dtype

    @property
    def compute_dtype(self) -> str:
        return self.dtype_policy.compute_dtype

    @property
    def variable_dtype(self) -> str:
        return self.dtype_policy.variable_dtype

    # -- weights ----------------------------------------------------------------------------
    def add_weight(self, shape: Any = None, initializer: Any = None, dtype: Any = None,
                   trainable: bool = True, autocast: bool = True, regularizer: Any = None,
                   constraint: Any = None, aggregation: str = "none",
                   synchronization: str = "auto", name: str | None = None) -> KerasVariable:
        """Create a weight variable owned by this layer (tracked in ``weights``).

        Floats default to glorot_uniform, everything else to zeros, as in Keras.
        """
        from .. import constraints, initializers, regularizers
        shape = standardize_shape(() if shape is None else shape)
        dtype = dtype or self.variable_dtype
        if initializer is None:
            initializer = "glorot_uniform" if ember.as_dtype(dtype).is_floating else "zeros"
        init = initializers.get(initializer)
        name = name or uniquify("variable")    # Keras: variable, variable_1 ... globally
        var = KerasVariable(init, shape=shape, dtype=dtype, trainable=trainable,
                            autocast=autocast, aggregation=aggregation, name=name,
                            regularizer=regularizers.get(regularizer),
                            constraint=constraints.get(constraint),
                            path="/".join(_BUILD_SCOPE.names + [name])
                            if _BUILD_SCOPE.names else f"{self.name}/{name}")
        (self._trainable_variables if trainable else self._non_trainable_variables).append(var)
        return var

    def add_variable(self, shape, initializer, dtype=None, trainable=True, autocast=True,
                     regularizer=None, constraint=None, name=None):
        return self.add_weight(shape=shape, initializer=initializer, dtype=dtype,
                               trainable=trainable, autocast=autocast,
                               regularizer=regularizer, constraint=constraint, name=name)

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        value = bool(value)
        object.__setattr__(self, "_trainable", value)
        for layer in self._layers:
            layer.trainable = value

    def _all_weights(self, seen: set | None = None) -> list:
        seen = set() if seen is None else seen
        out = []
        for w in self._trainable_variables + self._non_trainable_variables:
            if id(w) not in seen:
                seen.add(id(w))
                out.append(w)
        for layer in self._layers:
            out.extend(layer._all_weights(seen))
        return out

    @property
    def weights(self) -> list:
        """Every weight: own trainable, own non-trainable, then sub-layers' (Keras order)."""
        return self._all_weights()

    variables = weights

    @property
    def trainable_weights(self) -> list:
        if not self.trainable:
            return []
        return [w for w in self._all_trainable()]

    def _all_trainable(self, seen: set | None = None) -> list:
        seen = set() if seen is None else seen
        out = []
        if not self._trainable:
            return out
        for w in self._trainable_variables:
            if id(w) not in seen and w.trainable:
                seen.add(id(w))
                out.append(w)
        for layer in self._layers:
            out.extend(layer._all_trainable(seen))
        return out

    trainable_variables = trainable_weights

    @property
    def non_trainable_weights(self) -> list:
        trainable = {id(w) for w in self.trainable_weights}
        return [w for w in self.weights if id(w) not in trainable]

    non_trainable_variables = non_trainable_weights

    def get_weights(self) -> list:
        """The values of ``weights`` as NumPy arrays."""
        return [np.array(w.numpy()) for w in self.weights]

    def set_weights(self, weights: list) -> None:
        """Set ``weights`` from NumPy arrays, in the order ``get_weights`` returns them."""
        own = self.weights
        if len(own) != len(weights):
            raise ValueError(f"You called `set_weights(weights)` on layer '{self.name}' with a "
                             f"weight list of length {len(weights)}, but the layer was "
                             f"expecting {len(own)} weights.")
        for var, value in zip(own, weights):
            value = np.asarray(value)
            if tuple(var.shape) != value.shape:
                raise ValueError(f"Layer {self.name} weight shape {tuple(var.shape)} is not "
                                 f"compatible with provided weight shape {value.shape}.")
            var.assign(value)

    def save_own_variables(self, store: Any) -> None:
        """Write this layer's own variables (not its sub-layers') into ``store`` as
        ``"0"``, ``"1"``, ... in Keras's order: trainable ones, then non-trainable ones.

        >>> from ember import keras
        >>> layer = keras.layers.Dense(2)
        >>> layer.build((None, 3))
        >>> store = {}
        >>> layer.save_own_variables(store)
        >>> [v.shape for v in store.values()]
        [(3, 2), (2,)]
        """
        for i, variable in enumerate(self._trainable_variables +
                                     self._non_trainable_variables):
            store[str(i)] = np.asarray(variable.numpy())

    def load_own_variables(self, store: Any) -> None:
        """Assign the values ``save_own_variables`` wrote, checking count and shapes."""
        own = self._trainable_variables + self._non_trainable_variables
        where = getattr(store, "path", None)
        where = f" (at '{where}')" if where else ""
        keys = list(store.keys())
        if len(keys) != len(own):
            if not own and not self.built:
                raise ValueError(f"Layer '{self.name}' was never built and thus has no "
                                 f"variables, but the file lists {len(keys)} variables for "
                                 f"it{where}. Implement `build_from_config()` (and "
                                 "`get_build_config()`) so the layer can be rebuilt when "
                                 "loading.")
            raise ValueError(f"Layer '{self.name}' expected {len(own)} variables, but "
                             f"received {len(keys)} variables during loading{where}. "
                             f"Expected: {[v.path for v in own]}")
        for i, variable in enumerate(own):
            value = store[str(i)]
            if tuple(value.shape) != tuple(variable.shape):
                raise ValueError(f"Layer '{self.name}' variable '{variable.path}' has shape "
                                 f"{tuple(variable.shape)}, but the saved value "
                                 f"'{i}'{where} has shape {tuple(value.shape)}.")
            variable.assign(np.asarray(value).astype(variable.dtype.as_numpy_dtype,
                                                     copy=False))

    def count_params(self) -> int:
        """The number of scalars in ``weights`` (the layer must be built)."""
        if not self.built:
            raise ValueError(f"You tried to call `count_params` on layer '{self.name}', but "
                             "the layer isn't built. You can build it manually via: "
                             f"`{self.name}.build(input_shape)`.")
        return int(sum(int(np.prod(w.shape)) for w in self.weights))

    # -- losses and metrics -------------------------------------------------------------------
    def add_loss(self, loss: Any) -> None:
        """Add a loss tensor (e.g. a regularization term) to ``losses``."""
        self._losses.append(loss)

    @property
    def losses(self) -> list:
        """Losses added during the last call plus weight regularization terms."""
        out = list(self._losses)
        for w in self._trainable_variables + self._non_trainable_variables:
            reg = getattr(w, "regularizer", None)
            if reg is not None:
                out.append(reg(w))
        for layer in self._layers:
            out.extend(layer.losses)
        return out

    def _clear_losses(self) -> None:
        if self._losses:
            object.__setattr__(self, "_losses", [])
        for layer in self._layers:
            layer._clear_losses()

    @property
    def metrics(self) -> list:
        out = list(self._metrics)
        for layer in self._layers:
            out.extend(layer.metrics)
        return out

    # -- building ---------------------------------------------------------------------------
    def build(self, input_shape: Any = None) -> None:
        """Create the weights; called once with the shape of the first input."""
        self.built = True

    def _maybe_build(self, input_shapes: Any) -> None:
        if self.built:
            return
        if self.input_spec is not None:
            from ..layers.input_spec import assert_input_compatibility
            assert_input_compatibility(self.input_spec, input_shapes, self.name)
        self._build_shapes = input_shapes
        self._build_in_scope(input_shapes)
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def _follow_traced_batch(self, input_shapes: Any) -> None:
        """Record an open batch size once traces see two: a compiled step for every batch
        size is traced at trial sizes, which are not the data's (``summary`` and
        ``get_build_config`` then show None, as for a functional model)."""
        old = self._build_shapes
        if isinstance(old, tuple) and isinstance(input_shapes, tuple) and old and \
                old[0] is not None and len(old) == len(input_shapes) and \
                old[1:] == input_shapes[1:] and old[0] != input_shapes[0]:
            self._build_shapes = (None,) + old[1:]

    def _build_in_scope(self, *args, **kwargs) -> None:
        """Run ``build`` with this layer's name on the weight-path scope; mark it built."""
        with build_scope(self.name):
            self.build(*args, **kwargs)
        self.built = True
        self._restore_deferred_checkpoint_values()

    # -- checkpoints (ember.train.Checkpoint) ----------------------------------------------
    def _checkpoint_children(self) -> dict:
        """This layer's part of the object graph ``ember.train.Checkpoint`` saves: its own
        variables as ``vars/<i>``, its sub-layers as ``layers/<j>`` (creation order, so
        the paths do not depend on generated layer names) and a compiled model's
        ``optimizer``.

        >>> from ember import keras
        >>> layer = keras.layers.Dense(2)
        >>> layer.build((None, 3))
        >>> [v.name for v in layer._checkpoint_children()["vars"]]
        ['kernel', 'bias']
        """
        children = {"vars": self._trainable_variables + self._non_trainable_variables,
                    "layers": list(self._layers)}
        optimizer = self.__dict__.get("optimizer")
        if optimizer is not None and hasattr(type(optimizer), "_checkpoint_children"):
            children["optimizer"] = optimizer
        return children

    def _restore_deferred_checkpoint_values(self) -> None:
        """Assign the values a checkpoint restore kept for variables that did not exist
        yet (called once the layer is built)."""
        pending = self.__dict__.get("_checkpoint_pending")
        if pending is not None:
            pending()

    def get_build_config(self) -> dict | None:
        if self._build_shapes is None:
            return None
        return {"input_shape": _listify(self._build_shapes)}

    def build_from_config(self, config: dict) -> None:
        if config and not self.built:
            shape = config.get("input_shape")
            if shape is not None:
                self._maybe_build(_tuplify(shape))

    # -- calling ----------------------------------------------------------------------------
    def call(self, *args, **kwargs):
        """The layer's computation; subclasses override it (Keras raises without one)."""
        raise NotImplementedError(f"Layer {type(self).__name__} does not have a `call()` "
                                  "method implemented.")

    def __call__(self, *args, **kwargs):
        if len(args) == 1 and type(args[0]) is ember.Tensor and (   # the common eager case
                not kwargs or not any_symbolic(*kwargs.values())):
            return self._eager_call(args, kwargs)
        if any_symbolic(args, kwargs):
            from .symbolic_op import symbolic_layer_call
            return symbolic_layer_call(self, args, kwargs)
        return self._eager_call(args, kwargs)

    def _eager_call(self, args: tuple, kwargs: dict):
        if not args:
            raise ValueError(f"Layer '{self.name}' was called without inputs")
        policy = self.dtype_policy
        first = args[0]
        if self._convert_input_args:
            # as Keras: array inputs become tensors, and floating inputs (every argument)
            # are cast to the compute dtype when `autocast`; the common case of one
            # tensor argument of the right dtype is left alone cheaply
            if len(args) != 1 or type(first) is not ember.Tensor or \
                    kwargs and not _plain_kwargs(kwargs) or \
                    _dtype_name(first) != self.input_dtype and _is_float_name(
                        _dtype_name(first)):
                args, kwargs = self._convert_inputs(args, kwargs)
                first = args[0]
        elif not isinstance(first, ember.Tensor):
            first = _map(_to_tensor, first)
            args = (first,) + tuple(args[1:])
        if not self.built:
            self._maybe_build(_map(_shape_of, first))
        else:
            spec = self.input_spec
            if spec is not None:
                _check_input_spec(spec, first, self.name)
            if _TRACE_STATE.tracing:
                self._follow_traced_batch(_map(_shape_of, first))
        if self._call_has_training:
            training = kwargs.get("training")
            if training is None:
                training = call_context.current_training()
                if training is None:
                    training = self._training_default
                kwargs["training"] = training
        else:
            training = kwargs.pop("training", None)
            if training is None:
                training = call_context.current_training()
        if self._call_has_mask and kwargs.get("mask") is not None:
            previous_mask = kwargs["mask"]      # an explicit mask wins, as in Keras
        else:
            previous_mask = getattr(first, "_keras_mask", None) \
                if type(first) is ember.Tensor else _collect_mask(first)
            if self._call_has_mask and previous_mask is not None:
                kwargs["mask"] = previous_mask
        stack = call_context.stack()
        if not stack:
            # the outermost call: the previous call's losses go, as in Keras
            self._clear_losses()
        stack.append(training)
        try:
            if self._scope_next_call and _BUILD_SCOPE.names[-1:] != [self.name]:
                # sub-layers built during a first call get paths under this layer's name
                # (Keras opens the layer's name scope around every call)
                with build_scope(self.name):
                    outputs = self._run_call(policy, args, kwargs)
                object.__setattr__(self, "_scope_next_call", False)
            else:
                outputs = self._run_call(policy, args, kwargs)
        finally:
            stack.pop()
        if self.activity_regularizer is not None:
            for o in _flatten(outputs):
                if isinstance(o, ember.Tensor):
                    loss = self.activity_regularizer(o)
                    if o.ndim > 0 and o.shape[0]:   # per-example strength, as Keras 3
                        loss = loss / float(o.shape[0])
                    self.add_loss(loss)
        if self.supports_masking or type(self).compute_mask is not Layer.compute_mask:
            mask = self.compute_mask(first, previous_mask)
            if mask is not None:
                _attach_masks(outputs, mask)
        return outputs

    def _run_call(self, policy, args: tuple, kwargs: dict):
        if policy._mixed and self.autocast:
            return self._call_autocast_variables(policy.compute_dtype, args, kwargs)
        return self.call(*args, **kwargs)

    @property
    def input_dtype(self) -> str:
        """The dtype floating inputs are cast to (with ``autocast``): the compute dtype."""
        return self.dtype_policy.compute_dtype

    def _convert_inputs(self, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
        """Arrays in every argument become tensors; with ``autocast`` floating ones are
        cast to ``input_dtype`` (integer, bool and string inputs are left as they are).
        Python numbers and lists are converted in the first argument only."""
        target = self.input_dtype
        if not (self.autocast and self.dtype_policy._float_compute and
                _is_float_name(target)):
            target = None

        def leaf(x):
            return _convert_input(x, target)
        first = args[0]
        first = _map(lambda x: _convert_input(_python_to_array(x, target), target), first) \
            if not isinstance(first, ember.Tensor) else leaf(first)
        args = (first,) + tuple(_map(leaf, a) for a in args[1:])
        if kwargs:
            kwargs = {k: (v if v is None or isinstance(v, (bool, str)) else _map(leaf, v))
                      for k, v in kwargs.items()}
        return args, kwargs

    def _call_autocast_variables(self, dtype: str, args: tuple, kwargs: dict):
        """``call`` with this layer's floating autocast variables read in the compute
        dtype (a mixed policy: float32 variables, float16 math), as Keras's autocast
        scope does. The attributes are put back afterwards."""
        swapped: list = []
        _collect_autocast_variables(self, dtype, swapped, set())
        for owner, name, value in swapped:
            object.__setattr__(owner, name, ember.cast(value, dtype))
        try:
            return self.call(*args, **kwargs)
        finally:
            for owner, name, value in swapped:
                object.__setattr__(owner, name, value)

    def compute_mask(self, inputs: Any, mask: Any = None):
        """The output mask: the input's, passed through, when ``supports_masking``."""
        if not self.supports_masking:
            return None
        return mask

    def compute_output_shape(self, *args, **kwargs):
        """Output shape for an input shape; by default found by running the layer."""
        from .symbolic_op import _is_shape, infer_output_spec

        def to_spec(s):
            if _is_shape(s):
                return KerasTensor(s, self.compute_dtype)
            if isinstance(s, dict):
                return {k: to_spec(v) for k, v in s.items()}
            if isinstance(s, (list, tuple)):
                return type(s)(to_spec(v) for v in s)
            return s
        specs = to_spec(args[0])
        out = infer_output_spec(self, (specs,) + tuple(args[1:]), kwargs)
        return _map(lambda t: t.shape, out)

    def compute_output_spec(self, *args, **kwargs):
        from .symbolic_op import infer_output_spec
        return infer_output_spec(self, args, kwargs)

    # -- graph introspection ----------------------------------------------------------------
    def _node_tensors(self, which: str):
        if not self._inbound_nodes:
            raise AttributeError(f"Layer {self.name} has never been called and thus has no "
                                 f"defined {which}.")
        node = self._inbound_nodes[0]
        t = node.input_tensors if which == "input" else node.outputs
        return t[0] if len(t) == 1 else list(t)

    @property
    def input(self):
        return self._node_tensors("input")

    @property
    def output(self):
        return self._node_tensors("output")

    # -- configuration ----------------------------------------------------------------------
    def get_config(self) -> dict:
        """The constructor arguments that rebuild this layer (without weights)."""
        config = {"name": self.name, "trainable": self.trainable,
                  "dtype": dtype_policy.serialize(self.dtype_policy)}
        if self.activity_regularizer is not None:
            from .. import regularizers
            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        if type(self).get_config is Layer.get_config and type(self) is not Layer:
            auto = getattr(self, "_auto_config", None)
            if auto is None:
                raise NotImplementedError(
                    f"Layer {type(self).__name__} was created with arguments that cannot be "
                    "serialized automatically; override get_config() to return them.")
            config.update({k: v for k, v in auto.items() if k not in config})
        if self._batch_input_shape is not None and "batch_input_shape" not in config:
            config["batch_input_shape"] = list(self._batch_input_shape)
        return config

    @classmethod
    def from_config(cls, config: dict) -> "Layer":
        """A new layer from ``get_config()``'s dict (dtype policies stay serialized, the
        constructor reads them)."""
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _to_tensor(x: Any):
    """The first argument of a layer that converts no inputs (``_convert_input_args``
    False): arrays and Python data become tensors, float64 ones in ``floatx``."""
    if isinstance(x, (ember.Tensor, KerasTensor)) or x is None:
        return x
    if isinstance(x, ember.Variable):
        return x.read_value()
    if isinstance(x, (np.ndarray, np.generic, list, float, int)):
        arr = np.asarray(x)
        if arr.dtype == np.float64:
            from .. import config
            arr = arr.astype(config.floatx())
        return ember.constant(arr)
    return x


def _collect_autocast_variables(layer: Layer, dtype: str, out: list, seen: set) -> None:
    """(layer, attribute, variable) for the floating autocast variables held as
    attributes by ``layer`` and by its sub-layers of the same mixed compute dtype (those
    a wrapper may run through their ``call``, as TimeDistributed does)."""
    seen.add(id(layer))
    for name, value in layer.__dict__.items():
        if isinstance(value, ember.Variable) and getattr(value, "autocast", False) \
                and value.dtype.is_floating and value.dtype.name != dtype:
            out.append((layer, name, value))
    for sub in layer._layers:
        policy = sub.dtype_policy
        if id(sub) not in seen and sub.autocast and policy._mixed and \
                policy.compute_dtype == dtype:
            _collect_autocast_variables(sub, dtype, out, seen)


def _dtype_of(x: Any):
    """A tensor's dtype, or None for one Ember has no dtype for (text)."""
    try:
        return x.dtype
    except TypeError:
        return None


def _dtype_name(x: Any) -> str | None:
    try:
        return x.dtype.name
    except TypeError:
        return None


def _plain_kwargs(kwargs: dict) -> bool:
    """Whether no keyword argument could need converting (only None, bools, strings)."""
    for v in kwargs.values():
        if v is not None and type(v) is not bool and type(v) is not str:
            return False
    return True


def _is_float_name(name: str) -> bool:
    return name in ("float16", "bfloat16", "float32", "float64")


def _python_to_array(x: Any, target: str | None) -> Any:
    """Python numbers and lists (first argument only) as arrays; Python floats take the
    compute dtype (floatx when not casting)."""
    if isinstance(x, (list, float, int)):
        arr = np.asarray(x)
        if arr.dtype == np.float64:
            from .. import config
            arr = arr.astype(target or config.floatx())
        return arr
    if isinstance(x, np.generic):
        return np.asarray(x)
    return x


def _convert_input(x: Any, target: str | None) -> Any:
    """One input: a tensor (arrays and variables converted), floating ones cast to
    ``target`` when it is not None; a mask on a cast tensor is kept."""
    if isinstance(x, ember.Tensor):
        if target is not None:
            dt = _dtype_of(x)
            if dt is not None and dt.is_floating and dt.name != target:
                y = ember.cast(x, target)
                mask = getattr(x, "_keras_mask", None)
                if mask is not None:
                    y._keras_mask = mask
                return y
        return x
    if isinstance(x, np.ndarray):
        if x.dtype.kind in "OUS":       # text: handed on as before, never cast
            return ember.constant(x)
        if target is not None and x.dtype.kind == "f" and x.dtype != target:
            return ember.constant(x.astype(target))
        return _convert_input(ember.constant(x), target)
    if isinstance(x, ember.Variable):
        return _convert_input(x.read_value(), target)
    return x


def _check_input_spec(spec: Any, x: Any, name: str) -> None:
    """The eager-call check of the first input against ``input_spec``: a few attribute
    reads when it passes; the full check (with Keras's message) when it may not."""
    global _InputSpec, _assert_input_compatibility
    if _InputSpec is None:
        from ..layers.input_spec import InputSpec, assert_input_compatibility
        _InputSpec, _assert_input_compatibility = InputSpec, assert_input_compatibility
    if type(spec) is list and len(spec) == 1:
        spec = spec[0]
    if type(spec) is _InputSpec and isinstance(x, ember.Tensor):
        ndim = x.ndim
        if (spec.ndim is None or ndim == spec.ndim) and \
                (spec.min_ndim is None or ndim >= spec.min_ndim) and \
                (spec.max_ndim is None or ndim <= spec.max_ndim) and spec.shape is None:
            axes = spec.axes
            if not axes:
                return
            # the array's own shape tuple: building a TensorShape (x.shape) would cost
            # more than the rest of this check (eager call overhead is measured)
            shape = x._value.shape
            for axis, value in axes.items():
                if value is not None and -ndim <= axis < ndim and shape[axis] != value:
                    break
            else:
                return
    _assert_input_compatibility(spec, _map(_shape_of, x), name)


_InputSpec = None
_assert_input_compatibility = None


def _collect_mask(inputs: Any):
    if isinstance(inputs, ember.Tensor):
        return getattr(inputs, "_keras_mask", None)
    if isinstance(inputs, (list, tuple)):
        masks = [getattr(t, "_keras_mask", None) if isinstance(t, ember.Tensor) else None
                 for t in inputs]
        return None if all(m is None for m in masks) else masks
    if isinstance(inputs, dict):
        return _collect_mask(list(inputs.values()))
    return None


def _attach_masks(outputs: Any, mask: Any) -> None:
    """Pair outputs with masks in order, as Keras does (one mask: the first output)."""
    outs = _flatten(outputs)
    masks = _flatten(mask)
    for o, m in zip(outs, masks):
        if isinstance(o, ember.Tensor) and m is not None:
            try:
                o._keras_mask = m
            except AttributeError:
                pass


def _jsonable(value: Any) -> bool:
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_jsonable(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _jsonable(v) for k, v in value.items())
    return False


def _listify(shape):
    if isinstance(shape, tuple):
        if all(d is None or isinstance(d, int) for d in shape):
            return list(shape)
        return [_listify(s) for s in shape]
    if isinstance(shape, list):
        return [_listify(s) for s in shape]
    if isinstance(shape, dict):
        return {k: _listify(v) for k, v in shape.items()}
    return shape


def _tuplify(shape):
    if isinstance(shape, list):
        if all(d is None or isinstance(d, int) for d in shape):
            return tuple(shape)
        return [_tuplify(s) for s in shape]
    if isinstance(shape, dict):
        return {k: _tuplify(v) for k, v in shape.items()}
    return shape


# Layer attributes that hold the layer's own bookkeeping (never wrapped or searched)
_INTERNAL = frozenset({"_layers", "_trainable_variables", "_non_trainable_variables",
                       "_losses", "_metrics", "_inbound_nodes"})


def _holds(container: Any, value: Any) -> bool:
    if container is value:
        return True
    if isinstance(container, (list, tuple)):
        return any(_holds(v, value) for v in container)
    if isinstance(container, dict):
        return any(_holds(v, value) for v in container.values())
    return False


def _may_hold_layers(value: Any) -> bool:
    """An empty list or dict (filled later), or one holding layers or variables."""
    items = value.values() if isinstance(value, dict) else value
    items = list(items)
    return not items or any(
        isinstance(v, (Layer, ember.Variable)) or
        isinstance(v, (list, dict)) and _may_hold_layers(v) for v in items)


def _wrap_container(owner: Layer, value: Any) -> Any:
    """A list or dict attribute that may hold layers becomes a tracked one, so layers
    appended or stored into it later are tracked too (``self.blocks = []`` then
    ``self.blocks.append(Dense(4))``), as Keras's tracked containers do."""
    if type(value) is list and _may_hold_layers(value):
        return _TrackedList(owner, [_wrap_container(owner, v) for v in value])
    if type(value) is dict and _may_hold_layers(value):
        return _TrackedDict(owner, {k: _wrap_container(owner, v) for k, v in value.items()})
    if isinstance(value, (_TrackedList, _TrackedDict)) and value._owner is None:
        value._owner = owner
    return value


class _TrackedList(list):
    """A list attribute of a layer: layers and variables put into it are tracked."""

    def __init__(self, owner: Layer | None = None, items: Any = ()):
        super().__init__(items)
        self._owner = owner

    def _add(self, value: Any) -> Any:
        if self._owner is not None:
            value = _wrap_container(self._owner, value)
            self._owner._track(value)
        return value

    def _drop(self, value: Any) -> None:
        if self._owner is not None:
            self._owner._untrack(value)

    def append(self, value: Any) -> None:
        super().append(self._add(value))

    def insert(self, index: int, value: Any) -> None:
        super().insert(index, self._add(value))

    def extend(self, values: Any) -> None:
        super().extend([self._add(v) for v in values])

    def __iadd__(self, values: Any):
        self.extend(values)
        return self

    def __setitem__(self, index: Any, value: Any) -> None:
        old = self[index]
        if isinstance(index, slice):
            value = [self._add(v) for v in value]
        else:
            value = self._add(value)
        super().__setitem__(index, value)
        self._drop(old)

    def __delitem__(self, index: Any) -> None:
        old = self[index]
        super().__delitem__(index)
        self._drop(old)

    def pop(self, index: int = -1) -> Any:
        value = super().pop(index)
        self._drop(value)
        return value

    def remove(self, value: Any) -> None:
        super().remove(value)
        self._drop(value)

    def clear(self) -> None:
        old = list(self)
        super().clear()
        self._drop(old)

    def __reduce_ex__(self, protocol):
        return list, (list(self),)

    def __deepcopy__(self, memo):
        import copy
        return [copy.deepcopy(v, memo) for v in self]


class _TrackedDict(dict):
    """A dict attribute of a layer: layers and variables stored into it are tracked."""

    def __init__(self, owner: Layer | None = None, items: Any = ()):
        super().__init__(items)
        self._owner = owner

    def __setitem__(self, key: Any, value: Any) -> None:
        old = self.get(key)
        if self._owner is not None:
            value = _wrap_container(self._owner, value)
            self._owner._track(value)
        super().__setitem__(key, value)
        if old is not None and old is not value and self._owner is not None:
            self._owner._untrack(old)

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    def update(self, *args, **kwargs) -> None:
        for k, v in dict(*args, **kwargs).items():
            self[k] = v

    def __delitem__(self, key: Any) -> None:
        old = self[key]
        super().__delitem__(key)
        if self._owner is not None:
            self._owner._untrack(old)

    def pop(self, key: Any, *default: Any) -> Any:
        had = key in self
        value = super().pop(key, *default)
        if had and self._owner is not None:
            self._owner._untrack(value)
        return value

    def __reduce_ex__(self, protocol):
        return dict, (dict(self),)

    def __deepcopy__(self, memo):
        import copy
        return {copy.deepcopy(k, memo): copy.deepcopy(v, memo) for k, v in self.items()}
