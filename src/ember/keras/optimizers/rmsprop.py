"""RMSprop: divide the gradient by a running root-mean-square of recent gradients."""
from __future__ import annotations

from typing import Any

import ember

from .base_optimizer import Optimizer, read, scalar


class RMSprop(Optimizer):
    """RMSprop (Hinton, 2012): ``v = rho * v + (1 - rho) * g^2``, then
    ``w -= lr * g / sqrt(v + eps)``. ``centered=True`` subtracts the squared running
    mean of ``g`` from ``v``; ``momentum > 0`` adds plain momentum on the increment.

    >>> w = ember.Variable(10.0)
    >>> _ = RMSprop(learning_rate=0.1).apply_gradients([(ember.constant(10.0), w)])
    >>> round(float(w), 4)   # 10 - 0.1 * 10 / sqrt(0.1 * 100)
    9.6838
    """

    def __init__(self, learning_rate: Any = 0.001, rho: float = 0.9, momentum: float = 0.0,
                 epsilon: float = 1e-7, centered: bool = False,
                 weight_decay: float | None = None, clipnorm: float | None = None,
                 clipvalue: float | None = None, global_clipnorm: float | None = None,
                 use_ema: bool = False, ema_momentum: float = 0.99,
                 ema_overwrite_frequency: int | None = None,
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
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def build(self, var_list: list) -> None:
        """Slots: all ``velocity``s, then ``momentum``s (momentum > 0), then
        ``average_gradient``s (centered)."""
        if self.built:
            return
        super().build(var_list)
        self._velocities = self.add_optimizer_variables(var_list, "velocity")
        self._momentums = []
        if self.momentum > 0:
            self._momentums = self.add_optimizer_variables(var_list, "momentum")
        self._average_gradients = []
        if self.centered:
            self._average_gradients = self.add_optimizer_variables(var_list,
                                                                   "average_gradient")

    def _make_step_constants(self, dtype, learning_rate):
        return (scalar(learning_rate, dtype), scalar(1 - self.rho, dtype),
                scalar(self.epsilon, dtype), scalar(self.momentum, dtype))

    def update_step(self, gradient, variable, learning_rate) -> None:
        lr, one_minus_rho, eps, momentum = self._step_constants(variable.dtype,
                                                                learning_rate)
        gradient = ember.cast(gradient, variable.dtype)
        index = self._get_variable_index(variable)
        velocity = self._velocities[index]
        # v = rho * v + (1 - rho) * g^2, as one pass fewer: v += (g^2 - v) * (1 - rho)
        velocity.assign_add((ember.square(gradient) - read(velocity)) * one_minus_rho)
        if self.centered:
            average = self._average_gradients[index]
            average.assign_add((gradient - read(average)) * one_minus_rho)
            denominator = read(velocity) - ember.square(read(average)) + eps
        else:
            denominator = read(velocity) + eps
        increment = lr * gradient / ember.sqrt(denominator)
        if self.momentum > 0:
            m = self._momentums[index]
            m.assign(momentum * read(m) + increment)
            variable.assign_sub(read(m))
        else:
            variable.assign_sub(increment)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon,
                       "centered": self.centered})
        return config
