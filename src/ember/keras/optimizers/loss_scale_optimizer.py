"""keras.optimizers.LossScaleOptimizer: dynamic loss scaling around another optimizer."""
from __future__ import annotations

from typing import Any

import ember

from .base_optimizer import Optimizer, read

_BASE_DEFAULTS = {"weight_decay": None, "clipnorm": None, "global_clipnorm": None,
                  "clipvalue": None, "use_ema": False, "ema_momentum": 0.99,
                  "ema_overwrite_frequency": None, "loss_scale_factor": None,
                  "gradient_accumulation_steps": None}


class LossScaleOptimizer(Optimizer):
    """Wrap ``inner_optimizer`` with dynamic loss scaling (for float16 training): the loss
    is multiplied by a scale before differentiating and the gradients divided by it
    before the update. A step whose gradients hold inf or NaN is skipped and halves the
    scale; ``dynamic_growth_steps`` finite steps in a row double it.

    >>> from ember import keras
    >>> w = ember.Variable([1.0])
    >>> opt = LossScaleOptimizer(keras.optimizers.SGD(0.5), initial_scale=4.0)
    >>> opt.apply([ember.constant([float("inf")])], [w])       # skipped, scale halved
    >>> float(opt.dynamic_scale), w.numpy().tolist()
    (2.0, [1.0])
    >>> opt.apply([ember.constant([2.0])], [w])                 # unscaled: 2 / 2 = 1
    >>> w.numpy().tolist(), int(opt.iterations)
    ([0.5], 1)
    """

    def __init__(self, inner_optimizer: Optimizer, initial_scale: float = 2.0 ** 15,
                 dynamic_growth_steps: int = 2000, name: str | None = None, **kwargs):
        if not kwargs.pop("dynamic", True):
            raise ValueError("LossScaleOptimizer no longer supports `dynamic=False`. "
                             "Instead, simply set `loss_scale_factor` directly on the "
                             "`inner_optimizer`.")
        for arg_name, default in _BASE_DEFAULTS.items():
            if arg_name in kwargs and kwargs.pop(arg_name) != default:
                raise ValueError(f"LossScaleOptimizer does not support `{arg_name}`. "
                                 f"Instead, set `{arg_name}` on the `inner_optimizer`.")
        if kwargs:
            raise ValueError("LossScaleOptimizer does not support arguments: "
                             f"`{'`, `'.join(kwargs)}`.")
        if not isinstance(inner_optimizer, Optimizer):
            raise TypeError("LossScaleOptimizer: `inner_optimizer` must be a "
                            "keras.optimizers.Optimizer. Received: "
                            f"inner_optimizer={inner_optimizer!r}")
        if int(dynamic_growth_steps) < 1:
            raise ValueError("LossScaleOptimizer: `dynamic_growth_steps` must be >= 1. "
                             f"Received: dynamic_growth_steps={dynamic_growth_steps}")
        super().__init__(learning_rate=0.0, name=name)
        self.inner_optimizer = inner_optimizer
        self.initial_scale = initial_scale
        self.dynamic_growth_steps = int(dynamic_growth_steps)
        # the inner optimizer must not unscale a second time
        inner_optimizer.loss_scale_factor = None
        # created now (Keras: in build) so that a traced train step's scale_loss, which
        # runs before the first apply builds the optimizer, reads the variable
        self.step_counter = self.add_variable(shape=(), dtype="int64", name="step_counter")
        self.dynamic_scale = self.add_variable(shape=(), dtype="float32",
                                               name="dynamic_scale")
        self.dynamic_scale.assign(ember.constant(float(initial_scale), "float32"))

    def build(self, variables: list) -> None:
        self.inner_optimizer.build(variables)
        super().build(variables)

    @property
    def variables(self) -> list:
        """This optimizer's variables, then the inner optimizer's (Keras's order)."""
        return self._variables[:] + self.inner_optimizer.variables

    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, learning_rate: Any) -> None:
        if "inner_optimizer" not in self.__dict__:   # the base constructor's placeholder
            Optimizer.learning_rate.fset(self, learning_rate)
            return
        self.inner_optimizer.learning_rate = learning_rate

    @property
    def iterations(self):
        return self.inner_optimizer.iterations

    def scale_loss(self, loss: Any):
        """``loss`` times the current loss scale."""
        loss = ember.convert_to_tensor(loss)
        scale = read(self.dynamic_scale)
        if loss.dtype != scale.dtype:
            scale = ember.cast(scale, loss.dtype)
        return loss * scale

    @staticmethod
    def check_finite(grads: list) -> ember.Tensor:
        """Whether every gradient (None ones skipped) is free of inf and NaN."""
        checks = [ember.reduce_all(ember.math.is_finite(read(g))) for g in grads
                  if g is not None]
        if not checks:
            return ember.constant(True)
        return ember.reduce_all(ember.stack(checks))

    def apply(self, grads: list, trainable_variables: list | None = None) -> None:
        grads = list(grads)
        if not grads:
            return
        if not self.built:
            if trainable_variables is None:
                raise ValueError("When passing `grads` without `variables`, the optimizer "
                                 "must already be built on a list of variables. Call "
                                 "`optimizer.build(trainable_variables)` first.")
            self.build(list(trainable_variables))
        variables = list(trainable_variables) if trainable_variables is not None \
            else self._trainable_variables
        finite = self.check_finite(grads)
        ember.cond(finite, lambda: self._apply_finite(grads, trainable_variables, variables),
                   self._skip_non_finite)

    def _apply_finite(self, grads: list, trainable_variables: list | None,
                      variables: list) -> None:
        scale = read(self.dynamic_scale)
        unscaled = []
        for g, v in zip(grads, variables):
            if g is None or getattr(v, "overwrite_with_gradient", False):
                unscaled.append(g)
            else:
                g = read(g)
                unscaled.append(g / ember.cast(scale, g.dtype))
        self.inner_optimizer.apply(unscaled, trainable_variables)
        due = ember.equal(read(self.step_counter), self.dynamic_growth_steps - 1)
        ember.cond(due, self._grow, self._count)

    def _grow(self) -> None:
        self.step_counter.assign(ember.zeros((), "int64"))
        self.dynamic_scale.assign(read(self.dynamic_scale) * 2.0)

    def _count(self) -> None:
        self.step_counter.assign_add(ember.ones((), "int64"))

    def _skip_non_finite(self) -> None:
        self.step_counter.assign(ember.zeros((), "int64"))
        self.dynamic_scale.assign(read(self.dynamic_scale) * 0.5)

    def finalize_variable_values(self, var_list: list) -> None:
        self.inner_optimizer.finalize_variable_values(var_list)

    def get_config(self) -> dict:
        from ..saving.serialization import serialize_keras_object
        return {"name": self.name,
                "inner_optimizer": serialize_keras_object(self.inner_optimizer),
                "initial_scale": self.initial_scale,
                "dynamic_growth_steps": self.dynamic_growth_steps}

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None
                    ) -> LossScaleOptimizer:
        from ..saving.serialization import deserialize_keras_object
        config = dict(config)
        inner = deserialize_keras_object(config.pop("inner_optimizer"),
                                         custom_objects=custom_objects)
        return cls(inner, **config)

