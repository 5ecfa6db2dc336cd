"""Adagrad: per-coordinate learning rates from the sum of squared gradients."""
from __future__ import annotations

from typing import Any

import ember

from .base_optimizer import Optimizer, read, scalar


class Adagrad(Optimizer):
    """Adagrad (Duchi et al., 2011): ``acc += g^2``; ``w -= lr * g / sqrt(acc + eps)``,
    with ``acc`` starting at ``initial_accumulator_value``.

    >>> w = ember.Variable(1.0)
    >>> _ = Adagrad(learning_rate=0.1).apply_gradients([(ember.constant(0.3), w)])
    >>> round(float(w), 4)   # 1 - 0.1 * 0.3 / sqrt(0.1 + 0.09)
    0.9312
    """

    def __init__(self, learning_rate: Any = 0.001, initial_accumulator_value: float = 0.1,
                 epsilon: float = 1e-7, weight_decay: float | None = None,
                 clipnorm: float | None = None, clipvalue: float | None = None,
                 global_clipnorm: float | None = None, use_ema: bool = False,
                 ema_momentum: float = 0.99, ema_overwrite_frequency: int | None = None,
                 loss_scale_factor: float | None = None,
                 gradient_accumulation_steps: int | None = None, name: str | None = None,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue,
                         global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, var_list: list) -> None:
        """One ``accumulator`` slot per variable, filled with
        ``initial_accumulator_value``."""
        if self.built:
            return
        super().build(var_list)
        from .. import initializers
        self._accumulators = self.add_optimizer_variables(
            var_list, "accumulator",
            initializer=initializers.Constant(self.initial_accumulator_value))

    def _make_step_constants(self, dtype, learning_rate):
        return scalar(learning_rate, dtype), scalar(self.epsilon, dtype)

    def update_step(self, gradient, variable, learning_rate) -> None:
        lr, eps = self._step_constants(variable.dtype, learning_rate)
        gradient = ember.cast(gradient, variable.dtype)
        accumulator = self._accumulators[self._get_variable_index(variable)]
        accumulator.assign_add(ember.square(gradient))
        variable.assign_sub(lr * gradient / ember.sqrt(read(accumulator) + eps))

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"initial_accumulator_value": self.initial_accumulator_value,
                       "epsilon": self.epsilon})
        return config
