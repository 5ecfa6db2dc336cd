"""compile / fit / evaluate / predict: the training loop every keras.Model has."""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

import ember

from ...graph.context import RUN_FUNCTIONS_EAGERLY
from ...ops import primitive as _prim
from .. import config as keras_config
from . import data_adapter as da
from .compile_utils import CompileLoss, CompileMetrics


class Trainer:
    """The training half of keras.Model (a mixin; Model is Trainer + Layer)."""

    def __init__(self):
        self.compiled = False
        self.optimizer = None
        self.loss = None
        self.stop_training = False
        self.history = None
        self._compile_loss = None
        self._compile_metrics = None
        self._loss_tracker = None
        self._auto_scaled_loss = False    # whether compile wrapped the optimizer
        self.steps_per_execution = 1
        self._run_eagerly = False
        self._jit_compile = False
        self._compile_config = None
        self.train_function = self.test_function = self.predict_function = None
        # where fit resumes, which callbacks (BackupAndRestore) may set in on_train_begin:
        # the epoch to start at (Keras's name), how many of its batches are already
        # trained, and the state of the shuffling generator that epoch draws its order
        # from (during fit: the state the current epoch, or after its batches the next
        # one, draws from; what a backup saves)
        self._initial_epoch = None
        self._initial_step = 0
        self._shuffle_state = None

    # -- compile ----------------------------------------------------------------------------
    def compile(self, optimizer: Any = "rmsprop", loss: Any = None, loss_weights: Any = None,
                metrics: Any = None, weighted_metrics: Any = None, run_eagerly: bool = False,
                steps_per_execution: int = 1, jit_compile: Any = "auto",
                auto_scale_loss: bool = True) -> None:
        """Configure the model for training.

        >>> from ember import keras
        >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
        >>> model.compile(optimizer="adam", loss="mse", metrics=["mae"])
        """
        from .. import metrics as metrics_mod
        from .. import optimizers
        from ..optimizers.loss_scale_optimizer import LossScaleOptimizer
        self.optimizer = optimizers.get(optimizer)
        policy = getattr(self, "dtype_policy", None)
        if auto_scale_loss and getattr(policy, "name", None) == "mixed_float16" and \
                self.optimizer is not None and \
                not isinstance(self.optimizer, LossScaleOptimizer):
            # Keras 3: float16 gradients underflow without dynamic loss scaling
            self.optimizer = LossScaleOptimizer(self.optimizer, name="loss_scale_optimizer")
            self._auto_scaled_loss = True
        else:
            self._auto_scaled_loss = False
        self.loss = loss
        self._compile_loss = CompileLoss(loss, loss_weights) if loss is not None else None
        self._compile_metrics = CompileMetrics(metrics, weighted_metrics, loss, self) \
            if (metrics is not None or weighted_metrics is not None) else None
        object.__setattr__(self, "_loss_tracker", metrics_mod.Mean(name="loss"))
        if jit_compile == "auto":   # Keras: XLA only off the CPU; Ember has one compiler
            jit_compile = not run_eagerly and bool(ember.config.list_physical_devices("GPU"))
        if jit_compile and run_eagerly:
            jit_compile = False
            warnings.warn("If `run_eagerly` is True, then `jit_compile` cannot also be "
                          "True. Disabling `jit_compile`.", stacklevel=2)
        self._run_eagerly = bool(run_eagerly)
        self._jit_compile = bool(jit_compile)
        self.train_function = self.test_function = self.predict_function = None
        if int(steps_per_execution) < 1:
            raise ValueError(f"steps_per_execution must be >= 1; got {steps_per_execution}")
        self.steps_per_execution = int(steps_per_execution)
        self._compile_config = {"optimizer": optimizer, "loss": loss,
                                "loss_weights": loss_weights, "metrics": metrics,
                                "weighted_metrics": weighted_metrics,
                                "run_eagerly": run_eagerly,
                                "steps_per_execution": steps_per_execution,
                                "jit_compile": jit_compile}
        self.compiled = True
        self.stop_training = False

    @property
    def run_eagerly(self) -> bool:
        return self._run_eagerly

    @run_eagerly.setter
    def run_eagerly(self, value: bool) -> None:
        self._run_eagerly = bool(value)
        self.train_function = self.test_function = self.predict_function = None

    @property
    def jit_compile(self) -> bool:
        return self._jit_compile

    @jit_compile.setter
    def jit_compile(self, value: bool) -> None:
        self._jit_compile = bool(value)

    def _assert_compiled(self, method: str) -> None:
        if not self.compiled:
            raise ValueError(f"You must call `compile()` before calling `{method}()`.")

    def get_compile_config(self) -> dict | None:
        """The compile arguments as Keras writes them in ``config.json`` (the optimizer
        as its config envelope, with its current learning rate), or None."""
        from ..saving.serialization import serialize_keras_object
        if not self.compiled or self._compile_config is None:
            return None
        config = dict(self._compile_config)
        if self.optimizer is not None:
            # as compile was given it: a LossScaleOptimizer compile added is added again
            config["optimizer"] = self.optimizer.inner_optimizer \
                if getattr(self, "_auto_scaled_loss", False) else self.optimizer
        return serialize_keras_object(config)

    def compile_from_config(self, config: dict) -> None:
        """Compile from ``get_compile_config()``'s dict and create the optimizer's
        variables, so saved optimizer state can be loaded into them."""
        import warnings

        from ..saving.serialization import deserialize_keras_object
        if type(self).compile is not Trainer.compile:
            warnings.warn("`compile()` was not called as part of model loading because the "
                          "model's `compile()` method is custom. Override "
                          "`get_compile_config()` and `compile_from_config(config)`, or call "
                          "`compile()` after loading.", stacklevel=2)
            return

        def resolve(value):
            if isinstance(value, dict) and "class_name" in value:
                return deserialize_keras_object(value)
            if isinstance(value, dict):
                return {k: resolve(v) for k, v in value.items()}
            if isinstance(value, list):
                return [resolve(v) for v in value]
            return value
        self.compile(**{k: resolve(v) for k, v in config.items()})
        if self.optimizer is not None and getattr(self, "built", False):
            self.optimizer.build(self.trainable_variables)

    # -- metrics ----------------------------------------------------------------------------
    @property
    def metrics(self) -> list:
        # Keras's order: the loss, the compiled metrics (one object, "compile_metrics",
        # whose result is a dict), the per-output losses, then other trackers
        out = []
        if self.compiled and self._loss_tracker is not None:
            out.append(self._loss_tracker)
        if self._compile_metrics is not None:
            out.append(self._compile_metrics)
        if self._compile_loss is not None and getattr(self, "_output_loss_trackers", None):
            out.extend(t for t in self._output_loss_trackers if t is not None)
        # the model's own trackers (``self.loss_tracker = keras.metrics.Mean(...)``), as
        # Keras lists them after the compiled ones, then those of its layers
        out.extend(m for m in getattr(self, "_metrics", []) if all(m is not o for o in out))
        for layer in getattr(self, "_layers", []):
            out.extend(getattr(layer, "metrics", []) if not isinstance(layer, Trainer) else [])
        return out

    @property
    def metrics_names(self) -> list:
        """The names the metrics are logged under."""
        return [name for name, _ in self._named_metrics()]

    def _named_metrics(self) -> list:
        """``(logged name, metric)`` of every metric, in ``metrics`` order; the compiled
        metrics under the names Keras logs them with (``CompileMetrics.names``)."""
        out = []
        for m in self.metrics:
            if m is self._compile_metrics:
                out.extend(zip(m.names, m.metrics))
            else:
                out.append((m.name, m))
        return out

    def reset_metrics(self) -> None:
        for m in self.metrics:
            m.reset_state()

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None,
                     training: bool = True):
        """The compiled loss plus every loss layers added (regularization)."""
        total = None
        if self._compile_loss is not None and y is not None:
            if self._compile_loss._fns is None:
                self._compile_loss.build(self, y, y_pred)
                self._make_output_loss_trackers()
            total, parts = self._compile_loss(y, y_pred, sample_weight)
            for tracker, part in zip(getattr(self, "_output_loss_trackers", []), parts):
                if part is not None and tracker is not None:
                    tracker.update_state(part)
        extra = self.losses
        if extra:
            reg = ember.add_n([ember.cast(l, "float32") if not isinstance(l, ember.Tensor)
                               else l for l in extra]) if len(extra) > 1 else extra[0]
            total = reg if total is None else total + ember.cast(reg, total.dtype)
        if total is None:
            if self._compile_loss is None and not extra:
                raise ValueError("No loss to compute. Provide a `loss` argument in "
                                 "`compile()`.")
            total = ember.constant(0.0)
        return total

    def _make_output_loss_trackers(self) -> None:
        from .. import metrics as metrics_mod
        # as Keras: one tracker per output that has a loss, when more than one has one
        # (with loss=[None, "mse"] only the total is logged); None where an output has none
        names, fns = self._compile_loss._names, self._compile_loss._fns
        with_loss = [fn is not None for fn in fns]
        trackers = [metrics_mod.Mean(name=n) if has else None
                    for n, has in zip(names, with_loss)] if sum(with_loss) > 1 else []
        object.__setattr__(self, "_output_loss_trackers", trackers)

    def compute_metrics(self, x, y, y_pred, sample_weight=None) -> dict:
        """Update the compiled metrics and return every metric's current result."""
        if self._compile_metrics is not None and y is not None:
            if not self._compile_metrics.built:
                self._compile_metrics.build(self, y, y_pred)
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def get_metrics_result(self) -> dict:
        """Every metric's current result (Python floats; tensors inside a traced step)."""
        convert = (lambda v: v) if ember.inside_function() else _to_float
        logs = {}
        for name, m in self._named_metrics():
            r = m.result()
            if isinstance(r, dict):
                logs.update({k: convert(v) for k, v in r.items()})
            else:
                logs[name] = convert(r)
        return logs

    # -- steps ------------------------------------------------------------------------------
    def train_step(self, data: Any) -> dict:
        """One optimization step on a batch; returns the metrics' results."""
        x, y, sample_weight = da.unpack_x_y_sample_weight(data)
        self._clear_losses()
        with ember.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight,
                                     training=True)
            scaled = self.optimizer.scale_loss(loss)
        self._loss_tracker.update_state(loss, sample_weight=_batch_size(x))
        variables = self.trainable_weights
        if variables:
            grads = tape.gradient(scaled, variables)
            self.optimizer.apply_gradients(zip(grads, variables))
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def test_step(self, data: Any) -> dict:
        x, y, sample_weight = da.unpack_x_y_sample_weight(data)
        self._clear_losses()
        y_pred = self(x, training=False)
        loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight,
                                 training=False)
        self._loss_tracker.update_state(loss, sample_weight=_batch_size(x))
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data: Any) -> Any:
        x, _, _ = da.unpack_x_y_sample_weight(data)
        return self(x, training=False)

    # -- compiled steps -----------------------------------------------------------------
    def _make_function(self, step: Any, kind: str):
        """``step`` run over a tuple of batches (``steps_per_execution`` of them), traced
        with ``ember.function`` unless ``run_eagerly``. The train and test functions
        return the last batch's logs; the predict function the batches' outputs joined
        along the batch axis (as Keras's)."""
        if kind == "predict":
            def run_steps(batches):
                outputs = [step(batch) for batch in batches]
                if len(outputs) == 1:
                    return outputs[0]
                flat = [ember.nest.flatten(o) for o in outputs]
                return ember.nest.pack_sequence_as(
                    outputs[0], [ember.concat(list(parts), 0) for parts in zip(*flat)])
        else:
            def run_steps(batches):
                result = None
                for batch in batches:
                    result = step(batch)
                return result
        run_steps.__name__ = f"{kind}_function"
        if self.run_eagerly:
            return run_steps
        # one graph for every batch size, as Keras-TF's None batch dimension gives
        return ember.function(run_steps, jit_compile=self.jit_compile,
                              experimental_relax_batch_dims=True)

    def make_train_function(self, force: bool = False):
        """The function ``fit`` calls on a tuple of batches (compiled by default)."""
        if self.train_function is None or force:
            self.train_function = self._make_function(self.train_step, "train")
        return self.train_function

    def make_test_function(self, force: bool = False):
        if self.test_function is None or force:
            self.test_function = self._make_function(self.test_step, "test")
        return self.test_function

    def make_predict_function(self, force: bool = False):
        if self.predict_function is None or force:
            self.predict_function = self._make_function(self.predict_step, "predict")
        return self.predict_function

    def _run_steps(self, function, iterator, callbacks, hook: str, first_step: int = 0):
        """Run ``function`` on ``steps_per_execution`` batches at a time; the callbacks'
        batch hooks fire once per execution, ``begin`` with the index of its first batch
        and ``end`` with that index plus ``steps_per_execution - 1``, as in Keras (also
        for a last execution that got fewer batches). ``first_step`` is the index of
        the iterator's first batch (non-zero when a resumed epoch skips the batches it
        already trained)."""
        logs = {}
        for first, chunk in _executions(iterator, self.steps_per_execution, first_step,
                                        callbacks, hook):
            logs = _logs_to_floats(function(tuple(chunk)))
            getattr(callbacks, f"on_{hook}_batch_end")(
                first + self.steps_per_execution - 1, _sorted_logs(logs))
            if hook == "train" and self.stop_training:
                break
        return logs

    def _metrics_result_or_logs(self, logs: dict) -> dict:
        """The metrics' results, or (as Keras does) the last step's ``logs`` when a custom
        ``train_step`` / ``test_step`` returned other keys than the metrics have."""
        results = dict(self.get_metrics_result())
        if isinstance(logs, dict) and logs and set(logs) != set(results):
            return dict(logs)
        return results

    # -- fit / evaluate / predict -----------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1):
        """Train for ``epochs`` epochs; returns a History whose ``history`` dict has one
        list per metric (``loss``, ``val_loss``, ...)."""
        from ..callbacks.callback_list import CallbackList
        self._assert_compiled("fit")
        if validation_split and validation_data is None:
            (x, y, sample_weight), validation_data = da.train_validation_split(
                (x, y, sample_weight), validation_split)
        rng = _shuffle_rng()
        train_data = da.make_adapter(x, y, sample_weight, batch_size, steps_per_epoch,
                                     shuffle=bool(shuffle), class_weight=class_weight,
                                     rng=rng)
        val_adapter = None
        if validation_data is not None:
            vx, vy, vsw = da.unpack_x_y_sample_weight(validation_data)
            val_adapter = da.make_adapter(vx, vy, vsw, validation_batch_size or batch_size,
                                          validation_steps)
        verbose = _resolve_verbose(verbose)
        epochs = _capped_epochs(epochs)
        steps = da.progress_steps(train_data)
        cbs = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=self,
                           verbose=verbose, epochs=epochs, steps=steps)
        self.stop_training = False
        self._initial_epoch, self._initial_step, self._shuffle_state = None, 0, None
        cbs.on_train_begin()
        # a callback restoring a backup may have set where to resume
        restored = self._initial_epoch
        initial_epoch = restored or initial_epoch
        skip = int(self._initial_step or 0) if initial_epoch == restored else 0
        if self._shuffle_state is not None:
            rng.bit_generator.state = self._shuffle_state
        self._initial_epoch, self._initial_step = None, 0
        epoch_logs: dict = {}
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            self._shuffle_state = rng.bit_generator.state
            cbs.on_epoch_begin(epoch)
            start = skip if epoch == initial_epoch else 0
            last = self._run_steps(self.make_train_function(), train_data.batches(start),
                                   cbs, "train", first_step=start)
            self._shuffle_state = rng.bit_generator.state
            epoch_logs = self._metrics_result_or_logs(last)
            if val_adapter is not None and _should_eval(epoch, validation_freq):
                val_logs = self._evaluate_adapter(val_adapter, cbs_for_test=cbs)
                epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
            epoch_logs = _sorted_logs(epoch_logs)
            cbs.on_epoch_end(epoch, epoch_logs)
            if self.stop_training:
                break
        if epochs > initial_epoch and self.optimizer is not None:
            self.optimizer.finalize_variable_values(self.trainable_weights)  # EMA weights
        cbs.on_train_end(epoch_logs)
        return self.history

    def _evaluate_adapter(self, adapter, cbs_for_test=None) -> dict:
        from ..callbacks.callback_list import CallbackList
        cbs = cbs_for_test or CallbackList(None, model=self)
        self.reset_metrics()
        cbs.on_test_begin()
        logs = self._metrics_result_or_logs(
            self._run_steps(self.make_test_function(), adapter, cbs, "test"))
        cbs.on_test_end(_sorted_logs(logs))
        return logs

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False, **kwargs):
        """Loss and metric values on the given data (a list, or a dict with
        ``return_dict=True``)."""
        from ..callbacks.callback_list import CallbackList
        self._assert_compiled("evaluate")
        adapter = da.make_adapter(x, y, sample_weight, batch_size, steps)
        verbose = _resolve_verbose(verbose)
        cbs = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose,
                           epochs=1, steps=da.progress_steps(adapter))
        logs = self._evaluate_adapter(adapter, cbs)
        return _logs_out(logs, return_dict, self)

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """The model's outputs for ``x``, as NumPy arrays, batch by batch."""
        known = self.__dict__.get("_predict_plans")
        if known is not None and type(x) is np.ndarray and callbacks is None \
                and steps is None:
            # a small array of a shape and dtype that ran before (serving requests): its
            # plan was kept by the branch below, which checked the size and dtype
            plan = known[1].get((x.shape, x.dtype))
            if plan is not None and known[0] is self.predict_function \
                    and (batch_size is None or x.shape[0] <= batch_size) \
                    and not _eager_now():
                return plan([x])[0]
        if callbacks is None and steps is None and type(x) is np.ndarray and x.ndim \
                and x.shape[0] <= (batch_size or 32) and x.dtype != np.float64:
            # one small array (serving a request): the shortest path to the graph
            function = self.predict_function or self.make_predict_function()
            arg = ember.constant(x)
            out = function(((arg,),))
            _remember_predict_plan(self, function, arg)
            return out.numpy() if isinstance(out, ember.Tensor) else _to_numpy_struct(out)
        from ..callbacks.callback_list import CallbackList
        if callbacks is None and steps is None and da.is_array_like(x):
            n = da._num_samples(x)
            if n <= (batch_size or 32):   # small input: one call, no loop machinery
                return _to_numpy_struct(self.make_predict_function()(
                    ((da._map(da.to_tensor, x),),)))
        adapter = da.make_adapter(x, None, None, batch_size, steps)
        verbose = _resolve_verbose(verbose)
        cbs = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose,
                           epochs=1, steps=da.progress_steps(adapter))
        cbs.on_predict_begin()
        outputs = []
        predict_function = self.make_predict_function()
        for first, chunk in _executions(adapter, self.steps_per_execution, 0, cbs,
                                        "predict"):
            out = predict_function(tuple(chunk))
            outputs.append(_to_numpy_struct(out))
            cbs.on_predict_batch_end(first + self.steps_per_execution - 1,
                                     {"outputs": out})
        cbs.on_predict_end()
        if not outputs:
            raise ValueError("Unexpected result of `predict_function` (Empty batch_outputs). "
                             "Please use `Model.compile(..., run_eagerly=True)`, or "
                             "`tf.config.run_functions_eagerly(True)` for more information of "
                             "where went wrong, or file a issue/bug to `keras`.")
        return _concat_structs(outputs)

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None,
                       return_dict=False):
        """One training step on one batch; returns the loss/metrics of that batch."""
        self._assert_compiled("train_on_batch")
        if class_weight is not None:
            cw = da.class_weights_to_sample_weights(y, class_weight)
            sample_weight = cw if sample_weight is None else np.asarray(sample_weight) * cw
        self.reset_metrics()
        batch = da.pack_x_y_sample_weight(da._map(da.to_tensor, x), da._map(da.to_tensor, y),
                                          da._map(da.to_tensor, sample_weight))
        logs = _logs_to_floats(self.make_train_function()((batch,)))
        return _logs_out(logs, return_dict, self)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        self._assert_compiled("test_on_batch")
        self.reset_metrics()
        batch = da.pack_x_y_sample_weight(da._map(da.to_tensor, x), da._map(da.to_tensor, y),
                                          da._map(da.to_tensor, sample_weight))
        return _logs_out(_logs_to_floats(self.make_test_function()((batch,))), return_dict,
                         self)

    def predict_on_batch(self, x):
        return _to_numpy_struct(self.make_predict_function()(((da._map(da.to_tensor, x),),)))


def _executions(batches, per: int, first_step: int, callbacks, hook: str):
    """``(index of the first batch, [batches])`` per execution of ``per`` batches (the
    last may have fewer), calling the ``on_{hook}_batch_begin`` callbacks with that index
    just before the execution's first batch is drawn."""
    begin = getattr(callbacks, f"on_{hook}_batch_begin")
    iterator = iter(batches)
    first = first_step
    while True:
        chunk: list = []
        for batch in iterator:
            if not chunk:
                begin(first)
            chunk.append(batch)
            if len(chunk) == per:
                break
        if not chunk:
            return
        yield first, chunk
        first += per


def _eager_now() -> bool:
    """Whether a compiled function would run its Python body now (inside a trace, under
    a tape, or with functions forced eager)."""
    return bool(_prim.STATE.tracing or _prim.STATE.tapes or RUN_FUNCTIONS_EAGERLY[0])


def _remember_predict_plan(model, function, arg) -> None:
    """Keep the plan ``predict`` ran for ``arg``'s shape and dtype, for the next call."""
    plan = getattr(function, "array_plan", None)
    plan = plan(((arg,),)) if plan is not None else None
    if plan is None:
        return
    known = model.__dict__.get("_predict_plans")
    if known is None or known[0] is not function:
        known = model.__dict__["_predict_plans"] = (function, {})
    if len(known[1]) < 16:
        known[1][(arg._value.shape, arg._value.dtype)] = plan


def _sorted_logs(logs: dict) -> dict:
    """``logs`` ordered by name, as Keras gives them to callbacks, to History and from
    ``return_dict=True`` (lists of results keep the order of ``model.metrics``)."""
    return dict(sorted(logs.items())) if isinstance(logs, dict) else logs


def _logs_out(logs: dict, return_dict: bool, model: Any):
    if return_dict:
        return _sorted_logs(logs)
    if not isinstance(logs, dict):
        return logs
    values = [logs[k] for k in _keras_list_order(model, logs)]
    return values[0] if len(values) == 1 else values


def _keras_list_order(model: Any, logs: dict) -> list:
    """The keys of ``logs`` in the order Keras 3 lists results (``evaluate``,
    ``train_on_batch``): first those named by ``model.metrics`` in Keras's order (the
    loss, the compiled metrics by their own names, the per-output losses, the model's and
    its layers' trackers), then every other key sorted. With several outputs the compiled
    metrics are logged under prefixed names, so they come sorted: ``[loss, out1_loss,
    out2_loss, out1_mae, out2_acc]``."""
    per_output = [t for t in getattr(model, "_output_loss_trackers", None) or []
                  if t is not None]
    if getattr(getattr(model, "_compile_loss", None), "dict_outputs", False):
        per_output.sort(key=lambda t: t.name[:-len("_loss")])
    names = []
    for m in model.metrics:
        if any(m is t for t in per_output):
            if m is per_output[0]:
                names.extend(t.name for t in per_output)
            continue
        if m is getattr(model, "_compile_metrics", None):
            # the compiled metrics count by their own names (prefixed in the logs when
            # there are several outputs, so those come in the sorted rest)
            names.extend(c.name for c in m.metrics)
        else:
            names.append(m.name)
    out = []
    for name in names:
        if name in logs and name not in out:
            out.append(name)
    return out + sorted(k for k in logs if k not in out)


def _logs_to_floats(logs: Any) -> Any:
    """A step's logs (tensors when the step was compiled) as Python floats; a dict
    value (``compile_metrics``' result in a custom ``train_step``) is merged in, as
    Keras does."""
    if isinstance(logs, dict):
        out = {}
        for k, v in logs.items():
            if isinstance(v, dict):
                out.update(_logs_to_floats(v))
            else:
                out[k] = _to_float(v)
        return out
    return logs


def _to_float(v):
    if isinstance(v, (ember.Tensor, ember.Variable)):
        a = v.numpy()
        return float(a) if a.size == 1 else a
    if isinstance(v, np.ndarray) and v.size == 1:
        return float(v)
    return v


def _batch_size(x) -> int:
    leaves = ember.nest.flatten(x)
    return int(leaves[0].shape[0]) if leaves and hasattr(leaves[0], "shape") and \
        len(leaves[0].shape) else 1


def _to_numpy_struct(out):
    if isinstance(out, dict):
        return {k: _to_numpy_struct(v) for k, v in out.items()}
    if isinstance(out, (list, tuple)):
        return type(out)(_to_numpy_struct(v) for v in out)
    return np.asarray(out.numpy()) if hasattr(out, "numpy") else out


def _concat_structs(parts: list):
    first = parts[0]
    if isinstance(first, dict):
        return {k: _concat_structs([p[k] for p in parts]) for k in first}
    if isinstance(first, (list, tuple)):
        return type(first)(_concat_structs([p[i] for p in parts]) for i in range(len(first)))
    return np.concatenate(parts, axis=0)


def _capped_epochs(epochs: int) -> int:
    """``epochs``, or ``keras.config.max_epochs()`` when that is set and smaller."""
    cap = keras_config.max_epochs()
    if cap and cap < epochs:
        warnings.warn(f"Limiting epochs to {cap}", stacklevel=3)
        return cap
    return epochs


def _should_eval(epoch: int, freq) -> bool:
    if isinstance(freq, int):
        return (epoch + 1) % freq == 0
    return (epoch + 1) in freq


def _resolve_verbose(verbose) -> int:
    if verbose == "auto":
        return 1
    return int(verbose)


def _shuffle_rng() -> np.random.Generator:
    from ..utils.random import numpy_rng
    return numpy_rng()
