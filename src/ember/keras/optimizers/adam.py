"""Adam: adaptive moment estimation (Kingma & Ba, 2014), with the AMSGrad variant."""
from __future__ import annotations

from typing import Any

import ember

from .base_optimizer import Optimizer, read, scalar


class Adam(Optimizer):
    """Adam: running means of the gradient (``m``) and its square (``v``), bias-corrected
    through the step size: ``w -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)``.
    ``amsgrad=True`` divides by the running maximum of ``v`` instead.

    >>> w = ember.Variable([1.0, -1.0])
    >>> _ = Adam(learning_rate=0.1).apply_gradients([(ember.constant([0.5, -2.0]), w)])
    >>> [round(x, 4) for x in w.numpy().tolist()]   # first step moves each by ~lr
    [0.9, -0.9]
    """

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-7, amsgrad: bool = False,
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
        self.amsgrad = amsgrad

    def build(self, var_list: list) -> None:
        """Slots ``momentum`` and ``velocity`` (interleaved per variable), then
        ``velocity_hat`` with amsgrad."""
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"])
        if self.amsgrad:
            self._velocity_hats = self.add_optimizer_variables(var_list, "velocity_hat")

    def _make_step_constants(self, dtype, learning_rate):
        lr = scalar(learning_rate, dtype)
        step = self._local_step(dtype)
        beta_1_power = ember.pow(scalar(self.beta_1, dtype), step)
        beta_2_power = ember.pow(scalar(self.beta_2, dtype), step)
        alpha = lr * ember.sqrt(1 - beta_2_power) / (1 - beta_1_power)
        return (alpha, scalar(1 - self.beta_1, dtype), scalar(1 - self.beta_2, dtype),
                scalar(self.epsilon, dtype))

    def update_step(self, gradient, variable, learning_rate) -> None:
        alpha, one_minus_b1, one_minus_b2, eps = self._step_constants(variable.dtype,
                                                                      learning_rate)
        gradient = ember.cast(gradient, variable.dtype)
        index = self._get_variable_index(variable)
        m, v = self._momentums[index], self._velocities[index]
        if not self.amsgrad:
            # the same formula, fused and in place: one scratch buffer per variable
            ember.raw_ops.apply_adam(variable, m, v, gradient, alpha, one_minus_b1,
                                     one_minus_b2, eps)
            return
        m.assign_add((gradient - read(m)) * one_minus_b1)
        v.assign_add((ember.square(gradient) - read(v)) * one_minus_b2)
        if self.amsgrad:
            v_hat = self._velocity_hats[index]
            v_hat.assign(ember.maximum(read(v_hat), read(v)))
            v = v_hat
        variable.assign_sub(read(m) * alpha / (ember.sqrt(read(v)) + eps))

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2,
                       "epsilon": self.epsilon, "amsgrad": self.amsgrad})
        return config
