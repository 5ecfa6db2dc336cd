"""Lamb: Adam with a per-layer trust ratio (You et al., 2019)."""
from __future__ import annotations

from typing import Any

import ember

from .base_optimizer import Optimizer, read, scalar


class Lamb(Optimizer):
    """Lamb: the bias-corrected Adam direction ``u = m_hat / (sqrt(v_hat) + eps)``,
    scaled per variable by the trust ratio ``||w|| / ||u||`` (1 when either is 0):
    ``w -= ratio * lr * u``.

    >>> w = ember.Variable([3.0, 4.0])
    >>> _ = Lamb(learning_rate=0.1).apply_gradients([(ember.constant([1.0, 1.0]), w)])
    >>> [round(x, 4) for x in w.numpy().tolist()]   # u = [1, 1], ratio = 5 / sqrt(2)
    [2.6464, 3.6464]
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
        """Slots ``momentum`` and ``velocity``, interleaved per variable."""
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"])

    def _make_step_constants(self, dtype, learning_rate):
        step = self._local_step(dtype)
        beta_1_power = ember.pow(scalar(self.beta_1, dtype), step)
        beta_2_power = ember.pow(scalar(self.beta_2, dtype), step)
        return (scalar(learning_rate, dtype), scalar(1 - self.beta_1, dtype),
                scalar(1 - self.beta_2, dtype), 1 - beta_1_power, 1 - beta_2_power,
                scalar(self.epsilon, dtype))

    def update_step(self, gradient, variable, learning_rate) -> None:
        lr, one_minus_b1, one_minus_b2, correction_1, correction_2, eps = \
            self._step_constants(variable.dtype, learning_rate)
        gradient = ember.cast(gradient, variable.dtype)
        index = self._get_variable_index(variable)
        m, v = self._momentums[index], self._velocities[index]
        m.assign_add((gradient - read(m)) * one_minus_b1)
        v.assign_add((ember.square(gradient) - read(v)) * one_minus_b2)
        update = (read(m) / correction_1) / (ember.sqrt(read(v) / correction_2) + eps)
        w = read(variable)
        w_norm = ember.sqrt(ember.reduce_sum(ember.square(w)))
        u_norm = ember.sqrt(ember.reduce_sum(ember.square(update)))
        zero, one = ember.zeros_like(w_norm), ember.ones_like(w_norm)
        safe_u_norm = ember.where(u_norm > zero, u_norm, one)
        ratio = ember.where(ember.logical_and(w_norm > zero, u_norm > zero),
                            w_norm / safe_u_norm, one)
        variable.assign_sub(update * (ratio * lr))

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2,
                       "epsilon": self.epsilon})
        return config
