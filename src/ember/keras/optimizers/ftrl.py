"""FTRL-Proximal (McMahan et al., 2013), with L1/L2 and L2-shrinkage regularization."""
from __future__ import annotations

from typing import Any

import ember

from .base_optimizer import Optimizer, read, scalar


class Ftrl(Optimizer):
    """Follow-the-regularized-leader, as in Keras:

    ``n_new = n + g^2``; ``z += g + 2 * l2_shrinkage * w - (n_new^-p - n^-p) / lr * w``;
    ``w = (clip(z, -l1, l1) - z) / (n_new^-p / lr + 2 * (l2 + beta / (2 lr)))``;
    with ``p = learning_rate_power``, ``n`` starting at ``initial_accumulator_value``.

    >>> w = ember.Variable(0.0)
    >>> _ = Ftrl(learning_rate=0.1).apply_gradients([(ember.constant(1.0), w)])
    >>> round(float(w), 4)   # -1 / (sqrt(1.1) / 0.1)
    -0.0953
    """

    def __init__(self, learning_rate: Any = 0.001, learning_rate_power: float = -0.5,
                 initial_accumulator_value: float = 0.1,
                 l1_regularization_strength: float = 0.0,
                 l2_regularization_strength: float = 0.0,
                 l2_shrinkage_regularization_strength: float = 0.0, beta: float = 0.0,
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
        for arg, value in (("initial_accumulator_value", initial_accumulator_value),
                           ("l1_regularization_strength", l1_regularization_strength),
                           ("l2_regularization_strength", l2_regularization_strength),
                           ("l2_shrinkage_regularization_strength",
                            l2_shrinkage_regularization_strength)):
            if value < 0.0:
                raise ValueError(f"`{arg}` needs to be positive or zero. Received: "
                                 f"{arg}={value}.")
        if learning_rate_power > 0.0:
            raise ValueError("`learning_rate_power` needs to be negative or zero. Received: "
                             f"learning_rate_power={learning_rate_power}.")
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def build(self, var_list: list) -> None:
        """Slots ``accumulator`` (from ``initial_accumulator_value``) and ``linear``,
        interleaved per variable."""
        if self.built:
            return
        super().build(var_list)
        from .. import initializers
        self._accumulators, self._linears = self.add_optimizer_variables(
            var_list, ["accumulator", "linear"],
            initializer=[initializers.Constant(self.initial_accumulator_value), "zeros"])

    def _make_step_constants(self, dtype, learning_rate):
        lr = scalar(learning_rate, dtype)
        l2 = self.l2_regularization_strength + self.beta / (2.0 * lr)
        return (lr, 2 * l2, scalar(2 * self.l2_shrinkage_regularization_strength, dtype),
                scalar(-self.l1_regularization_strength, dtype),
                scalar(self.l1_regularization_strength, dtype),
                scalar(-self.learning_rate_power, dtype))

    def _power(self, x, exponent):
        return ember.sqrt(x) if -self.learning_rate_power == 0.5 else ember.pow(x, exponent)

    def update_step(self, gradient, variable, learning_rate) -> None:
        lr, two_l2, two_shrinkage, low, high, power = self._step_constants(
            variable.dtype, learning_rate)
        gradient = ember.cast(gradient, variable.dtype)
        index = self._get_variable_index(variable)
        accum, linear = self._accumulators[index], self._linears[index]
        w, n = read(variable), read(accum)
        grad_to_use = gradient + two_shrinkage * w \
            if self.l2_shrinkage_regularization_strength else gradient
        new_n = n + ember.square(gradient)
        new_n_power = self._power(new_n, power)
        linear.assign_add(grad_to_use - (new_n_power - self._power(n, power)) / lr * w)
        quadratic = new_n_power / lr + two_l2
        z = read(linear)
        variable.assign((ember.clip_by_value(z, low, high) - z) / quadratic)
        accum.assign(new_n)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "learning_rate_power": self.learning_rate_power,
            "initial_accumulator_value": self.initial_accumulator_value,
            "l1_regularization_strength": self.l1_regularization_strength,
            "l2_regularization_strength": self.l2_regularization_strength,
            "l2_shrinkage_regularization_strength":
                self.l2_shrinkage_regularization_strength,
            "beta": self.beta})
        return config
