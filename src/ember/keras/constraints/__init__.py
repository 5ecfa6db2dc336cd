"""keras.constraints: projections applied to weights after each optimizer update."""
from __future__ import annotations

from typing import Any

import ember

from ..saving.family import ObjectFamily


class Constraint:
    """Base class: ``constraint(w)`` returns the projected weight."""

    def __call__(self, w):
        return w

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> Constraint:
        return cls(**config)


def _norms(w, axis):
    return ember.sqrt(ember.reduce_sum(ember.square(w), axis=axis, keepdims=True))


class MaxNorm(Constraint):
    """Rescale so the norm along ``axis`` is at most ``max_value``."""

    def __init__(self, max_value=2, axis=0):
        self.max_value, self.axis = max_value, axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = ember.clip_by_value(norms, 0.0, float(self.max_value))
        return w * (desired / (norms + 1e-7))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Zero out negative values."""

    def __call__(self, w):
        return w * ember.cast(ember.greater_equal(w, 0.0), w.dtype)


class UnitNorm(Constraint):
    """Rescale to unit norm along ``axis``."""

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        return w / (_norms(w, self.axis) + 1e-7)

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Keep norms in ``[min_value, max_value]``, moving ``rate`` of the way there."""

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = self.rate * ember.clip_by_value(norms, float(self.min_value),
                                                  float(self.max_value)) + \
            (1 - self.rate) * norms
        return w * (desired / (norms + 1e-7))

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": self.axis}


max_norm, non_neg, unit_norm, min_max_norm = MaxNorm, NonNeg, UnitNorm, MinMaxNorm
ALL_CLASSES = {"Constraint": Constraint, "MaxNorm": MaxNorm, "NonNeg": NonNeg,
               "UnitNorm": UnitNorm, "MinMaxNorm": MinMaxNorm}
_ALIASES = {"max_norm": MaxNorm, "non_neg": NonNeg, "unit_norm": UnitNorm,
            "min_max_norm": MinMaxNorm}


_FAMILY = ObjectFamily(
    ALL_CLASSES, aliases=_ALIASES, instantiates=object, registered=False,
    invalid="Could not interpret constraint identifier: {!r}")


def get(identifier: Any):
    """A constraint from None, a name (``"non_neg"``), a config, an instance or callable."""
    return _FAMILY.get(identifier)


def serialize(constraint) -> Any:
    """The Keras 3 config envelope of ``constraint``.

    >>> serialize(NonNeg())["class_name"]
    'NonNeg'
    """
    return _FAMILY.serialize(constraint)


def deserialize(config, custom_objects=None):
    """The constraint a config envelope (or a class name) describes.

    >>> type(deserialize(serialize(NonNeg()))).__name__
    'NonNeg'
    """
    return _FAMILY.deserialize(config, custom_objects)
