"""Lion: sign-based updates from an interpolated momentum (Chen et al., 2023)."""
from __future__ import annotations

from typing import Any

import ember

from .base_optimizer import Optimizer, read, scalar


class Lion(Optimizer):
    """Lion: ``w -= lr * sign(b1 * m + (1 - b1) * g)``, then
    ``m = b2 * m + (1 - b2) * g``. Every coordinate moves by exactly ``lr``.

    >>> w = ember.Variable([1.0, 1.0])
    >>> _ = Lion(learning_rate=0.1).apply_gradients([(ember.constant([3.0, -0.01]), w)])
    >>> [round(x, 4) for x in w.numpy().tolist()]
    [0.9, 1.1]
    """

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9,
                 beta_2: float = 0.99, weight_decay: float | None = None,
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
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError("Argument `beta_1` must be in the [0, 1] range. Otherwise, the "
                             f"optimizer degenerates to SignSGD. Received: beta_1={beta_1}.")

    def build(self, var_list: list) -> None:
        """One ``momentum`` slot per variable."""
        if self.built:
            return
        super().build(var_list)
        self._momentums = self.add_optimizer_variables(var_list, "momentum")

    def _make_step_constants(self, dtype, learning_rate):
        return (scalar(learning_rate, dtype), scalar(self.beta_1, dtype),
                scalar(1.0 - self.beta_1, dtype), scalar(1.0 - self.beta_2, dtype))

    def update_step(self, gradient, variable, learning_rate) -> None:
        lr, beta_1, one_minus_b1, one_minus_b2 = self._step_constants(variable.dtype,
                                                                      learning_rate)
        gradient = ember.cast(gradient, variable.dtype)
        m = self._momentums[self._get_variable_index(variable)]
        momentum = read(m)
        variable.assign_sub(lr * ember.sign(momentum * beta_1 + gradient * one_minus_b1))
        m.assign_add((gradient - momentum) * one_minus_b2)   # m = b2 m + (1 - b2) g

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2})
        return config
