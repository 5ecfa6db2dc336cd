"""ExponentialDecay: ``initial * decay_rate ** (step / decay_steps)``."""
from __future__ import annotations

from typing import Any

import ember

from .learning_rate_schedule import LearningRateSchedule, as_float_tensor, check_positive


class ExponentialDecay(LearningRateSchedule):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)``; with
    ``staircase=True`` the exponent is floored (the rate drops every ``decay_steps``).

    >>> s = ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True)
    >>> [round(float(s(k)), 4) for k in (0, 9, 10, 25)]
    [0.1, 0.1, 0.05, 0.025]
    """

    def __init__(self, initial_learning_rate: float, decay_steps: int, decay_rate: float,
                 staircase: bool = False, name: str = "ExponentialDecay"):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name
        check_positive("decay_steps", decay_steps)

    def __call__(self, step: Any) -> ember.Tensor:
        initial = as_float_tensor(self.initial_learning_rate)
        dtype = initial.dtype
        p = ember.cast(step, dtype) / ember.cast(self.decay_steps, dtype)
        if self.staircase:
            p = ember.floor(p)
        return initial * ember.pow(ember.cast(self.decay_rate, dtype), p)

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}
