"""The LearningRateSchedule base class and the schedules' (de)serialization."""
from __future__ import annotations

from typing import Any

import ember


class LearningRateSchedule:
    """Base class of learning-rate schedules: ``schedule(step)`` returns the rate.

    Pass an instance as an optimizer's ``learning_rate``; the optimizer calls it with its
    ``iterations`` counter before every update.

    >>> class Halving(LearningRateSchedule):
    ...     def __init__(self, initial):
    ...         self.initial = initial
    ...     def __call__(self, step):
    ...         return self.initial * 0.5 ** ember.cast(step, "float32")
    ...     def get_config(self):
    ...         return {"initial": self.initial}
    >>> float(Halving(1.0)(2))
    0.25
    """

    def __call__(self, step: Any) -> ember.Tensor:
        raise NotImplementedError(f"Learning rate schedule '{type(self).__name__}' must "
                                  "override `__call__(self, step)`.")

    def get_config(self) -> dict:
        raise NotImplementedError(f"Learning rate schedule '{type(self).__name__}' must "
                                  "override `get_config()` in order to be serializable.")

    @classmethod
    def from_config(cls, config: dict) -> LearningRateSchedule:
        """The schedule ``get_config()`` describes."""
        return cls(**config)


def as_float_tensor(value: Any) -> ember.Tensor:
    """``value`` as a tensor (a Python float becomes float32, as Keras's convert_to_tensor)."""
    return value if isinstance(value, ember.Tensor) else ember.convert_to_tensor(value)


def check_positive(name: str, value: Any) -> None:
    if value <= 0:
        raise ValueError(f"Argument `{name}` must be > 0. Received: {name}={value}")


def serialize(learning_rate_schedule: LearningRateSchedule) -> dict:
    """The Keras 3 config envelope of a schedule.

    >>> from ember.keras.optimizers.schedules import ExponentialDecay
    >>> serialize(ExponentialDecay(0.1, 100, 0.96))["class_name"]
    'ExponentialDecay'
    """
    from . import _FAMILY
    return _FAMILY.serialize(learning_rate_schedule)


def deserialize(config: dict, custom_objects: dict | None = None) -> LearningRateSchedule:
    """The schedule a config envelope (``{"class_name": ..., "config": ...}``) describes.

    >>> s = deserialize({"class_name": "InverseTimeDecay",
    ...                  "config": {"initial_learning_rate": 0.1, "decay_steps": 1,
    ...                             "decay_rate": 0.5}})
    >>> round(float(s(2)), 4)
    0.05
    """
    from . import _FAMILY  # the package's, built once every schedule class is defined
    return _FAMILY.deserialize(config, custom_objects)
