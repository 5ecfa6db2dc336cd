"""The Keras 3 Optimizer base: its variables, learning rate, and the apply pipeline
(filter empty gradients, unscale, accumulate, clip, decay weights, update, EMA,
constraints, count the step)."""
from __future__ import annotations

import re
import warnings
from typing import Any

import numpy as np

import ember

from .. import config
from ..utils.naming import to_snake_case, uniquify
from ..variables import KerasVariable
from . import clipping
from .schedules.learning_rate_schedule import LearningRateSchedule


def read(value: Any) -> ember.Tensor:
    """The current value of a variable or tensor, not recorded on a GradientTape.

    Non-trainable variables (the optimizer's own) are read directly: tapes only record
    variables they watch, and they watch trainable ones by themselves (the cheaper path).
    """
    if isinstance(value, ember.Variable) and not value.trainable:
        return value.read_value()
    return ember.stop_gradient(value)


def scalar(value: Any, dtype: Any) -> ember.Tensor:
    """``value`` (a Python number, tensor or variable) as a 0-d tensor of ``dtype``."""
    if isinstance(value, (ember.Tensor, ember.Variable)):
        return ember.cast(ember.stop_gradient(value), dtype)
    return ember.constant(value, dtype=dtype)


class Optimizer:
    """Base class of Keras optimizers.

    A subclass creates its slot variables in ``build`` (with
    ``add_variable_from_reference``) and implements ``update_step(gradient, variable,
    learning_rate)``; everything else (clipping, weight decay, EMA, gradient
    accumulation, constraints, the ``iterations`` counter) is done here.

    >>> from ember import keras
    >>> class PlainSGD(keras.optimizers.Optimizer):
    ...     def update_step(self, gradient, variable, learning_rate):
    ...         self.assign_sub(variable, gradient * ember.cast(learning_rate, variable.dtype))
    >>> w = ember.Variable(1.0)
    >>> opt = PlainSGD(learning_rate=0.1)
    >>> _ = opt.apply_gradients([(ember.constant(2.0), w)])
    >>> round(float(w), 4), int(opt.iterations)
    (0.8, 1)
    """

    def __init__(self, learning_rate: Any, weight_decay: float | None = None,
                 clipnorm: float | None = None, clipvalue: float | None = None,
                 global_clipnorm: float | None = None, use_ema: bool = False,
                 ema_momentum: float = 0.99, ema_overwrite_frequency: int | None = None,
                 loss_scale_factor: float | None = None,
                 gradient_accumulation_steps: int | None = None, name: str | None = None,
                 **kwargs):
        object.__setattr__(self, "_variables", [])
        object.__setattr__(self, "_variable_ids", set())
        if kwargs.pop("decay", None) is not None:
            warnings.warn("Argument `decay` is no longer supported and will be ignored.")
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        self.name = name or uniquify(to_snake_case(type(self).__name__))
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.global_clipnorm = global_clipnorm
        self.clipvalue = clipvalue
        self.use_ema = use_ema
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        if gradient_accumulation_steps and not gradient_accumulation_steps >= 2:
            raise ValueError("`gradient_accumulation_steps` must be an integer >= 2. "
                             f"Received: gradient_accumulation_steps="
                             f"{gradient_accumulation_steps}")
        if use_ema:
            if ema_momentum > 1 or ema_momentum < 0:
                raise ValueError("`ema_momentum` must be in the range [0, 1]. "
                                 f"Received: ema_momentum={ema_momentum}")
            if ema_overwrite_frequency and (not isinstance(ema_overwrite_frequency, int)
                                            or ema_overwrite_frequency < 1):
                raise ValueError("`ema_overwrite_frequency` must be an integer >= 1 or "
                                 "None. Received: ema_overwrite_frequency="
                                 f"{ema_overwrite_frequency}")
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError("Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can "
                             f"be set. Received: clipnorm={clipnorm}, "
                             f"clipvalue={clipvalue}, global_clipnorm={global_clipnorm}")
        self.built = False
        self._trainable_variables: list = []
        self._trainable_variables_indices: dict[int, int] = {}
        self._constants_cache: dict | None = None
        self._iterations = self._new_variable(0, "iteration", "int64")
        if isinstance(learning_rate, LearningRateSchedule) or callable(learning_rate):
            self._learning_rate = learning_rate
        else:
            self._learning_rate = self._new_variable(
                _as_learning_rate(learning_rate), "learning_rate", config.floatx())

    # -- variables --------------------------------------------------------------------------
    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, ember.Variable) and "_variables" in self.__dict__:
            self._track_variable(value)   # custom optimizers may assign variables directly
        object.__setattr__(self, name, value)

    def _track_variable(self, variable: ember.Variable) -> None:
        if id(variable) not in self._variable_ids:
            self._variable_ids.add(id(variable))
            self._variables.append(variable)
            pending = self.__dict__.get("_checkpoint_pending")
            if pending is not None:     # values from a checkpoint restored before build
                pending(("vars", str(len(self._variables) - 1)))

    def _checkpoint_children(self) -> dict:
        """What ``ember.train.Checkpoint`` saves: ``vars/<i>``, the variables in
        ``variables`` order (iterations, learning rate, then the slots)."""
        return {"vars": self.variables}

    def _untrack_variable(self, variable: ember.Variable) -> None:
        if id(variable) in self._variable_ids:
            self._variable_ids.discard(id(variable))
            self._variables[:] = [v for v in self._variables if v is not variable]

    def _new_variable(self, value: Any, name: str, dtype: Any) -> KerasVariable:
        var = KerasVariable(value, dtype=dtype, trainable=False, name=name,
                            aggregation="only_first_replica", path=f"{self.name}/{name}")
        self._track_variable(var)
        return var

    @property
    def variables(self) -> list:
        """Every optimizer variable, in Keras's order (what saving writes, by index)."""
        return self._variables[:]

    @property
    def iterations(self):
        """The number of updates applied so far (an int64 variable; with gradient
        accumulation, the number of accumulated updates)."""
        if self.gradient_accumulation_steps:
            return ember.floordiv(read(self._iterations), self.gradient_accumulation_steps)
        return self._iterations

    def add_variable(self, shape: Any, initializer: Any = "zeros", dtype: Any = None,
                     aggregation: str = "none", layout: Any = None,
                     name: str | None = None) -> KerasVariable:
        """Create a (non-trainable) optimizer variable, tracked in ``variables``."""
        from .. import initializers
        name = name or "variable"
        var = KerasVariable(initializers.get(initializer), shape=tuple(shape),
                            dtype=dtype, trainable=False, aggregation=aggregation,
                            name=name, path=f"{self.name}/{name}")
        self._track_variable(var)
        return var

    def add_variable_from_reference(self, reference_variable: Any, name: str | None = None,
                                    initializer: Any = "zeros") -> KerasVariable:
        """A slot variable shaped like ``reference_variable``, named
        ``"{reference path with / as _}_{name}"`` (e.g. ``dense_kernel_momentum``)."""
        name = name or "var"
        path = getattr(reference_variable, "path", None)
        if path is not None:
            name = f"{path.replace('/', '_')}_{name}"
        else:
            ref = str(reference_variable.name).replace("/", "_").replace(":", "_")
            name = f"{ref}_{name}"
        return self.add_variable(shape=reference_variable.shape, initializer=initializer,
                                 dtype=reference_variable.dtype, name=name)

    def add_optimizer_variables(self, trainable_variables: list, name: Any,
                                initializer: Any = "zeros"):
        """Slot variables for each model variable; several ``name``s are interleaved per
        variable (Keras's order). Variables marked ``overwrite_with_gradient`` get None."""
        names = [name] if isinstance(name, str) else list(name)
        inits = [initializer] * len(names) if isinstance(name, str) or not \
            isinstance(initializer, (list, tuple)) else list(initializer)
        if len(names) != len(inits):
            raise ValueError(f"The number of names ({len(names)}) and initializers "
                             f"({len(inits)}) must match.")
        out = tuple([] for _ in names)
        for variable in trainable_variables:
            skip = getattr(variable, "overwrite_with_gradient", False)
            for i, (n, init) in enumerate(zip(names, inits)):
                out[i].append(None if skip else
                              self.add_variable_from_reference(variable, n, init))
        return out[0] if isinstance(name, str) else out

    def build(self, variables: list) -> None:
        """Create the optimizer's variables for ``variables`` (EMA averages and gradient
        accumulators here; subclasses add their slots after calling this)."""
        variables = list(variables)
        if self.use_ema:
            self._model_variables_moving_average = self.add_optimizer_variables(
                variables, "average")
        if self.gradient_accumulation_steps:
            self._accumulated_gradients = []
        for i, variable in enumerate(variables):
            self._trainable_variables_indices[self._var_key(variable)] = i
            if self.gradient_accumulation_steps:
                self._accumulated_gradients.append(
                    self.add_variable_from_reference(variable, "gradient_accumulator"))
        self._trainable_variables = variables[:]
        self.built = True

    def _var_key(self, variable: Any) -> int:
        return id(variable)

    def _get_variable_index(self, variable: Any) -> int:
        return self._trainable_variables_indices[id(variable)]

    def _check_variables_are_known(self, variables: list) -> None:
        for v in variables:
            if id(v) not in self._trainable_variables_indices:
                raise ValueError(f"Unknown variable: {v}. This optimizer can only be called "
                                 "for the variables it was originally built with. When "
                                 "working with a new set of variables, you should recreate "
                                 "a new optimizer instance.")

    # -- learning rate ----------------------------------------------------------------------
    @property
    def learning_rate(self):
        """The current learning rate: the variable, or the schedule's value at
        ``iterations``. Settable (``opt.learning_rate = 0.01``)."""
        return self._get_current_learning_rate()

    @learning_rate.setter
    def learning_rate(self, learning_rate: Any) -> None:
        previous = self._learning_rate if isinstance(self._learning_rate, ember.Variable) \
            else None
        if isinstance(learning_rate, LearningRateSchedule) or callable(learning_rate):
            self._learning_rate = learning_rate
        elif isinstance(self._learning_rate, LearningRateSchedule):
            raise TypeError("This optimizer was created with a `LearningRateSchedule` "
                            "object as its `learning_rate` constructor argument, hence its "
                            "learning rate is not settable. If you need the learning rate "
                            "to be settable, you should instantiate the optimizer with a "
                            "float `learning_rate` argument.")
        elif previous is not None:
            previous.assign(_as_learning_rate(learning_rate))
        else:
            self._learning_rate = self._new_variable(
                _as_learning_rate(learning_rate), "learning_rate", config.floatx())
        if previous is not None and self._learning_rate is not previous:
            self._untrack_variable(previous)

    def _get_current_learning_rate(self):
        lr = self._learning_rate
        if isinstance(lr, LearningRateSchedule):
            return lr(self._iterations)
        if isinstance(lr, ember.Variable):
            return lr
        if callable(lr):
            return lr()
        return lr

    # -- writing variables (overridable, as in Keras) ----------------------------------------
    def assign(self, variable: ember.Variable, value: Any) -> None:
        variable.assign(value)

    def assign_add(self, variable: ember.Variable, value: Any) -> None:
        variable.assign_add(value)

    def assign_sub(self, variable: ember.Variable, value: Any) -> None:
        variable.assign_sub(value)

    def update_step(self, gradient: ember.Tensor, variable: ember.Variable,
                    learning_rate: Any) -> None:
        """Update one variable from its gradient; every optimizer implements this."""
        raise NotImplementedError

    # -- per-step scalars -------------------------------------------------------------------
    def _step_constants(self, dtype: Any, learning_rate: Any):
        """``self._make_step_constants(dtype, learning_rate)``, computed once per update
        step and dtype (scalars such as bias corrections, shared by all variables)."""
        cache = self._constants_cache
        if cache is None:
            return self._make_step_constants(dtype, learning_rate)
        found = cache.get(dtype.name)
        if found is None:
            found = cache[dtype.name] = self._make_step_constants(dtype, learning_rate)
        return found

    def _make_step_constants(self, dtype: Any, learning_rate: Any):
        return scalar(learning_rate, dtype)

    def _local_step(self, dtype: Any) -> ember.Tensor:
        """``iterations + 1`` as a float of ``dtype`` (Adam-style bias corrections)."""
        return ember.cast(read(self.iterations) + 1, dtype)

    # -- applying gradients -----------------------------------------------------------------
    def apply_gradients(self, grads_and_vars: Any):
        """Apply ``(gradient, variable)`` pairs; returns the ``iterations`` variable.

        >>> from ember import keras
        >>> w = ember.Variable([1.0, 2.0])
        >>> _ = keras.optimizers.SGD(0.5).apply_gradients([(ember.constant([1.0, 1.0]), w)])
        >>> w.numpy().tolist()
        [0.5, 1.5]
        """
        pairs = list(grads_and_vars)
        if not pairs:
            return self._iterations
        grads, variables = zip(*pairs)
        self.apply(list(grads), list(variables))
        return self._iterations

    def apply(self, grads: list, trainable_variables: list | None = None) -> None:
        """Update ``trainable_variables`` (or the variables the optimizer was built with)
        from ``grads``, one gradient per variable; None gradients are skipped."""
        grads = list(grads)
        if not grads:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError("When passing `grads` without `variables`, the optimizer "
                                 "must already be built on a list of variables. Call "
                                 "`optimizer.build(trainable_variables)` first. ")
            if len(grads) != len(self._trainable_variables_indices):
                raise ValueError("When passing `grads` as a list of gradient tensors, the "
                                 "gradients must match `optimizer.variables` one-to-one. "
                                 f"Received a list of {len(grads)} gradients, but the "
                                 f"optimizer is tracking {len(self._trainable_variables)} "
                                 "trainable variables.")
            trainable_variables = self._trainable_variables
        else:
            trainable_variables = list(trainable_variables)
            if len(grads) != len(trainable_variables):
                raise ValueError(f"Optimizer '{self.name}': got {len(grads)} gradients for "
                                 f"{len(trainable_variables)} variables; expected one "
                                 "gradient (or None) per variable.")
            if not self.built:
                self.build(trainable_variables)
                self.built = True
            self._check_variables_are_known(trainable_variables)
        grads, trainable_variables = self._filter_empty_gradients(grads, trainable_variables)
        grads = [read(g) for g in grads]
        for g, v in zip(grads, trainable_variables):
            if g.shape != v.shape:
                raise ValueError(f"Optimizer '{self.name}': the gradient for variable "
                                 f"'{getattr(v, 'path', None) or v.name}' has shape "
                                 f"{tuple(g.shape)}, but the variable has shape "
                                 f"{tuple(v.shape)}; they must match.")
        grads, trainable_variables = self._overwrite_variables_directly_with_gradients(
            grads, trainable_variables)
        if grads:
            if self.loss_scale_factor is not None:
                grads = [g / self.loss_scale_factor for g in grads]
            self._backend_apply_gradients(grads, trainable_variables)
            for variable in trainable_variables:
                constraint = getattr(variable, "constraint", None)
                if constraint is not None:
                    variable.assign(constraint(read(variable)))
        self._iterations.assign_add(1)

    def minimize(self, loss: Any, var_list: Any, tape: Any = None):
        """TF2-style: differentiate ``loss`` (a callable, or a tensor recorded on ``tape``)
        with respect to ``var_list`` and apply the gradients."""
        if callable(var_list):
            var_list = var_list()
        var_list = list(var_list)
        if callable(loss):
            with ember.GradientTape() as loss_tape:
                loss_tape.watch(var_list)
                loss = loss()
            tape = loss_tape
        elif tape is None:
            raise ValueError("`tape` is required when a `Tensor` loss is passed. Received: "
                             f"loss={loss}, tape={tape}.")
        grads = tape.gradient(loss, var_list)
        return self.apply_gradients(zip(grads, var_list))

    def scale_loss(self, loss: Any):
        """Multiply ``loss`` by ``loss_scale_factor`` (when set) before differentiating."""
        if self.loss_scale_factor is not None:
            return loss * self.loss_scale_factor
        return loss

    def _backend_apply_gradients(self, grads: list, trainable_variables: list) -> None:
        learning_rate = self._get_current_learning_rate()
        steps = self.gradient_accumulation_steps
        if steps:
            accumulators = [self._accumulated_gradients[self._get_variable_index(v)]
                            for v in trainable_variables]

            def apply_accumulated():
                self._update([(g + read(a)) / steps for g, a in zip(grads, accumulators)],
                             trainable_variables, learning_rate)
                self._backend_reset_gradient_accumulators()

            def accumulate():
                for g, a in zip(grads, accumulators):
                    a.assign_add(g)

            ember.cond(self._is_last_accumulation_step(), apply_accumulated, accumulate)
        else:
            self._update(grads, trainable_variables, learning_rate)
        if self.use_ema:
            self._update_model_variables_moving_average(self._trainable_variables)
            freq = self.ema_overwrite_frequency
            if freq:
                due = ember.equal((read(self.iterations) + 1) % freq, 0)
                ember.cond(due, lambda: self._overwrite_model_variables_with_average_value(
                    self._trainable_variables), lambda: None)

    def _update(self, grads: list, trainable_variables: list, learning_rate: Any) -> None:
        grads = self._clip_gradients(grads)
        self._apply_weight_decay(trainable_variables, learning_rate)
        self._backend_update_step(grads, trainable_variables, learning_rate)

    def _backend_update_step(self, grads: list, trainable_variables: list,
                             learning_rate: Any) -> None:
        self._constants_cache = {}
        try:
            for grad, var in zip(grads, trainable_variables):
                self.update_step(grad, var, learning_rate)
        finally:
            self._constants_cache = None

    def _is_last_accumulation_step(self) -> ember.Tensor:
        """Whether this step completes a gradient-accumulation window (a bool tensor)."""
        steps = self.gradient_accumulation_steps
        return ember.equal((read(self._iterations) + 1) % steps, 0)

    def _backend_reset_gradient_accumulators(self) -> None:
        for acc in self._accumulated_gradients:
            if acc is not None:
                acc.assign(ember.zeros(acc.shape, dtype=acc.dtype))

    def _filter_empty_gradients(self, grads: list, variables: list) -> tuple:
        kept = [(g, v) for g, v in zip(grads, variables) if g is not None]
        if not kept:
            raise ValueError("No gradients provided for any variable.")
        if len(kept) != len(grads):
            missing = [getattr(v, "path", None) or v.name
                       for g, v in zip(grads, variables) if g is None]
            warnings.warn(f"Gradients do not exist for variables {missing} when minimizing "
                          "the loss. If using `model.compile()`, did you forget to provide "
                          "a `loss` argument?")
        return [g for g, _ in kept], [v for _, v in kept]

    def _overwrite_variables_directly_with_gradients(self, grads: list, variables: list):
        """Variables marked ``overwrite_with_gradient`` take their gradient as new value
        (the max over an accumulation window) and leave the normal update."""
        flags = [getattr(v, "overwrite_with_gradient", False) for v in variables]
        if not any(flags):
            return grads, variables
        steps = self.gradient_accumulation_steps
        is_update = self._is_last_accumulation_step() if steps else None
        for g, v, flag in zip(grads, variables, flags):
            if not flag:
                continue
            if steps:
                acc = self._accumulated_gradients[self._get_variable_index(v)]
                new = ember.maximum(g, read(acc))
                v.assign(ember.where(is_update, new, read(v)))
                acc.assign(ember.where(is_update, ember.zeros_like(new), new))
            else:
                v.assign(g)
        kept = [(g, v) for g, v, flag in zip(grads, variables, flags) if not flag]
        return [g for g, _ in kept], [v for _, v in kept]

    def _clip_gradients(self, grads: list) -> list:
        if self.clipnorm and self.clipnorm > 0:
            return [None if g is None else clipping.clip_by_norm(g, self.clipnorm)
                    for g in grads]
        if self.global_clipnorm and self.global_clipnorm > 0:
            return clipping.clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue and self.clipvalue > 0:
            return clipping.clip_by_value(grads, self.clipvalue)
        return grads

    # -- weight decay -----------------------------------------------------------------------
    def exclude_from_weight_decay(self, var_list: list | None = None,
                                  var_names: list | None = None) -> None:
        """Skip weight decay for the variables in ``var_list`` and for every variable whose
        name contains one of ``var_names`` (e.g. ``["bias"]``)."""
        self._exclude_from_weight_decay = {id(v) for v in var_list or ()}
        self._exclude_from_weight_decay_pattern = \
            re.compile("|".join(set(var_names))) if var_names else None
        self._exclude_from_weight_decay_cache = {}

    def _use_weight_decay(self, variable: Any) -> bool:
        cache = self.__dict__.setdefault("_exclude_from_weight_decay_cache", {})
        key = id(variable)
        if key not in cache:
            excluded = key in getattr(self, "_exclude_from_weight_decay", set())
            pattern = getattr(self, "_exclude_from_weight_decay_pattern", None)
            if not excluded and pattern is not None:
                excluded = pattern.search(variable.name) is not None
            cache[key] = not excluded
        return cache[key]

    def _apply_weight_decay(self, variables: list, learning_rate: Any = None) -> None:
        """Decoupled weight decay: ``variable -= variable * weight_decay * learning_rate``."""
        if self.weight_decay is None:
            return
        if learning_rate is None:
            learning_rate = self._get_current_learning_rate()
        factors: dict = {}
        for variable in variables:
            if self._use_weight_decay(variable):
                dtype = variable.dtype
                k = factors.get(dtype.name)
                if k is None:
                    k = factors[dtype.name] = scalar(self.weight_decay, dtype) * \
                        scalar(learning_rate, dtype)
                variable.assign_sub(read(variable) * k)

    # -- exponential moving average of the weights -----------------------------------------
    def _update_model_variables_moving_average(self, trainable_variables: list) -> None:
        first = ember.equal(read(self.iterations), 0)      # the first step copies
        factors: dict = {}
        for var, average in zip(trainable_variables, self._model_variables_moving_average):
            if average is None:
                continue
            dtype = var.dtype
            ks = factors.get(dtype.name)
            if ks is None:
                momentum = ember.where(first, scalar(0.0, dtype),
                                       scalar(self.ema_momentum, dtype))
                ks = factors[dtype.name] = (momentum, 1.0 - momentum)
            average.assign(ks[0] * read(average) + ks[1] * read(var))

    def _overwrite_model_variables_with_average_value(self, trainable_variables: list):
        averages = self._model_variables_moving_average
        if len(trainable_variables) != len(averages):
            raise ValueError(f"The length of model variables ({len(trainable_variables)}) "
                             "to override does not match the length of model variables "
                             f"stored in the optimizer ({len(averages)}). Please check if "
                             "the optimizer was called on your model.")
        for var, average in zip(trainable_variables, averages):
            if average is not None:
                var.assign(read(average))

    def finalize_variable_values(self, var_list: list) -> None:
        """With ``use_ema``, overwrite the model's variables with their moving averages
        (``fit`` does this after the last epoch)."""
        if self.use_ema:
            self._overwrite_model_variables_with_average_value(list(var_list))

    # -- state ------------------------------------------------------------------------------
    def set_weights(self, weights: list) -> None:
        """Set every optimizer variable from a list of arrays, in ``variables`` order."""
        if not self.built:
            raise ValueError("You are calling `set_weights()` on an optimizer that has not "
                             "yet been built. Please call `optimizer.build("
                             "trainable_variables)` to create the optimizer weights before "
                             "calling `set_weights()`.")
        for variable, weight in zip(self._variables, weights):
            weight = np.asarray(weight)
            if tuple(variable.shape) != weight.shape:
                raise ValueError(f"Optimizer variable {getattr(variable, 'path', '')} has "
                                 f"shape {tuple(variable.shape)} not compatible with "
                                 f"provided weight shape {weight.shape}.")
            variable.assign(weight)

    def save_own_variables(self, store: Any) -> None:
        """Write each variable's value as ``store["0"]``, ``store["1"]``, ..."""
        for i, variable in enumerate(self.variables):
            store[str(i)] = variable.numpy()

    def load_own_variables(self, store: Any) -> None:
        """Read the values ``save_own_variables`` wrote (skipped, with a warning, when
        the counts differ)."""
        if len(store.keys()) != len(self.variables):
            msg = (f"Skipping variable loading for optimizer '{self.name}', because it has "
                   f"{len(self.variables)} variables whereas the saved optimizer has "
                   f"{len(store.keys())} variables. ")
            if not self.variables:
                msg += "This is likely because the optimizer has not been called/built yet."
            warnings.warn(msg, stacklevel=2)
            return
        for i, variable in enumerate(self.variables):
            variable.assign(store[str(i)])

    def get_config(self) -> dict:
        """The constructor arguments, with Keras's keys."""
        from ..saving.serialization import serialize_keras_object
        lr = self._learning_rate
        if isinstance(lr, LearningRateSchedule):
            from .schedules import serialize
            learning_rate = serialize(lr)
        elif isinstance(lr, (ember.Variable, ember.Tensor)):
            learning_rate = float(np.asarray(lr.numpy()))
        elif callable(lr):
            learning_rate = serialize_keras_object(lr)
        else:
            learning_rate = 0.5
        return {"name": self.name, "learning_rate": learning_rate,
                "weight_decay": self.weight_decay, "clipnorm": self.clipnorm,
                "global_clipnorm": self.global_clipnorm, "clipvalue": self.clipvalue,
                "use_ema": self.use_ema, "ema_momentum": self.ema_momentum,
                "ema_overwrite_frequency": self.ema_overwrite_frequency,
                "loss_scale_factor": self.loss_scale_factor,
                "gradient_accumulation_steps": self.gradient_accumulation_steps}

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> Optimizer:
        """The optimizer ``get_config()`` describes (a fresh one, without its state).

        Keys that only Keras 2 optimizers wrote (``jit_compile``, ``is_legacy_optimizer``)
        are ignored, so configs from old files load.
        """
        config = {k: v for k, v in config.items() if k not in _KERAS2_ONLY_KEYS}
        if isinstance(config.get("learning_rate"), dict):
            from ..saving.serialization import deserialize_keras_object
            config["learning_rate"] = deserialize_keras_object(
                config["learning_rate"], custom_objects=custom_objects)
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


BaseOptimizer = Optimizer
_KERAS2_ONLY_KEYS = ("jit_compile", "is_legacy_optimizer")


def _as_learning_rate(value: Any) -> float:
    """A learning rate given as a number (or 0-d array/tensor) as a Python float."""
    if isinstance(value, (bool, str)) or value is None:
        raise ValueError("Argument `learning_rate` should be float, or an instance of "
                         "LearningRateSchedule, or a callable (that takes in the current "
                         "iteration value and returns the corresponding learning rate "
                         f"value). Received instead: learning_rate={value}")
    try:
        arr = np.asarray(value)
        if arr.size != 1:
            raise TypeError
        return float(arr.reshape(()))
    except (TypeError, ValueError):
        raise ValueError("Argument `learning_rate` should be float, or an instance of "
                         "LearningRateSchedule, or a callable (that takes in the current "
                         "iteration value and returns the corresponding learning rate "
                         f"value). Received instead: learning_rate={value}") from None

