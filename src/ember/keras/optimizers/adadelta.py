"""Adadelta: step sizes from running averages of squared gradients and updates."""
from __future__ import annotations

from typing import Any

import ember

from .base_optimizer import Optimizer, read, scalar


class Adadelta(Optimizer):
    """Adadelta (Zeiler, 2012): ``E[g^2] = rho E[g^2] + (1 - rho) g^2``;
    ``delta = -sqrt(E[dx^2] + eps) / sqrt(E[g^2] + eps) * g``;
    ``E[dx^2] = rho E[dx^2] + (1 - rho) delta^2``; ``w += lr * delta``.

    >>> w = ember.Variable(1.0)
    >>> _ = Adadelta(learning_rate=1.0).apply_gradients([(ember.constant(1.0), w)])
    >>> round(float(w), 6)   # 1 - sqrt(1e-7) / sqrt(0.05 + 1e-7)
    0.998586
    """

    def __init__(self, learning_rate: Any = 0.001, rho: float = 0.95, epsilon: float = 1e-7,
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
        self.epsilon = epsilon

    def build(self, var_list: list) -> None:
        """Slots ``accumulated_grad`` and ``accumulated_delta_var``, interleaved."""
        if self.built:
            return
        super().build(var_list)
        self._accumulated_grads, self._accumulated_delta_vars = \
            self.add_optimizer_variables(var_list,
                                         ["accumulated_grad", "accumulated_delta_var"])

    def _make_step_constants(self, dtype, learning_rate):
        return (scalar(learning_rate, dtype), scalar(1 - self.rho, dtype),
                scalar(self.epsilon, dtype))

    def update_step(self, gradient, variable, learning_rate) -> None:
        lr, one_minus_rho, eps = self._step_constants(variable.dtype, learning_rate)
        gradient = ember.cast(gradient, variable.dtype)
        index = self._get_variable_index(variable)
        acc_grad = self._accumulated_grads[index]
        acc_delta = self._accumulated_delta_vars[index]
        # running means as ``a += (x - a) * (1 - rho)``; ``step`` is ``-delta``
        acc_grad.assign_add((ember.square(gradient) - read(acc_grad)) * one_minus_rho)
        step = ember.sqrt(read(acc_delta) + eps) * gradient / ember.sqrt(read(acc_grad) + eps)
        acc_delta.assign_add((ember.square(step) - read(acc_delta)) * one_minus_rho)
        variable.assign_sub(lr * step)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"rho": self.rho, "epsilon": self.epsilon})
        return config
