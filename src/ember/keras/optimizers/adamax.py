"""Adamax: Adam with the infinity norm in place of the second moment."""
from __future__ import annotations

from typing import Any

import ember

from .base_optimizer import Optimizer, read, scalar


class Adamax(Optimizer):
    """Adamax (Kingma & Ba, 2014, section 7): ``m = b1 m + (1 - b1) g``;
    ``u = max(b2 u, |g|)``; ``w -= lr * m / ((1 - b1^t) * (u + eps))``.

    >>> w = ember.Variable(1.0)
    >>> _ = Adamax(learning_rate=0.1).apply_gradients([(ember.constant(2.0), w)])
    >>> round(float(w), 4)
    0.9
    """

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-7,
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
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list: list) -> None:
        """Slots ``momentum`` and ``norm``, interleaved per variable."""
        if self.built:
            return
        super().build(var_list)
        self._m, self._u = self.add_optimizer_variables(var_list, ["momentum", "norm"])

    def _make_step_constants(self, dtype, learning_rate):
        beta_1_power = ember.pow(scalar(self.beta_1, dtype), self._local_step(dtype))
        return (scalar(learning_rate, dtype), scalar(1 - self.beta_1, dtype),
                scalar(self.beta_2, dtype), 1 - beta_1_power, scalar(self.epsilon, dtype))

    def update_step(self, gradient, variable, learning_rate) -> None:
        lr, one_minus_b1, beta_2, correction, eps = self._step_constants(variable.dtype,
                                                                         learning_rate)
        gradient = ember.cast(gradient, variable.dtype)
        index = self._get_variable_index(variable)
        m, u = self._m[index], self._u[index]
        m.assign_add((gradient - read(m)) * one_minus_b1)
        u.assign(ember.maximum(beta_2 * read(u), ember.abs(gradient)))
        variable.assign_sub(lr * read(m) / (correction * (read(u) + eps)))

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2,
                       "epsilon": self.epsilon})
        return config
