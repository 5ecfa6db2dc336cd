"""Nadam: Adam with Nesterov momentum (Dozat, 2015)."""
from __future__ import annotations

from typing import Any

import ember

from .. import config
from ..variables import KerasVariable
from .base_optimizer import Optimizer, read, scalar


class Nadam(Optimizer):
    """Nadam: Adam whose first moment looks one step ahead, with the momentum schedule
    ``u_t = b1 * (1 - 0.5 * 0.96^t)`` and its running product.

    >>> w = ember.Variable(1.0)
    >>> _ = Nadam(learning_rate=0.1).apply_gradients([(ember.constant(2.0), w)])
    >>> round(float(w), 4)
    0.8937
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
        """Slots ``momentum`` and ``velocity`` (interleaved), then the scalar product of
        the momentum schedule (last, as Keras)."""
        if self.built:
            return
        var_list = list(var_list)
        dtype = var_list[0].dtype if var_list else config.floatx()
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"])
        # Keras creates it as an unnamed Variable outside any name scope: its name and
        # path are the next "variable", "variable_1" ...
        self._u_product = KerasVariable(1.0, dtype=dtype, trainable=False)

    def _backend_update_step(self, grads, trainable_variables, learning_rate) -> None:
        dtype = self._u_product.dtype
        decay = ember.pow(scalar(0.96, dtype), self._local_step(dtype))
        self._u_product.assign(read(self._u_product) * self.beta_1 * (1.0 - 0.5 * decay))
        super()._backend_update_step(grads, trainable_variables, learning_rate)

    def _make_step_constants(self, dtype, learning_rate):
        beta_1 = scalar(self.beta_1, dtype)
        decay = scalar(0.96, dtype)
        step = self._local_step(dtype)
        u_t = beta_1 * (1.0 - 0.5 * ember.pow(decay, step))
        u_t_1 = beta_1 * (1.0 - 0.5 * ember.pow(decay, step + 1))
        u_product_t = ember.cast(read(self._u_product), dtype)
        u_product_t_1 = u_product_t * u_t_1
        beta_2_power = ember.pow(scalar(self.beta_2, dtype), step)
        # lr * m_hat = m * k_m + g * k_g, v_hat = v / (1 - beta_2^t)
        lr = scalar(learning_rate, dtype)
        k_m = lr * u_t_1 / (1 - u_product_t_1)
        k_g = lr * (1 - u_t) / (1 - u_product_t)
        return (scalar(1 - self.beta_1, dtype), scalar(1 - self.beta_2, dtype), k_m, k_g,
                1 - beta_2_power, scalar(self.epsilon, dtype))

    def update_step(self, gradient, variable, learning_rate) -> None:
        one_minus_b1, one_minus_b2, k_m, k_g, correction_2, eps = \
            self._step_constants(variable.dtype, learning_rate)
        gradient = ember.cast(gradient, variable.dtype)
        index = self._get_variable_index(variable)
        m, v = self._momentums[index], self._velocities[index]
        m.assign_add((gradient - read(m)) * one_minus_b1)
        v.assign_add((ember.square(gradient) - read(v)) * one_minus_b2)
        lr_m_hat = read(m) * k_m + gradient * k_g
        v_hat = read(v) / correction_2
        variable.assign_sub(lr_m_hat / (ember.sqrt(v_hat) + eps))

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2,
                       "epsilon": self.epsilon})
        return config
