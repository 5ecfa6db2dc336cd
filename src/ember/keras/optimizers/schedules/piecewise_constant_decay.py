"""PiecewiseConstantDecay: a constant rate per interval between step boundaries."""
from __future__ import annotations

from typing import Any

import ember

from .learning_rate_schedule import LearningRateSchedule, as_float_tensor


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[0]`` while ``step <= boundaries[0]``, ``values[1]`` while
    ``step <= boundaries[1]``, ..., and ``values[-1]`` after the last boundary.

    >>> s = PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1])
    >>> [round(float(s(k)), 4) for k in (0, 10, 11, 20, 21)]
    [1.0, 1.0, 0.5, 0.5, 0.1]
    """

    def __init__(self, boundaries: list, values: list, name: str = "PiecewiseConstant"):
        super().__init__()
        if len(boundaries) != len(values) - 1:
            raise ValueError("The length of boundaries should be 1 less than the length of "
                             f"values. Received: boundaries={boundaries} of length "
                             f"{len(boundaries)}, and values={values} of length "
                             f"{len(values)}.")
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step: Any) -> ember.Tensor:
        step = ember.stop_gradient(step) if isinstance(step, ember.Variable) else \
            as_float_tensor(step)
        bounds = [ember.cast(b, step.dtype) for b in self.boundaries]
        values = [as_float_tensor(v) for v in self.values]
        dtype = values[0].dtype
        result = ember.cast(step <= bounds[0], dtype) * values[0]
        result = result + ember.cast(step > bounds[-1], dtype) * ember.cast(values[-1], dtype)
        for low, high, value in zip(bounds[:-1], bounds[1:], values[1:-1]):
            inside = ember.logical_and(step > low, step <= high)
            result = result + ember.cast(inside, dtype) * ember.cast(value, dtype)
        return result

    def get_config(self) -> dict:
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}
