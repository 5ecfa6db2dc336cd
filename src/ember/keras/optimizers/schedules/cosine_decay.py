"""CosineDecay: an optional linear warmup, then a half-cosine down to ``alpha``."""
from __future__ import annotations

import math
from typing import Any

import ember

from .learning_rate_schedule import LearningRateSchedule, as_float_tensor, check_positive


class CosineDecay(LearningRateSchedule):
    """Cosine decay (SGDR without restarts), with an optional linear warmup.

    Without ``warmup_target``: ``initial * ((1 - alpha) * 0.5 * (1 + cos(pi * t)) + alpha)``
    with ``t = min(step, decay_steps) / decay_steps``. With ``warmup_target``: a linear
    ramp from ``initial_learning_rate`` to ``warmup_target`` over ``warmup_steps``, then
    the same decay starting from ``warmup_target``.

    >>> s = CosineDecay(1.0, decay_steps=10)
    >>> [round(float(s(k)), 4) for k in (0, 5, 10, 15)]
    [1.0, 0.5, 0.0, 0.0]
    >>> w = CosineDecay(0.0, 10, warmup_target=1.0, warmup_steps=4)
    >>> [round(float(w(k)), 4) for k in (0, 2, 4, 9)]
    [0.0, 0.5, 1.0, 0.5]
    """

    def __init__(self, initial_learning_rate: float, decay_steps: int, alpha: float = 0.0,
                 name: str = "CosineDecay", warmup_target: float | None = None,
                 warmup_steps: int = 0):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_steps = warmup_steps
        self.warmup_target = warmup_target
        check_positive("decay_steps", decay_steps)

    def _decay(self, step, decay_steps, decay_from, dtype):
        fraction = step / decay_steps
        cosine = 0.5 * (1.0 + ember.cos(ember.cast(math.pi, dtype) * fraction))
        decayed = (1 - self.alpha) * cosine + self.alpha
        return decay_from * ember.cast(decayed, dtype)

    def __call__(self, step: Any) -> ember.Tensor:
        initial = as_float_tensor(self.initial_learning_rate)
        dtype = initial.dtype
        decay_steps = ember.cast(self.decay_steps, dtype)
        step = ember.cast(step, dtype)
        if self.warmup_target is None:
            return self._decay(ember.minimum(step, decay_steps), decay_steps, initial, dtype)
        target = ember.cast(self.warmup_target, dtype)
        warmup_steps = ember.cast(self.warmup_steps, dtype)
        step = ember.minimum(step, decay_steps + warmup_steps)
        # both branches are scalars: compute both and pick (no division by zero steps)
        ramp = (target - initial) * (step / ember.cast(max(self.warmup_steps, 1), dtype)) \
            + initial
        decay = self._decay(step - warmup_steps, decay_steps, target, dtype)
        return ember.where(step < warmup_steps, ramp, decay)

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "alpha": self.alpha, "name": self.name,
                "warmup_target": self.warmup_target, "warmup_steps": self.warmup_steps}
