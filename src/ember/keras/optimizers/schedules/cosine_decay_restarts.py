"""CosineDecayRestarts: cosine decay with warm restarts (SGDR)."""
from __future__ import annotations

import math
from typing import Any

import ember

from .learning_rate_schedule import LearningRateSchedule, as_float_tensor, check_positive


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay from ``initial_learning_rate`` to ``alpha * initial`` over
    ``first_decay_steps``, then a restart; period ``i`` lasts ``t_mul ** i`` times longer
    and starts from ``m_mul ** i`` times the initial rate.

    >>> s = CosineDecayRestarts(1.0, first_decay_steps=10, t_mul=1.0)
    >>> [round(float(s(k)), 4) for k in (0, 5, 10, 15)]
    [1.0, 0.5, 1.0, 0.5]
    """

    def __init__(self, initial_learning_rate: float, first_decay_steps: int,
                 t_mul: float = 2.0, m_mul: float = 1.0, alpha: float = 0.0,
                 name: str = "SGDRDecay"):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name
        check_positive("first_decay_steps", first_decay_steps)

    def __call__(self, step: Any) -> ember.Tensor:
        initial = as_float_tensor(self.initial_learning_rate)
        dtype = initial.dtype
        alpha = ember.cast(self.alpha, dtype)
        t_mul = ember.cast(self._t_mul, dtype)
        one = ember.cast(1, dtype)
        fraction = ember.cast(step, dtype) / ember.cast(self.first_decay_steps, dtype)
        if float(self._t_mul) == 1.0:
            i_restart = ember.floor(fraction)
            fraction = fraction - i_restart
        else:
            i_restart = ember.floor(ember.log(one - fraction * (one - t_mul)) /
                                    ember.log(t_mul))
            sum_r = (one - ember.pow(t_mul, i_restart)) / (one - t_mul)
            fraction = (fraction - sum_r) / ember.pow(t_mul, i_restart)
        m_fac = ember.pow(ember.cast(self._m_mul, dtype), i_restart)
        cosine = 0.5 * m_fac * (one + ember.cos(ember.cast(math.pi, dtype) * fraction))
        return initial * ((one - alpha) * cosine + alpha)

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate,
                "first_decay_steps": self.first_decay_steps, "t_mul": self._t_mul,
                "m_mul": self._m_mul, "alpha": self.alpha, "name": self.name}
