"""SGD: gradient descent, optionally with (Nesterov) momentum."""
from __future__ import annotations

from typing import Any

import ember

from .base_optimizer import Optimizer, scalar


class SGD(Optimizer):
    """Gradient descent with optional momentum.

    ``w -= lr * g``; with momentum, ``velocity = momentum * velocity - lr * g`` then
    ``w += velocity``; with ``nesterov=True``, ``w += momentum * velocity - lr * g``.

    >>> w = ember.Variable([1.0])
    >>> opt = SGD(learning_rate=0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     _ = opt.apply_gradients([(ember.constant([1.0]), w)])
    >>> round(float(w[0]), 4)   # 1 - 0.1 - (0.9 * 0.1 + 0.1)
    0.71
    """

    def __init__(self, learning_rate: Any = 0.01, momentum: float = 0.0,
                 nesterov: bool = False, weight_decay: float | None = None,
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
        if isinstance(momentum, bool) or not isinstance(momentum, (int, float)) or \
                momentum < 0 or momentum > 1:
            raise ValueError(f"`momentum` must be a float between [0, 1]. Received: "
                             f"momentum={momentum!r}")
        self.momentum = momentum
        self.nesterov = nesterov

    def build(self, variables: list) -> None:
        """One ``momentum`` slot per variable, only when ``momentum`` is not 0."""
        if self.built:
            return
        super().build(variables)
        self.momentums = []
        if self.momentum != 0:
            self.momentums = self.add_optimizer_variables(variables, "momentum")

    def _make_step_constants(self, dtype, learning_rate):
        return scalar(learning_rate, dtype), scalar(self.momentum, dtype)

    def update_step(self, gradient, variable, learning_rate) -> None:
        lr, momentum = self._step_constants(variable.dtype, learning_rate)
        gradient = ember.cast(gradient, variable.dtype)
        m = self.momentums[self._get_variable_index(variable)] if self.momentum != 0 \
            else None
        if m is None:
            ember.raw_ops.apply_gradient_descent(variable, lr, gradient)
            return
        ember.raw_ops.apply_momentum(variable, m, lr, gradient, momentum, self.nesterov)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return config
