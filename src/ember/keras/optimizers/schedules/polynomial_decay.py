"""PolynomialDecay: from ``initial`` to ``end_learning_rate`` along ``(1 - t) ** power``."""
from __future__ import annotations

from typing import Any

import ember

from .learning_rate_schedule import LearningRateSchedule, as_float_tensor, check_positive


class PolynomialDecay(LearningRateSchedule):
    """``(initial - end) * (1 - step / decay_steps) ** power + end``, with ``step``
    capped at ``decay_steps``; with ``cycle=True`` the horizon grows to the first
    multiple of ``decay_steps`` past ``step`` instead.

    >>> s = PolynomialDecay(0.1, decay_steps=10, end_learning_rate=0.01)
    >>> [round(float(s(k)), 4) for k in (0, 5, 10, 20)]
    [0.1, 0.055, 0.01, 0.01]
    """

    def __init__(self, initial_learning_rate: float, decay_steps: int,
                 end_learning_rate: float = 0.0001, power: float = 1.0,
                 cycle: bool = False, name: str = "PolynomialDecay"):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name
        check_positive("decay_steps", decay_steps)

    def __call__(self, step: Any) -> ember.Tensor:
        initial = as_float_tensor(self.initial_learning_rate)
        dtype = initial.dtype
        end = ember.cast(self.end_learning_rate, dtype)
        power = ember.cast(self.power, dtype)
        step = ember.cast(step, dtype)
        horizon = ember.cast(self.decay_steps, dtype)
        if self.cycle:
            multiplier = ember.where(ember.equal(step, ember.cast(0, dtype)),
                                     ember.cast(1, dtype), ember.ceil(step / horizon))
            horizon = horizon * multiplier
        else:
            step = ember.minimum(step, horizon)
        p = step / horizon
        return (initial - end) * ember.pow(ember.cast(1, dtype) - p, power) + end

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "end_learning_rate": self.end_learning_rate,
                "power": self.power, "cycle": self.cycle, "name": self.name}
